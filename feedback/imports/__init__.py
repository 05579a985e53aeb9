"""Importing survey answers collected on paper or in another tool, from a CSV (UTF-8) or Excel
(.xlsx) file in long format: one answer a row, with the columns

    email, session, survey, question, value

`session` is the session's code, `survey` is pre, post or follow_up, `question` the code of a
question in the current version of that survey for the session's programme, and `value` a
number, a point's label ("Very confident", "Yes") or free text.

Three steps, as for importing people (attendees.imports), used by the organisers' import page
and `manage.py import_responses`:

    rows = read_file(content, filename)   # ImportFileError for a file-level problem
    plan = check(rows)                    # every row validated against the database
    plan = apply(plan=plan, actor=user)   # checks again and writes, all or nothing

Each registration's answers to one survey become one Response (source "import", submitted
now, the current questionnaire). Imports never overwrite: a registration that has already
answered a survey, online or by an earlier import, makes every row for it a bad row.

Reads are in bulk — a fixed number of lookups per 2,000 people, registrations or responses —
and writes are bulk inserts, so the number of queries does not grow row by row.
"""

import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

# The people import's reading helpers: the same CSV rules (UTF-8 with or without a byte order
# mark, a line break inside a quoted cell is one row) and row numbers as a spreadsheet shows them.
from attendees.imports import ImportFileError, RowError, SourceRow
from attendees.imports.checking import chunks
from attendees.imports.reading import _cell_text, _csv_table, _header_name
from attendees.models import Person, Registration
from feedback.enums import ItemType, ResponseSource, SurveyKind
from feedback.models import Answer, Item, Questionnaire, Response
from feedback.services import MAY_ANSWER, check_answers
from summits import audit
from summits.models import Session

COLUMNS = ("email", "session", "survey", "question", "value")
WRITE_BATCH = 2000
SURVEYS = {_header_name(value): value for value in SurveyKind.values} | {"follow_up": SurveyKind.FOLLOW_UP}

__all__ = [
    "COLUMNS",
    "ImportFileError",
    "ResponsesImportPlan",
    "ResponsesRejected",
    "RowError",
    "apply",
    "check",
    "read_file",
]


# --- reading ----------------------------------------------------------------------------


def _rows_from_table(table) -> list[SourceRow]:
    """`table` yields (row number, cell texts); the first row is the header. Unlike the people
    import, a column we do not know is an error: an answer in it would be lost silently."""
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


# --- checking ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    """A good row, resolved to ids and its stored value."""

    row: int
    registration_id: int
    kind: str
    item_id: int
    value: int | None
    text: str


@dataclass(frozen=True)
class ResponseSummary:
    """How many responses and answers the import adds for one session and survey."""

    session: str
    survey: str
    responses: int
    answers: int


@dataclass
class ResponsesImportPlan:
    """What importing the rows would do. Nothing may be written while `errors` is not empty."""

    rows: list[SourceRow]
    answers: list[AnswerRow] = field(default_factory=list)
    # (registration id, survey) → the current questionnaire's id, for each response to add.
    responses: dict[tuple[int, str], int] = field(default_factory=dict)
    summary: list[ResponseSummary] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def bad_row_count(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def response_count(self) -> int:
        return len(self.responses)

    def counts(self) -> dict[str, int]:
        """Responses to add per survey."""
        by_kind = Counter(kind for _, kind in self.responses)
        return {kind: by_kind[kind] for kind in SurveyKind.values}

    def report(self) -> list[str]:
        """The plan in lines of text: counts, then every bad row."""
        counts = self.counts()
        lines = [
            f"Rows read: {len(self.rows)}",
            f"Responses to add: {self.response_count} "
            f"(pre {counts[SurveyKind.PRE]}, post {counts[SurveyKind.POST]}, follow_up {counts[SurveyKind.FOLLOW_UP]})",
            f"Answers to add: {len(self.answers)}",
            f"Bad rows: {self.bad_row_count}",
        ]
        return lines + [str(error) for error in self.errors]


@dataclass(frozen=True)
class _Registration:
    pk: int
    status: str
    status_label: str


def _people(emails: list[str]) -> dict[str, int]:
    found = {}
    for chunk in chunks(emails):
        # Lower(email) is what the unique index holds, so the lookup uses it.
        found.update(
            Person.objects.annotate(lower_email=Lower("email"))
            .filter(lower_email__in=chunk)
            .order_by()
            .values_list("lower_email", "pk")
        )
    return found


def _registrations(person_ids: list[int], session_ids: list[int]) -> dict[tuple[int, int], _Registration]:
    """Each person's registration on each session. Someone who cancelled and registered again
    has two: the later one counts, and a cancelled one only if there is no other."""
    labels = dict(Registration._meta.get_field("status").choices)
    found: dict[tuple[int, int], _Registration] = {}
    for chunk in chunks(person_ids):
        rows = (
            Registration.objects.filter(person_id__in=chunk, session_id__in=session_ids)
            .order_by("created_at", "pk")
            .values_list("person_id", "session_id", "pk", "status")
        )
        for person_id, session_id, pk, status in rows:
            key = (person_id, session_id)
            if status == "cancelled" and key in found:
                continue
            found[key] = _Registration(pk, status, labels.get(status, status))
    return found


def _current_questionnaires(programme_ids: set[int]) -> dict[tuple[int, str], Questionnaire]:
    """(programme id, survey) → the highest version, from one query over every version."""
    current: dict[tuple[int, str], Questionnaire] = {}
    for questionnaire in Questionnaire.objects.filter(programme_id__in=programme_ids).order_by("version"):
        current[(questionnaire.programme_id, questionnaire.kind)] = questionnaire
    return current


def _answered(registration_ids: list[int]) -> set[tuple[int, str]]:
    found = set()
    for chunk in chunks(registration_ids):
        found.update(Response.objects.filter(registration_id__in=chunk).values_list("registration_id", "kind"))
    return found


def _value_problem(item: Item, raw: str) -> str:
    if item.type == ItemType.SCALE_0_10:
        return f"value '{raw}' is not an answer to {item.code}: give a whole number from 0 to 10"
    labels = [label for _, label in sorted(item.labelled_points())]
    low, high = item.value_range
    return (
        f"value '{raw}' is not an answer to {item.code}: give a number from {low} to {high} "
        f"or one of {', '.join(labels)}"
    )


class _Values:
    """Checks answers with feedback.services.check_answers (the rules the survey page uses),
    remembering each (question, value): a file repeats the same few values thousands of times."""

    def __init__(self):
        self.seen: dict[tuple[int, str], tuple[int | None, str] | str] = {}

    def check(self, item: Item, raw: str) -> tuple[int | None, str] | str:
        """(value, text) to store, or the problem in words."""
        key = (item.pk, raw)
        if key not in self.seen:
            try:
                self.seen[key] = check_answers([item], {item.code: raw})[item.code]
            except ValidationError:
                self.seen[key] = _value_problem(item, raw)
        return self.seen[key]


def check(rows: list[SourceRow]) -> ResponsesImportPlan:
    """Validates every row against the database. Writes nothing."""
    plan = ResponsesImportPlan(rows=rows)
    cleaned = []
    for source in rows:
        values = source.values
        email = values["email"].lower()
        code = values["session"].upper()
        kind = SURVEYS.get(_header_name(values["survey"])) if values["survey"] else None
        problems = [f"missing {column}" for column in COLUMNS if not values[column]]
        if values["survey"] and kind is None:
            problems.append(f"unknown survey '{values['survey']}': use pre, post or follow_up")
        plan.errors.extend(RowError(source.number, problem) for problem in problems)
        cleaned.append((source, email, code, kind, values["question"].strip(), bool(problems)))

    people = _people(sorted({email for _, email, _, _, _, bad in cleaned if email and not bad}))
    sessions = {
        code: (pk, programme_id)
        for code, pk, programme_id in Session.objects.filter(
            code__in=sorted({code for _, _, code, _, _, bad in cleaned if code and not bad})
        ).values_list("code", "pk", "phase__programme_id")
    }
    registrations = _registrations(sorted(set(people.values())), sorted(pk for pk, _ in sessions.values()))
    questionnaires = _current_questionnaires({programme_id for _, programme_id in sessions.values()})
    items: dict[tuple[int, str], Item] = {
        (item.questionnaire_id, item.code): item
        for item in Item.objects.filter(questionnaire__in=[q.pk for q in questionnaires.values()])
    }
    answered = _answered(sorted({registration.pk for registration in registrations.values()}))

    values_checker = _Values()
    first_row: dict[tuple[int, str, str], int] = {}
    for source, email, code, kind, question, bad in cleaned:
        if bad:
            continue
        row = source.number
        person_id = people.get(email)
        session = sessions.get(code)
        if person_id is None or session is None:
            if person_id is None:
                plan.errors.append(RowError(row, f"unknown email address '{source.values['email']}'"))
            if session is None:
                plan.errors.append(RowError(row, f"unknown session '{source.values['session']}'"))
            continue
        session_id, programme_id = session
        registration = registrations.get((person_id, session_id))
        if registration is None:
            plan.errors.append(RowError(row, f"{email} has no registration on {code}"))
            continue
        survey = SurveyKind(kind).label.lower()
        if registration.status not in MAY_ANSWER[kind]:
            who = "people with a place on" if kind == SurveyKind.PRE else "people who attended"
            plan.errors.append(
                RowError(row, f"the {survey} is for {who} {code}; {email} is recorded as '{registration.status_label}'")
            )
            continue
        if (registration.pk, kind) in answered:
            plan.errors.append(
                RowError(row, f"{email} has already answered the {survey} for {code}: imports never replace answers")
            )
            continue
        questionnaire = questionnaires.get((programme_id, kind))
        item = items.get((questionnaire.pk, question)) if questionnaire else None
        if item is None:
            plan.errors.append(RowError(row, f"unknown question '{question}' in the {survey}"))
            continue
        key = (registration.pk, kind, item.code)
        if key in first_row:
            plan.errors.append(
                RowError(
                    row,
                    f"second answer to {item.code} in the {survey} for {email} on {code}: also on row {first_row[key]}",
                )
            )
            continue
        first_row[key] = row
        checked = values_checker.check(item, source.values["value"])
        if isinstance(checked, str):
            plan.errors.append(RowError(row, checked))
            continue
        value, text = checked
        plan.answers.append(AnswerRow(row, registration.pk, kind, item.pk, value, text))
        plan.responses[(registration.pk, kind)] = questionnaire.pk

    plan.errors.sort(key=lambda error: error.row)
    codes = {pk: code for code, (pk, _) in sessions.items()}
    session_of = {registration.pk: session_id for (_, session_id), registration in registrations.items()}
    answers_per = Counter((answer.registration_id, answer.kind) for answer in plan.answers)
    totals: Counter = Counter()
    for (registration_id, kind), count in answers_per.items():
        key = (codes[session_of[registration_id]], kind)
        totals[key + ("responses",)] += 1
        totals[key + ("answers",)] += count
    order = {kind: n for n, kind in enumerate(SurveyKind.values)}
    plan.summary = [
        ResponseSummary(
            code, SurveyKind(kind).label, totals[(code, kind, "responses")], totals[(code, kind, "answers")]
        )
        for code, kind in sorted({key[:2] for key in totals}, key=lambda key: (key[0], order[key[1]]))
    ]
    return plan


# --- writing ----------------------------------------------------------------------------


class ResponsesRejected(Exception):
    """apply() found bad rows (or the database changed since the check) and wrote nothing."""

    def __init__(self, plan: ResponsesImportPlan):
        super().__init__(f"{plan.bad_row_count} bad rows: nothing was imported")
        self.plan = plan


def apply(*, plan: ResponsesImportPlan, actor, source: str = "") -> ResponsesImportPlan:
    """Imports the plan's answers: checks the rows again inside one transaction (the database
    may have changed since the preview) and writes nothing if any row is bad (raises
    ResponsesRejected). Records one audit entry with the counts. Returns the applied plan."""
    now = timezone.now()
    try:
        with transaction.atomic():
            plan = check(plan.rows)
            if plan.errors:
                raise ResponsesRejected(plan)
            responses = Response.objects.bulk_create(
                [
                    Response(
                        registration_id=registration_id,
                        kind=kind,
                        questionnaire_id=questionnaire_id,
                        submitted_at=now,
                        source=ResponseSource.IMPORT,
                    )
                    for (registration_id, kind), questionnaire_id in plan.responses.items()
                ],
                batch_size=WRITE_BATCH,
            )
            if any(response.pk is None for response in responses):  # no ids back from a bulk insert
                ids = {}
                for chunk in chunks(sorted({registration_id for registration_id, _ in plan.responses})):
                    ids.update(
                        ((registration_id, kind), pk)
                        for registration_id, kind, pk in Response.objects.filter(registration_id__in=chunk).values_list(
                            "registration_id", "kind", "pk"
                        )
                    )
            else:
                ids = {(response.registration_id, response.kind): response.pk for response in responses}
            Answer.objects.bulk_create(
                (
                    Answer(
                        response_id=ids[(answer.registration_id, answer.kind)],
                        item_id=answer.item_id,
                        value=answer.value,
                        text=answer.text,
                    )
                    for answer in plan.answers
                ),
                batch_size=WRITE_BATCH,
            )
            audit.record(
                actor=actor,
                action="responses.import",
                object_type="questionnaire",
                object_repr=f"Import of survey answers from {source or 'a file'}",
                after={
                    "file": source,
                    "rows": len(plan.rows),
                    "responses": plan.response_count,
                    "answers": len(plan.answers),
                    **plan.counts(),
                },
            )
    except IntegrityError:
        # Someone answered online between our check and our insert.
        raise ImportFileError(
            "Someone answered one of these surveys while the import ran. Nothing was imported: try again"
        ) from None
    return plan
