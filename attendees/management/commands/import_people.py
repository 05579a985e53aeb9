from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from attendees import imports


class Command(BaseCommand):
    help = (
        "Imports people from a CSV (UTF-8) or Excel (.xlsx) file with the columns "
        f"{', '.join(imports.COLUMNS)}. Prints what it will do and every bad row; if any row is bad "
        "nothing is written and the command fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .csv or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report, writing nothing")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        try:
            plan = imports.check(imports.read_file(content, file.name))
            if plan.is_valid and not dry_run:
                plan = imports.apply(plan=plan, actor=None, source=file.name)
        except imports.ImportFileError as error:
            raise CommandError(f"{file.name}: {error}") from None
        except imports.ImportRejected as rejected:
            plan = rejected.plan
        self.stdout.write(f"{file.name}")
        for line in plan.report():
            self.stdout.write(line)
        if options["verbosity"] > 1:
            for row in plan.to_create:
                self.stdout.write(f"Row {row.row}: create {row.email}")
            for update in plan.to_update:
                changes = "; ".join(f"{c.field} '{c.before}' → '{c.after}'" for c in update.changes)
                self.stdout.write(f"Row {update.row.row}: update {update.row.email}: {changes}")
        if not plan.is_valid:
            raise CommandError(f"{plan.bad_row_count} bad row(s): nothing was imported. Fix the file and run again")
        if dry_run:
            self.stdout.write("Dry run: nothing was written")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported: {len(plan.to_create)} created, {len(plan.to_update)} updated, "
                    f"{len(plan.unchanged)} unchanged"
                )
            )
