from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evaluation.exports import render_export
from evaluation.reporting import Filters, build_report
from summits.enums import PhaseKind
from summits.models import Programme


class Command(BaseCommand):
    help = (
        "Writes a programme's outcome report (pseudonymised and disclosure-controlled) as PDF, XLSX or CSV: "
        "the same report the evaluators' dashboard shows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="The programme's slug.")
        parser.add_argument("--phase", choices=PhaseKind.values, help="Only this phase (default: the whole programme).")
        parser.add_argument("--format", required=True, choices=["pdf", "xlsx", "csv"], dest="export_format")
        parser.add_argument("--output", required=True, type=Path, help="Where to write the file.")

    def handle(self, *args, programme: str, phase: str | None, export_format: str, output: Path, **options):
        found = Programme.objects.filter(slug=programme).first()
        if found is None:
            known = ", ".join(Programme.objects.order_by("slug").values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"There is no programme {programme!r}. Programmes: {known}.")
        if not output.parent.exists():
            raise CommandError(f"The folder {output.parent} does not exist.")
        report = build_report(found, Filters(phase=phase or ""))
        content = render_export(report, export_format)
        output.write_bytes(content)
        self.stdout.write(
            f"Wrote the {export_format.upper()} report for {found.name} ({report.selection}) to {output}: "
            f"{len(content):,} bytes. Recommendation: {report.recommendation}."
        )
