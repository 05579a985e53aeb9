"""Reading an import file: CSV (UTF-8, with or without a byte order mark) or Excel (.xlsx)."""

import csv
import io
import re
import zipfile
from dataclasses import dataclass

COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "job_title",
    "organisation",
    "organisation_type",
    "region",
    "leadership_groups",
)


class ImportFileError(Exception):
    """A problem with the whole file (not one row). The message is safe to show."""


@dataclass(frozen=True)
class SourceRow:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: dict[str, str]


def _header_name(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.strip().lower())


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows_from_table(table) -> list[SourceRow]:
    """`table` yields (row number, list of cell texts); the first row is the header."""
    table = iter(table)
    first = next(table, None)
    if first is None:
        raise ImportFileError("The file is empty")
    _, header = first
    names = [_header_name(cell) for cell in header]
    repeated = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
    if repeated:
        raise ImportFileError(f"The first row names these columns more than once: {', '.join(repeated)}")
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise ImportFileError(
            f"The file is missing these columns: {', '.join(missing)}. "
            f"The first row must name the columns {', '.join(COLUMNS)}"
        )
    positions = {column: names.index(column) for column in COLUMNS}
    rows = []
    for number, cells in table:
        values = {column: cells[index] if index < len(cells) else "" for column, index in positions.items()}
        if any(values.values()):  # spreadsheets often end with blank rows
            rows.append(SourceRow(number=number, values=values))
    if not rows:
        raise ImportFileError("The file has a header row but no people")
    return rows


def _csv_table(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not saved as UTF-8 text. In Excel, save it as “CSV UTF-8”, or upload the workbook (.xlsx)"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        # Numbered by record, not by line: a quoted cell may hold a line break, as in a spreadsheet.
        for number, record in enumerate(reader, start=1):
            if any("\x00" in cell for cell in record):  # PostgreSQL refuses NUL in text
                raise ImportFileError(f"The file contains a NUL character (row {number}). Save it again as CSV")
            yield number, [cell.strip() for cell in record]
    except csv.Error as error:
        raise ImportFileError(f"The file could not be read as CSV (row {reader.line_num}): {error}") from None


def _xlsx_rows(content: bytes) -> list[SourceRow]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError("The file is not a valid Excel workbook (.xlsx)") from error
    try:
        sheet = workbook.worksheets[0]
        table = (
            (number, [_cell_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        return _rows_from_table(table)
    finally:
        workbook.close()


def read_file(content: bytes, filename: str) -> list[SourceRow]:
    """The people rows of a CSV (UTF-8) or .xlsx file, blank rows left out. Raises
    ImportFileError when the file as a whole cannot be used."""
    name = filename.lower()
    if name.endswith(".xls"):
        raise ImportFileError("Excel 97–2003 files (.xls) cannot be read. Save the file as .xlsx or CSV")
    if not content:
        raise ImportFileError("The file is empty")
    if content[:4] == b"PK\x03\x04":  # a zip archive: an Excel workbook whatever its name
        return _xlsx_rows(content)
    if name.endswith(".xlsx"):
        raise ImportFileError("The file is not a valid Excel workbook (.xlsx)")
    return _rows_from_table(_csv_table(content))
