"""Making survey links when they are due, emailing each once, and the one reminder before a survey
closes."""

import datetime
import io
import re
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from attendees.enums import RegistrationStatus
from attendees.models import Registration
from feedback import dispatch
from feedback.enums import SurveyKind
from feedback.models import SurveyLink, SurveySchedule
from outbox.sending import send_queued
from summits.enums import SessionStatus
from tests import factories
from tests.feedback.conftest import PRE_ANSWERS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("surveys")]

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
NOTHING = {"pre": 0, "post": 0, "follow_up": 0}
# A Thursday in winter (GMT), so the dates in emails read the same wherever the tests run.
START = factories.london(2027, 2, 4, 13, 30)


def links() -> list[tuple[str, str, datetime.datetime, datetime.datetime]]:
    return sorted(
        SurveyLink.objects.values_list("registration__person__email", "kind", "opens_at", "closes_at").order_by()
    )


def delivered() -> list:
    """The emails that reached the mail server once the outbox has sent what was queued."""
    send_queued()
    return mail.outbox


def outbox() -> list[tuple[list[str], str]]:
    return [(message.to, message.subject) for message in delivered()]


def person(name: str):
    return factories.person(first_name=name.capitalize(), email=f"{name}@example.nhs.uk")


def held(session, name: str, status: str = RegistrationStatus.CONFIRMED):
    return factories.registration(session=session, person=person(name), status=status)


@pytest.fixture
def upcoming(phase):
    return factories.published_session(phase=phase, starts_at=START, title="Making good digital decisions")


def ended(phase, *, days_ago: float, now: datetime.datetime, **overrides):
    """A published session that ended `days_ago` days before `now`."""
    ends_at = now - datetime.timedelta(days=days_ago)
    return factories.published_session(phase=phase, starts_at=ends_at - 3 * HOUR, **overrides)


# Making links ----------------------------------------------------------------------------------


def test_create_due_links_pre_for_confirmed_places_on_upcoming_published_sessions(phase, upcoming):
    now = START - 10 * DAY
    held(upcoming, "asha")
    held(upcoming, "ben", RegistrationStatus.WAITLISTED)
    held(upcoming, "cara", RegistrationStatus.CANCELLED)
    held(factories.session(phase=phase, starts_at=START), "dev")  # a draft
    held(
        factories.session(
            phase=phase, starts_at=START, status=SessionStatus.CANCELLED, cancellation_reason="The venue flooded"
        ),
        "eve",
    )
    held(factories.published_session(phase=phase, starts_at=now - HOUR), "finn")  # started already

    made = dispatch.create_due_links(now)

    assert made == {"pre": 1, "post": 0, "follow_up": 0}
    assert links() == [("asha@example.nhs.uk", "pre", now, START)]


def test_create_due_links_post_only_once_attendance_is_final(phase):
    now = timezone.now().replace(microsecond=0)
    session = ended(phase, days_ago=0.1, now=now)
    held(session, "asha", RegistrationStatus.ATTENDED)
    unmarked = held(session, "ben")

    assert dispatch.create_due_links(now) == NOTHING
    assert links() == []

    unmarked.status = RegistrationStatus.NO_SHOW
    unmarked.save()
    made = dispatch.create_due_links(now)

    assert made == {"pre": 0, "post": 1, "follow_up": 0}
    assert links() == [("asha@example.nhs.uk", "post", now, now + 14 * DAY)]


def test_create_due_links_post_only_for_people_who_attended(phase):
    now = timezone.now().replace(microsecond=0)
    session = ended(phase, days_ago=1, now=now)
    held(session, "asha", RegistrationStatus.ATTENDED)
    held(session, "ben", RegistrationStatus.NO_SHOW)
    held(session, "cara", RegistrationStatus.CANCELLED)
    held(session, "dev", RegistrationStatus.WAITLISTED)

    dispatch.create_due_links(now)

    assert [(email, kind) for email, kind, *_ in links()] == [("asha@example.nhs.uk", "post")]


def test_create_due_links_post_not_for_a_session_still_running(phase):
    now = timezone.now().replace(microsecond=0)
    running = factories.published_session(phase=phase, starts_at=now - HOUR)
    held(running, "asha", RegistrationStatus.ATTENDED)

    assert dispatch.create_due_links(now) == NOTHING


def test_create_due_links_post_not_for_a_session_that_ended_long_ago(phase):
    now = timezone.now().replace(microsecond=0)
    held(ended(phase, days_ago=31, now=now), "asha", RegistrationStatus.ATTENDED)
    held(ended(phase, days_ago=29, now=now), "ben", RegistrationStatus.ATTENDED)

    dispatch.create_due_links(now)

    assert [(email, kind) for email, kind, *_ in links()] == [("ben@example.nhs.uk", "post")]


def test_create_due_links_follow_up_after_the_set_number_of_days(phase, programme):
    now = timezone.now().replace(microsecond=0)
    SurveySchedule.objects.filter(programme=programme).update(follow_up_after_days=60, follow_up_open_days=21)
    held(ended(phase, days_ago=59, now=now), "asha", RegistrationStatus.ATTENDED)
    held(ended(phase, days_ago=61, now=now), "ben", RegistrationStatus.ATTENDED)
    held(ended(phase, days_ago=61, now=now), "cara", RegistrationStatus.NO_SHOW)
    held(ended(phase, days_ago=60 + 22, now=now), "dev", RegistrationStatus.ATTENDED)  # its follow-up closed

    made = dispatch.create_due_links(now)

    assert made == {"pre": 0, "post": 0, "follow_up": 1}
    assert links() == [("ben@example.nhs.uk", "follow_up", now, now + 21 * DAY)]


def test_create_due_links_no_follow_up_when_it_is_turned_off(phase, programme):
    now = timezone.now().replace(microsecond=0)
    SurveySchedule.objects.filter(programme=programme).update(follow_up_enabled=False)
    held(ended(phase, days_ago=91, now=now), "asha", RegistrationStatus.ATTENDED)

    assert dispatch.create_due_links(now) == NOTHING
    assert links() == []


def test_create_due_links_none_for_a_programme_without_questionnaires():
    other = factories.phase(programme=factories.programme())
    held(factories.published_session(phase=other, starts_at=START), "asha")

    assert dispatch.create_due_links(START - 10 * DAY) == NOTHING
    assert links() == []


def test_create_due_links_twice_makes_nothing_new(phase, upcoming):
    now = START - 10 * DAY
    held(upcoming, "asha")
    held(ended(phase, days_ago=1, now=now), "ben", RegistrationStatus.ATTENDED)
    first = dispatch.create_due_links(now)
    before = links()

    second = dispatch.create_due_links(now + HOUR)

    assert first == {"pre": 1, "post": 1, "follow_up": 0}
    assert second == NOTHING
    assert links() == before


# Sending links ---------------------------------------------------------------------------------


def test_send_due_sends_each_link_exactly_once(upcoming):
    now = START - 10 * DAY
    held(upcoming, "asha")
    held(upcoming, "ben")
    dispatch.create_due_links(now)

    first = dispatch.send_due(now)
    second = dispatch.send_due(now + HOUR)

    assert first == {"links": 2, "reminders": 0}
    assert second == {"links": 0, "reminders": 0}
    subject = "Before your workshop: Making good digital decisions – a few questions"
    assert sorted(outbox()) == [(["asha@example.nhs.uk"], subject), (["ben@example.nhs.uk"], subject)]
    assert list(SurveyLink.objects.values_list("sent_at", flat=True)) == [now, now]


def test_send_due_does_not_send_a_link_already_answered(upcoming, surveys):
    """A paper answer imported before the email went out."""
    place = held(upcoming, "asha")
    factories.survey_link(registration=place)
    factories.survey_response(registration=place, answers=PRE_ANSWERS, questionnaire=surveys["pre"])

    assert dispatch.send_due(START - 10 * DAY) == {"links": 0, "reminders": 0}
    assert delivered() == []


def test_send_due_does_not_send_a_link_whose_place_was_cancelled_before_sending(upcoming):
    now = START - 10 * DAY
    place = held(upcoming, "asha")
    dispatch.create_due_links(now)
    Registration.objects.filter(pk=place.pk).update(status=RegistrationStatus.CANCELLED)

    assert dispatch.send_due(now) == {"links": 0, "reminders": 0}
    assert delivered() == []
    assert SurveyLink.objects.get(registration=place).sent_at is None


def test_send_due_does_not_send_a_pre_link_once_the_session_has_started(upcoming):
    held(upcoming, "asha")
    dispatch.create_due_links(START - 10 * DAY)

    assert dispatch.send_due(START + HOUR) == {"links": 0, "reminders": 0}
    assert delivered() == []


def test_run_makes_and_sends_links_and_runs_again_without_sending_anything(upcoming):
    held(upcoming, "asha")

    first = dispatch.run(START - 10 * DAY)
    second = dispatch.run(START - 9 * DAY)

    assert first == {"made_pre": 1, "made_post": 0, "made_follow_up": 0, "links": 1, "reminders": 0}
    assert second == {"made_pre": 0, "made_post": 0, "made_follow_up": 0, "links": 0, "reminders": 0}
    assert len(delivered()) == 1


# The reminder ----------------------------------------------------------------------------------


def sent_pre_link(session, name: str, *, sent_at: datetime.datetime, status: str = RegistrationStatus.CONFIRMED):
    registration = held(session, name, status)
    return factories.survey_link(registration=registration, opens_at=sent_at, sent_at=sent_at)


def test_send_due_reminds_once_within_the_hours_before_the_pre_survey_closes(upcoming):
    sent_pre_link(upcoming, "asha", sent_at=START - 10 * DAY)

    too_early = dispatch.send_due(START - 48 * HOUR - HOUR)
    due = dispatch.send_due(START - 47 * HOUR)
    again = dispatch.send_due(START - 2 * HOUR)

    assert [too_early, due, again] == [
        {"links": 0, "reminders": 0},
        {"links": 0, "reminders": 1},
        {"links": 0, "reminders": 0},
    ]
    assert outbox() == [
        (["asha@example.nhs.uk"], "Reminder: before your workshop – the survey closes 4 February"),
    ]
    assert SurveyLink.objects.get().reminded_at == START - 47 * HOUR


def test_send_due_reminder_hours_come_from_the_schedule(upcoming, programme):
    SurveySchedule.objects.filter(programme=programme).update(reminder_hours_before_close=24)
    sent_pre_link(upcoming, "asha", sent_at=START - 10 * DAY)

    assert dispatch.send_due(START - 25 * HOUR) == {"links": 0, "reminders": 0}
    assert dispatch.send_due(START - 23 * HOUR) == {"links": 0, "reminders": 1}


def test_send_due_no_reminder_after_the_survey_closed(upcoming):
    sent_pre_link(upcoming, "asha", sent_at=START - 10 * DAY)

    assert dispatch.send_due(START) == {"links": 0, "reminders": 0}
    assert delivered() == []


def test_send_due_no_reminder_to_someone_who_answered(upcoming, surveys):
    link = sent_pre_link(upcoming, "asha", sent_at=START - 10 * DAY)
    factories.survey_response(registration=link.registration, answers=PRE_ANSWERS, questionnaire=surveys["pre"])

    assert dispatch.send_due(START - 47 * HOUR) == {"links": 0, "reminders": 0}
    assert delivered() == []


def test_send_due_no_reminder_to_someone_sent_the_link_inside_the_window(upcoming):
    sent_pre_link(upcoming, "asha", sent_at=START - 40 * HOUR)

    assert dispatch.send_due(START - 30 * HOUR) == {"links": 0, "reminders": 0}
    assert delivered() == []


def test_send_due_no_reminder_when_the_link_is_made_inside_the_window(upcoming):
    held(upcoming, "asha")

    assert dispatch.run(START - 30 * HOUR)["links"] == 1
    assert dispatch.send_due(START - 20 * HOUR) == {"links": 0, "reminders": 0}
    assert len(delivered()) == 1


def test_send_due_no_pre_reminder_after_the_place_was_cancelled(upcoming):
    sent_pre_link(upcoming, "asha", sent_at=START - 10 * DAY, status=RegistrationStatus.CANCELLED)

    assert dispatch.send_due(START - 47 * HOUR) == {"links": 0, "reminders": 0}


def test_send_due_reminds_about_the_post_survey_before_it_closes(phase):
    now = timezone.now().replace(microsecond=0)
    attended = held(ended(phase, days_ago=1, now=now), "asha", RegistrationStatus.ATTENDED)
    closes = now + 13 * DAY
    factories.survey_link(registration=attended, kind=SurveyKind.POST, sent_at=now - DAY, closes_at=closes)

    assert dispatch.send_due(closes - 49 * HOUR) == {"links": 0, "reminders": 0}
    assert dispatch.send_due(closes - 47 * HOUR) == {"links": 0, "reminders": 1}
    assert dispatch.send_due(closes - 46 * HOUR) == {"links": 0, "reminders": 0}
    local = timezone.localtime(closes)
    assert outbox() == [
        (["asha@example.nhs.uk"], f"Reminder: after your workshop – the survey closes {local.day} {local:%B}")
    ]


# The command -----------------------------------------------------------------------------------


def test_send_survey_emails_command_reports_what_it_did(phase):
    soon = factories.published_session(phase=phase, starts_at=timezone.now() + 10 * DAY)
    held(soon, "asha")
    held(soon, "ben")
    out = io.StringIO()

    call_command("send_survey_emails", stdout=out)
    call_command("send_survey_emails", stdout=out)

    assert out.getvalue() == (
        "Links made: 2 pre, 0 post, 0 follow-up. Emails queued: 2 links, 0 reminders.\n"
        "Links made: 0 pre, 0 post, 0 follow-up. Emails queued: 0 links, 0 reminders.\n"
    )
    assert len(delivered()) == 2


def test_send_survey_emails_command_enqueue_runs_on_the_worker(phase):
    soon = factories.published_session(phase=phase, starts_at=timezone.now() + 10 * DAY, title="Cyber risk")
    held(soon, "asha")
    out = io.StringIO()

    call_command("send_survey_emails", "--enqueue", stdout=out)

    # The test settings run tasks at once (django_tasks' immediate backend).
    assert re.fullmatch(r"Queued for the background worker \(task [A-Za-z0-9-]+\)\.\n", out.getvalue())
    assert outbox() == [(["asha@example.nhs.uk"], "Before your workshop: Cyber risk – a few questions")]
    assert [(email, kind) for email, kind, *_ in links()] == [("asha@example.nhs.uk", "pre")]


def test_send_survey_emails_task_returns_the_counts(phase):
    held(factories.published_session(phase=phase, starts_at=timezone.now() + 10 * DAY), "asha")

    result = dispatch.send_survey_emails_task.enqueue()

    assert result.return_value == {"made_pre": 1, "made_post": 0, "made_follow_up": 0, "links": 1, "reminders": 0}


# The emails ------------------------------------------------------------------------------------


def survey_url(link: SurveyLink) -> str:
    return f"https://workshops.example.nhs.uk/s/{link.pk}/{link.token}/"


def html(message) -> str:
    (content, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return content


def test_survey_link_email_pre(upcoming):
    held(upcoming, "asha")

    dispatch.run(START - 10 * DAY)

    link = SurveyLink.objects.get()
    (message,) = delivered()
    assert message.to == ["asha@example.nhs.uk"]
    assert message.subject == "Before your workshop: Making good digital decisions – a few questions"
    lines = message.body.splitlines()
    assert lines[0] == "Dear Asha,"
    assert f"Answer the survey: {survey_url(link)}" in lines
    assert (
        "The survey closes on Thursday 4 February 2027 at 13:30. Your answers are used to evaluate the programme; "
        "reports never show your name." in lines
    )
    assert f'href="{survey_url(link)}"' in html(message)
    assert "The survey closes on Thursday 4 February 2027 at 13:30." in html(message)


def test_survey_link_email_post_closes_after_the_set_days(phase):
    now = factories.london(2027, 1, 11, 10, 0)
    held(ended(phase, days_ago=1, now=now, title="Cyber risk for boards"), "asha", RegistrationStatus.ATTENDED)

    dispatch.run(now)

    link = SurveyLink.objects.get()
    (message,) = delivered()
    assert message.subject == "After your workshop: Cyber risk for boards – a few questions"
    assert f"Answer the survey: {survey_url(link)}" in message.body.splitlines()
    assert "The survey closes on Monday 25 January 2027 at 10:00." in message.body


def test_survey_link_email_follow_up(phase):
    now = factories.london(2027, 1, 11, 10, 0)
    held(ended(phase, days_ago=91, now=now, title="Cyber risk for boards"), "asha", RegistrationStatus.ATTENDED)

    dispatch.run(now)

    link = SurveyLink.objects.get()
    (message,) = delivered()
    assert message.subject == "Three months on from your workshop: Cyber risk for boards – a few questions"
    assert f"Answer the survey: {survey_url(link)}" in message.body.splitlines()
    assert "The survey closes on Monday 8 February 2027 at 10:00." in message.body


def test_survey_reminder_email(upcoming):
    link = sent_pre_link(upcoming, "asha", sent_at=START - 10 * DAY)

    dispatch.send_due(START - 47 * HOUR)

    (message,) = delivered()
    assert message.subject == "Reminder: before your workshop – the survey closes 4 February"
    lines = message.body.splitlines()
    assert lines[:3] == [
        "Dear Asha,",
        "",
        "We have not had your answers yet. The survey closes on Thursday 4 February 2027 at 13:30. "
        "It takes about 3 minutes.",
    ]
    assert f"Answer the survey: {survey_url(link)}" in lines
    assert "This is the only reminder we will send." in lines
    assert f'href="{survey_url(link)}"' in html(message)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions")
def test_two_runners_at_once_send_each_link_and_reminder_once(upcoming):
    for n in range(20):
        held(upcoming, f"person{n}")
    now = START - 10 * DAY
    barrier = threading.Barrier(2)
    counts = []

    def run(moment: datetime.datetime):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            counts.append(dispatch.run(moment))
        finally:
            thread_connection.close()

    for moment in (now, START - 47 * HOUR):
        threads = [threading.Thread(target=run, args=(moment,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert sum(count["links"] for count in counts) == 20
    assert sum(count["reminders"] for count in counts) == 20
    assert SurveyLink.objects.count() == 20
    emails = [f"person{n}@example.nhs.uk" for n in range(20)]
    assert sorted(outbox()) == sorted(
        [([email], "Before your workshop: Making good digital decisions – a few questions") for email in emails]
        + [([email], "Reminder: before your workshop – the survey closes 4 February") for email in emails]
    )
