from django.conf import settings
from django.core.management.base import BaseCommand

from privacy import services


class Command(BaseCommand):
    help = (
        "Erases the people whose programmes ended more than the retention period ago "
        "(PERSONAL_DATA_RETENTION_DAYS; see docs/retention.md). Run daily from cron or a timer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="say who would be erased; change nothing")
        parser.add_argument(
            "--retention-days",
            type=int,
            default=None,
            help=f"days after a programme ends (default: {settings.PERSONAL_DATA_RETENTION_DAYS})",
        )

    def handle(self, *args, dry_run: bool, retention_days: int | None, **options):
        days = settings.PERSONAL_DATA_RETENTION_DAYS if retention_days is None else retention_days
        plan = services.purge_plan(retention_days=days)
        ended = ", ".join(programme.name for programme in plan.programmes) or "none"
        self.stdout.write(f"Retention: {days} days; programmes ended before {plan.cutoff:%Y-%m-%d}: {ended}.")
        if dry_run:
            self.stdout.write(f"Would erase {len(plan.people)} people (dry run: nothing changed).")
            for person in plan.people:
                self.stdout.write(f"  person {person.pk}")
            return
        erased = services.purge_personal_data(plan=plan)
        self.stdout.write(f"Erased {erased} people.")
