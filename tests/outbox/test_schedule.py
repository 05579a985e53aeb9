"""Periodic jobs: each job is enqueued once per time slot, however many workers try."""

import datetime

import pytest
from django.contrib.sessions.models import Session as SignInSession
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from outbox import schedule
from outbox.models import ScheduledRun
from outbox.tasks import housekeeping
from tests.summits.test_concurrency import race

pytestmark = pytest.mark.django_db

# A Monday, on a quarter hour: the start of a slot of every job below.
MONDAY = datetime.datetime(2031, 6, 9, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def jobs(settings):
    settings.PERIODIC_JOBS = {
        "housekeeping": {"task": "outbox.tasks.housekeeping", "every_seconds": 15 * 60},
    }


@pytest.mark.usefixtures("jobs")
def test_a_job_is_enqueued_once_per_slot():
    assert schedule.enqueue_due_jobs(MONDAY) == ["housekeeping"]
    assert schedule.enqueue_due_jobs(MONDAY + datetime.timedelta(minutes=14, seconds=59)) == []
    assert schedule.enqueue_due_jobs(MONDAY + datetime.timedelta(minutes=15)) == ["housekeeping"]

    assert sorted(ScheduledRun.objects.values_list("job", "slot")) == [
        ("housekeeping", int(MONDAY.timestamp()) // 900),
        ("housekeeping", int(MONDAY.timestamp()) // 900 + 1),
    ]


def test_the_configured_jobs_cover_outbox_reminders_surveys_housekeeping_and_the_purge(settings):
    jobs = {job.name: (job.task, job.every) for job in schedule.jobs()}

    assert jobs == {
        "outbox": ("outbox.tasks.send_queued_messages", 60),
        "reminders": ("attendees.reminders.send_reminders_task", 900),
        "survey-emails": ("feedback.dispatch.send_survey_emails_task", 900),
        "housekeeping": ("outbox.tasks.housekeeping", 86400),
        "purge-personal-data": ("privacy.tasks.purge_personal_data_task", 86400),
    }


def test_housekeeping_deletes_expired_sign_in_sessions_and_old_job_records():
    SignInSession.objects.create(session_key="old", session_data="", expire_date=timezone.now() - datetime.timedelta(1))
    SignInSession.objects.create(
        session_key="live", session_data="", expire_date=timezone.now() + datetime.timedelta(1)
    )
    old = ScheduledRun.objects.create(job="outbox", slot=1)
    ScheduledRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    ScheduledRun.objects.create(job="outbox", slot=2)

    result = housekeeping.call()

    assert result == {"task_results_deleted": 0, "scheduled_runs_deleted": 1}
    assert list(SignInSession.objects.values_list("session_key", flat=True)) == ["live"]
    assert list(ScheduledRun.objects.values_list("slot", flat=True)) == [2]


def test_db_worker_is_ours_and_can_leave_scheduling_to_another_worker(capsys):
    with pytest.raises(SystemExit):
        call_command("db_worker", "--help")

    assert "--no-schedule" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data", "jobs")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions")
def test_workers_at_once_enqueue_a_job_once_per_slot():
    started = []

    race([lambda: started.extend(schedule.enqueue_due_jobs(MONDAY)) for _ in range(4)])

    assert started == ["housekeeping"]
    assert ScheduledRun.objects.count() == 1
