"""The emails board members (invited leaders) receive: one function per message, called by
the background tasks in attendees/tasks.py with ids.

Every email carries the session's details in its body. Those that put the session in, or
take it out of, the recipient's calendar carry a calendar invite for that one recipient
(DOMAIN.md rule 4): METHOD:REQUEST when they hold a place (or are invited to take one),
METHOD:CANCEL when that place or the session goes. People on the waiting list get notices
without an invite, so nothing appears in their calendar until they have a place.

Each function loads what it needs with select_related / prefetch_related, so a bulk sender's
queries do not grow with the number of recipients.
"""

from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from attendees.enums import InvitationStatus, RegistrationStatus
from attendees.models import Invitation, Person, Registration
from config.email import CalendarInvite, send_templated_email
from summits import calendar
from summits.enums import SessionStatus
from summits.models import Session


def send_invitations(*, invitation_ids: list[int]) -> None:
    """One invitation email per person, with Accept and Decline links and a calendar invite.
    Idempotent: only invitations not yet sent go out, and each is marked sent. Invitations
    already answered, or to sessions that are cancelled, closed or past, are skipped."""
    now = timezone.now()
    invitations = (
        Invitation.objects.filter(
            pk__in=invitation_ids,
            sent_at__isnull=True,
            status=InvitationStatus.PENDING,
            session__status=SessionStatus.PUBLISHED,
            session__starts_at__gt=now,
        )
        .select_related("person", "session__venue")
        .prefetch_related("session__focus_areas")
        .order_by("pk")
    )
    sent = []
    try:
        for invitation in invitations:
            session, person = invitation.session, invitation.person
            if now >= session.effective_registration_closes_at:
                continue
            link = {"pk": invitation.pk, "token": invitation.token}
            send_templated_email(
                name="invitation",
                to=[person.email],
                context={
                    **_session_context(session),
                    "person": person,
                    "accept_url": _url("attendees:invitation", **link),
                    "decline_url": _url("attendees:invitation-decline", **link),
                },
                invite=_request(session, person),
            )
            sent.append(invitation.pk)
    finally:
        # Marked even when a later email fails, so a retry does not send these twice.
        if sent:
            Invitation.objects.filter(pk__in=sent, sent_at__isnull=True).update(sent_at=timezone.now())


def send_registration(*, registration_id: int) -> None:
    """After registering: a confirmed place gets the confirmation with a calendar invite and
    a link to cancel; a waitlisted place gets its position on the waiting list."""
    registration = _registration(registration_id)
    if registration is None:
        return
    if registration.status == RegistrationStatus.CONFIRMED:
        _send_to_registrant(registration, "registration_confirmed", invite=_request_for(registration))
    elif registration.status == RegistrationStatus.WAITLISTED:
        from attendees.services import waitlist_position

        _send_to_registrant(
            registration, "registration_waitlisted", context={"position": waitlist_position(registration)}
        )


def send_promotion(*, registration_id: int) -> None:
    """A place came free and the waiting list gave it to this person: the news and the invite."""
    registration = _registration(registration_id)
    if registration is not None and registration.status == RegistrationStatus.CONFIRMED:
        _send_to_registrant(registration, "registration_promoted", invite=_request_for(registration))


def send_cancellation(*, registration_id: int) -> None:
    """Confirms a cancelled place. Someone who held a place also gets METHOD:CANCEL, so the
    session leaves their calendar; someone on the waiting list never had it there."""
    registration = _registration(registration_id)
    if registration is None or registration.status != RegistrationStatus.CANCELLED:
        return
    had_a_place = registration.confirmed_at is not None
    _send_to_registrant(
        registration,
        "registration_cancelled",
        context={"had_a_place": had_a_place, "reason": registration.cancellation_reason},
        invite=_cancel(registration.session, registration.person) if had_a_place else None,
    )


def send_session_update(*, session_id: int) -> None:
    """The session moved in time or place. People with a place get the calendar update (same
    UID, the raised SEQUENCE); people on the waiting list get the new details only."""
    session = _session(session_id)
    if session is None or session.status != SessionStatus.PUBLISHED or session.ends_at <= timezone.now():
        return
    for registration in _registrants(session):
        has_a_place = registration.status == RegistrationStatus.CONFIRMED
        _send_to_registrant(
            registration,
            "session_changed",
            context={"has_a_place": has_a_place},
            invite=_request(session, registration.person) if has_a_place else None,
        )


def send_session_cancelled(*, session_id: int) -> None:
    """The session is cancelled. People with a place get METHOD:CANCEL and the reason; people
    on the waiting list get the notice."""
    session = _session(session_id)
    if session is None or session.status != SessionStatus.CANCELLED:
        return
    for registration in _registrants(session):
        has_a_place = registration.status == RegistrationStatus.CONFIRMED
        _send_to_registrant(
            registration,
            "session_cancelled",
            context={"has_a_place": has_a_place},
            invite=_cancel(session, registration.person) if has_a_place else None,
        )


def send_reminder(*, registration_id: int, days_before: int) -> None:
    """ "Your workshop is in 7 days / tomorrow", with the details and a link to cancel. Sent
    only while the place is confirmed and the session is still to come."""
    registration = _registration(registration_id)
    if (
        registration is None
        or registration.status != RegistrationStatus.CONFIRMED
        or registration.session.status != SessionStatus.PUBLISHED
        or registration.session.starts_at <= timezone.now()
    ):
        return
    when = "tomorrow" if days_before == 1 else f"in {days_before} days"
    _send_to_registrant(registration, "reminder", context={"when": when})


# Loading --------------------------------------------------------------------------------------


def _registration(registration_id: int) -> Registration | None:
    return (
        Registration.objects.select_related("person", "session__venue")
        .prefetch_related("session__focus_areas")
        .filter(pk=registration_id)
        .first()
    )


def _session(session_id: int) -> Session | None:
    return Session.objects.select_related("venue").prefetch_related("focus_areas").filter(pk=session_id).first()


def _registrants(session: Session) -> Iterator[Registration]:
    """Confirmed and waitlisted registrations, each given the already loaded session."""
    registrations = (
        Registration.objects.filter(
            session=session, status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
        )
        .select_related("person")
        .order_by("created_at", "pk")
    )
    for registration in registrations:
        registration.session = session
        yield registration


# Building -------------------------------------------------------------------------------------


def _send_to_registrant(
    registration: Registration, name: str, *, context: dict | None = None, invite: CalendarInvite | None = None
) -> None:
    session, person = registration.session, registration.person
    send_templated_email(
        name=name,
        to=[person.email],
        context={
            **_session_context(session),
            "person": person,
            "registration": registration,
            "cancel_url": _url("attendees:registration-cancel-link", pk=registration.pk, token=registration.token),
            "my_sessions_url": _url("attendees:my-sessions"),
            "contact_email": settings.CALENDAR_ORGANIZER_EMAIL,
            **(context or {}),
        },
        invite=invite,
    )


def _session_context(session: Session) -> dict:
    return {
        "session": session,
        "theme": session.get_theme_display(),
        "where": where(session),
        "page_url": _url("summits:public-session-detail", code=session.code),
    }


def where(session: Session) -> str:
    """The place in one line: the venue's name and address, "Online", or both."""
    venue = session.venue
    if venue is None:
        return "Online"
    parts = [venue.name, *venue.address.splitlines(), f"{venue.town} {venue.postcode}"]
    place = ", ".join(stripped for part in parts if (stripped := part.strip()))
    return f"{place}, and online" if session.online_url else place


def _url(name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _request(session: Session, person: Person) -> CalendarInvite:
    ics = calendar.session_request_ics(session, attendee_email=person.email, attendee_name=person.full_name)
    return CalendarInvite(ics=ics, method=calendar.REQUEST)


def _request_for(registration: Registration) -> CalendarInvite:
    return _request(registration.session, registration.person)


def _cancel(session: Session, person: Person) -> CalendarInvite:
    ics = calendar.session_cancel_ics(session, attendee_email=person.email, attendee_name=person.full_name)
    return CalendarInvite(ics=ics, method=calendar.CANCEL)
