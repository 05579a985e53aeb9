"""Writes for surveys: questionnaires and their versions, and submitting a response.

Sending links and reminders lives in feedback/dispatch.py, importing paper answers in
feedback/imports.py.
"""

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from attendees.enums import RegistrationStatus
from feedback import questionnaires
from feedback.enums import ItemPurpose, ItemType, ResponseSource, SurveyKind
from feedback.models import Answer, Item, Questionnaire, Response, SurveyLink, SurveySchedule
from summits import audit
from summits.enums import SessionStatus
from summits.models import FocusArea, Programme

# Who may answer each survey: a place for the pre survey, attendance for the others.
MAY_ANSWER = {
    SurveyKind.PRE: (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW),
    SurveyKind.POST: (RegistrationStatus.ATTENDED,),
    SurveyKind.FOLLOW_UP: (RegistrationStatus.ATTENDED,),
}


class SurveyUnavailable(ValidationError):
    """A link that cannot take answers now; `code` says why (answered, not_open, closed,
    no_place, session_cancelled) and the message says it in words."""


# --- questionnaires ---------------------------------------------------------------------


@transaction.atomic
def ensure_default_questionnaires(*, programme: Programme) -> dict[str, Questionnaire]:
    """Creates the programme's default pre, post and follow-up questionnaires (and its survey
    schedule) where they do not exist yet. Safe to repeat. Returns the current version of each."""
    SurveySchedule.objects.get_or_create(programme=programme)
    focus_areas = {area.number: area for area in FocusArea.objects.order_by("number")}
    existing = {q.kind: q for q in current_questionnaires(programme)}
    for kind in SurveyKind.values:
        if kind in existing:
            continue
        questionnaire = Questionnaire.objects.create(
            programme=programme,
            kind=kind,
            title=questionnaires.TITLES[kind],
            introduction=questionnaires.INTRODUCTIONS[kind],
        )
        specs = questionnaires.default_items(kind, [(n, area.name) for n, area in focus_areas.items()])
        Item.objects.bulk_create(
            Item(
                questionnaire=questionnaire,
                order=order,
                code=spec.code,
                text=spec.text,
                hint=spec.hint,
                type=spec.type,
                purpose=spec.purpose,
                required=spec.required,
                domain=spec.domain,
                focus_area=focus_areas.get(spec.focus_area),
                retrospective_of=spec.retrospective_of,
                choices=list(spec.choices),
            )
            for order, spec in enumerate(specs, start=1)
        )
        existing[kind] = questionnaire
    return existing


def current_questionnaires(programme: Programme) -> list[Questionnaire]:
    """The highest version of each of the programme's questionnaires."""
    latest = Questionnaire.objects.filter(programme=programme).values("kind").annotate(latest=Max("version")).order_by()
    wanted = {(row["kind"], row["latest"]) for row in latest}
    return [q for q in Questionnaire.objects.filter(programme=programme) if (q.kind, q.version) in wanted]


@dataclass
class ItemDetails:
    code: str
    text: str
    type: str
    purpose: str = ItemPurpose.OTHER
    required: bool = True
    hint: str = ""
    domain: str = ""
    retrospective_of: str = ""
    choices: tuple[str, ...] = ()
    # When a confidence question with answers is reworded: "same" (it still asks the same
    # thing: keep the code, answers pair) or "new" (a new question: it needs a new code).
    meaning: str = ""


SAME_MEANING, NEW_MEANING = "same", "new"
PAIRED_PURPOSES = (ItemPurpose.CONFIDENCE, ItemPurpose.RETROSPECTIVE)


def _check_meaning(*, programme_id: int, details: ItemDetails, item: Item | None) -> None:
    """An item code is what pairs answers across surveys and versions, so it must mean one
    thing across the programme: the same purpose and domain everywhere (changing what a
    question measures makes it a new question, with a new code), and a reworded confidence
    question with answers says whether it still asks the same thing."""
    others = Item.objects.filter(questionnaire__programme_id=programme_id, code=details.code)
    if item is not None:
        others = others.exclude(pk=item.pk)
    clash = others.exclude(purpose=details.purpose, domain=details.domain).first()
    if clash is not None:
        measures = (
            f"{clash.get_purpose_display().lower()}, domain {clash.domain}"
            if clash.domain
            else (clash.get_purpose_display().lower())
        )
        raise ValidationError(
            {
                "code": f"The code {details.code} already measures something else in this programme ({measures}). "
                "A question that measures something new needs a new code"
            }
        )
    if item is None or details.purpose not in PAIRED_PURPOSES or details.text == item.text:
        return
    answered = Answer.objects.filter(item__questionnaire__programme_id=programme_id, item__code=item.code).exists()
    if not answered:
        return
    if details.meaning not in (SAME_MEANING, NEW_MEANING):
        raise ValidationError(
            {
                "meaning": "You changed the wording of a confidence question that people have answered. Say "
                "whether it still asks the same thing"
            }
        )
    if details.meaning == NEW_MEANING and (
        details.code == item.code
        or Item.objects.filter(questionnaire__programme_id=programme_id, code=details.code).exists()
    ):
        raise ValidationError(
            {"code": "A question that asks something new needs a code that no other question has used"}
        )


def _editable(questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire itself while nobody has answered it; once answered, a new version
    (a copy with every item) that takes the edit, so earlier answers keep their wording."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    latest = Questionnaire.objects.filter(programme_id=questionnaire.programme_id, kind=questionnaire.kind).aggregate(
        Max("version")
    )["version__max"]
    if questionnaire.version != latest:
        raise ValidationError("This is an old version of the questionnaire. Edit the current version instead.")
    if not questionnaire.responses.exists():
        return questionnaire
    items = list(questionnaire.items.all())
    copy = Questionnaire.objects.create(
        programme_id=questionnaire.programme_id,
        kind=questionnaire.kind,
        version=questionnaire.version + 1,
        title=questionnaire.title,
        introduction=questionnaire.introduction,
    )
    for item in items:
        item.pk, item.questionnaire = None, copy
    Item.objects.bulk_create(items)
    return copy


def _check_item(details: ItemDetails) -> None:
    errors = {}
    if details.type in (ItemType.LIKERT, ItemType.CHOICE):
        choices = [choice.strip() for choice in details.choices if choice.strip()]
        if details.type == ItemType.LIKERT and len(choices) != 5:
            errors["choices"] = "Enter a label for each of the 5 points, one per line"
        elif details.type == ItemType.CHOICE and len(choices) < 2:
            errors["choices"] = "Enter at least 2 choices, one per line"
    if details.purpose in (ItemPurpose.CONFIDENCE, ItemPurpose.RETROSPECTIVE) and details.type != ItemType.LIKERT:
        errors["type"] = "Confidence questions use the 5-point scale"
    if details.purpose in (ItemPurpose.CONFIDENCE, ItemPurpose.RETROSPECTIVE) and not details.domain:
        errors["domain"] = "Enter what this confidence question measures, like overall or focus_3"
    if details.purpose == ItemPurpose.RETROSPECTIVE and not details.retrospective_of:
        errors["retrospective_of"] = "Enter the code of the confidence question this looks back on"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_item(*, actor, questionnaire: Questionnaire, details: ItemDetails, item: Item | None = None) -> Item:
    """Adds a question, or changes one (`item`). On an answered questionnaire this makes a new
    version first; the returned item belongs to the version that now holds the change.

    A code measures one thing across the programme (see `_check_meaning`): a reworded
    confidence question with answers keeps its code only when `details.meaning` says it still
    asks the same thing; a new meaning needs a new code, so its answers never pair with the old."""
    _check_item(details)
    target = _editable(questionnaire)
    values = {
        "code": details.code,
        "text": details.text,
        "type": details.type,
        "purpose": details.purpose,
        "required": details.required,
        "hint": details.hint,
        "domain": details.domain,
        "retrospective_of": details.retrospective_of,
        "choices": [choice.strip() for choice in details.choices if choice.strip()],
    }
    clash = target.items.filter(code=details.code)
    if item is not None:
        clash = clash.exclude(code=item.code)
    if clash.exists():
        raise ValidationError({"code": "Another question in this questionnaire already has this code"})
    _check_meaning(programme_id=questionnaire.programme_id, details=details, item=item)
    if item is None:
        order = (target.items.aggregate(Max("order"))["order__max"] or 0) + 1
        saved = Item(questionnaire=target, order=order, **values)
        saved.full_clean(exclude=["questionnaire", "focus_area"])
        saved.save()
        before = None
    else:
        saved = target.items.get(code=item.code)
        before = audit.snapshot(saved, list(values))
        for name, value in values.items():
            setattr(saved, name, value)
        saved.full_clean(exclude=["questionnaire", "focus_area"])
        saved.save()
    audit.record(
        actor=actor,
        action="questionnaire.item_saved",
        object_type="questionnaire",
        object_repr=f"{target} ({target.get_kind_display()})",
        before=before,
        after={"version": target.version, **values, **({"meaning": details.meaning} if details.meaning else {})},
    )
    return saved


@transaction.atomic
def remove_item(*, actor, item: Item) -> Questionnaire:
    """Takes a question out. On an answered questionnaire this makes a new version without it."""
    target = _editable(item.questionnaire)
    target.items.filter(code=item.code).delete()
    audit.record(
        actor=actor,
        action="questionnaire.item_removed",
        object_type="questionnaire",
        object_repr=f"{target} ({target.get_kind_display()})",
        before={"code": item.code, "text": item.text},
        after={"version": target.version},
    )
    return target


# --- answering --------------------------------------------------------------------------


def closes_at(link: SurveyLink) -> datetime.datetime:
    """The pre survey closes when the session starts (its current start, if it moved)."""
    if link.kind == SurveyKind.PRE:
        return link.registration.session.starts_at
    return link.closes_at


def link_problem(link: SurveyLink, now: datetime.datetime | None = None) -> SurveyUnavailable | None:
    """Why this link cannot take answers now, or None. Expects the registration and session
    loaded (feedback.queries.survey_link)."""
    now = now or timezone.now()
    registration = link.registration
    session = registration.session
    local = timezone.localtime
    if Response.objects.filter(registration=registration, kind=link.kind).exists():
        return SurveyUnavailable("You have already answered this survey. Thank you.", code="answered")
    if session.status == SessionStatus.CANCELLED:
        return SurveyUnavailable("This session was cancelled, so there is nothing to answer.", code="session_cancelled")
    if registration.status not in MAY_ANSWER[link.kind]:
        message = (
            "This survey is for people who attended the session."
            if link.kind != SurveyKind.PRE
            else "This survey is for people with a place on the session, and your place was cancelled."
        )
        return SurveyUnavailable(message, code="no_place")
    if now < link.opens_at:
        return SurveyUnavailable(
            f"This survey opens on {local(link.opens_at):%-d %B %Y at %-I:%M%p}.".replace("AM", "am").replace(
                "PM", "pm"
            ),
            code="not_open",
        )
    closing = closes_at(link)
    if now >= closing:
        return SurveyUnavailable(
            f"This survey closed on {local(closing):%-d %B %Y at %-I:%M%p}.".replace("AM", "am").replace("PM", "pm"),
            code="closed",
        )
    return None


def check_answers(items: list[Item], answers: Mapping[str, object]) -> dict[str, tuple[int | None, str]]:
    """Turns raw answers (item code → number, label or text) into (value, text) per item code.
    Raises a ValidationError per question code for a missing required answer or an answer
    out of range. Unknown codes are errors too."""
    errors: dict[str, str] = {}
    known = {item.code: item for item in items}
    for code in answers:
        if code not in known:
            errors[code] = f"There is no question {code} in this survey"
    checked: dict[str, tuple[int | None, str]] = {}
    for item in items:
        raw = answers.get(item.code)
        raw = "" if raw is None else str(raw).strip()
        if raw == "":
            if item.required:
                errors[item.code] = (
                    f"Enter {item.text[0].lower()}{item.text[1:].rstrip('?')}"
                    if item.type == ItemType.TEXT
                    else f"Select an answer to: {item.text}"
                )
            continue
        if item.type == ItemType.TEXT:
            checked[item.code] = (None, raw[:5000])
            continue
        value = _point(item, raw)
        if value is None:
            low, high = item.value_range
            errors[item.code] = f"Select an answer from {low} to {high} for: {item.text}"
            continue
        label = dict(item.labelled_points())[value]
        checked[item.code] = (value, label if item.type == ItemType.CHOICE else "")
    if errors:
        raise ValidationError(errors)
    return checked


def _point(item: Item, raw: str) -> int | None:
    """The numeric answer from a number, or from a point's label (as paper forms give it)."""
    points = item.labelled_points()
    try:
        number = float(raw)
    except ValueError:
        labels = {label.casefold(): value for value, label in points}
        return labels.get(raw.casefold())
    if not math.isfinite(number) or number != int(number):
        return None
    return int(number) if int(number) in {value for value, _ in points} else None


@transaction.atomic
def submit_response(
    *,
    link: SurveyLink,
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    now: datetime.datetime | None = None,
) -> Response:
    """Saves one registration's answers to one survey. Refuses (SurveyUnavailable) when the link
    is answered already, closed or not open; a second submission racing the first is refused
    by the database's unique constraint and changes nothing."""
    now = now or timezone.now()
    problem = link_problem(link, now)
    if problem:
        raise problem
    items = list(questionnaire.items.all())
    checked = check_answers(items, answers)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                registration=link.registration,
                kind=link.kind,
                questionnaire=questionnaire,
                submitted_at=now,
                source=ResponseSource.WEB,
            )
    except IntegrityError:
        raise SurveyUnavailable("You have already answered this survey. Thank you.", code="answered") from None
    by_code = {item.code: item for item in items}
    Answer.objects.bulk_create(
        Answer(response=response, item=by_code[code], value=value, text=text) for code, (value, text) in checked.items()
    )
    return response


# --- the survey schedule ----------------------------------------------------------------

SCHEDULE_FIELDS = [
    "post_open_days",
    "follow_up_enabled",
    "follow_up_after_days",
    "follow_up_open_days",
    "reminder_hours_before_close",
]


@transaction.atomic
def update_survey_schedule(*, actor, schedule: SurveySchedule, **values) -> SurveySchedule:
    """Changes when the programme's survey links go out, close and are reminded. Links already
    made keep their dates; the change applies to links made from now on. Audit-recorded."""
    unknown = set(values) - set(SCHEDULE_FIELDS)
    if unknown:
        raise TypeError(f"Not survey schedule fields: {', '.join(sorted(unknown))}")
    schedule = SurveySchedule.objects.select_for_update().get(pk=schedule.pk)
    before = audit.snapshot(schedule, SCHEDULE_FIELDS)
    for name, value in values.items():
        setattr(schedule, name, value)
    schedule.full_clean(exclude=["programme"])
    schedule.save(update_fields=list(values) or None)
    old, new = audit.changed(before, audit.snapshot(schedule, SCHEDULE_FIELDS))
    if new:
        audit.record(actor=actor, action="survey_schedule.update", obj=schedule, before=old, after=new)
    return schedule
