"""The organisers' audit log: every organiser action records who, what, when, before and after.

Services call `record()` inside their transaction, so the entry exists exactly when the
change does. Other apps (attendees, feedback) use the same function.
"""

import datetime
import decimal

from django.db import models
from django.utils import timezone

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
