"""Reading a people file: CSV (UTF-8) or Excel (.xlsx), through the shared import flow."""

from config.imports import Columns, SourceRow, read_rows

COLUMNS = Columns(
    required=("email", "first_name", "last_name"),
    # A missing optional column leaves what we hold for existing people as it is.
    optional=("job_title", "organisation", "organisation_type", "region", "leadership_groups"),
    together=(("organisation", "organisation_type", "region"),),
    noun="people",
)


def read_file(content: bytes, filename: str) -> list[SourceRow]:
    """The people rows of the file; ImportFileError when the file as a whole cannot be used."""
    return read_rows(content, filename, COLUMNS)
