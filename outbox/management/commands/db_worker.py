"""`manage.py db_worker`: django-tasks-db's worker, plus the periodic jobs (outbox/schedule.py)
in a thread of the same process. The outbox app comes before django_tasks_db in INSTALLED_APPS,
so this command is the one `db_worker` runs."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from outbox.schedule import Scheduler
from outbox.tasks import send_queued_messages


class Command(DatabaseWorkerCommand):
    help = "Run the background worker; it also enqueues the periodic jobs (settings.PERIODIC_JOBS) when due."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="Do not enqueue periodic jobs from this worker (another worker does).",
        )

    def handle(self, *args, schedule: bool = True, **options) -> None:
        reloading = options["reload"] and not options["batch"]
        # With --reload the parent process only watches files; the child runs the worker.
        if schedule and not options["batch"] and (not reloading or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"):
            Scheduler().start()
            # A worker that starts (again, after a crash or a deploy) sends what is waiting at
            # once rather than at the next minute's outbox job.
            send_queued_messages.enqueue()
        super().handle(*args, **options)
