"""Reminders before a session: once each, never twice, not to late registrants."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from attendees import reminders
from attendees.enums import RegistrationStatus
from attendees.models import ReminderSent
from outbox.sending import send_queued
from summits.enums import SessionStatus
from tests import factories
from tests.summits.test_concurrency import race

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def start():
    """The session starts ten days from now, on the minute."""
    return timezone.now().replace(second=0, microsecond=0) + 10 * DAY


@pytest.fixture
def session(start):
    return factories.published_session(starts_at=start, title="Making good digital decisions")


def confirmed(session, *, email: str, registered: datetime.datetime, **overrides):
    person = factories.person(email=email)
    return factories.registration(session=session, person=person, confirmed_at=registered, **overrides)


def sent_rows() -> list[tuple[str, int]]:
    return sorted(ReminderSent.objects.values_list("registration__person__email", "days_before"))


def delivered() -> list:
    """The emails that reached the mail server once the outbox has sent what was queued."""
    send_queued()
    return mail.outbox


def outbox() -> list[tuple[list[str], str]]:
    """What reached the mail server once the outbox has sent what the runs queued."""
    return [(message.to, message.subject) for message in delivered()]


def test_reminder_days_come_from_settings_nearest_first(settings):
    settings.REMINDER_DAYS_BEFORE = (7, 14, 1)

    assert reminders.reminder_days() == (1, 7, 14)


def test_send_due_reminders_sends_the_seven_day_reminder_once(session, start):
    confirmed(session, email="asha@example.nhs.uk", registered=start - 20 * DAY)
    now = start - 6 * DAY

    first = reminders.send_due_reminders(now)
    second = reminders.send_due_reminders(now)

    assert first == {1: 0, 7: 1}
    assert second == {1: 0, 7: 0}
    assert sent_rows() == [("asha@example.nhs.uk", 7)]
    assert outbox() == [
        (["asha@example.nhs.uk"], "Reminder: your workshop is in 7 days: Making good digital decisions")
    ]


def test_send_due_reminders_sends_nothing_before_the_reminder_time(session, start):
    confirmed(session, email="asha@example.nhs.uk", registered=start - 20 * DAY)

    assert reminders.send_due_reminders(start - 7 * DAY - datetime.timedelta(minutes=1)) == {1: 0, 7: 0}
    assert sent_rows() == []


def test_send_due_reminders_sends_each_reminder_once_as_the_session_nears(session, start):
    confirmed(session, email="asha@example.nhs.uk", registered=start - 20 * DAY)

    runs = [
        reminders.send_due_reminders(start - moment)
        for moment in (6 * DAY, 5 * DAY, datetime.timedelta(hours=20), datetime.timedelta(hours=2))
    ]

    assert runs == [{1: 0, 7: 1}, {1: 0, 7: 0}, {1: 1, 7: 0}, {1: 0, 7: 0}]
    assert sent_rows() == [("asha@example.nhs.uk", 1), ("asha@example.nhs.uk", 7)]
    assert [subject for _, subject in outbox()] == [
        "Reminder: your workshop is in 7 days: Making good digital decisions",
        "Reminder: your workshop is tomorrow: Making good digital decisions",
    ]


def test_send_due_reminders_skips_a_late_registrant(session, start):
    confirmed(session, email="late@example.nhs.uk", registered=start - 3 * DAY)

    at_six_days = reminders.send_due_reminders(start - 2 * DAY)
    at_one_day = reminders.send_due_reminders(start - datetime.timedelta(hours=12))

    assert at_six_days == {1: 0, 7: 0}
    assert at_one_day == {1: 1, 7: 0}
    assert sent_rows() == [("late@example.nhs.uk", 1)]


def test_send_due_reminders_skips_someone_who_registered_after_the_last_reminder_time(session, start):
    confirmed(session, email="very.late@example.nhs.uk", registered=start - datetime.timedelta(hours=6))

    assert reminders.send_due_reminders(start - datetime.timedelta(hours=5)) == {1: 0, 7: 0}
    assert delivered() == []


def test_send_due_reminders_sends_only_the_nearest_when_several_are_due(session, start):
    confirmed(session, email="asha@example.nhs.uk", registered=start - 20 * DAY)

    sent = reminders.send_due_reminders(start - datetime.timedelta(hours=12))

    assert sent == {1: 1, 7: 0}
    assert sent_rows() == [("asha@example.nhs.uk", 1)]
    assert reminders.send_due_reminders(start - datetime.timedelta(hours=11)) == {1: 0, 7: 0}


@pytest.mark.parametrize(
    "status", [RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED, RegistrationStatus.ATTENDED]
)
def test_send_due_reminders_skips_people_without_a_confirmed_place(session, start, status):
    confirmed(session, email="someone@example.nhs.uk", registered=start - 20 * DAY, status=status)

    assert reminders.send_due_reminders(start - 6 * DAY) == {1: 0, 7: 0}
    assert sent_rows() == []


def test_send_due_reminders_skips_sessions_that_are_not_published(start):
    draft = factories.session(starts_at=start)
    cancelled = factories.published_session(starts_at=start)
    for session in (draft, cancelled):
        confirmed(session, email=f"{session.code.lower()}@example.nhs.uk", registered=start - 20 * DAY)
    cancelled.status, cancelled.cancellation_reason = SessionStatus.CANCELLED, "The venue flooded."
    cancelled.save()

    assert reminders.send_due_reminders(start - 6 * DAY) == {1: 0, 7: 0}
    assert sent_rows() == []


def test_send_due_reminders_skips_sessions_that_have_started(session, start):
    confirmed(session, email="asha@example.nhs.uk", registered=start - 20 * DAY)

    assert reminders.send_due_reminders(start + datetime.timedelta(minutes=1)) == {1: 0, 7: 0}
    assert sent_rows() == []


def test_send_due_reminders_uses_the_configured_days(settings, session, start):
    settings.REMINDER_DAYS_BEFORE = (3,)
    confirmed(session, email="asha@example.nhs.uk", registered=start - 20 * DAY)

    assert reminders.send_due_reminders(start - 6 * DAY) == {3: 0}
    assert reminders.send_due_reminders(start - 2 * DAY) == {3: 1}
    assert sent_rows() == [("asha@example.nhs.uk", 3)]


def test_send_due_reminders_does_not_send_what_another_runner_recorded(session, start):
    registration = confirmed(session, email="asha@example.nhs.uk", registered=start - 20 * DAY)
    # Another runner inserted the row first (the unique constraint lets only one through).
    ReminderSent.objects.create(registration=registration, days_before=7)

    assert reminders.send_due_reminders(start - 6 * DAY) == {1: 0, 7: 0}
    assert delivered() == []


def test_send_due_reminders_sends_to_everyone_due_on_every_session(start):
    sessions = [factories.published_session(starts_at=start + datetime.timedelta(hours=n)) for n in range(2)]
    for n, session in enumerate(sessions):
        for m in range(2):
            confirmed(session, email=f"p{n}{m}@example.nhs.uk", registered=start - 20 * DAY)

    assert reminders.send_due_reminders(start - 6 * DAY) == {1: 0, 7: 4}
    assert sorted(to[0] for to, _ in outbox()) == [
        "p00@example.nhs.uk",
        "p01@example.nhs.uk",
        "p10@example.nhs.uk",
        "p11@example.nhs.uk",
    ]


def test_send_reminders_command_reports_what_it_sent():
    session = factories.published_session(starts_at=timezone.now() + datetime.timedelta(days=5))
    confirmed(session, email="asha@example.nhs.uk", registered=timezone.now() - 10 * DAY)
    out = io.StringIO()

    call_command("send_reminders", stdout=out)
    call_command("send_reminders", stdout=out)

    assert out.getvalue() == (
        "7-day reminders queued: 1\n1-day reminders queued: 0\n7-day reminders queued: 0\n1-day reminders queued: 0\n"
    )
    assert sent_rows() == [("asha@example.nhs.uk", 7)]


def test_send_reminders_task_runs_the_same_sending():
    session = factories.published_session(starts_at=timezone.now() + datetime.timedelta(hours=10))
    confirmed(session, email="asha@example.nhs.uk", registered=timezone.now() - 10 * DAY)

    result = reminders.send_reminders_task.enqueue()

    assert result.return_value == {"1": 1, "7": 0}
    assert sent_rows() == [("asha@example.nhs.uk", 1)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions")
def test_simultaneous_runners_send_each_reminder_once(start):
    session = factories.published_session(starts_at=start)
    emails = [f"p{n}@example.nhs.uk" for n in range(20)]
    for email in emails:
        confirmed(session, email=email, registered=start - 20 * DAY)

    outcomes = race([lambda: reminders.send_due_reminders(start - 6 * DAY) for _ in range(4)])

    assert outcomes == ["ok"] * 4
    assert ReminderSent.objects.count() == 20
    assert sorted(message.to[0] for message in delivered()) == sorted(emails)
