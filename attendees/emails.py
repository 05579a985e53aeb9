"""The emails board members (invited leaders) receive, through the outbox.

Each `send_*` function queues outbox rows (one per recipient) and is called by a service inside
the transaction that makes the change, so the email exists exactly when its reason does. The
outbox's sender writes them (the `write_*` functions, registered in AttendeesConfig.ready())
when it sends them, with the session's details as they are then; an email overtaken by a
later change (a confirmation for a place since cancelled, an update to a session since
cancelled) is skipped, as the later change has its own email.

Calendar invites follow the place, not the invitation (DOMAIN.md rules 4-6):
- the invitation has no calendar part, only a link to the public .ics;
- a person who gets a place (accepting, or promoted from the waiting list) gets METHOD:REQUEST;
- everyone holding a place gets every change of time, place or title as a new REQUEST;
- losing the place (cancelling, cancelled by an organiser, the session cancelled) brings
  METHOD:CANCEL with no RSVP;
- people who never held a place get plain notices only.

SEQUENCE per recipient: the session's SEQUENCE (raised by every change of time, place or title)
plus 2 for each earlier place the same person held on the session and gave up, and 1 more on a
CANCEL for losing this place. So every calendar message a person gets has a higher SEQUENCE than
the one before, even if they cancel and later take a place again.

The joining link of an online session goes only to people with a place: their confirmation,
promotion, reminders, updates and REQUESTs (DOMAIN.md rule 8).
"""

from django.conf import settings
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from attendees.enums import InvitationStatus, RegistrationStatus
from attendees.models import Invitation, Person, Registration
from config.email import CalendarInvite, render_templated_email
from outbox import registry
from outbox import services as outbox
from outbox.enums import MessageKind
from outbox.models import Message
from summits import calendar
from summits.enums import SessionStatus
from summits.models import Session

REGISTRATION_KINDS = (
    MessageKind.REGISTRATION_CONFIRMED,
    MessageKind.REGISTRATION_WAITLISTED,
    MessageKind.REGISTRATION_PROMOTED,
    MessageKind.REGISTRATION_CANCELLED,
    MessageKind.SESSION_CHANGED,
    MessageKind.SESSION_CANCELLED,
    MessageKind.REMINDER,
)


# Queueing (inside the services' transactions) -------------------------------------------------


def send_invitations(*, invitations: QuerySet[Invitation]) -> int:
    """Queues one invitation email per invitation in `invitations`: one statement whatever
    their number. Returns how many were queued."""
    return _queue(MessageKind.INVITATION, invitations)


def _queue(kind: str, rows: QuerySet, context: dict | None = None) -> int:
    """One `kind` email per invitation or registration in `rows`, to its person."""
    return outbox.enqueue_rows(
        kind,
        rows.order_by("pk").values_list("pk", "person__email", "session_id"),
        about_type=rows.model._meta.label_lower,
        context=context,
    )


def send_registration(*, registration: Registration) -> None:
    """After registering: the confirmation with a calendar REQUEST, or the waiting-list notice."""
    kind = (
        MessageKind.REGISTRATION_CONFIRMED
        if registration.status == RegistrationStatus.CONFIRMED
        else MessageKind.REGISTRATION_WAITLISTED
    )
    outbox.enqueue(
        [
            outbox.message(
                kind, recipient=registration.person.email, about=registration, session_id=registration.session_id
            )
        ]
    )


def send_promotion(*, registration_id: int) -> None:
    """A place came free and the waiting list gave it to this person: the news and a REQUEST."""
    _queue(MessageKind.REGISTRATION_PROMOTED, Registration.objects.filter(pk=registration_id))


def send_cancellation(*, registration_id: int, by_organiser: bool = False) -> None:
    """Confirms a cancelled place; someone who held a place also gets METHOD:CANCEL."""
    send_cancellations(registration_ids=[registration_id], by_organiser=by_organiser)


def send_cancellations(*, registration_ids: list[int], by_organiser: bool) -> int:
    """send_cancellation for many registrations at once (one bulk insert into the outbox)."""
    return _queue(
        MessageKind.REGISTRATION_CANCELLED,
        Registration.objects.filter(pk__in=registration_ids),
        {"by_organiser": by_organiser},
    )


def send_reminders(*, registrations: QuerySet[Registration], days_before: int) -> int:
    """ "Your workshop is in 7 days / tomorrow" to each registration."""
    return _queue(MessageKind.REMINDER, registrations, {"days_before": days_before})


def _queue_for_registrants(kind: str, session: Session, context: dict) -> int:
    """To the confirmed (who hold a place: `has_a_place`) and to the waiting list."""
    registrations = Registration.objects.filter(session=session)
    with_place = _queue(
        kind, registrations.filter(status=RegistrationStatus.CONFIRMED), {**context, "has_a_place": True}
    )
    waiting = _queue(
        kind, registrations.filter(status=RegistrationStatus.WAITLISTED), {**context, "has_a_place": False}
    )
    return with_place + waiting


def send_session_update(*, session: Session, changes: list[dict]) -> int:
    """The session's time, place or title changed (`changes`: what, from and to, from
    `describe_changes`). People with a place get a new REQUEST; the waiting list a notice."""
    return _queue_for_registrants(MessageKind.SESSION_CHANGED, session, {"changes": changes})


def send_session_cancelled(*, session: Session) -> int:
    """The session is cancelled: METHOD:CANCEL to people with a place, a notice to the
    waiting list."""
    return _queue_for_registrants(MessageKind.SESSION_CANCELLED, session, {})


def _when(session: Session) -> str:
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    return f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M} to {end:%H:%M}"


def describe_changes(before: Session, after: Session) -> list[dict]:
    """What changed that calendars and people must hear about, each with `what`, `before`
    and `after` in words. A new joining link is named but not quoted: the waiting list gets
    these words too."""
    changes = []
    if before.title != after.title:
        changes.append({"what": "title", "before": before.title, "after": after.title})
    if (before.starts_at, before.ends_at) != (after.starts_at, after.ends_at):
        changes.append({"what": "time", "before": _when(before), "after": _when(after)})
    if before.venue_id != after.venue_id or bool(before.online_url) != bool(after.online_url):
        changes.append({"what": "place", "before": where(before), "after": where(after)})
    elif before.online_url != after.online_url:
        changes.append({"what": "joining link", "before": "", "after": ""})
    return changes


# Writing (when the outbox sends) --------------------------------------------------------------


def write_invitations(messages: list[Message]) -> dict[int, registry.Written]:
    """Invitation emails with Accept and Decline links and no calendar part. One no longer
    wanted (answered, or the session cancelled, started or closed) is skipped."""
    now = timezone.now()
    invitations = (
        Invitation.objects.filter(pk__in=[m.about_id for m in messages])
        .select_related("person", "session__venue")
        .prefetch_related("session__focus_areas")
        .in_bulk()
    )
    accept_url = _url_builder("attendees:invitation", pk=0, token="TOKEN")
    decline_url = _url_builder("attendees:invitation-decline", pk=0, token="TOKEN")
    sessions: dict[int, dict] = {}  # a batch is mostly one session's invitations: its details once
    written: dict[int, registry.Written] = {}
    for message in messages:
        invitation = invitations.get(message.about_id)
        skip = _invitation_not_wanted(invitation, now)
        if skip:
            written[message.pk] = registry.Skip(skip)
            continue
        session, person = invitation.session, invitation.person
        if session.pk not in sessions:
            sessions[session.pk] = {
                **_session_context(session, joining_link=False),
                "ics_url": _url("summits:session-ics", code=session.code),
            }
        link = {"pk": invitation.pk, "token": invitation.token}
        written[message.pk] = render_templated_email(
            name="invitation",
            to=[message.recipient],
            context={
                **sessions[session.pk],
                "person": person,
                "accept_url": accept_url(**link),
                "decline_url": decline_url(**link),
            },
        )
    return written


def _invitation_not_wanted(invitation: Invitation | None, now) -> str:
    if invitation is None:
        return "The invitation no longer exists"
    session = invitation.session
    if invitation.status != InvitationStatus.PENDING:
        return f"The invitation was {invitation.get_status_display().lower()} before this email went out"
    if session.status != SessionStatus.PUBLISHED:
        return "The session is no longer open (cancelled or unpublished)"
    if session.starts_at <= now or now >= session.effective_registration_closes_at:
        return "Registration for the session closed before this email went out"
    return ""


def stamp_invitations_sent(invitation_ids) -> None:
    Invitation.objects.filter(pk__in=list(invitation_ids), sent_at__isnull=True).update(sent_at=timezone.now())


def _load_registrations(ids: list[int]) -> dict[int, Registration]:
    """The registrations with their person and session, and `places_given_up`: how many earlier
    places the same person held on the same session and cancelled (for SEQUENCE)."""
    earlier = (
        Registration.objects.filter(
            person=OuterRef("person"),
            session=OuterRef("session"),
            pk__lt=OuterRef("pk"),
            confirmed_at__isnull=False,
            status=RegistrationStatus.CANCELLED,
        )
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Registration.objects.filter(pk__in=ids)
        .select_related("person", "session__venue")
        .prefetch_related("session__focus_areas")
        .annotate(places_given_up=Subquery(earlier))
        .in_bulk()
    )


def _sequence(registration: Registration, *, cancel: bool = False) -> int:
    base = registration.session.sequence + 2 * (registration.places_given_up or 0)
    return base + 1 if cancel else base


def write_registration_messages(messages: list[Message]) -> dict[int, registry.Written]:
    """Every message about one registration: confirmation, waiting list, promotion,
    cancellation, session changed or cancelled, reminder."""
    registrations = _load_registrations([m.about_id for m in messages])
    written: dict[int, registry.Written] = {}
    for message in messages:
        registration = registrations.get(message.about_id)
        if registration is None:
            written[message.pk] = registry.Skip("The registration no longer exists")
            continue
        written[message.pk] = _WRITERS[message.kind](message, registration)
    return written


SUPERSEDED = "Superseded: the place or the session was cancelled before this email went out"


def _still_has_place(registration: Registration) -> bool:
    return (
        registration.status == RegistrationStatus.CONFIRMED and registration.session.status != SessionStatus.CANCELLED
    )


def _confirmed(message: Message, registration: Registration) -> registry.Written:
    if not _still_has_place(registration):
        return registry.Skip(SUPERSEDED)
    return _email(message, registration, "registration_confirmed", holds_place=True, invite=_request(registration))


def _waitlisted(message: Message, registration: Registration) -> registry.Written:
    from attendees.services import waitlist_position

    if registration.status != RegistrationStatus.WAITLISTED:
        # Promoted (or gone) before this went out: the promotion email says what matters.
        return registry.Skip("No longer on the waiting list when this email went out")
    return _email(
        message,
        registration,
        "registration_waitlisted",
        holds_place=False,
        context={"position": waitlist_position(registration)},
    )


def _promoted(message: Message, registration: Registration) -> registry.Written:
    if not _still_has_place(registration):
        return registry.Skip(SUPERSEDED)
    return _email(message, registration, "registration_promoted", holds_place=True, invite=_request(registration))


def _cancelled(message: Message, registration: Registration) -> registry.Written:
    had_a_place = registration.confirmed_at is not None
    return _email(
        message,
        registration,
        "registration_cancelled",
        holds_place=False,
        context={
            "had_a_place": had_a_place,
            "by_organiser": message.context.get("by_organiser", False),
            "reason": registration.cancellation_reason,
        },
        invite=_cancel(registration) if had_a_place else None,
    )


def _session_changed(message: Message, registration: Registration) -> registry.Written:
    has_a_place = message.context.get("has_a_place", False)
    changes = message.context.get("changes", [])
    if registration.session.status == SessionStatus.CANCELLED or (
        has_a_place and registration.status != RegistrationStatus.CONFIRMED
    ):
        return registry.Skip(SUPERSEDED)
    return _email(
        message,
        registration,
        "session_changed",
        holds_place=has_a_place,
        context={"has_a_place": has_a_place, "changes": changes, "changed": _changed_words(changes)},
        invite=_request(registration) if has_a_place else None,
    )


def _session_cancelled(message: Message, registration: Registration) -> registry.Written:
    has_a_place = message.context.get("has_a_place", False)
    # cancel_session raised the session's SEQUENCE already: that is this CANCEL's + 1.
    invite = _cancel(registration, sequence=_sequence(registration)) if has_a_place else None
    return _email(
        message,
        registration,
        "session_cancelled",
        holds_place=False,
        context={"has_a_place": has_a_place},
        invite=invite,
    )


def _reminder(message: Message, registration: Registration) -> registry.Written:
    session = registration.session
    if (
        registration.status != RegistrationStatus.CONFIRMED
        or session.status != SessionStatus.PUBLISHED
        or session.starts_at <= timezone.now()
    ):
        return registry.Skip("The place or the session was gone, or the session had started, when this was due")
    days_before = int(message.context.get("days_before", 1))
    when = "tomorrow" if days_before == 1 else f"in {days_before} days"
    return _email(message, registration, "reminder", holds_place=True, context={"when": when})


_WRITERS = {
    MessageKind.REGISTRATION_CONFIRMED: _confirmed,
    MessageKind.REGISTRATION_WAITLISTED: _waitlisted,
    MessageKind.REGISTRATION_PROMOTED: _promoted,
    MessageKind.REGISTRATION_CANCELLED: _cancelled,
    MessageKind.SESSION_CHANGED: _session_changed,
    MessageKind.SESSION_CANCELLED: _session_cancelled,
    MessageKind.REMINDER: _reminder,
}


def _changed_words(changes: list[dict]) -> str:
    """ "new time", "new time and place", "new title, time and place"."""
    names = [change["what"] for change in changes]
    if not names:
        return "new details"
    if len(names) == 1:
        return f"new {names[0]}"
    return f"new {', '.join(names[:-1])} and {names[-1]}"


def _email(
    message: Message,
    registration: Registration,
    name: str,
    *,
    holds_place: bool,
    context: dict | None = None,
    invite: CalendarInvite | None = None,
):
    session, person = registration.session, registration.person
    return render_templated_email(
        name=name,
        to=[message.recipient],
        context={
            **_session_context(session, joining_link=holds_place),
            "person": person,
            "registration": registration,
            "cancel_url": _url("attendees:registration-cancel-link", pk=registration.pk, token=registration.token),
            "my_sessions_url": _url("attendees:my-sessions"),
            "contact_email": settings.CALENDAR_ORGANIZER_EMAIL,
            **(context or {}),
        },
        invite=invite,
    )


def _session_context(session: Session, *, joining_link: bool) -> dict:
    return {
        "session": session,
        "theme": session.get_theme_display(),
        "where": where(session),
        "page_url": _url("summits:public-session-detail", code=session.code),
        # Only for people with a place (DOMAIN.md rule 8).
        "joining_link": session.online_url if joining_link else "",
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


def _url_builder(name: str, **placeholders):
    """Absolute URLs of one pattern for many arguments, reversing it once: `placeholders`
    are sample values (an int 0 or a word) that the real ones replace."""
    template = _url(name, **placeholders)
    for key, sample in placeholders.items():
        template = template.replace(f"/{sample}/", f"/{{{key}}}/", 1)
    return lambda **values: template.format(**values)


def _person_invite(person: Person) -> dict:
    return {"attendee_email": person.email, "attendee_name": person.full_name}


def _request(registration: Registration) -> CalendarInvite:
    ics = calendar.session_request_ics(
        registration.session, **_person_invite(registration.person), sequence=_sequence(registration)
    )
    return CalendarInvite(ics=ics, method=calendar.REQUEST)


def _cancel(registration: Registration, *, sequence: int | None = None) -> CalendarInvite:
    sequence = _sequence(registration, cancel=True) if sequence is None else sequence
    ics = calendar.session_cancel_ics(registration.session, **_person_invite(registration.person), sequence=sequence)
    return CalendarInvite(ics=ics, method=calendar.CANCEL)


def register_writers() -> None:
    registry.register(MessageKind.INVITATION, write=write_invitations, on_sent=stamp_invitations_sent)
    for kind in REGISTRATION_KINDS:
        registry.register(kind, write=write_registration_messages)
