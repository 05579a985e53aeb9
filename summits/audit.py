"""The organisers' audit log: every organiser action records who, what, when, before and after.

Services call `record()` inside their transaction, so the entry exists exactly when the
change does. Other apps (attendees, feedback) use the same function.
"""

import datetime
import decimal
import functools
import re
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from summits.models import AuditEntry


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # One zone for every entry, so a value read from the database (UTC) and the same
        # value from a form (Europe/London) compare equal.
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_plain(v) for v in value)
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    """The named fields of an instance as JSON-safe values; many-to-many fields as sorted names."""
    data = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            data[name] = sorted(str(obj) for obj in getattr(instance, name).all())
        elif field.is_relation:
            related = getattr(instance, name)
            data[name] = str(related) if related is not None else None
        else:
            data[name] = _plain(getattr(instance, name))
    return data


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, for a compact before/after."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before[key] for key in keys if key in before}, {key: after[key] for key in keys}


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """One entry about `obj`, or, for an action on many rows at once (an import), about
    `object_type` described by `object_repr`."""
    if obj is None and not object_type:
        raise ValueError("An audit entry is about an object or, for bulk actions, an object type")
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=obj._meta.model_name if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(str(obj) if obj is not None else object_repr)[:250],
        before={k: _plain(v) for k, v in (before or {}).items()},
        after={k: _plain(v) for k, v in (after or {}).items()},
    )


# Showing entries in words ---------------------------------------------------------------------
# Entries keep machine values (stable, comparable); the log shows them as people read them:
# labels for choices, local dates, field names in words. Old entries read the same way.

ACTIONS = {
    "session.create": "Created the session",
    "session.update": "Changed the session",
    "session.publish": "Published the session",
    "session.unpublish": "Made the session a draft again",
    "session.places_withdrawn": "Cancelled every place and the waiting list",
    "session.cancel": "Cancelled the session",
    "session.duplicate": "Created the session as a copy",
    "session.audience": "Changed who can register",
    "cost_line.add": "Added a cost line",
    "cost_line.remove": "Removed a cost line",
    "venue.create": "Added the venue",
    "venue.update": "Changed the venue",
    "facilitator.create": "Added the facilitator",
    "facilitator.update": "Changed the facilitator",
    "programme.create": "Created the programme",
    "programme.update": "Changed the programme",
    "phase.create": "Added the phase",
    "phase.update": "Changed the phase",
    "pilot_decision.record": "Recorded the pilot decision",
    "pilot_decision.change": "Changed the pilot decision",
    "registration.cancel": "Cancelled a place",
    "registration.offer_place": "Offered a place from the waiting list",
    "invitation.invite_groups": "Invited leadership groups",
    "invitation.invite_person": "Invited a person",
    "invitation.resend": "Sent an invitation again",
    "attendance.mark_attended": "Checked people in",
    "attendance.undo": "Corrected attendance",
    "attendance.finalise": "Finalised attendance",
    "person.update": "Changed the person",
    "person.import": "Imported people",
    "leadership_group.create": "Added the leadership group",
    "leadership_group.update": "Changed the leadership group",
    "staff.grant_role": "Gave a staff role",
    "responses.import": "Imported survey answers",
    "questionnaire.item_saved": "Changed a survey question",
    "questionnaire.item_removed": "Removed a survey question",
    "survey_schedule.update": "Changed the survey schedule",
    "criterion.created": "Added a success criterion",
    "criterion.changed": "Changed a success criterion",
    "criterion.deleted": "Removed a success criterion",
    "criterion.suggested_added": "Added the suggested success criteria",
}
LABELS = {"starts_at": "Starts", "ends_at": "Ends", "online_url": "Online joining link"}
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Shown:
    label: str
    value: str


def action_in_words(action: str) -> str:
    return ACTIONS.get(action, action.replace("_", " ").replace(".", ": ").capitalize())


@functools.cache
def _model(object_type: str):
    return next((model for model in apps.get_models() if model._meta.model_name == object_type), None)


@functools.cache
def _choice_labels() -> dict[str, str]:
    """Every choice value of every model, with its label: entries about one object often hold
    values of a related one (a registration's status in an entry about its session)."""
    labels: dict[str, str] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and value:
                    labels.setdefault(value, str(label))
    return labels


def _value_in_words(value, choices: dict) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(_value_in_words(item, choices) for item in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_value_in_words(item, choices)}" for key, item in value.items())
    if isinstance(value, str):
        if value in choices:
            return choices[value]
        if ISO_DATETIME.match(value):
            try:
                moment = datetime.datetime.fromisoformat(value)
            except ValueError:
                return value
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return date_format(moment, "j F Y, H:i")
        if ISO_DATE.match(value):
            try:
                return date_format(datetime.date.fromisoformat(value), "j F Y")
            except ValueError:
                return value
        return _choice_labels().get(value, value)
    return str(value)


def values_in_words(object_type: str, values: dict) -> list[Shown]:
    """An entry's before or after, each field named and valued in words."""
    model = _model(object_type)
    shown = []
    for key, value in values.items():
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(key)
            except Exception:  # not a field of the model: a value the service named itself
                field = None
        label = LABELS.get(key) or (str(field.verbose_name) if field is not None else key.replace("_", " "))
        choices = {str(k): str(v) for k, v in (getattr(field, "flatchoices", None) or ())}
        shown.append(Shown(label[:1].upper() + label[1:], _value_in_words(value, choices)))
    return shown
