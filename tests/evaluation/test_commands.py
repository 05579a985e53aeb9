"""The evaluation_report command: writes the report file and says what it wrote."""

import csv
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from evaluation.reports.csv import HEADER

pytestmark = pytest.mark.django_db


def _run(programme, export_format: str, output) -> str:
    stdout = io.StringIO()
    call_command(
        "evaluation_report",
        "--programme",
        programme.slug,
        "--phase",
        "pilot",
        "--format",
        export_format,
        "--output",
        str(output),
        stdout=stdout,
    )
    return stdout.getvalue()


def _said(export_format: str, output) -> str:
    return (
        f"Wrote the {export_format.upper()} report for Digital Leadership Workshops 2026/27 (Pilot) to {output}: "
        f"{output.stat().st_size:,} bytes. Recommendation: No recommendation yet.\n"
    )


def test_evaluation_report_writes_a_pdf(standard, tmp_path):
    output = tmp_path / "pilot.pdf"

    said = _run(standard.programme, "pdf", output)

    assert output.read_bytes()[:5] == b"%PDF-"
    assert said == _said("pdf", output)


def test_evaluation_report_writes_an_xlsx(standard, tmp_path):
    output = tmp_path / "pilot.xlsx"

    said = _run(standard.programme, "xlsx", output)

    workbook = openpyxl.load_workbook(output, read_only=True)
    assert workbook.sheetnames == [
        "Summary",
        "Criteria",
        "Outcomes by item",
        "Outcomes by group",
        "Reach",
        "Reaction",
        "Reliable change",
        "Any rise by item",
        "Tests by item",
        "Effect sizes by item",
        "Outcomes by group (detail)",
        "Outcomes by theme",
        "Outcomes by theme (detail)",
        "Then-test",
        "Reliability",
        "Non-response",
        "Acceptance and attendance",
        "Sessions",
        "Survey take-up",
        "Follow-up take-up",
        "Experience ratings",
        "Pilot vs rollout",
        "Pilot vs rollout (tests)",
        "Cost",
        "Questionnaire versions",
    ]
    assert said == _said("xlsx", output)


def test_evaluation_report_writes_a_csv(standard, tmp_path):
    output = tmp_path / "pilot.csv"

    said = _run(standard.programme, "csv", output)

    rows = list(csv.reader(io.StringIO(output.read_text(encoding="utf-8"))))
    assert rows[0] == HEADER == ["section", "selection", "measure", "metric", "value", "unit", "note"]
    assert rows[1] == ["summary", "Pilot", "Recommendation", "value", "No recommendation yet", "", ""]
    assert said == _said("csv", output)


def test_evaluation_report_refuses_an_unknown_programme(standard, tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("evaluation_report", "--programme", "nope", "--format", "csv", "--output", str(tmp_path / "x.csv"))

    assert str(raised.value) == "There is no programme 'nope'. Programmes: dlw-2026-27."
    assert list(tmp_path.iterdir()) == []


def test_evaluation_report_refuses_a_missing_folder(standard, tmp_path):
    output = tmp_path / "missing" / "x.csv"

    with pytest.raises(CommandError) as raised:
        call_command("evaluation_report", "--programme", "dlw-2026-27", "--format", "csv", "--output", str(output))

    assert str(raised.value) == f"The folder {tmp_path / 'missing'} does not exist."
