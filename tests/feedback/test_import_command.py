"""`manage.py import_responses FILE [--dry-run]`: the report, the exit status, and the sample file."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from feedback.enums import ResponseSource
from feedback.models import Answer, Response
from summits.models import AuditEntry
from tests.feedback.test_imports import GOOD_ROWS, csv_bytes, make_world, row

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(programme):
    return make_world(programme)


@pytest.fixture
def answers_file(tmp_path):
    def write(rows, name="answers.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows))
        return path

    return write


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_responses", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def test_import_responses_writes_the_answers_and_prints_the_counts(world, answers_file):
    output = run(answers_file(GOOD_ROWS))

    assert output.splitlines() == [
        "answers.csv",
        "Rows read: 6",
        "Responses to add: 2 (pre 1, post 1, follow_up 0)",
        "Answers to add: 6",
        "Bad rows: 0",
        "Imported: 2 responses with 6 answers",
    ]
    assert (Response.objects.count(), Answer.objects.count()) == (2, 6)
    assert AuditEntry.objects.get().after["answers"] == 6


def test_import_responses_with_bad_rows_fails_writes_nothing_and_lists_every_bad_row(world, answers_file):
    rows = [*GOOD_ROWS, row(survey="during"), row(email="kim@example.nhs.uk", survey="post", question="relevance")]
    out = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_responses", str(answers_file(rows)), stdout=out)

    assert str(error.value) == "2 bad row(s): nothing was imported. Fix the file and run again"
    assert out.getvalue().splitlines()[-3:] == [
        "Bad rows: 2",
        "Row 8: unknown survey 'during': use pre, post or follow_up",
        "Row 9: the post survey is for people who attended PIL-POS-01; kim@example.nhs.uk is recorded as 'Confirmed'",
    ]
    assert (Response.objects.count(), Answer.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)


def test_import_responses_run_twice_reports_every_row_as_already_answered(world, answers_file):
    path = answers_file(GOOD_ROWS)
    run(path)
    out = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_responses", str(path), stdout=out)

    assert str(error.value) == "6 bad row(s): nothing was imported. Fix the file and run again"
    assert out.getvalue().splitlines()[5] == (
        "Row 2: jane@example.nhs.uk has already answered the pre survey for PIL-POS-01: imports never replace answers"
    )
    assert (Response.objects.count(), Answer.objects.count()) == (2, 6)


def test_import_responses_dry_run_reports_and_writes_nothing(world, answers_file):
    output = run(answers_file(GOOD_ROWS), "--dry-run")

    assert output.splitlines()[-2:] == ["Bad rows: 0", "Dry run: nothing was written"]
    assert (Response.objects.count(), Answer.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)


def test_import_responses_dry_run_with_a_bad_row_fails(world, answers_file):
    out = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_responses", str(answers_file([row(question="")])), "--dry-run", stdout=out)

    assert str(error.value) == "1 bad row(s): nothing was imported. Fix the file and run again"
    assert out.getvalue().splitlines()[-1] == "Row 2: missing question"


def test_import_responses_refuses_a_file_with_an_unknown_column(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_bytes(b"email,session,survey,question,value,score\n")

    with pytest.raises(CommandError) as error:
        run(path)

    assert str(error.value) == (
        "answers.csv: The file has columns that cannot be imported: score. "
        "The first row must name the columns email, session, survey, question, value"
    )


def test_import_responses_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as error:
        run(tmp_path / "nowhere.csv")

    assert str(error.value) == f"Cannot read {tmp_path / 'nowhere.csv'}: No such file or directory"


def test_import_responses_exits_with_status_1_when_a_row_is_bad(tmp_path):
    # manage.py turns the CommandError into the exit status; the file is refused before any query.
    path = tmp_path / "answers.csv"
    path.write_bytes(b"email,session\n")

    result = subprocess.run(
        [sys.executable, "manage.py", "import_responses", str(path)], cwd=ROOT, capture_output=True, text=True
    )

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "CommandError: answers.csv: The file is missing these columns: survey, question, value. "
        "The first row must name the columns email, session, survey, question, value"
    )


def test_sample_file_imports_cleanly_into_the_demo():
    """samples/responses.csv is three follow-up surveys (which the demo leaves unanswered) from
    pilot attendees of PIL-POS-01 and PIL-HOW-01: the demo board member and amir.mitchell with
    the points' labels and a written answer, alan.nwosu with numbers."""
    call_command("seed_demo", stdout=io.StringIO())

    output = run(ROOT / "samples" / "responses.csv")

    assert output.splitlines()[-1] == "Imported: 3 responses with 26 answers"
    imported = Response.objects.filter(source=ResponseSource.IMPORT, kind="follow_up")
    assert sorted(imported.values_list("registration__person__email", "registration__session__code")) == [
        ("alan.nwosu@example.org.uk", "PIL-HOW-01"),
        ("amir.mitchell@example.nhs.uk", "PIL-POS-01"),
        ("board.member@example.nhs.uk", "PIL-POS-01"),
    ]
