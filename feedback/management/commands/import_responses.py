from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from feedback import imports


class Command(BaseCommand):
    help = (
        "Imports survey answers collected on paper or in another tool from a CSV (UTF-8) or Excel (.xlsx) "
        f"file with the columns {', '.join(imports.COLUMNS)}: one answer a row. Prints what it will do and "
        "every bad row; if any row is bad nothing is written and the command fails. Never replaces answers."
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
        except imports.ResponsesRejected as rejected:
            plan = rejected.plan
        self.stdout.write(file.name)
        for line in plan.report():
            self.stdout.write(line)
        if not plan.is_valid:
            raise CommandError(f"{plan.bad_row_count} bad row(s): nothing was imported. Fix the file and run again")
        if dry_run:
            self.stdout.write("Dry run: nothing was written")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Imported: {plan.response_count} responses with {len(plan.answers)} answers")
            )
