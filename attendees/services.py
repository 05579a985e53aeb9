"""Writes for invitations, registrations, people and leadership groups.

Capacity: every path that changes who holds a place (registering, cancelling, a capacity
change, an organiser's offer) first locks the session's row (`_lock_session`), so they run one
after another per session — on PostgreSQL a second writer waits for the first and then sees
its committed work; SQLite's IMMEDIATE transactions let one writer in at a time. Under that
lock a newcomer joins the waiting list while anyone waits, and freed or added places go to the
people waiting, in queue order (`fill_places_from_waiting_list`). A place is taken with one
conditional UPDATE of the session's `places_taken` counter (`... WHERE places_taken <
capacity`), and a CHECK constraint (places_taken <= capacity) backs it up.

Emails are queued in the outbox inside the same transactions (attendees/emails.py); the
worker sends them after commit.
"""

import datetime
import secrets
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from attendees import emails
from attendees.enums import ACTIVE, InvitationStatus, RegistrationStatus, StopRollout
from attendees.models import GroupTarget, Invitation, LeadershipGroup, Organisation, Person, Registration
from attendees.queries.attendee import with_waitlist_position
from summits import audit
from summits import services as scheduling
from summits.enums import PhaseKind, PilotDecisionOutcome, SessionAccess, SessionStatus
from summits.models import Phase, Session


class LinkError(Exception):
    """A token link that is wrong, for another session, expired or already used. The message
    is safe to show: it never names anyone."""


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


# Invitations ----------------------------------------------------------------------------


def invitation_from_link(invitation_id: int, token: str) -> Invitation:
    """The invitation a link names, if the token matches (compared in constant time)."""
    invitation = (
        Invitation.objects.select_related("person", "session__venue", "session__phase").filter(pk=invitation_id).first()
    )
    if invitation is None or not secrets.compare_digest(invitation.token.encode(), str(token).encode()):
        raise LinkError("This link is not right. Check you copied the whole link from your email.")
    return invitation


def registration_from_link(registration_id: int, token: str) -> Registration:
    registration = Registration.objects.select_related("person", "session__venue").filter(pk=registration_id).first()
    if registration is None or not secrets.compare_digest(registration.token.encode(), str(token).encode()):
        raise LinkError("This link is not right. Check you copied the whole link from your email.")
    return registration


@transaction.atomic
def accept_invitation(*, invitation: Invitation) -> Registration:
    """The invited person takes a place (or joins the waiting list) through their link."""
    # One statement locks the invitation and its session's row (see _lock_session).
    invitation = (
        Invitation.objects.select_for_update(of=("self", "session"))
        .select_related("session", "person")
        .get(pk=invitation.pk)
    )
    # A decline can be changed to an accept while the invitation is open; an accept stands.
    if invitation.status == InvitationStatus.ACCEPTED:
        raise LinkError("You have already accepted this invitation.")
    problem = registration_problem(invitation.session)
    if problem:
        raise LinkError(problem)
    registration = _register(person=invitation.person, session=invitation.session, invitation=invitation)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return registration


@transaction.atomic
def decline_invitation(*, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise LinkError("You have already answered this invitation.")
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


def people_to_invite(
    *,
    session: Session,
    groups: Iterable[LeadershipGroup],
    regions: Iterable[str] = (),
    organisation_types: Iterable[str] = (),
):
    """People in any of the groups (narrowed by region and organisation type) who are not yet
    invited to, or registered on, the session."""
    people = Person.objects.filter(groups__in=list(groups))
    if regions:
        people = people.filter(organisation__region__in=list(regions))
    if organisation_types:
        people = people.filter(organisation__type__in=list(organisation_types))
    return (
        people.exclude(invitations__session=session)
        .exclude(registrations__session=session, registrations__status__in=ACTIVE)
        .distinct()
    )


def _check_can_invite(session: Session) -> None:
    if session.status != SessionStatus.PUBLISHED:
        raise ValidationError("Only published sessions can have invitations sent")
    if session.starts_at <= timezone.now():
        raise ValidationError("This session has already started")


@transaction.atomic
def invite_groups(
    *,
    actor,
    session: Session,
    groups: Iterable[LeadershipGroup],
    regions: Iterable[str] = (),
    organisation_types: Iterable[str] = (),
) -> int:
    """Invites everyone the filters select who is not already invited or registered, in bulk
    (a fixed number of queries whatever the group's size). Emails go out after commit, one
    per person, in background batches. Returns how many were invited."""
    _check_can_invite(session)
    groups = list(groups)
    person_ids = list(
        people_to_invite(
            session=session, groups=groups, regions=regions, organisation_types=organisation_types
        ).values_list("pk", flat=True)
    )
    now = timezone.now()
    Invitation.objects.bulk_create(
        (Invitation(person_id=pk, session=session, invited_by=actor, created_at=now) for pk in person_ids),
        ignore_conflicts=True,  # someone invited them a moment ago: they keep that invitation
    )
    audit.record(
        actor=actor,
        action="invitation.invite_groups",
        obj=session,
        after={
            "groups": [str(g) for g in groups],
            "regions": list(regions),
            "organisation_types": list(organisation_types),
            "invited": len(person_ids),
        },
    )
    if person_ids:
        # One outbox row per person, inserted by one statement in this transaction.
        emails.send_invitations(
            invitations=Invitation.objects.filter(session=session, person_id__in=person_ids, sent_at__isnull=True)
        )
    return len(person_ids)


@transaction.atomic
def invite_person(*, actor, session: Session, person: Person) -> Invitation:
    """Invites one person; refused if already invited or registered."""
    _check_can_invite(session)
    if Invitation.objects.filter(session=session, person=person).exists():
        raise ValidationError({"person": f"{person} has already been invited to this session"})
    if Registration.objects.filter(session=session, person=person, status__in=ACTIVE).exists():
        raise ValidationError({"person": f"{person} is already registered on this session"})
    invitation = Invitation.objects.create(session=session, person=person, invited_by=actor)
    audit.record(actor=actor, action="invitation.invite_person", obj=session, after={"person": person.email})
    emails.send_invitations(invitations=Invitation.objects.filter(pk=invitation.pk))
    return invitation


@transaction.atomic
def resend_invitation(*, actor, invitation: Invitation) -> Invitation:
    """Sends the same invitation (same link) again."""
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError("This invitation has already been answered")
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=None)
    audit.record(
        actor=actor, action="invitation.resend", obj=invitation.session, after={"person": invitation.person.email}
    )
    emails.send_invitations(invitations=Invitation.objects.filter(pk=invitation.pk))
    return invitation


# Changes to sessions (scheduling) that registrants must hear about --------------------------


def update_session(*, actor, session: Session, details: scheduling.SessionDetails) -> Session:
    """Saves the edit; when the time, place or title of a published session changed (SEQUENCE
    went up), confirmed people are emailed a calendar REQUEST and waitlisted people a notice,
    each saying what changed from what to what. Places a raised capacity adds go to the
    waiting list first (fill_places_from_waiting_list)."""
    with transaction.atomic():
        before = Session.objects.select_related("venue").get(pk=_lock_session(session.pk).pk)
        session = scheduling.update_session(actor=actor, session=session, details=details)
        if session.sequence != before.sequence:
            emails.send_session_update(session=session, changes=emails.describe_changes(before, session))
        if fill_places_from_waiting_list(session_id=session.pk):
            session.refresh_from_db()
    return session


def reschedule_session(*, actor, session: Session, **changes) -> Session:
    """Moves a session in time or place and emails registrants the calendar update."""
    return update_session(
        actor=actor, session=session, details=scheduling.SessionDetails.from_session(session, **changes)
    )


def cancel_session(*, actor, session: Session, reason: str) -> Session:
    """Cancels the session (kept, with its reason) and emails every confirmed and waitlisted
    person the cancellation (METHOD:CANCEL). Their registrations stay as they were, so the
    record shows who had a place."""
    with transaction.atomic():
        session = scheduling.cancel_session(actor=actor, session=session, reason=reason)
        emails.send_session_cancelled(session=session)
    return session


# The pilot decision governs the rollout ------------------------------------------------------


STOP_CANCELLATION_REASON = "The programme will not go ahead to the rollout after the pilot evaluation."


def withdraw_places(*, actor, session: Session, reason: str) -> int:
    """Cancels every place and waiting-list entry of a session that will not run as booked (a
    rollout session made a draft again under a "stop"), in the caller's transaction: the places
    are free again, nobody is promoted, and each person gets the cancellation email quoting
    `reason` (with METHOD:CANCEL for a place held, so their calendar drops it). One audit entry.
    Returns how many registrations were cancelled."""
    _lock_session(session.pk)
    active = Registration.objects.select_for_update().filter(
        session=session, status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
    )
    chosen = dict(active.values_list("pk", "status"))
    if not chosen:
        return 0
    held = sum(status == RegistrationStatus.CONFIRMED for status in chosen.values())
    Registration.objects.filter(pk__in=list(chosen)).update(
        status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now(), cancellation_reason=reason
    )
    Session.objects.filter(pk=session.pk).update(places_taken=Greatest(F("places_taken") - held, 0))
    audit.record(
        actor=actor,
        action="session.places_withdrawn",
        obj=session,
        before={"confirmed": held, "waitlisted": len(chosen) - held},
        after={"confirmed": 0, "waitlisted": 0, "reason": reason},
    )
    emails.send_cancellations(registration_ids=list(chosen), by_organiser=True)
    return len(chosen)


def published_rollout_sessions(programme) -> QuerySet[Session]:
    return Session.objects.published().filter(phase__programme=programme, phase__kind=PhaseKind.ROLLOUT)


def record_pilot_decision(
    *, actor, programme, outcome: str, rationale: str, decided_on: datetime.date, rollout_sessions: str = ""
):
    """Records (or revises) the pilot decision. Under "stop" nothing in the rollout stays
    bookable and nobody keeps a place in it: every published rollout session is made a draft
    again (`rollout_sessions` = "unpublish": every place and waiting-list entry is cancelled with
    the reason, each person emailed with their calendar's CANCEL, so the sessions can be
    published afresh if the decision changes) or cancelled ("cancel": everyone registered is
    emailed the session's cancellation).
    Refused, keyed `rollout_sessions`, when a stop would leave published rollout sessions and
    no choice is given. Each change is audit-logged."""
    with transaction.atomic():
        stopping = outcome == PilotDecisionOutcome.STOP
        published = list(published_rollout_sessions(programme).order_by("starts_at")) if stopping else []
        if published and rollout_sessions not in StopRollout.values:
            count = len(published)
            raise ValidationError(
                {
                    "rollout_sessions": f"Choose what happens to the {count} published rollout "
                    f"session{'' if count == 1 else 's'}"
                }
            )
        decision = scheduling.record_pilot_decision(
            actor=actor, programme=programme, outcome=outcome, rationale=rationale, decided_on=decided_on
        )
        for session in published:
            if rollout_sessions == StopRollout.UNPUBLISH:
                scheduling.unpublish_session(actor=actor, session=session)
                withdraw_places(actor=actor, session=session, reason=STOP_CANCELLATION_REASON)
            else:
                cancel_session(actor=actor, session=session, reason=STOP_CANCELLATION_REASON)
    return decision


# Access -------------------------------------------------------------------------------------


def can_self_register(person: Person | None, session: Session) -> bool:
    """Open sessions take registrations from signed-in people in their target groups."""
    return (
        person is not None
        and session.access == SessionAccess.OPEN_TO_GROUPS
        and session.target_groups.filter(people=person).exists()
    )


@transaction.atomic
def set_session_audience(*, actor, session: Session, access: str, groups: Iterable[LeadershipGroup]) -> Session:
    """Who a session is for: its target leadership groups, and whether people in them may
    register themselves ("open to its target leadership groups") or only by invitation."""
    groups = list(groups)
    if access == SessionAccess.OPEN_TO_GROUPS and not groups:
        raise ValidationError({"groups": "Choose the leadership groups that may register"})
    before = {"access": session.access, "groups": sorted(g.name for g in session.target_groups.all())}
    Session.objects.filter(pk=session.pk).update(access=access)
    session.access = access
    session.target_groups.set(groups)
    after = {"access": access, "groups": sorted(g.name for g in groups)}
    old, new = audit.changed(before, after)
    if new:
        audit.record(actor=actor, action="session.audience", obj=session, before=old, after=new)
    return session


# Board members' own account and calendar feed -----------------------------------------------


def reset_calendar_token(*, person: Person) -> Person:
    """Gives the person a new calendar feed secret: the old feed URL stops working at once,
    and calendars subscribed to it get nothing more."""
    from attendees.models import new_token

    person.calendar_token = new_token()
    person.save(update_fields=["calendar_token", "updated_at"])
    return person


@transaction.atomic
def ensure_person_account(*, email: str):
    """Sign-in by emailed code for invited leaders: when `email` belongs to a person with no
    account, gives them a passwordless one (username = email, unusable password, the address
    verified, since organisers imported it and the code proves the mailbox) and links it to the
    person. An existing account with that address is linked rather than duplicated. Returns
    the person's account, or None when no person has that email."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    email = email.strip().lower()
    person = Person.objects.select_for_update(of=("self",)).select_related("user").filter(email=email).first()
    if person is None:
        return None
    if person.user is not None:
        return person.user
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        if User.objects.filter(username__iexact=email).exists():
            return None  # an account already has this username: an administrator sorts it out
        user = User(username=email, email=email, first_name=person.first_name, last_name=person.last_name)
        user.set_unusable_password()
        user.save()
    elif Person.objects.filter(user=user).exists():
        return None  # the account is linked to someone else: an administrator sorts it out
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    return user


# People and leadership groups: organisers' edits, each with an audit entry --------------------
# (Importing many people at once is attendees/imports.)

PERSON_AUDIT_FIELDS = ["first_name", "last_name", "email", "job_title", "organisation", "groups"]


def _email_taken_error(email: str, other: Person) -> ValidationError:
    return ValidationError(
        {"email": f"{email} is already the email address of {other.full_name}. Enter a different email address"}
    )


@transaction.atomic
def update_person(
    *,
    actor,
    person: Person,
    first_name: str,
    last_name: str,
    email: str,
    job_title: str,
    organisation: Organisation | None,
    groups: Iterable[LeadershipGroup],
) -> Person:
    """Saves an organiser's edit of a person. The email address is stored in lower case and
    must not belong to anyone else, whatever its case."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    email = email.strip().lower()
    other = Person.objects.filter(email=email).exclude(pk=person.pk).first()
    if other is not None:
        raise _email_taken_error(email, other)
    before = audit.snapshot(person, PERSON_AUDIT_FIELDS)
    person.first_name = first_name.strip()
    person.last_name = last_name.strip()
    person.email = email
    person.job_title = job_title.strip()
    person.organisation = organisation
    person.full_clean(exclude=["calendar_token", "user"])
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # The same address was given to someone else a moment ago.
        raise _email_taken_error(email, Person.objects.get(email=email)) from None
    person.groups.set(list(groups))
    old, new = audit.changed(before, audit.snapshot(person, PERSON_AUDIT_FIELDS))
    if new:
        audit.record(actor=actor, action="person.update", obj=person, before=old, after=new)
    return person


def _group_snapshot(group: LeadershipGroup) -> dict:
    targets = GroupTarget.objects.filter(group=group).select_related("phase__programme") if group.pk else []
    return {
        "name": group.name,
        "description": group.description,
        **{f"target {target.phase}": target.target for target in targets},
    }


def _save_group(
    *, actor, group: LeadershipGroup, before: dict, action: str, targets: Mapping[Phase, int | None]
) -> LeadershipGroup:
    """Saves the group and its targets; a phase whose target is None has none."""
    group.full_clean(validate_unique=False)
    if LeadershipGroup.objects.filter(name__iexact=group.name).exclude(pk=group.pk).exists():
        raise ValidationError({"name": f"There is already a leadership group called {group.name}. Enter another name"})
    group.save()
    for phase, target in targets.items():
        if target is None:
            GroupTarget.objects.filter(group=group, phase=phase).delete()
        elif target < 0:
            raise ValidationError({f"target_{phase.pk}": "The target must be 0 or more"})
        else:
            GroupTarget.objects.update_or_create(group=group, phase=phase, defaults={"target": target})
    after = _group_snapshot(group)
    for key in before:  # a target that was removed
        after.setdefault(key, None)
    old, new = audit.changed(before, after)
    if new:
        audit.record(actor=actor, action=action, obj=group, before=old, after=new)
    return group


@transaction.atomic
def create_group(*, actor, name: str, description: str, targets: Mapping[Phase, int | None]) -> LeadershipGroup:
    """Adds a leadership group (names are unique whatever their case) with its targets per phase."""
    group = LeadershipGroup(name=" ".join(name.split()), description=description.strip())
    return _save_group(actor=actor, group=group, before={}, action="leadership_group.create", targets=targets)


@transaction.atomic
def update_group(
    *, actor, group: LeadershipGroup, description: str, targets: Mapping[Phase, int | None]
) -> LeadershipGroup:
    """Changes a group's description and its target (prospective number) per phase. A phase
    given None loses its target."""
    group = LeadershipGroup.objects.select_for_update().get(pk=group.pk)
    before = _group_snapshot(group)
    group.description = description.strip()
    return _save_group(actor=actor, group=group, before=before, action="leadership_group.update", targets=targets)
