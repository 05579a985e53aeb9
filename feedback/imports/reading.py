"""Reading an answers file: CSV (UTF-8, with or without a byte order mark) or Excel (.xlsx).

The CSV rules and row numbers are the people import's (attendees.imports.reading); the
columns differ, and here a column we do not know is an error: an answer in it would be lost
without a word.
"""

import io
import zipfile

from attendees.imports.reading import ImportFileError, SourceRow, _cell_text, _csv_table, _header_name

COLUMNS = ("email", "session", "survey", "question", "value")


def _rows_from_table(table) -> list[SourceRow]:
    """`table` yields (row number, cell texts); the first row is the header."""
    table = iter(table)
    first = next(table, None)
    if first is None:
        raise ImportFileError("The file is empty")
    _, header = first
    names = [_header_name(cell) for cell in header]
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise ImportFileError(f"The first row names these columns more than once: {', '.join(repeated)}")
    expected = f"The first row must name the columns {', '.join(COLUMNS)}"
    unknown = [name for name in names if name and name not in COLUMNS]
    if unknown:
        raise ImportFileError(f"The file has columns that cannot be imported: {', '.join(unknown)}. {expected}")
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise ImportFileError(f"The file is missing these columns: {', '.join(missing)}. {expected}")
    positions = {column: names.index(column) for column in COLUMNS}
    rows = []
    for number, cells in table:
        values = {column: cells[index] if index < len(cells) else "" for column, index in positions.items()}
        if any(values.values()):  # spreadsheets often end with blank rows
            rows.append(SourceRow(number=number, values=values))
    if not rows:
        raise ImportFileError("The file has a header row but no answers")
    return rows


def _xlsx_table(workbook):
    sheet = workbook.worksheets[0]
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, [_cell_text(value) for value in values]


def read_file(content: bytes, filename: str) -> list[SourceRow]:
    """The answer rows of a CSV (UTF-8) or .xlsx file, blank rows left out. Raises
    ImportFileError when the file as a whole cannot be used."""
    name = filename.lower()
    if name.endswith(".xls"):
        raise ImportFileError("Excel 97–2003 files (.xls) cannot be read. Save the file as .xlsx or CSV")
    if not content:
        raise ImportFileError("The file is empty")
    if content[:4] == b"PK\x03\x04":  # a zip archive: an Excel workbook whatever its name
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise ImportFileError("The file is not a valid Excel workbook (.xlsx)") from error
        try:
            return _rows_from_table(_xlsx_table(workbook))
        finally:
            workbook.close()
    if name.endswith(".xlsx"):
        raise ImportFileError("The file is not a valid Excel workbook (.xlsx)")
    return _rows_from_table(_csv_table(content))
