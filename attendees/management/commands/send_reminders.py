from django.core.management.base import BaseCommand

from attendees import reminders


class Command(BaseCommand):
    help = (
        "Sends the reminders that are due (settings.REMINDER_DAYS_BEFORE, default 7 and 1 days before) to people "
        "with a confirmed place, once each, through the outbox. The worker (manage.py db_worker) runs this every "
        "15 minutes by itself; run it by hand to queue due reminders at once. Safe to run repeatedly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Put the run on the background worker's queue (manage.py db_worker) instead of running it here.",
        )

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            result = reminders.send_reminders_task.enqueue()
            self.stdout.write(f"Queued for the background worker (task {result.id}).")
            return
        sent = reminders.send_due_reminders()
        for days, count in sorted(sent.items(), reverse=True):
            self.stdout.write(f"{days}-day reminders queued: {count}")
