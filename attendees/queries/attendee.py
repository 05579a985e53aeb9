"""Reads for a board member's own pages: My sessions, the personal calendar feed and the
registration panel on a session's public page. Every function is about one person, and
each query's count stays the same however many registrations that person has."""

import datetime

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from attendees.enums import ACTIVE, RegistrationStatus
from attendees.models import Person, Registration
from summits.models import Session

# Sessions in a person's calendar feed: their places, including ones they went to.
IN_FEED = (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED)


def person_for_user(user) -> Person | None:
    """The person a signed-in account belongs to, or None (staff, or not signed in)."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).first()


def with_waitlist_position(registrations: QuerySet) -> QuerySet:
    """Annotates `waitlist_position` (1 = next to get a place; None unless waitlisted) in the
    same query, ranked as attendees.services.waitlist_position ranks them."""
    ahead = (
        Registration.objects.filter(session_id=OuterRef("session_id"), status=RegistrationStatus.WAITLISTED)
        .filter(Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk")))
        .order_by()
        .values("session_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return registrations.annotate(
        waitlist_position=Case(
            When(
                status=RegistrationStatus.WAITLISTED,
                then=Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)) + Value(1),
            ),
            default=None,
            output_field=IntegerField(),
        )
    )


def my_registrations(
    person: Person, now: datetime.datetime | None = None
) -> tuple[list[Registration], list[Registration]]:
    """The person's registrations as (upcoming, past): upcoming soonest first, past most
    recent first. One row per session: after cancelling and registering again, the latest."""
    now = now or timezone.now()
    registrations = with_waitlist_position(
        Registration.objects.filter(person=person).select_related("session__venue", "session__phase")
    ).order_by("session__starts_at", "session__code", "created_at", "pk")
    latest: dict[int, Registration] = {}
    for registration in registrations:
        latest[registration.session_id] = registration  # later rows replace earlier ones
    ordered = sorted(latest.values(), key=lambda r: (r.session.starts_at, r.session.code))
    upcoming = [r for r in ordered if r.session.ends_at > now]
    past = [r for r in reversed(ordered) if r.session.ends_at <= now]
    return upcoming, past


def active_registration(person: Person | None, session: Session) -> Registration | None:
    """The person's confirmed or waitlisted (or attended…) registration on the session."""
    if person is None:
        return None
    return with_waitlist_position(
        Registration.objects.filter(person=person, session=session, status__in=ACTIVE)
    ).first()


def person_by_calendar_token(token: str) -> Person | None:
    """The person whose feed URL carries this secret (a unique, indexed column)."""
    return Person.objects.filter(calendar_token=token).first()


def feed_sessions(person: Person) -> QuerySet:
    """The sessions in the person's calendar feed: those they have (or had) a place on.
    Cancelled sessions stay, so calendars learn of the cancellation (DOMAIN.md rule 6)."""
    return (
        Session.objects.filter(registrations__person=person, registrations__status__in=IN_FEED)
        .select_related("venue")
        .prefetch_related("focus_areas")
        .order_by("starts_at", "code")
    )
