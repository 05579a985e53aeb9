"""Changes to sessions that registrants must hear about, the pilot decision's hold on the rollout,
and who a session is for."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from attendees import emails
from attendees.enums import RegistrationStatus, StopRollout
from attendees.models import LeadershipGroup, Person, Registration
from attendees.services.places import _lock_session, fill_places_from_waiting_list
from summits import audit
from summits import services as scheduling
from summits.enums import PhaseKind, PilotDecisionOutcome, SessionAccess
from summits.models import Session

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
