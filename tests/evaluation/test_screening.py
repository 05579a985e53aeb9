"""Free text screened before an evaluator sees it: contact details and known names removed."""

import pytest

from evaluation.reporting import Filters, build_report
from evaluation.screening import Screen, known_screen
from tests import factories
from tests.evaluation.conftest import Participant

PLANTED = (
    "Thanks to Priya Raman (priya.raman@leeds-th.nhs.uk, 07700 900123 or +44 113 496 0000) at Leeds Teaching "
    "Hospitals NHS Trust, LS1 4AP. My NHS number is 943 476 5919; ring 0113 496 0000. Raman was great, Priya too."
)
SCREENED = (
    "Thanks to [name removed] ([email removed], [phone number removed] or [phone number removed]) at "
    "[organisation removed], [postcode removed]. My NHS number is [NHS number removed]; ring [phone number removed]. "
    "[name removed] was great, [name removed] too."
)


def test_screen_removes_email_phone_nhs_number_postcode_and_known_names():
    screen = Screen([("Priya", "Raman")], ["Leeds Teaching Hospitals NHS Trust"])

    assert screen(PLANTED) == SCREENED


@pytest.mark.parametrize(
    ("text", "screened"),
    [
        ("Call 020 7946 0958.", "Call [phone number removed]."),
        ("Call (0113) 496 0000", "Call [phone number removed]"),
        ("NHS no 9434765919", "NHS no [NHS number removed]"),
        ("Postcode sw1a 1aa", "Postcode [postcode removed]"),
        ("It took 3 hours and 45 minutes with 12 people", "It took 3 hours and 45 minutes with 12 people"),
        ("The possible was useful", "The possible was useful"),
    ],
)
def test_screen_cases(text, screened):
    assert Screen()(text) == screened


def test_screen_matches_a_first_name_only_when_capitalised():
    screen = Screen([("Will", "Okafor")], [])

    assert (
        screen("Will said we will do it; okafor agreed") == "[name removed] said we will do it; [name removed] agreed"
    )


@pytest.mark.django_db
def test_known_screen_knows_people_and_organisations_in_the_database():
    organisation = factories.organisation(name="Northshire Community Health")
    factories.person(first_name="Ngozi", last_name="Adeyemi", organisation=organisation)

    assert known_screen()("Ngozi Adeyemi from Northshire Community Health") == (
        "[name removed] from [organisation removed]"
    )


def test_the_report_shows_free_text_screened(builder):
    person = factories.person(first_name="Tamsin", last_name="Hollowell")
    session = builder.session("PIL-01")
    builder.participants(
        session, [Participant((2, 3), comment=f"Ask {person.full_name} on 07700 900{n:03d}") for n in range(8)]
    )

    report = build_report(builder.programme, Filters())

    assert {row["answer"] for row in report.table("comments").rows} == {"Ask [name removed] on [phone number removed]"}
