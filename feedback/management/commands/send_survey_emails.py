from django.core.management.base import BaseCommand

from feedback import dispatch


class Command(BaseCommand):
    help = (
        "Makes the survey links that are due (pre survey on a confirmed place, post survey once attendance is "
        "final, follow-up later), queues their emails in the outbox, and the one reminder before a survey "
        "closes. Nobody gets the same email twice; safe to run repeatedly. The worker (manage.py db_worker) "
        "runs this every 15 minutes by itself."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Put the run on the background worker's queue (manage.py db_worker) instead of running it here.",
        )

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            result = dispatch.send_survey_emails_task.enqueue()
            self.stdout.write(f"Queued for the background worker (task {result.id}).")
            return
        counts = dispatch.run()
        self.stdout.write(
            "Links made: {made_pre} pre, {made_post} post, {made_follow_up} follow-up. "
            "Emails queued: {links} links, {reminders} reminders.".format(**counts)
        )
