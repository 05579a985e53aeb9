"""Organisers' people pages: who may open them, search and filters, the person page with
invitations, registrations and attendance, editing, leadership groups, the import flow
(upload → preview → confirm) and query counts."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from attendees.enums import InvitationStatus, OrganisationType, RegistrationStatus
from attendees.models import GroupTarget, LeadershipGroup, Person
from summits.enums import PhaseKind, Region
from summits.models import AuditEntry
from tests import factories
from tests.attendees.test_imports import GOOD_ROWS, csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/code/"


def flash(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def groups(db):
    return {
        name: factories.leadership_group(name=name)
        for name in ("Acute trust boards", "CIO/CCIO network", "Chief nurses and clinical leaders")
    }


@pytest.fixture
def asha(groups):
    leeds = factories.organisation(
        name="Leeds Teaching Hospitals NHS Trust",
        type=OrganisationType.ACUTE_TRUST,
        region=Region.NORTH_EAST_AND_YORKSHIRE,
    )
    return factories.person(
        first_name="Asha",
        last_name="Patel",
        email="asha.patel@example.nhs.uk",
        job_title="Chief executive",
        organisation=leeds,
        groups=[groups["Acute trust boards"]],
    )


@pytest.fixture
def upload_token(organiser_client, groups):
    response = organiser_client.post(
        reverse("attendees:people-import"), {"file": SimpleUploadedFile("people.csv", csv_bytes(GOOD_ROWS))}
    )
    return response.url.rstrip("/").rsplit("/", 1)[-1]


# Who may open each page --------------------------------------------------------------------


PAGES = [
    "attendees:people-list",
    "attendees:person-detail",
    "attendees:person-edit",
    "attendees:people-import",
    "attendees:people-import-preview",
    "attendees:group-list",
    "attendees:group-create",
    "attendees:group-edit",
]


def page_url(name: str, asha, groups, token: str = "a-token") -> str:
    kwargs = {
        "attendees:person-detail": {"pk": asha.pk},
        "attendees:person-edit": {"pk": asha.pk},
        "attendees:people-import-preview": {"token": token},
        "attendees:group-edit": {"pk": groups["Acute trust boards"].pk},
    }.get(name, {})
    return reverse(name, kwargs=kwargs)


def test_every_people_url_is_covered():
    from attendees.views.people import urlpatterns

    assert {f"attendees:{pattern.name}" for pattern in urlpatterns} == set(PAGES)


@pytest.mark.parametrize("name", PAGES)
def test_people_page_sends_anonymous_people_to_sign_in(client, asha, groups, name):
    url = page_url(name, asha, groups)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?next={url}"


@pytest.fixture(params=["evaluator", "no role"])
def wrong_role_client(request, client, evaluator):
    user = evaluator if request.param == "evaluator" else factories.staff_user("attendee@example.nhs.uk")
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", PAGES)
def test_people_page_refuses_other_roles(wrong_role_client, asha, groups, name):
    response = wrong_role_client.get(page_url(name, asha, groups))

    assert response.status_code == 403
    assertNotContains(response, "asha.patel@example.nhs.uk", status_code=403)


@pytest.mark.parametrize("name", PAGES)
def test_people_page_refuses_posts_from_other_roles(wrong_role_client, asha, groups, name):
    data = {"first_name": "Changed", "last_name": "Patel", "email": "x@example.nhs.uk", "name": "New group"}

    response = wrong_role_client.post(page_url(name, asha, groups), data)

    assert response.status_code == 403
    assert Person.objects.get().first_name == "Asha"
    assert (LeadershipGroup.objects.count(), AuditEntry.objects.count()) == (3, 0)


@pytest.mark.parametrize("name", PAGES)
def test_people_page_opens_for_organisers(organiser_client, asha, groups, upload_token, name):
    response = organiser_client.get(page_url(name, asha, groups, token=upload_token))

    assert response.status_code == 200


def test_person_pages_404_for_an_unknown_person(organiser_client):
    assert organiser_client.get(reverse("attendees:person-detail", kwargs={"pk": 999})).status_code == 404
    assert organiser_client.get(reverse("attendees:person-edit", kwargs={"pk": 999})).status_code == 404
    assert organiser_client.get(reverse("attendees:group-edit", kwargs={"pk": 999})).status_code == 404


# The people list: search and filters ---------------------------------------------------------


@pytest.fixture
def many(groups, asha):
    london = factories.organisation(name="Camden Council", type=OrganisationType.LOCAL_AUTHORITY, region=Region.LONDON)
    tom = factories.person(
        first_name="Tom",
        last_name="Baker",
        email="tom.baker@example.gov.uk",
        organisation=london,
        groups=[groups["CIO/CCIO network"]],
    )
    sam = factories.person(first_name="Sam", last_name="Jones", email="sam@example.org.uk", organisation=None)
    return {"asha": asha, "tom": tom, "sam": sam}


def listed(client, query: str = "") -> list[str]:
    response = client.get(reverse("attendees:people-list") + query)
    assert response.status_code == 200
    return [person.email for person in response.context["people"]]


def test_people_list_shows_everyone_by_last_name(organiser_client, many):
    assert listed(organiser_client) == ["tom.baker@example.gov.uk", "sam@example.org.uk", "asha.patel@example.nhs.uk"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=asha", ["asha.patel@example.nhs.uk"]),
        ("?q=Tom+Baker", ["tom.baker@example.gov.uk"]),
        ("?q=EXAMPLE.ORG", ["sam@example.org.uk"]),
        ("?q=teaching+hospitals", ["asha.patel@example.nhs.uk"]),
        ("?q=nobody", []),
    ],
)
def test_people_list_searches_name_email_and_organisation(organiser_client, many, query, expected):
    assert listed(organiser_client, query) == expected


def test_people_list_filters_by_leadership_group(organiser_client, many, groups):
    assert listed(organiser_client, f"?group={groups['CIO/CCIO network'].pk}") == ["tom.baker@example.gov.uk"]


def test_people_list_filters_by_region(organiser_client, many):
    assert listed(organiser_client, "?region=north_east_and_yorkshire") == ["asha.patel@example.nhs.uk"]


def test_people_list_filters_by_organisation_type(organiser_client, many):
    assert listed(organiser_client, "?organisation_type=local_authority") == ["tom.baker@example.gov.uk"]


def test_people_list_combines_search_and_filters(organiser_client, many, groups):
    query = (
        f"?q=a&group={groups['Acute trust boards'].pk}&region=north_east_and_yorkshire&organisation_type=acute_trust"
    )

    assert listed(organiser_client, query) == ["asha.patel@example.nhs.uk"]


def test_people_list_says_when_nothing_matches(organiser_client, many):
    response = organiser_client.get(reverse("attendees:people-list") + "?q=nobody")

    assertContains(response, "No people match this search. Check the spelling or clear the filters.")


def test_people_list_pages_fifty_at_a_time(organiser_client, groups):
    for n in range(51):
        factories.person(last_name=f"Leader{n:02d}", organisation=None)

    response = organiser_client.get(reverse("attendees:people-list") + "?page=2")

    assert [person.last_name for person in response.context["people"]] == ["Leader50"]
    assertContains(response, "Page 2 of 2")


# The person page ---------------------------------------------------------------------------------


@pytest.fixture
def phase(programme):
    return factories.phase(programme=programme, kind=PhaseKind.PILOT)


def test_person_page_shows_details_groups_invitations_registrations_and_attendance(organiser_client, asha, phase):
    first = factories.published_session(phase=phase, code="PIL-POS-01", title="The art of the possible")
    second = factories.published_session(phase=phase, code="PIL-HOW-01", title="How to decide")
    factories.invitation(session=first, person=asha, status=InvitationStatus.ACCEPTED)
    factories.invitation(session=second, person=asha)
    factories.registration(session=first, person=asha, status=RegistrationStatus.ATTENDED)
    factories.registration(session=second, person=asha, status=RegistrationStatus.WAITLISTED)

    response = organiser_client.get(reverse("attendees:person-detail", kwargs={"pk": asha.pk}))

    assert response.context["person"] == asha
    assert [(i.session.code, i.status, i.tag_colour) for i in response.context["invitations"]] == [
        ("PIL-POS-01", "accepted", "green"),
        ("PIL-HOW-01", "pending", "grey"),
    ]
    assert [(r.session.code, r.status, r.tag_colour) for r in response.context["registrations"]] == [
        ("PIL-POS-01", "attended", "blue"),
        ("PIL-HOW-01", "waitlisted", "yellow"),
    ]
    assertContains(response, "Leeds Teaching Hospitals NHS Trust")
    assertContains(response, "Acute trust boards")
    assertContains(response, '<strong class="nhsuk-tag nhsuk-tag--blue">Attended</strong>', html=True)
    assertContains(response, '<strong class="nhsuk-tag nhsuk-tag--yellow">Waiting list</strong>', html=True)
    assertContains(response, '<strong class="nhsuk-tag nhsuk-tag--grey">Not answered</strong>', html=True)
    assertContains(response, "Attended 1 session")


def test_person_page_for_someone_never_invited(organiser_client, asha):
    response = organiser_client.get(reverse("attendees:person-detail", kwargs={"pk": asha.pk}))

    assertContains(response, "Not invited to any session yet.")
    assertContains(response, "Not registered on any session yet.")


# Editing a person --------------------------------------------------------------------------


def person_form(**values) -> dict:
    data = {
        "first_name": "Asha",
        "last_name": "Patel-Smith",
        "email": "Asha.Smith@Example.NHS.uk",
        "job_title": "Chair",
        "organisation": "",
        "groups": [],
    }
    data.update(values)
    return data


def test_person_edit_form_starts_with_the_persons_values(organiser_client, asha, groups):
    response = organiser_client.get(reverse("attendees:person-edit", kwargs={"pk": asha.pk}))

    assert response.context["form"].initial == {
        "first_name": "Asha",
        "last_name": "Patel",
        "email": "asha.patel@example.nhs.uk",
        "job_title": "Chief executive",
        "organisation": asha.organisation_id,
        "groups": [groups["Acute trust boards"].pk],
    }


def test_person_edit_saves_the_person_and_records_the_change(organiser_client, organiser, asha, groups):
    data = person_form(groups=[groups["CIO/CCIO network"].pk, groups["Chief nurses and clinical leaders"].pk])

    response = organiser_client.post(reverse("attendees:person-edit", kwargs={"pk": asha.pk}), data)

    assert response.status_code == 302
    assert response.url == reverse("attendees:person-detail", kwargs={"pk": asha.pk})
    assert flash(response) == ["Asha Patel-Smith saved"]
    asha.refresh_from_db()
    assert (asha.last_name, asha.email, asha.job_title, asha.organisation) == (
        "Patel-Smith",
        "asha.smith@example.nhs.uk",
        "Chair",
        None,
    )
    assert sorted(asha.groups.values_list("name", flat=True)) == [
        "CIO/CCIO network",
        "Chief nurses and clinical leaders",
    ]
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_type, entry.object_id) == (
        organiser,
        "person.update",
        "person",
        str(asha.pk),
    )
    assert entry.before == {
        "last_name": "Patel",
        "email": "asha.patel@example.nhs.uk",
        "job_title": "Chief executive",
        "organisation": "Leeds Teaching Hospitals NHS Trust",
        "groups": ["Acute trust boards"],
    }
    assert entry.after == {
        "last_name": "Patel-Smith",
        "email": "asha.smith@example.nhs.uk",
        "job_title": "Chair",
        "organisation": None,
        "groups": ["CIO/CCIO network", "Chief nurses and clinical leaders"],
    }


def test_person_edit_refuses_an_email_another_person_has_in_any_case_and_keeps_what_was_typed(
    organiser_client, asha, groups
):
    factories.person(first_name="Tom", last_name="Baker", email="tom.baker@example.nhs.uk")
    data = person_form(
        email="Tom.Baker@EXAMPLE.nhs.uk", job_title="Typed job title", groups=[groups["CIO/CCIO network"].pk]
    )

    response = organiser_client.post(reverse("attendees:person-edit", kwargs={"pk": asha.pk}), data)

    message = "tom.baker@example.nhs.uk is already the email address of Tom Baker. Enter a different email address"
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": [message]}
    assertContains(response, "There is a problem")
    assertContains(response, f'<a href="#id_email">{message}</a>', html=False)
    assertContains(response, 'value="Tom.Baker@EXAMPLE.nhs.uk"')
    assertContains(response, 'value="Typed job title"')
    assertContains(response, 'value="Patel-Smith"')
    assertContains(response, f'value="{groups["CIO/CCIO network"].pk}" id="id_groups_1" checked')
    asha.refresh_from_db()
    assert (asha.email, asha.last_name, AuditEntry.objects.count()) == ("asha.patel@example.nhs.uk", "Patel", 0)


def test_person_edit_keeps_their_own_email_in_another_case(organiser_client, asha):
    response = organiser_client.post(
        reverse("attendees:person-edit", kwargs={"pk": asha.pk}), person_form(email="ASHA.PATEL@example.nhs.uk")
    )

    assert response.status_code == 302
    asha.refresh_from_db()
    assert asha.email == "asha.patel@example.nhs.uk"


def test_person_edit_shows_missing_and_malformed_values(organiser_client, asha):
    response = organiser_client.post(
        reverse("attendees:person-edit", kwargs={"pk": asha.pk}), person_form(first_name="", email="not-an-email")
    )

    assert response.context["form"].errors == {
        "first_name": ["Enter the first name"],
        "email": ["Enter an email address in the correct format, like name@example.nhs.uk"],
    }


# Leadership groups -------------------------------------------------------------------------


def test_group_list_shows_people_counts_and_targets(organiser_client, asha, groups, programme):
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)
    GroupTarget.objects.create(group=groups["Acute trust boards"], phase=pilot, target=120)

    response = organiser_client.get(reverse("attendees:group-list"))

    assert [(g.name, g.people_count, [t.target for t in g.targets.all()]) for g in response.context["groups"]] == [
        ("Acute trust boards", 1, [120]),
        ("CIO/CCIO network", 0, []),
        ("Chief nurses and clinical leaders", 0, []),
    ]
    assertContains(response, f"Pilot ({programme.name}): 120")


def group_form(phases, **values) -> dict:
    data = {"description": "Chairs, chief executives and board members of acute trusts"}
    data.update({f"target_{phase.pk}": "" for phase in phases})
    data.update(values)
    return data


def test_group_edit_saves_description_and_targets_and_records_the_change(
    organiser_client, organiser, groups, programme
):
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)
    rollout = factories.phase(programme=programme, kind=PhaseKind.ROLLOUT)
    group = groups["Acute trust boards"]
    GroupTarget.objects.create(group=group, phase=pilot, target=50)
    GroupTarget.objects.create(group=group, phase=rollout, target=400)

    response = organiser_client.post(
        reverse("attendees:group-edit", kwargs={"pk": group.pk}),
        group_form([pilot, rollout], **{f"target_{pilot.pk}": "120", f"target_{rollout.pk}": ""}),
    )

    assert response.status_code == 302
    assert response.url == reverse("attendees:group-list")
    assert flash(response) == ["Leadership group “Acute trust boards” saved"]
    group.refresh_from_db()
    assert group.description == "Chairs, chief executives and board members of acute trusts"
    assert list(group.targets.values_list("phase", "target")) == [(pilot.pk, 120)]
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_id) == (organiser, "leadership_group.update", str(group.pk))
    assert entry.before == {"description": "", f"target {pilot}": 50, f"target {rollout}": 400}
    assert entry.after == {
        "description": "Chairs, chief executives and board members of acute trusts",
        f"target {pilot}": 120,
        f"target {rollout}": None,
    }


def test_group_edit_form_starts_with_the_targets(organiser_client, groups, programme):
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)
    group = groups["Acute trust boards"]
    GroupTarget.objects.create(group=group, phase=pilot, target=75)

    response = organiser_client.get(reverse("attendees:group-edit", kwargs={"pk": group.pk}))

    assertContains(response, f'name="target_{pilot.pk}" value="75"')
    assert "name" not in response.context["form"].fields


def test_group_edit_shows_a_bad_target_and_keeps_what_was_typed(organiser_client, groups, programme):
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)
    group = groups["Acute trust boards"]

    response = organiser_client.post(
        reverse("attendees:group-edit", kwargs={"pk": group.pk}),
        group_form([pilot], description="Typed description", **{f"target_{pilot.pk}": "-3"}),
    )

    assert response.context["form"].errors == {f"target_{pilot.pk}": ["The target must be 0 or more"]}
    assertContains(response, "Typed description")
    assertContains(response, f'name="target_{pilot.pk}" value="-3"')
    assert (GroupTarget.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_group_create_adds_a_group_with_targets(organiser_client, organiser, groups, programme):
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)

    response = organiser_client.post(
        reverse("attendees:group-create"),
        group_form([pilot], name="  Social care   providers ", description="", **{f"target_{pilot.pk}": "30"}),
    )

    assert response.status_code == 302
    group = LeadershipGroup.objects.get(name="Social care providers")
    assert list(group.targets.values_list("target", flat=True)) == [30]
    assert AuditEntry.objects.get().action == "leadership_group.create"


def test_group_create_refuses_a_name_in_use_in_any_case(organiser_client, groups):
    response = organiser_client.post(reverse("attendees:group-create"), {"name": "ACUTE TRUST BOARDS"})

    assert response.context["form"].errors == {
        "name": ["There is already a leadership group called ACUTE TRUST BOARDS. Enter another name"]
    }
    assert LeadershipGroup.objects.count() == 3


# Importing people: upload → preview → confirm ---------------------------------------------


def upload(client, content: bytes, name: str = "people.csv"):
    return client.post(reverse("attendees:people-import"), {"file": SimpleUploadedFile(name, content)})


def test_import_upload_goes_to_a_preview_of_what_will_happen(organiser_client, groups):
    response = upload(organiser_client, csv_bytes(GOOD_ROWS))

    assert response.status_code == 302
    preview = organiser_client.get(response.url)
    plan = preview.context["plan"]
    assert (len(plan.to_create), len(plan.to_update), len(plan.unchanged), plan.errors) == (3, 0, 0, [])
    assertContains(preview, '<button class="nhsuk-button" type="submit">Import 3 people</button>', html=True)
    assertContains(preview, "Leeds Teaching Hospitals NHS Trust (North East and Yorkshire)")
    assert Person.objects.count() == 0


def test_import_confirm_imports_and_says_how_many(organiser_client, organiser, groups):
    preview_url = upload(organiser_client, csv_bytes(GOOD_ROWS)).url

    response = organiser_client.post(preview_url)

    assert response.status_code == 302
    assert response.url == reverse("attendees:people-list")
    assert flash(response) == ["Imported people.csv: 3 added, 0 updated, 0 unchanged"]
    assert Person.objects.count() == 3
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.after["created"]) == (organiser, "person.import", 3)


def test_import_confirm_twice_does_not_import_again(organiser_client, groups):
    preview_url = upload(organiser_client, csv_bytes(GOOD_ROWS)).url
    organiser_client.post(preview_url)

    response = organiser_client.post(preview_url)

    assert response.url == reverse("attendees:people-import")
    assert flash(response) == [
        "Imported people.csv: 3 added, 0 updated, 0 unchanged",
        "That upload has expired or cannot be found. Upload the file again",
    ]
    assert AuditEntry.objects.count() == 1


def test_import_of_an_excel_workbook_through_the_pages(organiser_client, groups):
    preview_url = upload(organiser_client, xlsx_bytes(GOOD_ROWS), "people.xlsx").url

    organiser_client.post(preview_url)

    assert Person.objects.count() == 3


def test_import_preview_lists_changes_to_people_already_there(organiser_client, asha, groups):
    content = csv_bytes(
        [
            row(
                email="ASHA.PATEL@example.nhs.uk",
                first_name="Asha",
                last_name="Patel",
                job_title="Chair",
                organisation="Leeds Teaching Hospitals NHS Trust",
                organisation_type="Acute trust",
                region="North East and Yorkshire",
                leadership_groups="Acute trust boards",
            )
        ]
    )

    preview = organiser_client.get(upload(organiser_client, content).url)

    assert [update.person_id for update in preview.context["plan"].to_update] == [asha.pk]
    assertContains(preview, "<strong>Job title</strong>: Chief executive → Chair", html=False)
    assertContains(preview, '<button class="nhsuk-button" type="submit">Import 1 person</button>', html=True)


def test_import_preview_of_a_file_already_imported_has_nothing_to_confirm(organiser_client, groups):
    organiser_client.post(upload(organiser_client, csv_bytes(GOOD_ROWS)).url)

    preview = organiser_client.get(upload(organiser_client, csv_bytes(GOOD_ROWS)).url)

    assert len(preview.context["plan"].unchanged) == 3
    assertContains(preview, "Everyone in this file is already up to date. There is nothing to import.")
    assertNotContains(preview, 'type="submit"')


def test_import_preview_of_a_file_with_bad_rows_lists_them_and_offers_no_import(organiser_client, groups):
    rows = [*GOOD_ROWS, row(email="x@example.nhs.uk"), row(leadership_groups="Trust boardz"), row(region="Londn")]

    preview = organiser_client.get(upload(organiser_client, csv_bytes(rows)).url)

    assert [str(error) for error in preview.context["plan"].errors] == [
        "Row 6: unknown leadership group 'Trust boardz'",
        "Row 7: unknown region 'Londn'",
        "Row 7: duplicate email 'jo.bloggs@example.nhs.uk': also on row 6",
    ]
    assertContains(
        preview,
        "2 rows of people.csv have problems. Nothing will be imported until the file is fixed and uploaded again.",
    )
    assertContains(preview, "<td class=\"nhsuk-table__cell\">unknown leadership group 'Trust boardz'</td>", html=True)
    assertNotContains(preview, "Import 4 people")
    assertNotContains(preview, 'type="submit"')


def test_import_confirm_of_a_file_with_bad_rows_writes_nothing(organiser_client, groups):
    preview_url = upload(organiser_client, csv_bytes([*GOOD_ROWS, row(region="Londn")])).url

    response = organiser_client.post(preview_url)

    assert response.status_code == 200
    assert [str(error) for error in response.context["plan"].errors] == ["Row 5: unknown region 'Londn'"]
    assert (Person.objects.count(), AuditEntry.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"email,name\nx@example.nhs.uk,X\n",
            "people.csv",
            "The file is missing these columns: first_name, last_name.",
        ),
        (b"not a spreadsheet", "people.pdf", "The selected file must be a CSV or an Excel workbook (.xlsx)"),
        (b"email;first_name;last_name\n", "people.csv", "This file uses semicolons (;) to separate its columns"),
        (b"PK\x03\x04 damaged", "people.xlsx", "The file could not be read as an Excel workbook (.xlsx)"),
        (b"", "people.csv", "The selected file is empty"),
        (b"x" * (5 * 1024 * 1024 + 1), "people.csv", "The selected file must be smaller than 5 MB"),
    ],
)
def test_import_upload_refuses_a_file_it_cannot_use(organiser_client, groups, content, name, message):
    response = upload(organiser_client, content, name)

    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert error.startswith(message)
    assertContains(response, "There is a problem")
    assertContains(response, f'<a href="#id_file">{message}', html=False)


def test_import_upload_without_a_file_asks_for_one(organiser_client):
    response = organiser_client.post(reverse("attendees:people-import"), {})

    assert response.context["form"].errors == {"file": ["Select a CSV or Excel file"]}


def test_import_preview_of_another_organisers_upload_is_refused(client, upload_token):
    client.force_login(factories.staff_user("other.organiser@example.nhs.uk", role="organiser"))
    url = reverse("attendees:people-import-preview", kwargs={"token": upload_token})

    response = client.post(url)

    assert response.url == reverse("attendees:people-import")
    assert flash(response) == ["That upload has expired or cannot be found. Upload the file again"]
    assert Person.objects.count() == 0


def test_import_preview_of_an_unknown_upload_sends_people_back_to_upload(organiser_client):
    response = organiser_client.get(reverse("attendees:people-import-preview", kwargs={"token": "no-such-upload"}))

    assert response.url == reverse("attendees:people-import")


# Query counts --------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def assert_same_count_at_one_and_three(client, url: str, add_row) -> None:
    add_row(0)
    at_one = count_queries(client, url)
    add_row(1)
    add_row(2)
    at_three = count_queries(client, url)
    assert at_three == at_one


def test_people_list_queries_do_not_grow_with_people(organiser_client, groups):
    def add_row(n):
        factories.person(groups=list(groups.values())[: n + 1])

    assert_same_count_at_one_and_three(organiser_client, reverse("attendees:people-list"), add_row)


def test_people_list_queries_do_not_grow_with_filters_applied(organiser_client, groups):
    group = groups["Acute trust boards"]
    url = reverse("attendees:people-list") + f"?q=alex&group={group.pk}&region=london&organisation_type=acute_trust"

    assert_same_count_at_one_and_three(organiser_client, url, lambda n: factories.person(groups=[group]))


def test_person_page_queries_do_not_grow_with_invitations_and_registrations(organiser_client, organiser, asha, phase):
    url = reverse("attendees:person-detail", kwargs={"pk": asha.pk})

    def add_row(n):
        session = factories.published_session(phase=phase)
        factories.invitation(session=session, person=asha)
        factories.registration(session=session, person=asha)
        asha.groups.add(factories.leadership_group())

    assert_same_count_at_one_and_three(organiser_client, url, add_row)


def test_group_list_queries_do_not_grow_with_groups(organiser_client, programme):
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)

    def add_row(n):
        group = factories.leadership_group()
        GroupTarget.objects.create(group=group, phase=pilot, target=10 * n)
        factories.person(groups=[group])

    assert_same_count_at_one_and_three(organiser_client, reverse("attendees:group-list"), add_row)


def test_import_preview_queries_do_not_grow_with_rows(organiser_client, groups):
    def preview_queries(count: int, start: int) -> int:
        rows = [row(email=f"leader{start + n}@example.nhs.uk") for n in range(count)]
        return count_queries(organiser_client, upload(organiser_client, csv_bytes(rows)).url)

    assert preview_queries(3, 0) == preview_queries(30, 100)
