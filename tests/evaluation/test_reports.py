"""The outcome report's exports: PDF, XLSX and tidy CSV, rendered from a report built by hand."""

import csv
import datetime
import io
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest

from evaluation.report import (
    Chart,
    Column,
    CriterionResult,
    EvaluationReport,
    Headline,
    ResponseRow,
    Series,
    Table,
)
from evaluation.reports.csv import render_csv
from evaluation.reports.pdf import render_pdf
from evaluation.reports.xlsx import render_xlsx

DISCLOSURE_NOTE = "Counts of 1 to 7 are shown as *; counts of 8 or more are rounded to the nearest 5."
WITHHELD = "Withheld: 7 or fewer people answered both surveys."


def outcome_report(*, group_rows: int = 2, responses: int = 3) -> EvaluationReport:
    """A small report with every kind of value: counts, "*", percentages, p-values, money, None."""
    outcome_columns = [
        Column("group", "Leadership group", "text", is_key=True),
        Column("item", "Item", "text", is_key=True),
        Column("paired", "Paired", "count"),
        Column("improved", "Improved", "percent"),
        Column("mean_change", "Mean change", "number"),
        Column("p", "p (paired t-test)", "p"),
    ]
    groups = [
        {
            "group": "Acute trust boards",
            "item": "Confidence",
            "paired": 25,
            "improved": 62.5,
            "mean_change": -0.41234,
            "p": 0.00004,
        },
        {
            "group": "@CIO network",
            "item": "Confidence",
            "paired": "*",
            "improved": None,
            "mean_change": None,
            "p": None,
            "note": WITHHELD,
        },
    ]
    groups += [
        {"group": f"Group {n}", "item": "Confidence", "paired": 10, "improved": 50.0, "mean_change": 0.5, "p": 0.2}
        for n in range(3, group_rows + 1)
    ]
    return EvaluationReport(
        programme="Digital Leadership Workshops",
        selection="Pilot",
        generated_at=datetime.datetime(2026, 5, 5, 14, 30),
        recommendation="Go: every success criterion was met.",
        recommendation_detail="Confidence rose in every group large enough to report.",
        headlines=[Headline("Mean change in confidence", "0.84", "95% CI 0.61 to 1.07")],
        criteria=[
            CriterionResult("Mean change in confidence", "Pilot", "0.84", "≥", "0.5", "met"),
            CriterionResult("Match rate", "Pilot", "=58%", "≥", "60%", "not_met"),
            CriterionResult(
                "Change in every group",
                "Pilot, every leadership group",
                "Withheld",
                "≥",
                "0.3",
                "not_enough_data",
                reason="Two groups had 7 or fewer paired people.",
            ),
        ],
        tables=[
            Table(
                "outcomes_by_item",
                "Outcomes by item",
                [
                    Column("item", "Item", "text", is_key=True),
                    Column("paired", "Paired", "count"),
                    Column("mean_change", "Mean change", "number"),
                ],
                [{"item": "Confidence", "paired": 35, "mean_change": 0.84}],
            ),
            Table("outcomes_by_group", "Outcomes by leadership group", outcome_columns, groups),
            Table(
                "cost",
                "Cost per attendee by session",
                [Column("session", "Session", "text", is_key=True), Column("cost", "Cost per attendee", "money")],
                [{"session": "DLW-001", "cost": Decimal("1234.5")}],
            ),
        ],
        charts=[
            Chart(
                "change_by_group",
                "Mean change by leadership group",
                "Mean change for each group.",
                "bars",
                ["Acute trust boards", "@CIO network"],
                [Series("Mean change", [0.8, None])],
                "Mean change (points)",
            ),
            Chart(
                "before_after",
                "Before and after",
                "Mean confidence before and after.",
                "grouped_bars",
                ["Confidence"],
                [Series("Before", [2.5]), Series("After", [3.9])],
                "Mean confidence (1–5)",
                5,
            ),
        ],
        methods=["Paired t-test and Wilcoxon signed-rank test (R's wilcox.test(paired=TRUE))."],
        disclosure_note=DISCLOSURE_NOTE,
        total_cost=Decimal("37036.50"),
        responses=(
            ResponseRow(f"P{n:04d}", "DLW-001", "Pilot", "Pre", "=Confidence" if n == 2 else "Confidence", float(n))
            for n in range(1, responses + 1)
        ),
    )


# PDF -------------------------------------------------------------------------------------------


def pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed, and pypdf is not a dependency: cannot read PDF text")
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def test_render_pdf_is_a_pdf():
    pdf = render_pdf(outcome_report())

    assert pdf[:5] == b"%PDF-"


def line_with(page: str, start: str) -> str:
    """The first line that starts with `start`, with runs of spaces closed up."""
    return next(line for line in (" ".join(raw.split()) for raw in page.splitlines()) if line.startswith(start))


def test_render_pdf_has_the_recommendation_criteria_page_numbers_and_disclosure_note():
    text = pdf_text(render_pdf(outcome_report()))
    pages = text.split("\f")[:-1]

    assert len(pages) == 5  # title, summary and criteria, charts, tables, methods
    assert line_with(pages[1], "Go:") == "Go: every success criterion was met."
    assert line_with(pages[1], "Mean change in confidence Pilot") == "Mean change in confidence Pilot 0.84 ≥ 0.5 Met"
    assert line_with(pages[1], "Match rate") == "Match rate Pilot =58% ≥ 60% Not met"
    assert line_with(pages[1], "Change in every group") == (
        "Change in every group Pilot, every Withheld ≥ 0.3 Not enough Two groups had 7 or"
    )
    assert line_with(pages[0], "Digital Leadership Workshops Page") == "Digital Leadership Workshops Page 1 of 5"
    assert line_with(pages[4], "Digital Leadership Workshops Page") == "Digital Leadership Workshops Page 5 of 5"
    assert line_with(pages[0], "Pseudonymised") == "Pseudonymised: contains no names or email addresses."
    assert " ".join(pages[4].split()).count(DISCLOSURE_NOTE) == 1


def test_render_pdf_formats_values_per_column_and_names_the_reason_for_a_gap():
    tables = pdf_text(render_pdf(outcome_report())).split("\f")[3]

    assert line_with(tables, "Acute trust boards") == "Acute trust boards Confidence 25 62.5% -0.41 < 0.001"
    assert line_with(tables, "@CIO network") == "@CIO network Confidence * – – – 1"
    assert line_with(tables, "Note 1:") == f"Note 1: {WITHHELD}"
    assert line_with(tables, "DLW-001") == "DLW-001 £1,234.50"


def test_render_pdf_repeats_the_header_row_when_a_table_runs_onto_another_page():
    text = pdf_text(render_pdf(outcome_report(group_rows=120)))
    pages = [page for page in text.split("\f") if "Group 60" in page or "Group 110" in page]

    assert len(pages) >= 2
    assert all("Leadership group" in page and "Paired" in page for page in pages)


# XLSX ------------------------------------------------------------------------------------------


def open_xlsx(report: EvaluationReport) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))


def test_render_xlsx_has_the_fixed_sheets_then_one_for_each_other_table():
    workbook = open_xlsx(outcome_report())

    assert workbook.sheetnames == [
        "Summary",
        "Criteria",
        "Outcomes by item",
        "Outcomes by group",
        "Reach",
        "Reaction",
        "Responses",
        "Cost per attendee by session",
    ]


def test_render_xlsx_says_there_is_no_data_for_a_missing_table():
    sheet = open_xlsx(outcome_report())["Reach"]

    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["There is no data for this table in this selection."]
    ]


def test_render_xlsx_writes_numbers_with_their_format_and_suppressed_counts_as_text():
    sheet = open_xlsx(outcome_report())["Outcomes by group"]
    rows = list(sheet.iter_rows())

    assert [cell.value for cell in rows[0]] == [
        "Leadership group",
        "Item",
        "Paired",
        "Improved",
        "Mean change",
        "p (paired t-test)",
        "Note",
    ]
    assert rows[0][0].font.bold is True
    assert sheet.freeze_panes == "A2"
    acute, cio = rows[1], rows[2]
    assert [cell.value for cell in acute] == ["Acute trust boards", "Confidence", 25, 62.5, -0.41234, 0.00004, None]
    assert [cell.number_format for cell in acute[2:6]] == ["0", '0.0"%"', "0.00", '[<0.001]"< 0.001";0.000']
    assert [cell.value for cell in cio] == ["@CIO network", "Confidence", "*", None, None, None, WITHHELD]
    assert cio[2].data_type == "s"


def test_render_xlsx_writes_money_and_the_summary():
    workbook = open_xlsx(outcome_report())
    cost = workbook["Cost per attendee by session"]["B2"]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True) if row and row[0]}

    assert (cost.value, cost.number_format) == (1234.5, "£#,##0.00")
    assert summary["Recommendation"] == "Go: every success criterion was met."
    assert summary["Selection"] == "Pilot"
    assert summary["Disclosure control"] == DISCLOSURE_NOTE


def test_render_xlsx_keeps_text_that_looks_like_a_formula_as_text():
    workbook = open_xlsx(outcome_report())

    assert workbook["Criteria"]["C3"].value == "=58%"
    assert workbook["Criteria"]["C3"].data_type == "s"
    assert workbook["Responses"]["E3"].value == "=Confidence"
    assert workbook["Responses"]["E3"].data_type == "s"


def test_render_xlsx_has_one_responses_row_per_answer():
    sheet = open_xlsx(outcome_report(responses=3))["Responses"]

    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Participant key", "Session", "Phase", "Survey", "Item", "Value"],
        ["P0001", "DLW-001", "Pilot", "Pre", "Confidence", 1],
        ["P0002", "DLW-001", "Pilot", "Pre", "=Confidence", 2],
        ["P0003", "DLW-001", "Pilot", "Pre", "Confidence", 3],
    ]


# CSV -------------------------------------------------------------------------------------------


def csv_rows(report: EvaluationReport) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render_csv(report))))


def test_render_csv_has_the_documented_header():
    header = render_csv(outcome_report()).splitlines()[0]

    assert header == "section,selection,measure,metric,value,unit,note"


def test_render_csv_has_one_row_per_metric_of_each_table_row():
    rows = [row for row in csv_rows(outcome_report()) if row["section"] == "outcomes_by_group"]

    assert rows[:4] == [
        {
            "section": "outcomes_by_group",
            "selection": "Pilot",
            "measure": "Acute trust boards / Confidence",
            "metric": metric,
            "value": value,
            "unit": unit,
            "note": "",
        }
        for metric, value, unit in [
            ("Paired", "25", "count"),
            ("Improved", "62.5", "percent"),
            ("Mean change", "-0.4123", "number"),
            ("p (paired t-test)", "4.0e-05", "p"),
        ]
    ]


def test_render_csv_leaves_withheld_values_empty_and_defuses_formulas_in_text():
    rows = csv_rows(outcome_report())
    cio = [row for row in rows if row["measure"] == "'@CIO network / Confidence"]
    match_rate = next(row for row in rows if row["measure"] == "Match rate" and row["metric"] == "value")

    assert [(row["metric"], row["value"], row["note"]) for row in cio] == [
        ("Paired", "*", WITHHELD),
        ("Improved", "", WITHHELD),
        ("Mean change", "", WITHHELD),
        ("p (paired t-test)", "", WITHHELD),
    ]
    assert match_rate["value"] == "'=58%"


def test_render_csv_has_the_summary_and_criteria():
    rows = csv_rows(outcome_report())
    criterion = [row for row in rows if row["section"] == "criteria" and row["measure"] == "Change in every group"]

    assert rows[1] == {
        "section": "summary",
        "selection": "Pilot",
        "measure": "Mean change in confidence",
        "metric": "value",
        "value": "0.84",
        "unit": "",
        "note": "95% CI 0.61 to 1.07",
    }
    assert next(row for row in rows if row["measure"] == "Total cost")["value"] == "37036.50"
    assert [(row["selection"], row["metric"], row["value"], row["note"]) for row in criterion] == [
        ("Pilot, every leadership group", "value", "Withheld", "Two groups had 7 or fewer paired people."),
        ("Pilot, every leadership group", "threshold", "≥ 0.3", "Two groups had 7 or fewer paired people."),
        ("Pilot, every leadership group", "result", "Not enough data", "Two groups had 7 or fewer paired people."),
    ]
