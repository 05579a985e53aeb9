"""Reads for the organisers' invitation, registration, check-in and reach pages. Each
function owns its select_related / prefetch_related: a page's query count does not grow
with the number of people on it."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from attendees import services
from attendees.enums import ACTIVE, HOLDS_A_PLACE, InvitationStatus, RegistrationStatus
from attendees.models import GroupTarget, Invitation, LeadershipGroup, Person, Registration
from attendees.queries.messages import with_email_state
from summits.enums import SessionStatus
from summits.models import Programme, Session


def organiser_session(pk: int) -> Session:
    return Session.objects.select_related("venue", "phase__programme").get(pk=pk)


def invitation_problem(session: Session, now: datetime.datetime | None = None) -> str | None:
    """Why organisers cannot invite people to a session now, in words (the same rule as
    attendees.services.invite_groups), or None when they can."""
    if session.status == SessionStatus.CANCELLED:
        return "This session has been cancelled, so nobody can be invited to it."
    if session.status != SessionStatus.PUBLISHED:
        return "Invitations can only be sent for published sessions. Publish the session first."
    if session.starts_at <= (now or timezone.now()):
        return "This session has already started, so nobody can be invited to it."
    return None


# Inviting ---------------------------------------------------------------------------------


@dataclass
class InvitePreview:
    to_invite: int  # people who will get an invitation
    left_out: int  # people the choices select who are already invited or registered


def invite_preview(
    *,
    session: Session,
    groups: Iterable[LeadershipGroup],
    regions: Iterable[str] = (),
    organisation_types: Iterable[str] = (),
) -> InvitePreview:
    groups, regions, organisation_types = list(groups), list(regions), list(organisation_types)
    selected = Person.objects.filter(groups__in=groups)
    if regions:
        selected = selected.filter(organisation__region__in=regions)
    if organisation_types:
        selected = selected.filter(organisation__type__in=organisation_types)
    to_invite = services.people_to_invite(
        session=session, groups=groups, regions=regions, organisation_types=organisation_types
    ).count()
    return InvitePreview(to_invite=to_invite, left_out=selected.distinct().count() - to_invite)


def find_person(email: str) -> Person | None:
    return Person.objects.filter(email__iexact=email.strip()).select_related("organisation").first()


# Registrations ----------------------------------------------------------------------------


@dataclass
class SessionRegistrations:
    """Everyone connected with one session, in the lists the organisers' page shows."""

    places: list[Registration] = field(default_factory=list)  # confirmed, attended, no-show
    waitlist: list[tuple[int, Registration]] = field(default_factory=list)  # (position, registration)
    cancelled: list[Registration] = field(default_factory=list)
    declined: list[Invitation] = field(default_factory=list)
    unanswered: list[Invitation] = field(default_factory=list)


def _by_name(person: Person) -> tuple:
    return (person.last_name.lower(), person.first_name.lower(), person.pk)


def session_registrations(session: Session) -> SessionRegistrations:
    """Two queries whatever the numbers: the session's registrations and its unanswered or
    declined invitations (each with its email's state). An unanswered invitation whose person has registered another way
    (from the public page) is not listed as unanswered."""
    lists = SessionRegistrations()
    registered = set()
    registrations = (
        Registration.objects.filter(session=session)
        .select_related("person__organisation", "invitation")
        .order_by("created_at", "id")
    )
    for registration in registrations:
        if registration.status in HOLDS_A_PLACE:
            lists.places.append(registration)
        elif registration.status == RegistrationStatus.WAITLISTED:
            lists.waitlist.append((len(lists.waitlist) + 1, registration))
        else:
            lists.cancelled.append(registration)
        if registration.status in ACTIVE:
            registered.add(registration.person_id)
    invitations = with_email_state(
        Invitation.objects.filter(
            session=session, status__in=[InvitationStatus.PENDING, InvitationStatus.DECLINED]
        ).select_related("person__organisation")
    )
    for invitation in invitations:
        if invitation.status == InvitationStatus.DECLINED:
            lists.declined.append(invitation)
        elif invitation.person_id not in registered:
            lists.unanswered.append(invitation)
    lists.places.sort(key=lambda r: _by_name(r.person))
    lists.cancelled.sort(key=lambda r: r.cancelled_at or r.created_at, reverse=True)
    lists.declined.sort(key=lambda i: _by_name(i.person))
    lists.unanswered.sort(key=lambda i: _by_name(i.person))
    return lists


def attendee_list(session: Session) -> list[Registration]:
    """The attendee list for export: people with a place, by name, then the waiting list in
    queue order. Groups are prefetched (one more query)."""
    registrations = list(
        Registration.objects.filter(session=session, status__in=ACTIVE)
        .select_related("person__organisation")
        .prefetch_related("person__groups")
        .order_by("created_at", "id")
    )
    places = sorted((r for r in registrations if r.status in HOLDS_A_PLACE), key=lambda r: _by_name(r.person))
    waitlist = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
    return places + waitlist


def first_waiting(session: Session) -> Registration | None:
    """The person a freed place would go to: the first on the waiting list."""
    return (
        Registration.objects.filter(session=session, status=RegistrationStatus.WAITLISTED)
        .select_related("person")
        .order_by("created_at", "id")
        .first()
    )


# Check-in ---------------------------------------------------------------------------------


def check_in_list(session: Session, search: str = "") -> QuerySet:
    """People with a place on the session, by name; `search` keeps those whose first or last
    name (or email) contains every word typed."""
    registrations = Registration.objects.filter(session=session, status__in=HOLDS_A_PLACE).select_related(
        "person__organisation"
    )
    for word in search.split():
        registrations = registrations.filter(
            Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(person__email__icontains=word)
        )
    return registrations.order_by("person__last_name", "person__first_name", "id")


def attendance_counts(session: Session) -> dict[str, int]:
    """How many places, attended, not yet marked and no-shows: one query."""
    return Registration.objects.filter(session=session).aggregate(
        places=Count("id", filter=Q(status__in=HOLDS_A_PLACE)),
        attended=Count("id", filter=Q(status=RegistrationStatus.ATTENDED)),
        unmarked=Count("id", filter=Q(status=RegistrationStatus.CONFIRMED)),
        no_shows=Count("id", filter=Q(status=RegistrationStatus.NO_SHOW)),
    )


# Reach ------------------------------------------------------------------------------------


@dataclass
class ReachRow:
    label: str
    target: int
    invited: int
    registered: int
    attended: int

    @property
    def percent_of_target(self) -> int | None:
        """Registered people as a whole-number percentage of the target; None without a target."""
        return round(100 * self.registered / self.target) if self.target else None


@dataclass
class PhaseReach:
    phase: object
    rows: list[ReachRow]
    total: ReachRow


def programme_reach(programme: Programme) -> list[PhaseReach]:
    """Per phase and leadership group: target, people invited, people registered (confirmed,
    attended or no-show, on a session that is not cancelled), people who attended. People are
    counted once per group and phase however many sessions they were invited to; the total
    counts each person once even when they are in several groups. Seven queries whatever the
    numbers of groups and people."""
    phases = list(programme.phases.order_by("starts_on"))
    groups = list(LeadershipGroup.objects.order_by("name"))
    targets = {
        (t["group_id"], t["phase_id"]): t["target"]
        for t in GroupTarget.objects.filter(phase__programme=programme).values("group_id", "phase_id", "target")
    }
    invitations = Invitation.objects.filter(session__phase__programme=programme)
    registrations = Registration.objects.filter(session__phase__programme=programme)
    people = {
        # A place on a cancelled session is not a registration that reaches anyone.
        "registered": Count(
            "person",
            filter=Q(status__in=HOLDS_A_PLACE) & ~Q(session__status=SessionStatus.CANCELLED),
            distinct=True,
        ),
        "attended": Count("person", filter=Q(status=RegistrationStatus.ATTENDED), distinct=True),
    }
    invited_by_group = {
        (row["person__groups"], row["session__phase"]): row["n"]
        for row in invitations.values("person__groups", "session__phase").annotate(n=Count("person", distinct=True))
    }
    registered_by_group = {
        (row["person__groups"], row["session__phase"]): row
        for row in registrations.values("person__groups", "session__phase").annotate(**people)
    }
    invited_total = {
        row["session__phase"]: row["n"]
        for row in invitations.values("session__phase").annotate(n=Count("person", distinct=True))
    }
    registered_total = {row["session__phase"]: row for row in registrations.values("session__phase").annotate(**people)}

    reach = []
    for phase in phases:
        rows = []
        for group in groups:
            counts = registered_by_group.get((group.pk, phase.pk), {})
            rows.append(
                ReachRow(
                    label=group.name,
                    target=targets.get((group.pk, phase.pk), 0),
                    invited=invited_by_group.get((group.pk, phase.pk), 0),
                    registered=counts.get("registered", 0),
                    attended=counts.get("attended", 0),
                )
            )
        totals = registered_total.get(phase.pk, {})
        total = ReachRow(
            label="All groups",
            target=sum(row.target for row in rows),
            invited=invited_total.get(phase.pk, 0),
            registered=totals.get("registered", 0),
            attended=totals.get("attended", 0),
        )
        reach.append(PhaseReach(phase=phase, rows=rows, total=total))
    return reach


def rollout_sessions_to_stop(programme) -> list[Session]:
    """The programme's published rollout sessions, each with `confirmed` and `waiting` counts:
    what a "stop" pilot decision would take down. One query."""
    return list(
        services.published_rollout_sessions(programme)
        .annotate(
            confirmed=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
            waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
        )
        .order_by("starts_at", "code")
    )
