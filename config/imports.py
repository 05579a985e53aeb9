"""One import flow for spreadsheets: upload → check → preview → confirm.

The people import (attendees.imports) and the survey-answer import (feedback.imports) each
supply an `Importer` — only their reader, their checks and their writer:

    read(content, filename) -> rows        # ImportFileError for a problem with the whole file
    check(rows) -> plan                    # every row validated; writes nothing
    apply(plan=plan, actor=user, source=filename) -> plan
        # checks plan.rows (again) inside its transaction and writes, all or nothing; raises
        # ImportRejected with the checked plan when a row is bad

A plan has `rows`, `errors` (RowError), `is_valid`, `bad_row_count` and `report()` (lines of
text). Everything else is here, once: reading CSV and .xlsx into rows with a clear message for
each kind of unusable file, parking an upload between the preview and the confirmation, the
two pages, and the management command's scaffolding.
"""

import csv
import io
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from django.contrib import messages
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.shortcuts import redirect, render
from django.views import View

# An uploaded file waits this long for the organiser to confirm the import.
UPLOAD_KEPT_SECONDS = 60 * 60
# The preview lists this many bad rows; the count of bad rows is always the full one.
ERRORS_SHOWN = 1000
SAVE_AS = "Save it as “CSV UTF-8 (Comma delimited)”, or upload the workbook (.xlsx)"


class ImportFileError(Exception):
    """A problem with the whole file (not one row). The message is safe to show."""


class ImportRejected(Exception):
    """apply() found bad rows (or the database changed since the check) and wrote nothing."""

    def __init__(self, plan):
        super().__init__(f"{plan.bad_row_count} bad rows: nothing was imported")
        self.plan = plan


class SourceRow(NamedTuple):  # a tuple: a file may hold a hundred thousand rows
    number: int  # as a spreadsheet shows it: the header is row 1
    # Every column the import knows; None for an optional column the file does not have.
    values: dict[str, str | None]


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}"


# Reading ---------------------------------------------------------------------------------------


def header_name(cell: str) -> str:
    """How a column is named: case, spaces and hyphens do not matter ("First name" is first_name)."""
    return re.sub(r"[\s\-]+", "_", cell.strip().lower())


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass(frozen=True)
class Columns:
    """The columns an import reads. `required` must be in the file; `optional` may be missing
    (their values are then None); `together` lists optional columns that come as a set.
    With `strict`, a column the import does not know is an error rather than ignored."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    together: tuple[tuple[str, ...], ...] = ()
    strict: bool = False
    noun: str = "rows"  # what the data rows are: "people", "answers"

    @property
    def all(self) -> tuple[str, ...]:
        return self.required + self.optional


def _rows(table: Iterable[tuple[int, list[str]]], columns: Columns) -> list[SourceRow]:
    """`table` yields (row number, cell texts); the first row is the header."""
    table = iter(table)
    first = next(table, None)
    if first is None:
        raise ImportFileError("The file is empty")
    _, header = first
    names = [header_name(cell) for cell in header]
    known = columns.all
    repeated = sorted({name for name in names if name and (columns.strict or name in known) and names.count(name) > 1})
    if repeated:
        raise ImportFileError(f"The first row names these columns more than once: {', '.join(repeated)}")
    expected = f"The first row must name the columns {', '.join(columns.required)}" + (
        f", and may name {', '.join(columns.optional)}" if columns.optional else ""
    )
    unknown = [name for name in names if name and name not in known]
    if columns.strict and unknown:
        raise ImportFileError(f"The file has columns that cannot be imported: {', '.join(unknown)}. {expected}")
    missing = [column for column in columns.required if column not in names]
    if missing:
        raise ImportFileError(f"The file is missing these columns: {', '.join(missing)}. {expected}")
    for group in columns.together:
        present = [column for column in group if column in names]
        if present and len(present) < len(group):
            absent = [column for column in group if column not in names]
            raise ImportFileError(
                f"The file has the column {present[0]} but not {', '.join(absent)}: "
                f"the columns {', '.join(group)} come together"
            )
    positions = [(column, names.index(column)) for column in known if column in names]
    absent = {column: None for column in known if column not in names}
    width = max(index for _, index in positions) + 1
    rows = []
    for number, cells in table:
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        values = {column: cells[index] for column, index in positions}
        if any(values.values()):  # spreadsheets often end with blank rows
            rows.append(SourceRow(number, values | absent if absent else values))
    if not rows:
        raise ImportFileError(f"The file has a header row but no {columns.noun}")
    return rows


SEPARATORS = {";": "semicolons (;)", "\t": "tabs", "|": "vertical bars (|)"}


def _decode(content: bytes) -> str:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportFileError(f"The file is saved as UTF-16 (Excel’s “Unicode Text”), not UTF-8. {SAVE_AS}")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not saved as UTF-8 text: it may have been saved as “CSV (Comma delimited)”, which "
            f"garbles letters such as é and £. {SAVE_AS}"
        ) from None


def _csv_table(content: bytes, columns: Columns) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(_decode(content), newline=""))
    try:
        # Numbered by record, not by line: a quoted cell may hold a line break, as in a spreadsheet.
        for number, record in enumerate(reader, start=1):
            if number == 1 and len(record) == 1:
                # One column in the header: a file whose columns are split by something else.
                for separator, words in SEPARATORS.items():
                    if separator in record[0]:
                        raise ImportFileError(f"This file uses {words} to separate its columns, not commas. {SAVE_AS}")
            if any("\x00" in cell for cell in record):  # PostgreSQL refuses NUL in text
                raise ImportFileError(f"The file contains a NUL character (row {number}). Save it again as CSV")
            yield number, [cell.strip() for cell in record]
    except csv.Error as error:
        raise ImportFileError(f"The file could not be read as CSV (row {reader.line_num}): {error}") from None


def _xlsx_table(content: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            return [
                (number, [_cell_text(value) for value in values])
                for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
            ]
        finally:
            workbook.close()
    except Exception as error:
        # A damaged workbook fails in many ways inside openpyxl (zip, XML, missing parts, bad
        # styles), each with its own exception type; to the person uploading it is one problem.
        raise ImportFileError(
            "The file could not be read as an Excel workbook (.xlsx): it may be damaged or password-protected. "
            "Open it in Excel and save it again, or save it as “CSV UTF-8 (Comma delimited)”"
        ) from error


def read_rows(content: bytes, filename: str, columns: Columns) -> list[SourceRow]:
    """The data rows of a CSV (UTF-8) or .xlsx file, blank rows left out. Raises
    ImportFileError, with what to do about it, when the file as a whole cannot be used."""
    name = filename.lower()
    if name.endswith(".xls"):
        raise ImportFileError("Excel 97–2003 files (.xls) cannot be read. Save the file as .xlsx or CSV")
    if not content:
        raise ImportFileError("The file is empty")
    if content[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):  # a zip archive: a workbook whatever its name
        return _rows(_xlsx_table(content), columns)
    return _rows(_csv_table(content, columns), columns)


# The importer ------------------------------------------------------------------------------------


class Unchecked(NamedTuple):
    """Rows for a writer to check and write: writers only read `plan.rows`, and check them."""

    rows: list[SourceRow]


@dataclass(frozen=True)
class Importer:
    """One kind of import: its name (for parked uploads) and its three steps."""

    name: str
    read: Callable[[bytes, str], list[SourceRow]]
    check: Callable[[list[SourceRow]], Any]
    apply: Callable[..., Any]

    def run(self, content: bytes, filename: str, *, actor, write: bool = True):
        """Reads the file and checks it (`write=False`: the preview), or reads it and imports it
        (the writer checks the rows itself, once, inside its transaction, and writes only if
        every row is good). Returns the plan; a plan with errors means nothing was written.
        ImportFileError for a file-level problem."""
        rows = self.read(content, filename)
        if not write:
            return self.check(rows)
        try:
            return self.apply(plan=Unchecked(rows), actor=actor, source=filename)
        except ImportRejected as rejected:
            return rejected.plan


# Parking an upload between the preview and the confirmation ---------------------------------------
# The file waits in the cache (shared between processes in production) under a random key, with
# the id of the organiser who uploaded it: only they can preview or confirm it.


@dataclass(frozen=True)
class ParkedUpload:
    token: str
    filename: str
    content: bytes


def _key(importer: Importer, token: str) -> str:
    return f"{importer.name}-import:{token}"


def park_upload(importer: Importer, *, user_id: int, filename: str, content: bytes) -> str:
    token = secrets.token_urlsafe(16)
    cache.set(
        _key(importer, token), {"user_id": user_id, "filename": filename, "content": content}, UPLOAD_KEPT_SECONDS
    )
    return token


def parked_upload(importer: Importer, *, user_id: int, token: str) -> ParkedUpload | None:
    stored = cache.get(_key(importer, token))
    if stored is None or stored["user_id"] != user_id:
        return None
    return ParkedUpload(token=token, filename=stored["filename"], content=stored["content"])


def discard_upload(importer: Importer, token: str) -> None:
    cache.delete(_key(importer, token))


# The two pages -------------------------------------------------------------------------------------


class ImportUploadView(View):
    """Upload a file: the form reads it (file-level problems are form errors), then the file is
    parked and the organiser goes to the preview. Subclasses set the importer, the form, the
    template and `preview_url` (a URL name taking `token`); `extra_context()` adds to the page."""

    importer: Importer
    form_class = None
    template_name = ""
    preview_url = ""

    def extra_context(self) -> dict:
        return {}

    def render_form(self, form):
        return render(self.request, self.template_name, {"form": form, **self.extra_context()})

    def get(self, request):
        return self.render_form(self.form_class())

    def post(self, request):
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(form)
        token = park_upload(
            self.importer, user_id=request.user.pk, filename=form.cleaned_data["file"].name, content=form.content
        )
        return redirect(self.preview_url, token=token)


class ImportPreviewView(View):
    """GET: what the import would do, and every bad row. POST: import (checked again), then go
    to `done_url`. Subclasses set the importer, the template, `upload_url`, `done_url`, and
    say what was done (`success_message`) and what else the preview shows (`preview_context`)."""

    importer: Importer
    template_name = ""
    upload_url = ""
    done_url = ""

    def preview_context(self, plan) -> dict:
        return {}

    def success_message(self, plan, filename: str) -> str:
        raise NotImplementedError

    def expired(self):
        messages.info(self.request, "That upload has expired or cannot be found. Upload the file again")
        return redirect(self.upload_url)

    def render_preview(self, plan, upload: ParkedUpload):
        return render(
            self.request,
            self.template_name,
            {
                "plan": plan,
                "filename": upload.filename,
                "token": upload.token,
                "errors": plan.errors[:ERRORS_SHOWN],
                "errors_shown": ERRORS_SHOWN,
                "upload_url": self.upload_url,
                **self.preview_context(plan),
            },
        )

    def get(self, request, token: str):
        upload = parked_upload(self.importer, user_id=request.user.pk, token=token)
        if upload is None:
            return self.expired()
        try:
            plan = self.importer.run(upload.content, upload.filename, actor=request.user, write=False)
        except ImportFileError as error:  # cannot happen for a file that passed the upload form
            messages.error(request, str(error))
            return redirect(self.upload_url)
        return self.render_preview(plan, upload)

    def post(self, request, token: str):
        upload = parked_upload(self.importer, user_id=request.user.pk, token=token)
        if upload is None:
            return self.expired()
        try:
            plan = self.importer.run(upload.content, upload.filename, actor=request.user)
        except ImportFileError as error:
            messages.error(request, str(error))
            return redirect(request.path)
        if not plan.is_valid:
            return self.render_preview(plan, upload)
        discard_upload(self.importer, token)
        messages.success(request, self.success_message(plan, upload.filename))
        return redirect(self.done_url)


# The command -----------------------------------------------------------------------------------------


class ImportCommand(BaseCommand):
    """`manage.py <import> FILE [--dry-run]`: prints what the import will do and every bad row;
    if any row is bad nothing is written and the command fails. Subclasses set the importer and
    `help`, and say what was done (`success_message`); `details(plan)` adds lines at -v 2."""

    importer: Importer

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .csv or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report, writing nothing")

    def success_message(self, plan) -> str:
        raise NotImplementedError

    def details(self, plan) -> list[str]:
        return []

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        try:
            plan = self.importer.run(content, file.name, actor=None, write=not dry_run)
        except ImportFileError as error:
            raise CommandError(f"{file.name}: {error}") from None
        self.stdout.write(file.name)
        for line in plan.report():
            self.stdout.write(line)
        if options["verbosity"] > 1:
            for line in self.details(plan):
                self.stdout.write(line)
        if not plan.is_valid:
            raise CommandError(f"{plan.bad_row_count} bad row(s): nothing was imported. Fix the file and run again")
        if dry_run:
            self.stdout.write("Dry run: nothing was written")
        else:
            self.stdout.write(self.style.SUCCESS(self.success_message(plan)))
