"""Background tasks of the outbox and the worker's housekeeping (Django's tasks API)."""

import datetime
from importlib import import_module

from django.conf import settings
from django.utils import timezone
from django_tasks import task


@task()
def send_queued_messages() -> dict[str, int]:
    """Sends every message that is due: new ones, retries, and rows whose sender died."""
    from outbox import sending

    return sending.send_queued()


@task()
def housekeeping() -> dict[str, int]:
    """Daily: deletes finished task results older than TASK_RESULT_RETENTION_DAYS, expired
    sign-in sessions, and the periodic-job records older than two days."""
    from django_tasks_db.models import DBTaskResult

    from outbox.models import ScheduledRun

    now = timezone.now()
    cutoff = now - datetime.timedelta(days=int(getattr(settings, "TASK_RESULT_RETENTION_DAYS", 14)))
    task_results, _ = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    runs, _ = ScheduledRun.objects.filter(created_at__lt=now - datetime.timedelta(days=2)).delete()
    return {"task_results_deleted": task_results, "scheduled_runs_deleted": runs}
