"""Importing people from a CSV or Excel (.xlsx) file.

Three steps, plugged into the shared import flow (config.imports: the upload, preview and
confirm pages and `manage.py import_people`):

    rows = read_file(content, filename)   # the file's rows; ImportFileError for a file-level problem
    plan = check(rows)                    # every row validated and compared with the database
    plan = apply(plan=plan, actor=user)   # checks again and writes, all or nothing

Only email, first_name and last_name are required columns; a missing optional column
(job title, the organisation with its type and region, leadership groups) is left as it is for
existing people. The file is the truth for the people it names: a changed row updates the person (name, job
title, organisation, and leadership groups set to exactly the file's groups); re-importing the
same file changes nothing. People not in the file are left alone.

Reads and writes are in bulk — a fixed number of lookups per 2,000 rows and bulk inserts and
updates — so the number of queries does not grow row by row.
"""

from attendees.imports.checking import FieldChange, ImportPlan, OrganisationKey, PersonRow, PersonUpdate, check
from attendees.imports.reading import COLUMNS, read_file
from attendees.imports.writing import apply
from config.imports import Importer, ImportFileError, ImportRejected, RowError, SourceRow

IMPORTER = Importer(name="people", read=read_file, check=check, apply=apply)

__all__ = [
    "COLUMNS",
    "IMPORTER",
    "FieldChange",
    "ImportFileError",
    "ImportPlan",
    "Importer",
    "ImportRejected",
    "OrganisationKey",
    "PersonRow",
    "PersonUpdate",
    "RowError",
    "SourceRow",
    "apply",
    "check",
    "read_file",
]
