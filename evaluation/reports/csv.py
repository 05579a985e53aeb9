"""The outcome report as one tidy CSV: one row per metric × selection, for analysts.

Columns, in this order:

``section``
    Where the figure comes from: ``summary`` (the recommendation and headline figures),
    ``criteria`` (the success criteria), or a table's slug (``outcomes_by_item``,
    ``outcomes_by_group``, ``reach``, ``reaction`` …).
``selection``
    Which sessions the figure covers, in words ("Pilot", "Rollout, Acute trust boards");
    for a criterion, the selection it was judged on.
``measure``
    What the figure is about: a table row's key columns joined with " / " (for example
    "Acute trust boards / Confidence in leading digital change"), a headline's label, or a
    criterion's name.
``metric``
    Which figure: a table column's label ("Mean change", "Paired", "p (paired t-test)");
    ``value`` for a headline; ``value``, ``threshold`` or ``result`` for a criterion.
``value``
    The figure as plain text. Counts are whole numbers or ``*`` (1–7 people, suppressed);
    percentages (0–100) have 1 decimal place (computed from the rounded counts), means and
    other statistics 2, p-values 4 (very small ones in scientific notation, such as
    ``3.2e-07``), money 2; targets, capacity and degrees of freedom that are whole numbers are
    whole numbers. Empty when withheld or when there is no data. Headlines and criteria are
    formatted text ("62.5%", "≥ 50%", "Met").
``unit``
    ``count``, ``integer``, ``percent``, ``number``, ``p``, ``GBP`` or ``text`` (from the
    column's format); empty for formatted text.
``note``
    Why a figure is withheld, or a headline's detail, or why a criterion has not enough data.

Every figure has been through disclosure control (evaluation.report.disclose) before it
reaches this file (see DOMAIN.md); the file holds aggregates only, never a row per person.
Text cells that a spreadsheet would run as a formula get a leading apostrophe; numbers
written as numbers (a negative change, say) are left alone.
"""

import csv
import io
import math
import re
from decimal import Decimal
from typing import Any

from config.spreadsheets import safe_cell
from evaluation.report import EvaluationReport, Format

# A formatted figure such as "+0.75" or "-12.5%": a spreadsheet reads it as a number, never a
# formula, so it keeps its sign (and matches the dashboard, the XLSX and the PDF).
SIGNED_FIGURE = re.compile(r"[+-]\d[\d,]*(\.\d+)?%?")

HEADER = ["section", "selection", "measure", "metric", "value", "unit", "note"]

UNITS: dict[str, str] = {
    "count": "count",
    "integer": "integer",
    "percent": "percent",
    "number": "number",
    "signed": "number",
    "df": "number",
    "p": "p",
    "money": "GBP",
    "text": "text",
}


def render_csv(report: EvaluationReport) -> str:
    """The report's summary, criteria and every table as tidy CSV text (header in HEADER)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)

    def row(section: str, selection: str, measure: str, metric: str, value: str, unit: str, note: str = ""):
        # Only `value` may be a number we wrote ourselves; every other cell is text from the report.
        writer.writerow([*map(safe_cell, (section, selection, measure, metric)), value, unit, safe_cell(note)])

    row("summary", report.selection, "Recommendation", "value", safe_cell(report.recommendation), "", "")
    if report.summary:
        row("summary", report.selection, "In brief", "note", "", "", report.summary)
    for headline in report.headlines:
        row("summary", report.selection, headline.label, "value", _figure(headline.text), "", headline.detail)
    if report.total_cost is not None:
        row("summary", report.selection, "Total cost", "value", _plain(report.total_cost, "money"), "GBP")
    row("summary", report.selection, "Disclosure control", "note", "", "", report.disclosure_note)
    if report.research_note:
        row("summary", report.selection, "Research extract", "note", "", "", report.research_note)

    for criterion in report.criteria:
        for metric, value in (
            ("value", criterion.value),
            ("threshold", f"{criterion.comparator} {criterion.threshold}".strip()),
            ("result", criterion.result_label),
        ):
            row("criteria", criterion.selection, criterion.name, metric, _figure(value), "", criterion.reason)

    for table in report.tables:
        keys = table.key_columns
        for table_row in table.rows:
            measure = " / ".join(_key_text(table_row.get(column.key)) for column in keys)
            note = table_row.get("note") or ""
            for column in table.metric_columns:
                value = _plain(table_row.get(column.key), column.format)
                row(table.slug, report.selection, measure, column.label, value, UNITS[column.format], note)
    return buffer.getvalue()


def _figure(text: str) -> str:
    return text if SIGNED_FIGURE.fullmatch(text) else safe_cell(text)


def _key_text(value: Any) -> str:
    return "" if value is None else str(value)


def _plain(value: Any, fmt: Format) -> str:
    """A figure as unformatted text, rounded to what its format can honestly claim."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return safe_cell(value)  # "*" and other text
    if fmt in ("count", "integer") or (fmt in ("number", "df") and float(value).is_integer()):
        return str(int(value))
    if fmt == "percent":
        return f"{float(value):.1f}"
    if fmt == "money":
        return f"{Decimal(str(value)):.2f}"
    if fmt == "p" and 0 < value < 0.0001:
        return f"{float(value):.1e}"
    if fmt == "p":
        return f"{float(value):.4f}"
    if fmt in ("number", "signed", "df"):
        return f"{float(value):.2f}"
    return str(value)
