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
    CriterionResult,
    EvaluationReport,
    Headline,
    RawTable,
    Series,
    count,
    disclose,
    figure,
    label,
    planning,
    rate,
    statistic,
)
from evaluation.reports.csv import render_csv
from evaluation.reports.pdf import render_pdf
from evaluation.reports.xlsx import render_xlsx

DISCLOSURE_NOTE = "Counts of 1 to 7 are shown as *; counts of 8 or more are rounded to the nearest 5."
WITHHELD = "withheld: fewer than 8 people"
GROUP_COLUMNS = [
    label("group", "Leadership group", is_key=True),
    label("item", "Item", is_key=True),
    count("paired", "Paired"),
    count("n_improved", "Improved people", hidden=True),
    rate("improved", "Improved", numerator="n_improved", denominator="paired"),
    statistic("mean_change", "Mean change", n="paired", format="signed"),
    statistic("p", "p (paired t-test)", n="paired", format="p"),
]


def outcome_report(*, group_rows: int = 2) -> EvaluationReport:
    """A small report with every kind of value: counts, "*", percentages, p-values, money, None."""
    groups = [
        {
            "group": "Acute trust boards",
            "item": "Confidence",
            "paired": 25,
            "n_improved": 15,
            "mean_change": -0.41234,
            "p": 0.00004,
        },
        {"group": "@CIO network", "item": "Confidence", "paired": 5, "n_improved": 4, "mean_change": 0.5, "p": 0.3},
    ]
    groups += [
        {"group": f"Group {n}", "item": "Confidence", "paired": 10, "n_improved": 5, "mean_change": 0.5, "p": 0.2}
        for n in range(3, group_rows + 1)
    ]
    pairs = count("n")
    return EvaluationReport(
        programme="Digital Leadership Workshops",
        selection="Pilot",
        generated_at=datetime.datetime(2026, 5, 5, 14, 30),
        recommendation="Go: every success criterion was met.",
        recommendation_detail="Confidence rose in every group large enough to report.",
        headlines=[
            Headline(
                "Mean change in confidence",
                figure("h", statistic("change", "Change", n="n", format="signed"), {"change": 0.84, "n": 35}, [pairs]),
                "95% CI 0.61 to 1.07",
            )
        ],
        criteria=[
            CriterionResult(
                "Mean change in confidence",
                "Pilot",
                figure("c1", statistic("value", "Value", n="n", format="signed"), {"value": 0.84, "n": 35}, [pairs]),
                "≥",
                "0.5",
                "met",
            ),
            CriterionResult(
                "Match rate",
                "Pilot",
                figure(
                    "c2",
                    rate("value", "Value", numerator="a", denominator="b"),
                    {"a": 28, "b": 48},
                    [count("a"), count("b")],
                ),
                "≥",
                "60%",
                "not_met",
            ),
            CriterionResult(
                "Change in every group",
                "Pilot, every leadership group",
                None,
                "≥",
                "0.3",
                "not_enough_data",
                reason="Two groups had 7 or fewer paired people.",
            ),
        ],
        tables=[
            disclose(
                RawTable(
                    "outcomes_by_item",
                    "Outcomes by item",
                    [
                        label("item", "Item", is_key=True),
                        count("paired", "Paired"),
                        statistic("mean_change", "Mean change", n="paired"),
                    ],
                    [{"item": "Confidence", "paired": 35, "mean_change": 0.84}],
                )
            ),
            disclose(RawTable("outcomes_by_group", "Outcomes by leadership group", GROUP_COLUMNS, groups)),
            disclose(
                RawTable(
                    "cost",
                    "Cost per attendee by session",
                    [
                        label("session", "Session", is_key=True),
                        planning("cost", "Cost per attendee", format="money"),
                        planning("capacity", "Capacity"),
                    ],
                    [{"session": "DLW-001", "cost": Decimal("1234.5"), "capacity": 30}],
                )
            ),
        ],
        charts=[
            Chart(
                "change_by_group",
                "Mean change by leadership group",
                "Mean change for each group.",
                "bars",
                disclose(RawTable("c", "c", GROUP_COLUMNS, groups[:2])),
                "group",
                [Series("Mean change", "mean_change")],
                "Mean change (points)",
            ),
            Chart(
                "before_after",
                "Before and after",
                "Mean confidence before and after.",
                "grouped_bars",
                disclose(
                    RawTable(
                        "b",
                        "b",
                        [
                            label("item", "Item", is_key=True),
                            count("n", hidden=True),
                            statistic("before", "Before", n="n"),
                            statistic("after", "After", n="n"),
                        ],
                        [{"item": "Confidence", "n": 30, "before": 2.5, "after": 3.9}],
                    )
                ),
                "item",
                [Series("Before", "before"), Series("After", "after")],
                "Mean confidence (1–5)",
                5,
            ),
        ],
        methods=["Paired t-test and Wilcoxon signed-rank test (R's wilcox.test(paired=TRUE))."],
        disclosure_note=DISCLOSURE_NOTE,
        research_note="Record-level data is a separate research extract.",
        total_cost=Decimal("37036.50"),
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
    assert line_with(pages[1], "Mean change in confidence Pilot") == "Mean change in confidence Pilot +0.84 ≥ 0.5 Met"
    # Judged on the exact 58.3%, shown from the rounded counts (30 / 50).
    assert line_with(pages[1], "Match rate") == "Match rate Pilot 60.0% ≥ 60% Not met"
    assert line_with(pages[1], "Change in every group") == (
        "Change in every group Pilot, every Not available ≥ 0.3 Not enough Two groups had 7 or"
    )
    assert line_with(pages[0], "Digital Leadership Workshops Page") == "Digital Leadership Workshops Page 1 of 5"
    assert line_with(pages[4], "Digital Leadership Workshops Page") == "Digital Leadership Workshops Page 5 of 5"
    assert line_with(pages[0], "Pseudonymised") == "Pseudonymised: contains no names or email addresses."
    assert " ".join(pages[4].split()).count(DISCLOSURE_NOTE) == 1


def test_render_pdf_formats_values_per_column_and_names_the_reason_for_a_gap():
    tables = pdf_text(render_pdf(outcome_report())).split("\f")[3]

    assert line_with(tables, "Acute trust boards") == "Acute trust boards Confidence 25 60.0% -0.41 < 0.001"
    assert line_with(tables, "@CIO network") == "@CIO network Confidence * – – – 1"
    assert line_with(tables, "Note 1:") == f"Note 1: {WITHHELD}"
    assert line_with(tables, "DLW-001") == "DLW-001 £1,234.50 30"


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
        "Cost",
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
    assert [cell.value for cell in acute] == ["Acute trust boards", "Confidence", 25, 60, -0.41, 0.00004, None]
    assert [cell.number_format for cell in acute[2:6]] == ["0", '0.0"%"', "+0.00;-0.00;0.00", '[<0.001]"< 0.001";0.000']
    assert [cell.value for cell in cio] == ["@CIO network", "Confidence", "*", None, None, None, WITHHELD]
    assert cio[2].data_type == "s"


def test_render_xlsx_writes_money_and_the_summary():
    workbook = open_xlsx(outcome_report())
    cost, capacity = workbook["Cost"]["B2"], workbook["Cost"]["C2"]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True) if row and row[0]}

    assert (cost.value, cost.number_format) == (1234.5, "£#,##0.00")
    assert (capacity.value, capacity.number_format) == (30, "#,##0")
    assert summary["Recommendation"] == "Go: every success criterion was met."
    assert summary["Selection"] == "Pilot"
    assert summary["Disclosure control"] == DISCLOSURE_NOTE


def test_render_xlsx_keeps_text_that_looks_like_a_formula_as_text():
    workbook = open_xlsx(outcome_report())

    assert workbook["Outcomes by group"]["A3"].value == "@CIO network"
    assert workbook["Outcomes by group"]["A3"].data_type == "s"


def test_render_xlsx_has_no_sheet_with_a_row_per_participant():
    workbook = open_xlsx(outcome_report())

    headers = [[cell.value for cell in next(sheet.iter_rows())] for sheet in workbook.worksheets]
    assert not any("Participant key" in header for header in headers)
    assert "Responses" not in workbook.sheetnames


def test_render_xlsx_stores_headline_and_criterion_figures_as_numbers():
    workbook = open_xlsx(outcome_report())
    summary = {row[0].value: row[1] for row in workbook["Summary"].iter_rows() if row and row[0].value}

    assert (summary["Mean change in confidence"].value, summary["Mean change in confidence"].number_format) == (
        0.84,
        "+0.00;-0.00;0.00",
    )
    assert (workbook["Criteria"]["C3"].value, workbook["Criteria"]["C3"].number_format) == (60.0, '0.0"%"')
    assert workbook["Criteria"]["C4"].value == "Not available"


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
            ("Improved", "60.0", "percent"),
            ("Mean change", "-0.41", "number"),
            ("p (paired t-test)", "4.0e-05", "p"),
        ]
    ]


def test_render_csv_leaves_withheld_values_empty_and_defuses_formulas_in_text():
    rows = csv_rows(outcome_report())
    cio = [row for row in rows if row["measure"] == "'@CIO network / Confidence"]

    assert [(row["metric"], row["value"], row["note"]) for row in cio] == [
        ("Paired", "*", WITHHELD),
        ("Improved", "", WITHHELD),
        ("Mean change", "", WITHHELD),
        ("p (paired t-test)", "", WITHHELD),
    ]


def test_render_csv_has_the_summary_and_criteria():
    rows = csv_rows(outcome_report())
    criterion = [row for row in rows if row["section"] == "criteria" and row["measure"] == "Change in every group"]

    assert rows[1] == {
        "section": "summary",
        "selection": "Pilot",
        "measure": "Mean change in confidence",
        "metric": "value",
        "value": "+0.84",
        "unit": "",
        "note": "95% CI 0.61 to 1.07",
    }
    assert next(row for row in rows if row["measure"] == "Total cost")["value"] == "37036.50"
    assert [(row["selection"], row["metric"], row["value"], row["note"]) for row in criterion] == [
        ("Pilot, every leadership group", "value", "Not available", "Two groups had 7 or fewer paired people."),
        ("Pilot, every leadership group", "threshold", "≥ 0.3", "Two groups had 7 or fewer paired people."),
        ("Pilot, every leadership group", "result", "Not enough data", "Two groups had 7 or fewer paired people."),
    ]
