"""Importing survey answers collected on paper or in another tool, from a CSV (UTF-8) or Excel
(.xlsx) file in long format: one answer a row, with the columns

    email, session, survey, question, value

`session` is the session's code, `survey` is pre, post or follow_up, `question` the code of a
question in the current version of that survey for the session's programme, and `value` a
number, a point's label ("Very confident", "Yes") or free text.

Three steps, plugged into the shared import flow (config.imports: the upload, preview and
confirm pages and `manage.py import_responses`):

    rows = read_file(content, filename)   # ImportFileError for a file-level problem
    plan = check(rows)                    # every row validated against the database
    plan = apply(plan=plan, actor=user)   # checks again and writes, all or nothing

Each registration's answers to one survey become one Response (source "import", submitted
now, the current questionnaire). Imports never overwrite: a registration that has already
answered a survey, online or by an earlier import, makes every row for it a bad row.

Reads are in bulk — a fixed number of lookups per 2,000 people, registrations or responses —
and writes are bulk inserts, so the number of queries does not grow row by row.
"""

from config.imports import Importer, ImportFileError, ImportRejected, RowError, SourceRow
from feedback.imports.checking import AnswerRow, ResponsesImportPlan, ResponseSummary, check
from feedback.imports.reading import COLUMNS, read_file
from feedback.imports.writing import apply

IMPORTER = Importer(name="responses", read=read_file, check=check, apply=apply)

__all__ = [
    "COLUMNS",
    "IMPORTER",
    "AnswerRow",
    "ImportFileError",
    "ResponseSummary",
    "ResponsesImportPlan",
    "ImportRejected",
    "Importer",
    "RowError",
    "SourceRow",
    "apply",
    "check",
    "read_file",
]
