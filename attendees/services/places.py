"""Places: the registration window, registering, the waiting list, cancelling and an organiser's
offer. Every path that changes who holds a place takes the session's row lock first
(`_lock_session`; see attendees.services)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from attendees import emails
from attendees.enums import RegistrationStatus
from attendees.models import Invitation, Person, Registration
from attendees.queries.attendee import with_waitlist_position
from summits import audit
from summits.enums import SessionStatus
from summits.models import Session

# Registration windows ---------------------------------------------------------------------


def registration_problem(session: Session, now: datetime.datetime | None = None) -> str | None:
    """Why a session cannot take registrations now, in words, or None when it can."""
    now = now or timezone.now()
    if session.status == SessionStatus.CANCELLED:
        return "This session has been cancelled."
    if session.status != SessionStatus.PUBLISHED:
        return "This session is not open for registration."
    if session.registration_opens_at and now < session.registration_opens_at:
        return f"Registration opens on {timezone.localtime(session.registration_opens_at):%-d %B %Y at %H:%M}."
    if now >= session.effective_registration_closes_at:
        return "Registration for this session has closed."
    return None


# Places ----------------------------------------------------------------------------------


def _take_place(session_id: int, *, unless_someone_waits: bool = False) -> bool:
    """Takes one place if one is free (and, with `unless_someone_waits`, nobody is on the waiting
    list): a single conditional UPDATE, safe under concurrency."""
    sessions = Session.objects.filter(pk=session_id, places_taken__lt=F("capacity"))
    if unless_someone_waits:
        waiting = Registration.objects.filter(session_id=OuterRef("pk"), status=RegistrationStatus.WAITLISTED)
        sessions = sessions.exclude(Exists(waiting))
    return sessions.update(places_taken=F("places_taken") + 1) == 1


def _free_place(session_id: int) -> None:
    Session.objects.filter(pk=session_id, places_taken__gt=0).update(places_taken=F("places_taken") - 1)


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in the queue; None if not waitlisted. The ranking is the one list pages
    annotate (attendees.queries.attendee.with_waitlist_position), so they always agree."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return (
        with_waitlist_position(Registration.objects.filter(pk=registration.pk))
        .values_list("waitlist_position", flat=True)
        .get()
    )


def _lock_session(session_id: int) -> Session:
    """Locks the session's row until commit and returns its current values. Every path that
    changes who holds a place (registering, cancelling, a capacity change, an offer) takes this
    lock first, so each sees the one before it whole: "is anyone waiting?" is never answered
    from a stale snapshot, and a newcomer cannot slip past the waiting list."""
    return Session.objects.select_for_update().get(pk=session_id)


@transaction.atomic
def register(*, person: Person, session: Session, invitation: Invitation | None = None) -> Registration:
    """Confirms a place when one is free and nobody is waiting, otherwise puts the person on
    the waiting list. Refused when registration is not open or the person already holds a live
    registration. After commit: the confirmation with a calendar invite, or the waiting-list
    notice."""
    session = _lock_session(session.pk)
    problem = registration_problem(session)
    if problem:
        raise ValidationError(problem)
    return _register(person=person, session=session, invitation=invitation)


def _register(*, person: Person, session: Session, invitation: Invitation | None) -> Registration:
    """Takes a place or a waiting-list place; the caller's transaction holds the session's lock
    and has checked that it takes registrations. A newcomer joins the queue while anyone is
    waiting, even when a place is free: free places belong to the people waiting (see
    fill_places_from_waiting_list). The email is an outbox row in the same transaction."""
    confirmed = _take_place(session.pk, unless_someone_waits=True)
    now = timezone.now()
    try:
        registration = Registration.objects.create(
            person=person,
            session=session,
            invitation=invitation,
            status=RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITLISTED,
            confirmed_at=now if confirmed else None,
        )
    except IntegrityError:
        # A live registration exists already (the partial unique constraint). Raising rolls
        # back the caller's whole transaction, and with it the place taken above.
        raise ValidationError("You already have a place on this session, or are on its waiting list.") from None
    emails.send_registration(registration=registration)
    return registration


def fill_places_from_waiting_list(*, session_id: int) -> list[int]:
    """The one way a free place is given out, whatever freed or added it (a cancellation, an
    organiser's removal, a capacity increase): to the people waiting, in queue order, as many
    as there are free places. Only for a published session that has not started. Runs inside
    the caller's transaction; locks the session's row. Each person promoted gets an outbox row for
    the news and a calendar REQUEST, in this transaction. Returns the promoted registrations' ids, in queue order."""
    session = _lock_session(session_id)
    if session.status != SessionStatus.PUBLISHED or session.starts_at <= timezone.now():
        return []
    free = session.capacity - session.places_taken
    if free <= 0:
        return []
    promoted = list(
        Registration.objects.select_for_update()
        .filter(session_id=session_id, status=RegistrationStatus.WAITLISTED)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:free]
    )
    if not promoted:
        return []
    Registration.objects.filter(pk__in=promoted).update(
        status=RegistrationStatus.CONFIRMED, confirmed_at=timezone.now()
    )
    # The CHECK constraint (places_taken <= capacity) would refuse an overbooking here.
    Session.objects.filter(pk=session_id).update(places_taken=F("places_taken") + len(promoted))
    for pk in promoted:
        emails.send_promotion(registration_id=pk)
    return promoted


@transaction.atomic
def cancel_registration(*, registration: Registration, actor=None, reason: str = "") -> Registration:
    """Cancels a confirmed or waitlisted place. A freed place goes to the waiting list
    (fill_places_from_waiting_list), whose promoted people are emailed a calendar invite.
    After commit the person gets a confirmation (with METHOD:CANCEL if they held a place) that
    quotes `reason`, when an organiser gave one. `actor` is the organiser, if any."""
    _lock_session(registration.session_id)
    registration = (
        Registration.objects.select_for_update(of=("self",)).select_related("session", "person").get(pk=registration.pk)
    )
    if registration.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED):
        raise ValidationError("This place has already been cancelled or the session has taken place.")
    held_a_place = registration.status == RegistrationStatus.CONFIRMED
    before = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.cancellation_reason = reason.strip()
    registration.save(update_fields=["status", "cancelled_at", "cancellation_reason"])
    if held_a_place:
        _free_place(registration.session_id)
        fill_places_from_waiting_list(session_id=registration.session_id)
    if actor is not None:
        audit.record(
            actor=actor,
            action="registration.cancel",
            obj=registration.session,
            before={"person": registration.person.email, "status": before},
            after={"status": "cancelled", "reason": registration.cancellation_reason},
        )
    emails.send_cancellation(registration_id=registration.pk, by_organiser=actor is not None)
    return registration


@transaction.atomic
def offer_place(*, actor, registration: Registration) -> Registration:
    """An organiser gives a place to a chosen person on the waiting list, ahead of the queue.
    Every free place has already gone to the queue, so the session gains one place for them
    (capacity + 1); refused when that would be more than the venue holds and the session has
    no capacity override. Audit-logged; the person gets the news and a calendar REQUEST through the outbox."""
    session = _lock_session(registration.session_id)
    registration = Registration.objects.select_for_update(of=("self",)).select_related("person").get(pk=registration.pk)
    if registration.status != RegistrationStatus.WAITLISTED:
        raise ValidationError(f"{registration.person} is not on the waiting list")
    problem = registration_problem(session)
    if problem:
        raise ValidationError(problem)
    before_capacity = session.capacity
    if session.places_taken >= session.capacity:
        venue_capacity = session.venue.capacity if session.venue_id else None
        if venue_capacity and session.capacity + 1 > venue_capacity and not session.capacity_override_reason:
            raise ValidationError(
                f"{session.venue} holds {venue_capacity} people and the session is full. To offer another place, "
                "edit the session and raise its capacity with a reason for going over the venue’s capacity"
            )
        Session.objects.filter(pk=session.pk).update(capacity=F("capacity") + 1)
        session.capacity += 1
    _take_place(session.pk)
    Registration.objects.filter(pk=registration.pk).update(
        status=RegistrationStatus.CONFIRMED, confirmed_at=timezone.now()
    )
    registration.refresh_from_db()
    audit.record(
        actor=actor,
        action="registration.offer_place",
        obj=session,
        before={
            "person": registration.person.email,
            "status": RegistrationStatus.WAITLISTED,
            "capacity": before_capacity,
        },
        after={"status": RegistrationStatus.CONFIRMED, "capacity": session.capacity},
    )
    emails.send_promotion(registration_id=registration.pk)
    return registration
