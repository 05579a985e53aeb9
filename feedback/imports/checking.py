"""Checking every row of an answers file against the database. Writes nothing.

The lookups are in bulk (people, sessions, registrations, questionnaires, questions and the
responses already given), and the row loop only reads dictionaries: a file repeats the same
person, session and survey for each question, so each is resolved once, and each (question,
value) pair is checked once.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from attendees.enums import RegistrationStatus
from attendees.imports.checking import chunks
from attendees.models import Person, Registration
from config.imports import RowError, SourceRow, header_name
from feedback.enums import ItemType, SurveyKind
from feedback.imports.reading import COLUMNS
from feedback.models import Item, Questionnaire, Response
from feedback.services import MAY_ANSWER, check_answers
from summits.models import Session

SURVEYS = {value: value for value in SurveyKind.values}  # after header_name: "Follow-up" is follow_up
SURVEY_WORDS = {value: label.lower() for value, label in SurveyKind.choices}  # "follow-up survey"
STATUS_LABELS = dict(RegistrationStatus.choices)


class AnswerRow(NamedTuple):
    """A good row, resolved to ids and the value to store."""

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


# --- bulk lookups -----------------------------------------------------------------------


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


def _registrations(person_ids: list[int], session_ids: list[int]) -> dict[tuple[int, int], tuple[int, str]]:
    """(person id, session id) → (registration id, status). Someone who cancelled and registered
    again has two registrations: the later one counts, and a cancelled one only if it is the only one."""
    found: dict[tuple[int, int], tuple[int, str]] = {}
    for chunk in chunks(person_ids):
        rows = (
            Registration.objects.filter(person_id__in=chunk, session_id__in=session_ids)
            .order_by("created_at", "pk")
            .values_list("person_id", "session_id", "pk", "status")
        )
        for person_id, session_id, pk, status in rows:
            key = (person_id, session_id)
            if status == RegistrationStatus.CANCELLED and key in found:
                continue
            found[key] = (pk, status)
    return found


def _current_questionnaires(programme_ids: set[int]) -> dict[tuple[int, str], int]:
    """(programme id, survey) → the id of the highest version, from one query over every version."""
    current: dict[tuple[int, str], int] = {}
    versions = Questionnaire.objects.filter(programme_id__in=programme_ids).order_by("version")
    for pk, programme_id, kind in versions.values_list("pk", "programme_id", "kind"):
        current[(programme_id, kind)] = pk
    return current


def _items(questionnaire_ids: list[int]) -> dict[int, dict[str, Item]]:
    """Questionnaire id → its questions by code."""
    found: dict[int, dict[str, Item]] = {pk: {} for pk in questionnaire_ids}
    for item in Item.objects.filter(questionnaire_id__in=questionnaire_ids):
        found[item.questionnaire_id][item.code] = item
    return found


def _answered(registration_ids: list[int]) -> set[tuple[int, str]]:
    found = set()
    for chunk in chunks(registration_ids):
        found.update(Response.objects.filter(registration_id__in=chunk).values_list("registration_id", "kind"))
    return found


# --- values -----------------------------------------------------------------------------


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
        key = (item.id, raw)
        found = self.seen.get(key)
        if found is None:
            try:
                found = check_answers([item], {item.code: raw})[item.code]
            except ValidationError:
                found = _value_problem(item, raw)
            self.seen[key] = found
        return found


# --- the check --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """Where one person's answers to one survey on one session go."""

    registration_id: int
    questionnaire_id: int
    items: dict[str, Item]
    session: str


def check(rows: list[SourceRow]) -> ResponsesImportPlan:
    """Validates every row against the database. Writes nothing."""
    plan = ResponsesImportPlan(rows=rows)
    errors = plan.errors
    surveys: dict[str, str | None] = {}
    complete = []
    for source in rows:
        values = source.values
        raw_survey = values["survey"]
        if raw_survey not in surveys:
            surveys[raw_survey] = SURVEYS.get(header_name(raw_survey))
        kind = surveys[raw_survey]
        if kind and all(values.values()):
            complete.append((source, kind))
            continue
        errors.extend(RowError(source.number, f"missing {column}") for column in COLUMNS.required if not values[column])
        if raw_survey and not kind:
            errors.append(RowError(source.number, f"unknown survey '{raw_survey}': use pre, post or follow_up"))

    people = _people(sorted({source.values["email"].lower() for source, _ in complete}))
    sessions = {
        code: (pk, programme_id)
        for code, pk, programme_id in Session.objects.filter(
            code__in=sorted({source.values["session"].upper() for source, _ in complete})
        ).values_list("code", "pk", "phase__programme_id")
    }
    registrations = _registrations(sorted(set(people.values())), sorted(pk for pk, _ in sessions.values()))
    questionnaires = _current_questionnaires({programme_id for _, programme_id in sessions.values()})
    items = _items(sorted(questionnaires.values()))
    answered = _answered(sorted({pk for pk, _ in registrations.values()}))

    def target(raw_email: str, raw_session: str, kind: str) -> _Target | list[str]:
        email, code = raw_email.lower(), raw_session.upper()
        person_id, session = people.get(email), sessions.get(code)
        if person_id is None or session is None:
            problems = []
            if person_id is None:
                problems.append(f"unknown email address '{raw_email}'")
            if session is None:
                problems.append(f"unknown session '{raw_session}'")
            return problems
        session_id, programme_id = session
        registration = registrations.get((person_id, session_id))
        if registration is None:
            return [f"{email} has no registration on {code}"]
        registration_id, status = registration
        survey = SURVEY_WORDS[kind]
        if status not in MAY_ANSWER[kind]:
            who = "people with a place on" if kind == SurveyKind.PRE else "people who attended"
            return [f"the {survey} is for {who} {code}; {email} is recorded as '{STATUS_LABELS[status]}'"]
        if (registration_id, kind) in answered:
            return [f"{email} has already answered the {survey} for {code}: imports never replace answers"]
        questionnaire_id = questionnaires.get((programme_id, kind))
        return _Target(registration_id, questionnaire_id, items.get(questionnaire_id, {}), code)

    targets: dict[tuple[str, str, str], _Target | list[str]] = {}
    values_checker = _Values()
    first_row: dict[tuple[int, str, str], int] = {}
    for source, kind in complete:
        values, row = source.values, source.number
        key = (values["email"], values["session"], kind)
        found = targets.get(key)
        if found is None:
            found = targets[key] = target(*key)
        if isinstance(found, list):
            errors.extend(RowError(row, problem) for problem in found)
            continue
        question = values["question"]
        item = found.items.get(question)
        if item is None:
            errors.append(RowError(row, f"unknown question '{question}' in the {SURVEY_WORDS[kind]}"))
            continue
        answer_key = (found.registration_id, kind, question)
        if answer_key in first_row:
            errors.append(
                RowError(
                    row,
                    f"second answer to {question} in the {SURVEY_WORDS[kind]} for {values['email'].lower()} "
                    f"on {found.session}: also on row {first_row[answer_key]}",
                )
            )
            continue
        first_row[answer_key] = row
        checked = values_checker.check(item, values["value"])
        if isinstance(checked, str):
            errors.append(RowError(row, checked))
            continue
        plan.answers.append(AnswerRow(row, found.registration_id, kind, item.id, *checked))
        plan.responses[(found.registration_id, kind)] = found.questionnaire_id

    errors.sort(key=lambda error: error.row)
    plan.summary = _summary(plan, {t.registration_id: t.session for t in targets.values() if isinstance(t, _Target)})
    return plan


def _summary(plan: ResponsesImportPlan, session_of: dict[int, str]) -> list[ResponseSummary]:
    answers = Counter((answer.registration_id, answer.kind) for answer in plan.answers)
    totals: Counter = Counter()
    for (registration_id, kind), count in answers.items():
        totals[(session_of[registration_id], kind, "responses")] += 1
        totals[(session_of[registration_id], kind, "answers")] += count
    order = {kind: n for n, kind in enumerate(SurveyKind.values)}
    groups = sorted({key[:2] for key in totals}, key=lambda key: (key[0], order[key[1]]))
    return [
        ResponseSummary(
            code, SurveyKind(kind).label, totals[(code, kind, "responses")], totals[(code, kind, "answers")]
        )
        for code, kind in groups
    ]
