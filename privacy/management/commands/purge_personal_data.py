from django.conf import settings
from django.core.management.base import BaseCommand

from privacy import services


class Command(BaseCommand):
    help = (
        "Erases the people whose programmes ended more than the retention period ago "
        "(PERSONAL_DATA_RETENTION_DAYS) and deletes the files of research extracts built more than "
        "RESEARCH_EXTRACT_RETENTION_DAYS ago; see docs/retention.md. The worker runs it daily."
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
            self.stdout.write(
                f"Would delete the files of {len(plan.extracts)} research extracts "
                f"built more than {plan.extract_days} days ago."
            )
            for extract in plan.extracts:
                self.stdout.write(f"  research extract {extract.pk}")
            return
        erased = services.purge_personal_data(plan=plan)
        self.stdout.write(f"Erased {erased} people.")
        deleted = services.delete_expired_extracts(plan=plan)
        self.stdout.write(f"Deleted the files of {deleted} research extracts.")
