"""The shared import flow (config.imports), tested once: reading CSV and .xlsx into rows with a
clear message for each kind of unusable file, optional and strict columns, running an
importer, parking an upload, and the command's scaffolding. Each import's own reader, checks
and writer are tested in tests/attendees/test_imports.py and tests/feedback/test_imports.py."""

import io
import zipfile
from dataclasses import dataclass, field

import pytest
from django.core.management.base import CommandError
from openpyxl import Workbook

from config import imports
from config.imports import Columns, Importer, ImportFileError, ImportRejected, RowError, SourceRow, read_rows

COLUMNS = Columns(
    required=("email", "name"),
    optional=("job", "organisation", "region"),
    together=(("organisation", "region"),),
    noun="people",
)
STRICT = Columns(required=("email", "value"), strict=True, noun="answers")
SAVE_AS = "Save it as “CSV UTF-8 (Comma delimited)”, or upload the workbook (.xlsx)"
UNREADABLE_XLSX = (
    "The file could not be read as an Excel workbook (.xlsx): it may be damaged or password-protected. "
    "Open it in Excel and save it again, or save it as “CSV UTF-8 (Comma delimited)”"
)


def read(text: str, columns: Columns = COLUMNS, filename: str = "x.csv") -> list[SourceRow]:
    return read_rows(text.encode(), filename, columns)


def file_error(content: bytes, filename: str = "x.csv", columns: Columns = COLUMNS) -> str:
    with pytest.raises(ImportFileError) as error:
        read_rows(content, filename, columns)
    return str(error.value)


def workbook_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# Reading -----------------------------------------------------------------------------------------


def test_read_rows_names_columns_in_any_case_and_order_and_skips_blank_rows():
    rows = read("Name, EMAIL ,Job\nJo Bloggs,jo@example.nhs.uk,Chair\n,,\n")

    assert rows == [
        SourceRow(
            number=2,
            values={
                "email": "jo@example.nhs.uk",
                "name": "Jo Bloggs",
                "job": "Chair",
                "organisation": None,
                "region": None,
            },
        )
    ]


def test_read_rows_optional_columns_may_be_left_out_and_unknown_ones_are_ignored():
    rows = read("email,name,shoe size\njo@example.nhs.uk,Jo,9\n")

    assert rows[0].values == {
        "email": "jo@example.nhs.uk",
        "name": "Jo",
        "job": None,
        "organisation": None,
        "region": None,
    }


def test_read_rows_a_missing_required_column_says_which_and_what_may_be_named():
    message = file_error(b"email,job\njo@example.nhs.uk,Chair\n")

    assert message == (
        "The file is missing these columns: name. The first row must name the columns email, name, "
        "and may name job, organisation, region"
    )


def test_read_rows_columns_that_come_together_must_all_be_there():
    message = file_error(b"email,name,organisation\njo@example.nhs.uk,Jo,Leeds\n")

    assert (
        message == "The file has the column organisation but not region: the columns organisation, region come together"
    )


def test_read_rows_strict_columns_refuse_an_unknown_column():
    message = file_error(b"email,value,comment\njo@example.nhs.uk,3,x\n", columns=STRICT)

    assert message == (
        "The file has columns that cannot be imported: comment. The first row must name the columns email, value"
    )


@pytest.mark.parametrize(
    ("separator", "words"),
    [(";", "semicolons (;)"), ("\t", "tabs"), ("|", "vertical bars (|)")],
)
def test_read_rows_a_wrong_separator_gets_its_own_message(separator, words):
    content = f"email{separator}name\njo@example.nhs.uk{separator}Jo\n".encode()

    assert file_error(content) == f"This file uses {words} to separate its columns, not commas. {SAVE_AS}"


def test_read_rows_a_windows_encoded_file_gets_its_own_message():
    content = "email,name\njo@example.nhs.uk,Zoë\n".encode("cp1252")

    assert file_error(content) == (
        "The file is not saved as UTF-8 text: it may have been saved as “CSV (Comma delimited)”, which garbles "
        f"letters such as é and £. {SAVE_AS}"
    )


def test_read_rows_a_utf16_file_gets_its_own_message():
    content = "email\tname\njo@example.nhs.uk\tJo\n".encode("utf-16")

    assert file_error(content) == f"The file is saved as UTF-16 (Excel’s “Unicode Text”), not UTF-8. {SAVE_AS}"


def test_read_rows_reads_a_workbook_whatever_its_name():
    content = workbook_bytes([["email", "name", "job"], ["jo@example.nhs.uk", "Jo", 7.0]])

    rows = read_rows(content, "people.csv", COLUMNS)

    assert rows[0].values["job"] == "7"


def damaged_workbook() -> bytes:
    """A real workbook whose sheet XML is cut short: openpyxl fails while reading the rows."""
    original = zipfile.ZipFile(io.BytesIO(workbook_bytes([["email", "name"], ["jo@example.nhs.uk", "Jo"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as damaged:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            damaged.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"PK\x03\x04 not a workbook", id="not a zip"),
        pytest.param(damaged_workbook(), id="damaged sheet"),
        pytest.param(b"email,name\n", id="text named .xlsx"),
    ],
)
def test_read_rows_an_unreadable_workbook_gets_its_own_message(content):
    assert file_error(content, "people.xlsx") == UNREADABLE_XLSX


def test_read_rows_refuses_old_excel_files_and_empty_ones():
    assert file_error(b"\xd0\xcf\x11\xe0", "x.xls") == (
        "Excel 97–2003 files (.xls) cannot be read. Save the file as .xlsx or CSV"
    )
    assert file_error(b"") == "The file is empty"
    assert file_error(b"email,name\n") == "The file has a header row but no people"


# Running an importer -------------------------------------------------------------------------------


@dataclass
class Plan:
    rows: list
    errors: list = field(default_factory=list)
    written: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def bad_row_count(self) -> int:
        return len(self.errors)

    def report(self) -> list[str]:
        return [f"Rows read: {len(self.rows)}"] + [str(error) for error in self.errors]


def check(rows):
    return Plan(rows=rows, errors=[RowError(row.number, "no name") for row in rows if not row.values["name"]])


def apply(*, plan, actor, source):
    plan = check(plan.rows)
    if plan.errors:
        raise ImportRejected(plan)
    plan.written = True
    return plan


IMPORTER = Importer(name="test", read=lambda content, name: read_rows(content, name, COLUMNS), check=check, apply=apply)


def test_importer_run_checks_then_writes_only_a_good_file():
    good = IMPORTER.run(b"email,name\njo@example.nhs.uk,Jo\n", "x.csv", actor=None)
    preview = IMPORTER.run(b"email,name\njo@example.nhs.uk,Jo\n", "x.csv", actor=None, write=False)
    bad = IMPORTER.run(b"email,name\njo@example.nhs.uk,\nal@example.nhs.uk,Al\n", "x.csv", actor=None)

    assert (good.written, preview.written, bad.written) == (True, False, False)
    assert bad.errors == [RowError(2, "no name")]


# Parking an upload ------------------------------------------------------------------------------------


def test_a_parked_upload_is_only_for_the_person_who_uploaded_it():
    token = imports.park_upload(IMPORTER, user_id=7, filename="x.csv", content=b"email,name\n")

    mine = imports.parked_upload(IMPORTER, user_id=7, token=token)
    theirs = imports.parked_upload(IMPORTER, user_id=8, token=token)
    imports.discard_upload(IMPORTER, token)

    assert mine == imports.ParkedUpload(token=token, filename="x.csv", content=b"email,name\n")
    assert theirs is None
    assert imports.parked_upload(IMPORTER, user_id=7, token=token) is None


# The command's scaffolding ---------------------------------------------------------------------------


class Command(imports.ImportCommand):
    importer = IMPORTER

    def success_message(self, plan):
        return f"Imported {len(plan.rows)}"


def run_command(path, *args) -> str:
    out = io.StringIO()
    command = Command(stdout=out)
    command.run_from_argv(["manage.py", "test_import", str(path), *args])
    return out.getvalue()


def test_import_command_reports_and_writes_a_good_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"email,name\njo@example.nhs.uk,Jo\n")

    assert run_command(path) == "x.csv\nRows read: 1\nImported 1\n"
    assert run_command(path, "--dry-run") == "x.csv\nRows read: 1\nDry run: nothing was written\n"


def test_import_command_fails_on_a_bad_row_or_an_unusable_file(tmp_path):
    bad, unusable = tmp_path / "bad.csv", tmp_path / "semi.csv"
    bad.write_bytes(b"email,name\njo@example.nhs.uk,\n")
    unusable.write_bytes(b"email;name\njo@example.nhs.uk;Jo\n")
    command = Command(stdout=io.StringIO())

    with pytest.raises(CommandError) as bad_error:
        command.handle(file=bad, dry_run=False, verbosity=1)
    with pytest.raises(CommandError) as unusable_error:
        command.handle(file=unusable, dry_run=False, verbosity=1)

    assert str(bad_error.value) == "1 bad row(s): nothing was imported. Fix the file and run again"
    assert (
        str(unusable_error.value)
        == f"semi.csv: This file uses semicolons (;) to separate its columns, not commas. {SAVE_AS}"
    )
