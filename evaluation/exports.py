"""Rendering a report in one of the export formats (shared by the download view and the
evaluation_report command). The renderers are imported inside the function: reportlab and
openpyxl load only when someone exports."""

from django.utils.text import slugify

from evaluation.report import EvaluationReport
from summits.models import Programme

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def render_export(report: EvaluationReport, export_format: str) -> bytes:
    if export_format == "pdf":
        from evaluation.reports.pdf import render_pdf

        return render_pdf(report)
    if export_format == "xlsx":
        from evaluation.reports.xlsx import render_xlsx

        return render_xlsx(report)
    if export_format == "csv":
        from evaluation.reports.csv import render_csv

        return render_csv(report).encode("utf-8")
    raise ValueError(f"Unknown export format {export_format!r}")


def export_filename(programme: Programme, filters, export_format: str) -> str:
    parts = [programme.slug, "outcomes", *(value for value in vars(filters).values() if value)]
    return slugify("-".join(parts)) + f".{export_format}"
