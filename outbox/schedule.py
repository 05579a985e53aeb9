"""Periodic jobs that run themselves inside the worker (settings.PERIODIC_JOBS), so neither
`make run` nor production needs a cron entry.

No maintained scheduler fits this stack: django-scheduled-tasks, django-crontask and
django-dbtasks need Python 3.12 or later and django-periodic-tasks 3.13; django-apscheduler
would run a job once per worker. So it is kept small. Each worker (`manage.py db_worker`, see
outbox/management/commands/db_worker.py) runs a thread that, every SCHEDULER_TICK_SECONDS,
works out each job's current time slot (the Unix time divided by the job's period) and, if no
ScheduledRun row exists for (job, slot), inserts one and enqueues the job's task in the same
transaction. The unique constraint on (job, slot) lets exactly one worker do that, so two
workers never run the same job for the same slot; a worker that was down simply runs the job
in the first slot after it is back.
"""

import datetime
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from outbox.models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django-tasks Task
    every: int  # seconds

    def slot(self, now: datetime.datetime) -> int:
        return int(now.timestamp()) // self.every


def jobs() -> list[Job]:
    return [
        Job(name=name, task=job["task"], every=int(job["every_seconds"]))
        for name, job in getattr(settings, "PERIODIC_JOBS", {}).items()
    ]


def enqueue_due_jobs(now: datetime.datetime | None = None) -> list[str]:
    """Enqueues each job whose current slot has not been claimed yet. Returns their names."""
    now = now or timezone.now()
    started = []
    for job in jobs():
        slot = job.slot(now)
        if ScheduledRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, slot=slot)
                import_string(job.task).enqueue()
        except IntegrityError:
            continue  # another worker claimed this slot a moment ago
        started.append(job.name)
    return started


class Scheduler(threading.Thread):
    """The worker's clock: enqueues due jobs now and then every `tick` seconds."""

    def __init__(self, tick: float | None = None):
        super().__init__(name="periodic-jobs", daemon=True)
        self.tick = float(tick if tick is not None else getattr(settings, "SCHEDULER_TICK_SECONDS", 15))
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while True:
                try:
                    close_old_connections()
                    started = enqueue_due_jobs()
                    if started:
                        logger.info("Periodic jobs enqueued: %s", ", ".join(started))
                except Exception:
                    logger.exception("Enqueuing periodic jobs failed; trying again in %s s", self.tick)
                if self.stopping.wait(self.tick):
                    return
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
