"""Writes for attendance: check-in on the day, undo, and finalising after the session ends.

Attended and no-show registrations keep their place (attendees.enums.HOLDS_A_PLACE), so none
of these changes touches the session's `places_taken` counter. Each change is one
conditional UPDATE (`... WHERE status IN (...)`), so two organisers checking people in at
once cannot undo each other's work, and each records an audit entry on the session.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attendees.enums import RegistrationStatus
from attendees.models import Registration
from summits import audit
from summits.enums import SessionStatus
from summits.models import Session

# Who can be marked as attended: people with a place, and no-shows being corrected.
MARKABLE = (RegistrationStatus.CONFIRMED, RegistrationStatus.NO_SHOW)


def check_in_problem(session: Session, now: datetime.datetime | None = None) -> str | None:
    """Why people cannot be checked in to a session now, in words, or None when they can.
    Check-in opens on the day of the session (Europe/London) and stays open afterwards for
    corrections."""
    now = now or timezone.now()
    if session.status == SessionStatus.CANCELLED:
        return "This session was cancelled, so there is no attendance to record."
    if session.status != SessionStatus.PUBLISHED:
        return "Only published sessions have attendance to record."
    if timezone.localtime(now).date() < timezone.localtime(session.starts_at).date():
        return f"Check-in opens on the day of the session, {timezone.localtime(session.starts_at):%-d %B %Y}."
    return None


def has_ended(session: Session, now: datetime.datetime | None = None) -> bool:
    return session.ends_at <= (now or timezone.now())


def is_finalised(session: Session, now: datetime.datetime | None = None) -> bool:
    """Attendance is final once the session has ended and nobody is left merely confirmed:
    every place is either attended or a no-show."""
    return (
        has_ended(session, now)
        and not Registration.objects.filter(session=session, status=RegistrationStatus.CONFIRMED).exists()
    )


def _check_can_record(session: Session) -> None:
    problem = check_in_problem(session)
    if problem:
        raise ValidationError(problem)


@transaction.atomic
def mark_attended(*, actor, registration: Registration) -> Registration:
    """Checks one person in (or corrects a no-show to attended)."""
    return mark_attended_in_bulk(actor=actor, session=registration.session, registration_ids=[registration.pk])[0]


@transaction.atomic
def mark_attended_in_bulk(*, actor, session: Session, registration_ids: Iterable[int]) -> list[Registration]:
    """Checks in everyone named who has a place on this session (ids of other sessions'
    registrations are ignored). Returns the registrations that changed; people already
    checked in are left as they were."""
    _check_can_record(session)
    ids = list(registration_ids)
    if not ids:
        raise ValidationError("Select the people who attended")
    changing = list(
        Registration.objects.select_for_update(of=("self",))
        .select_related("person", "session")
        .filter(session=session, pk__in=ids, status__in=MARKABLE)
        .order_by("pk")
    )
    if not changing:
        raise ValidationError("Nobody selected can be marked as attended: they are already checked in or have no place")
    now = timezone.now()
    Registration.objects.filter(pk__in=[r.pk for r in changing]).update(
        status=RegistrationStatus.ATTENDED, checked_in_at=now
    )
    audit.record(
        actor=actor,
        action="attendance.mark_attended",
        obj=session,
        before={"people": {r.person.email: r.status for r in changing}},
        after={"status": RegistrationStatus.ATTENDED, "count": len(changing)},
    )
    for registration in changing:
        registration.status, registration.checked_in_at = RegistrationStatus.ATTENDED, now
    return changing


@transaction.atomic
def undo_attended(*, actor, registration: Registration) -> Registration:
    """Takes back a check-in. Before attendance is final the person is simply confirmed
    again; once it is final (the session ended and nobody is left unmarked) they become a
    no-show, so a correction never reopens the register."""
    registration = (
        Registration.objects.select_for_update(of=("self",)).select_related("person", "session").get(pk=registration.pk)
    )
    _check_can_record(registration.session)
    if registration.status != RegistrationStatus.ATTENDED:
        raise ValidationError(f"{registration.person} is not checked in")
    # Ask before changing this row: is anyone else still waiting to be marked?
    status = RegistrationStatus.NO_SHOW if is_finalised(registration.session) else RegistrationStatus.CONFIRMED
    registration.status, registration.checked_in_at = status, None
    registration.save(update_fields=["status", "checked_in_at"])
    audit.record(
        actor=actor,
        action="attendance.undo",
        obj=registration.session,
        before={"person": registration.person.email, "status": RegistrationStatus.ATTENDED},
        after={"status": status},
    )
    return registration


@transaction.atomic
def finalise_attendance(*, actor, session: Session) -> int:
    """After the session ends: everyone confirmed but not checked in becomes a no-show.
    Safe to repeat (a later run finds nobody left). Returns how many became no-shows."""
    _check_can_record(session)
    if not has_ended(session):
        raise ValidationError("Attendance can be finalised once the session has ended")
    unmarked = dict(
        Registration.objects.select_for_update(of=("self",))
        .filter(session=session, status=RegistrationStatus.CONFIRMED)
        .values_list("pk", "person__email")
    )
    count = Registration.objects.filter(pk__in=list(unmarked), status=RegistrationStatus.CONFIRMED).update(
        status=RegistrationStatus.NO_SHOW, checked_in_at=None
    )
    audit.record(
        actor=actor,
        action="attendance.finalise",
        obj=session,
        after={"no_shows": count, "people": sorted(unmarked.values())},
    )
    return count
