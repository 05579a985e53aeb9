"""Management commands: create_staff and seed_demo."""

import datetime
import io
from collections import Counter

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from summits.enums import PhaseKind, PilotDecisionOutcome, Region, SessionStatus, Theme
from summits.models import AuditEntry, CostLine, Facilitator, Phase, PilotDecision, Programme, Session, Venue

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# create_staff --------------------------------------------------------------------------


def test_create_staff_creates_an_organiser_who_signs_in_by_code(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = run("create_staff", "--role", "organiser", "Jo.Bloggs@Example.NHS.uk")

    user = get_user_model().objects.get()
    assert (user.username, user.email, user.is_active, user.is_staff) == (
        "jo.bloggs@example.nhs.uk",
        "jo.bloggs@example.nhs.uk",
        True,
        False,
    )
    assert user.has_usable_password() is False
    assert list(user.groups.values_list("name", flat=True)) == ["Organiser"]
    assert user.has_perm("summits.manage_programme") is True
    assert list(EmailAddress.objects.values_list("user", "email", "verified", "primary")) == [
        (user.pk, "jo.bloggs@example.nhs.uk", True, True)
    ]
    assert output == "jo.bloggs@example.nhs.uk is now an organiser. They sign in with an emailed code.\n"


def test_create_staff_sends_one_welcome_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run("create_staff", "--role", "evaluator", "eve@example.nhs.uk")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["eve@example.nhs.uk"]
    assert message.subject == "You can now sign in to Digital Leadership Workshops as an evaluator"
    assert message.body.count("https://workshops.example.nhs.uk/accounts/login/code/") == 1
    assert message.body.count("eve@example.nhs.uk") == 1
    assert [mimetype for _, mimetype in message.alternatives] == ["text/html"]


def test_create_staff_evaluator_cannot_organise(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run("create_staff", "--role", "evaluator", "eve@example.nhs.uk")

    user = get_user_model().objects.get()
    assert (user.has_perm("summits.view_outcomes"), user.has_perm("summits.manage_programme")) == (True, False)


def test_create_staff_twice_is_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run("create_staff", "--role", "organiser", "jo@example.nhs.uk")
    with django_capture_on_commit_callbacks(execute=True):
        output = run("create_staff", "--role", "organiser", "JO@example.nhs.uk")

    assert get_user_model().objects.count() == 1
    assert EmailAddress.objects.count() == 1
    assert list(get_user_model().objects.get().groups.values_list("name", flat=True)) == ["Organiser"]
    assert len(mail.outbox) == 1
    assert output == "jo@example.nhs.uk was already an organiser; nothing changed.\n"


def test_create_staff_refuses_a_bad_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CommandError) as excinfo:
        run("create_staff", "--role", "organiser", "not-an-email")

    assert str(excinfo.value) == "'not-an-email' is not a valid email address"
    assert get_user_model().objects.count() == 0
    assert mail.outbox == []


def test_create_staff_refuses_a_bad_role():
    with pytest.raises(CommandError) as excinfo:
        run("create_staff", "--role", "attendee", "someone@example.nhs.uk")

    # argparse quotes the choices differently between Python versions; the start is stable.
    assert str(excinfo.value).split(" (choose from")[0] == "Error: argument --role: invalid choice: 'attendee'"
    assert get_user_model().objects.count() == 0


def test_create_staff_requires_a_role():
    with pytest.raises(CommandError):
        run("create_staff", "someone@example.nhs.uk")

    assert get_user_model().objects.count() == 0


# seed_demo -----------------------------------------------------------------------------


@pytest.fixture
def seeded(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = run("seed_demo")
    return output


def test_seed_demo_creates_one_programme_with_a_pilot_and_a_rollout(seeded):
    programme = Programme.objects.get()
    assert sorted(programme.phases.values_list("kind", flat=True)) == ["pilot", "rollout"]
    assert Session.objects.exclude(phase__programme=programme).count() == 0


def test_seed_demo_pilot_has_six_sessions_two_per_theme_all_ended_in_the_last_90_days(seeded):
    now = timezone.now()
    pilot = Session.objects.filter(phase__kind=PhaseKind.PILOT)

    assert pilot.count() == 6
    assert Counter(pilot.values_list("theme", flat=True)) == {Theme.POSSIBLE: 2, Theme.HOW_TO: 2, Theme.HOW_DID: 2}
    assert pilot.filter(ends_at__gte=now).count() == 0
    assert pilot.filter(starts_at__lt=now - datetime.timedelta(days=90)).count() == 0
    assert set(pilot.values_list("status", flat=True)) == {SessionStatus.PUBLISHED}


def test_seed_demo_records_a_go_with_changes_decision(seeded):
    decision = PilotDecision.objects.get()

    assert decision.programme == Programme.objects.get()
    assert decision.outcome == PilotDecisionOutcome.GO_WITH_CHANGES
    assert decision.decided_on <= timezone.localdate()
    assert decision.decided_by.email == "organiser@example.nhs.uk"


def test_seed_demo_rollout_has_published_sessions_over_the_next_six_months_in_every_region(seeded):
    now = timezone.now()
    # The longest six calendar months (1 July to 1 January) are 184 days.
    six_months = timezone.localdate() + datetime.timedelta(days=184)
    rollout = Session.objects.filter(phase__kind=PhaseKind.ROLLOUT)

    assert rollout.count() >= 18
    assert set(rollout.values_list("status", flat=True)) == {SessionStatus.PUBLISHED}
    assert rollout.filter(starts_at__lte=now).count() == 0
    assert max(timezone.localtime(session.ends_at).date() for session in rollout) <= six_months
    assert set(rollout.values_list("region", flat=True)) == set(Region.values)
    assert rollout.exclude(online_url="").count() >= 1
    assert rollout.filter(online_url="").count() >= 1
    assert set(rollout.values_list("theme", flat=True)) == set(Theme.values)


def test_seed_demo_sessions_all_have_cost_lines_facilitators_and_focus_areas(seeded):
    assert CostLine.objects.count() >= Session.objects.count()
    assert Session.objects.filter(cost_lines__isnull=True).count() == 0
    assert Session.objects.filter(facilitators__isnull=True).count() == 0
    assert Session.objects.filter(focus_areas__isnull=True).count() == 0
    assert Venue.objects.count() == 7
    assert Facilitator.objects.count() >= 1


def test_seed_demo_creates_an_organiser_and_an_evaluator(seeded):
    users = {user.email: user for user in get_user_model().objects.all()}

    assert sorted(users) == ["board.member@example.nhs.uk", "evaluator@example.nhs.uk", "organiser@example.nhs.uk"]
    assert users["organiser@example.nhs.uk"].has_perm("summits.manage_programme") is True
    assert users["evaluator@example.nhs.uk"].has_perm("summits.view_outcomes") is True
    assert users["evaluator@example.nhs.uk"].has_perm("summits.manage_programme") is False
    assert users["board.member@example.nhs.uk"].has_perm("summits.manage_programme") is False
    assert EmailAddress.objects.filter(verified=True).count() == 3
    # Staff are welcomed by email; the demo board member is not emailed.
    assert sorted(message.to[0] for message in mail.outbox) == ["evaluator@example.nhs.uk", "organiser@example.nhs.uk"]


def test_seed_demo_prints_how_to_sign_in(seeded):
    lines = seeded.splitlines()

    assert "  Organiser: organiser@example.nhs.uk" in lines
    assert "  Evaluator: evaluator@example.nhs.uk" in lines


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Programme,
            Phase,
            Session,
            CostLine,
            Venue,
            Facilitator,
            PilotDecision,
            AuditEntry,
            EmailAddress,
            get_user_model(),
        )
    }


def test_seed_demo_twice_changes_no_counts(seeded, django_capture_on_commit_callbacks):
    before = _counts()
    emails = len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        run("seed_demo")

    assert _counts() == before
    assert len(mail.outbox) == emails
