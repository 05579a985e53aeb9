"""Reading an answers file: CSV (UTF-8) or Excel (.xlsx), through the shared import flow.

Here a column we do not know is an error: an answer in it would be lost without a word.
"""

from config.imports import Columns, SourceRow, read_rows

COLUMNS = Columns(required=("email", "session", "survey", "question", "value"), strict=True, noun="answers")


def read_file(content: bytes, filename: str) -> list[SourceRow]:
    """The answer rows of the file; ImportFileError when the file as a whole cannot be used."""
    return read_rows(content, filename, COLUMNS)
