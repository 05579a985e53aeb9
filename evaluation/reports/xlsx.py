"""The outcome report as an Excel workbook, for evaluators who want to sort and filter.

Sheets, in order: Summary, Criteria, Outcomes by item, Outcomes by group, Reach, Reaction,
then one sheet for each other table. Aggregates only: record-level data is never in this
workbook (it is the research extract's, evaluation.extracts). Numbers are stored as numbers
with a number format, at the precision disclosure control leaves them.
"""

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from evaluation.report import EvaluationReport, Format, Table
from evaluation.reports.formatting import format_value, is_missing, is_number

PSEUDONYMISED = "Pseudonymised: contains no names or email addresses."

# The tables that always have a sheet, by slug, even when the report has no such table.
TABLE_SHEETS = {
    "outcomes_by_item": "Outcomes by item",
    "outcomes_by_group": "Outcomes by group",
    "reach": "Reach",
    "reaction": "Reaction",
}

# Percentages stay 0–100 (as in the CSV and the PDF), so the "%" is a literal, not Excel's ×100.
NUMBER_FORMATS: dict[str, str] = {
    "count": "0",
    "integer": "#,##0",
    "percent": '0.0"%"',
    "number": "0.00",
    "signed": "+0.00;-0.00;0.00",
    "df": "0.##",
    # A p-value below 0.001 reads "< 0.001" rather than a misleading "0.000".
    "p": '[<0.001]"< 0.001";0.000',
    "money": "£#,##0.00",
}

# Sheet names (Excel allows 31 characters); other tables get their title, cut at a word.
SHEET_NAMES = {
    "reliable_change": "Reliable change",
    "improvement_by_item": "Any rise by item",
    "tests_by_item": "Tests by item",
    "effects_by_item": "Effect sizes by item",
    "follow_up": "Follow-up",
    "outcomes_by_group_detail": "Outcomes by group (detail)",
    "outcomes_by_theme": "Outcomes by theme",
    "outcomes_by_theme_detail": "Outcomes by theme (detail)",
    "then_test": "Then-test",
    "reliability": "Reliability",
    "attrition": "Non-response",
    "reach_rates": "Acceptance and attendance",
    "sessions": "Sessions",
    "survey_takeup": "Survey take-up",
    "follow_up_takeup": "Follow-up take-up",
    "experience_ratings": "Experience ratings",
    "phase_comparison": "Pilot vs rollout",
    "phase_comparison_tests": "Pilot vs rollout (tests)",
    "cost": "Cost",
    "comments": "Free text",
    "versions": "Questionnaire versions",
}

BOLD = Font(bold=True)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="005EB8")
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
RIGHT = Alignment(horizontal="right")

MAX_SHEET_TITLE = 31


def render_xlsx(report: EvaluationReport) -> bytes:
    """The whole report as .xlsx bytes."""
    workbook = Workbook(write_only=True)
    _summary_sheet(workbook.create_sheet("Summary"), report)
    _criteria_sheet(workbook.create_sheet("Criteria"), report)

    tables = {table.slug: table for table in report.tables}
    for slug, title in TABLE_SHEETS.items():
        _table_sheet(workbook.create_sheet(title), tables.get(slug))

    used = {title.casefold() for title in ["Summary", "Criteria", *TABLE_SHEETS.values()]}
    for table in report.tables:
        if table.slug not in TABLE_SHEETS:
            title = _unique_title(SHEET_NAMES.get(table.slug, table.title), used)
            used.add(title.casefold())
            _table_sheet(workbook.create_sheet(title), table)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _summary_sheet(sheet: WriteOnlyWorksheet, report: EvaluationReport) -> None:
    _widths(sheet, [28, 80, 50])
    sheet.append([_cell(sheet, f"{report.programme}: outcome evaluation", font=TITLE_FONT)])
    for label, value in (
        ("Programme", report.programme),
        ("Selection", report.selection),
        ("Generated", f"{report.generated_at:%d %B %Y, %H:%M}"),
        ("In brief", report.summary),
        ("Recommendation", report.recommendation),
        ("", report.recommendation_detail),
        ("", PSEUDONYMISED),
        ("Disclosure control", report.disclosure_note),
        ("Research extract", report.research_note),
    ):
        sheet.append([_cell(sheet, label, font=BOLD), _cell(sheet, value, alignment=WRAP)])
    sheet.append([])
    sheet.append(_header(sheet, ["Headline figure", "Value", "Detail"]))
    for headline in report.headlines:
        value = _value_cell(sheet, headline.value, headline.format)
        detail = "; ".join(part for part in (headline.detail, headline.note) if part)
        sheet.append([_cell(sheet, headline.label), value, _cell(sheet, detail, alignment=WRAP)])
    if report.total_cost is not None:
        sheet.append(
            [_cell(sheet, "Total cost"), _cell(sheet, report.total_cost, number_format=NUMBER_FORMATS["money"])]
        )
    sheet.append([])
    for label, paragraphs in (("Methods", report.methods), ("Disclosure control", [report.disclosure_note])):
        for index, paragraph in enumerate(paragraphs):
            sheet.append(
                [_cell(sheet, label if index == 0 else "", font=BOLD), _cell(sheet, paragraph, alignment=WRAP)]
            )


def _criteria_sheet(sheet: WriteOnlyWorksheet, report: EvaluationReport) -> None:
    _widths(sheet, [40, 30, 14, 12, 14, 18, 50])
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet, ["Criterion", "Selection", "Value", "Comparator", "Threshold", "Result", "Reason"]))
    for criterion in report.criteria:
        sheet.append(
            [
                _cell(sheet, criterion.name, alignment=WRAP),
                _cell(sheet, criterion.selection, alignment=WRAP),
                _value_cell(sheet, criterion.raw_value, criterion.format)
                if criterion.figure is not None and criterion.raw_value is not None
                else _cell(sheet, criterion.value),
                _cell(sheet, criterion.comparator),
                _cell(sheet, criterion.threshold),
                _cell(sheet, criterion.result_label, font=BOLD),
                _cell(sheet, criterion.reason, alignment=WRAP),
            ]
        )


def _table_sheet(sheet: WriteOnlyWorksheet, table: Table | None) -> None:
    if table is None or not table.rows:
        _widths(sheet, [60])
        sheet.append([_cell(sheet, "There is no data for this table in this selection.")])
        return
    columns = table.shown_columns
    has_notes = any(row.get("note") for row in table.rows) and "note" not in {c.key for c in columns}
    labels = [column.label for column in columns] + (["Note"] if has_notes else [])
    widths = [
        _width(column.label, [format_value(row.get(column.key), column.format) for row in table.rows])
        for column in columns
    ]
    _widths(sheet, widths + ([50] if has_notes else []))
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet, labels))
    for row in table.rows:
        cells = [_value_cell(sheet, row.get(column.key), column.format) for column in columns]
        if has_notes:
            cells.append(_cell(sheet, row.get("note") or ""))
        sheet.append(cells)
    if table.note:
        sheet.append([])
        sheet.append([_cell(sheet, table.note)])


def _value_cell(sheet: WriteOnlyWorksheet, value: Any, fmt: Format) -> Cell | None:
    if is_missing(value):
        return None
    if is_number(value) and fmt in NUMBER_FORMATS:
        return _cell(sheet, value, number_format=NUMBER_FORMATS[fmt])
    # "*" (a suppressed count) and other text stay text, right-aligned beside the numbers.
    return _cell(sheet, value, alignment=RIGHT if fmt != "text" else None)


def _cell(sheet, value, *, font=None, alignment=None, number_format=None, fill=None) -> Cell:
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    if font:
        cell.font = font
    if alignment:
        cell.alignment = alignment
    if number_format:
        cell.number_format = number_format
    if fill:
        cell.fill = fill
    return cell


def _header(sheet, labels: list[str]) -> list[Cell]:
    return [_cell(sheet, label, font=HEADER_FONT, alignment=WRAP, fill=HEADER_FILL) for label in labels]


def _widths(sheet: WriteOnlyWorksheet, widths: list[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _width(label: str, texts: list[str]) -> float:
    # Headers wrap, so a long label needs only about half its length.
    longest = max([len(label) / 2, *(len(text) for text in texts)])
    return min(max(longest + 3, 10), 60)


def _unique_title(title: str, used: set[str]) -> str:
    # Excel refuses these characters in sheet names, and compares names ignoring case.
    clean = " ".join("".join(" " if char in "[]:*?/\\" else char for char in title).split()) or "Table"
    candidate = _cut(clean, MAX_SHEET_TITLE)
    number = 2
    while candidate.casefold() in used:
        suffix = f" ({number})"
        candidate = _cut(clean, MAX_SHEET_TITLE - len(suffix)) + suffix
        number += 1
    return candidate


def _cut(text: str, length: int) -> str:
    """At most `length` characters, ending at a whole word (and never on a comma)."""
    if len(text) <= length:
        return text
    words = text[: length + 1].split(" ")[:-1]
    return " ".join(words).rstrip(",;-– ") or text[:length]
