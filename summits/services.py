"""Writes for scheduling. Every function records an audit entry in the same transaction.

Rules that span rows (phase windows, venue and facilitator clashes, the pilot decision)
are checked here; rules about one row are also database constraints on the models.
Breaches raise ValidationError keyed by form field, so a form can show each one.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from summits import audit
from summits.enums import ROLLOUT_ALLOWED_DECISIONS, PhaseKind, SessionStatus
from summits.models import (
    CostLine,
    Facilitator,
    FocusArea,
    Phase,
    PilotDecision,
    Programme,
    Session,
    Venue,
)

SESSION_AUDIT_FIELDS = [
    "phase",
    "code",
    "theme",
    "title",
    "summary",
    "focus_areas",
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "region",
    "capacity",
    "capacity_override_reason",
    "registration_opens_at",
    "registration_closes_at",
    "facilitators",
    "status",
    "cancellation_reason",
    "sequence",
]
# A change to any of these on a published session is a calendar update (SEQUENCE + 1):
# calendars show the title, so a new title is an update too (DOMAIN.md rule 5).
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "venue", "online_url")


@dataclass(frozen=True, kw_only=True)
class SessionDetails:
    """Everything an organiser sets on a session."""

    phase: Phase
    code: str
    theme: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    summary: str = ""
    focus_areas: Sequence[FocusArea] = field(default_factory=tuple)
    venue: Venue | None = None
    online_url: str = ""
    region: str = ""
    registration_opens_at: datetime.datetime | None = None
    registration_closes_at: datetime.datetime | None = None
    facilitators: Sequence[Facilitator] = field(default_factory=tuple)
    # Required when the capacity is more than the venue holds.
    capacity_override_reason: str = ""

    @classmethod
    def from_session(cls, session: Session, **changes) -> "SessionDetails":
        values = {}
        for f in fields(cls):
            if f.name in changes:
                values[f.name] = changes[f.name]
            elif f.name in ("focus_areas", "facilitators"):
                values[f.name] = list(getattr(session, f.name).all())
            else:
                values[f.name] = getattr(session, f.name)
        return cls(**values)


def _local(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def _lock_resources(venue: Venue | None, facilitators: Sequence[Facilitator]) -> None:
    """Serialise bookings of the same venue or facilitator so two organisers cannot
    double-book them at the same moment. On PostgreSQL this locks their rows until commit;
    SQLite's IMMEDIATE transactions already let one writer in at a time."""
    if venue is not None:
        list(Venue.objects.select_for_update().filter(pk=venue.pk))
    if facilitators:
        list(Facilitator.objects.select_for_update().filter(pk__in=[f.pk for f in facilitators]).order_by("pk"))


def check_session_rules(details: SessionDetails, *, exclude: Session | None = None) -> None:
    """Raises ValidationError with one message per broken rule, keyed by field."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    phase = details.phase
    if details.ends_at <= details.starts_at:
        add("ends_at", "The end time must be after the start time")
    elif not phase.contains(details.starts_at, details.ends_at):
        add(
            "starts_at",
            f"The session must take place within the {phase.get_kind_display().lower()} phase, "
            f"{date_format(phase.starts_on, 'j F Y')} to {date_format(phase.ends_on, 'j F Y')}",
        )
    # Only a new or changed start is checked: editing the summary of a session that has
    # happened is fine; moving anything into the past is not.
    if (exclude is None or details.starts_at != exclude.starts_at) and details.starts_at <= timezone.now():
        add("starts_at", "The session must start in the future")
    if details.capacity is None or details.capacity < 1:
        add("capacity", "Capacity must be at least 1")
    elif over_venue_capacity(details) and not details.capacity_override_reason.strip():
        add(
            "capacity",
            f"{details.venue} holds {details.venue.capacity} people. Enter a capacity of "
            f"{details.venue.capacity} or fewer, or give the reason for going over the venue’s capacity",
        )
    if details.registration_closes_at and details.registration_closes_at > details.starts_at:
        add("registration_closes_at", "Registration must close no later than the start of the session")
    if details.registration_opens_at and details.registration_opens_at >= (
        details.registration_closes_at or details.starts_at
    ):
        add("registration_opens_at", "Registration must open before it closes")
    if details.venue is None and not details.online_url:
        add("venue", "Choose a venue or enter an online joining link")

    if details.ends_at > details.starts_at:
        others = Session.objects.not_cancelled().overlapping(details.starts_at, details.ends_at)
        if exclude is not None:
            others = others.exclude(pk=exclude.pk)
        if details.venue is not None:
            clash = others.filter(venue=details.venue).order_by("starts_at").first()
            if clash:
                add(
                    "venue",
                    f"{details.venue} is already booked for {clash.code} "
                    f"({_local(clash.starts_at)} to {timezone.localtime(clash.ends_at):%H:%M}). "
                    "Choose another venue or time",
                )
        if details.facilitators:
            chosen = {f.pk: f for f in details.facilitators}
            busy = (
                Session.facilitators.through.objects.filter(facilitator_id__in=chosen, session__in=others.values("pk"))
                .select_related("session")
                .order_by("session__starts_at", "facilitator_id")
            )
            reported = set()
            for booking in busy:
                if booking.facilitator_id in reported:
                    continue
                reported.add(booking.facilitator_id)
                add(
                    "facilitators",
                    f"{chosen[booking.facilitator_id].name} is already facilitating {booking.session.code} "
                    f"({_local(booking.session.starts_at)} to {timezone.localtime(booking.session.ends_at):%H:%M}). "
                    "Choose another facilitator or time",
                )

    code_taken = Session.objects.filter(code=details.code)
    if exclude is not None:
        code_taken = code_taken.exclude(pk=exclude.pk)
    if code_taken.exists():
        add("code", f"Session code {details.code} is already used. Enter a different code")

    if errors:
        raise ValidationError(errors)


def over_venue_capacity(details: SessionDetails) -> bool:
    return bool(details.venue and details.venue.capacity and details.capacity > details.venue.capacity)


def _apply(session: Session, details: SessionDetails) -> None:
    for f in fields(SessionDetails):
        if f.name not in ("focus_areas", "facilitators"):
            setattr(session, f.name, getattr(details, f.name))
    # An override is kept only while it is needed, so a later raise asks again.
    session.capacity_override_reason = details.capacity_override_reason.strip() if over_venue_capacity(details) else ""


def _save_with_unique_code(session: Session) -> None:
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        # Another organiser took the code between our check and our insert.
        if Session.objects.filter(code=session.code).exclude(pk=session.pk).exists():
            raise ValidationError(
                {"code": f"Session code {session.code} is already used. Enter a different code"}
            ) from None
        raise


@transaction.atomic
def create_session(*, actor, details: SessionDetails) -> Session:
    """Creates a draft session after checking every scheduling rule."""
    _lock_resources(details.venue, details.facilitators)
    check_session_rules(details)
    session = Session(status=SessionStatus.DRAFT)
    _apply(session, details)
    _save_with_unique_code(session)
    session.focus_areas.set(details.focus_areas)
    session.facilitators.set(details.facilitators)
    audit.record(actor=actor, action="session.create", obj=session, after=audit.snapshot(session, SESSION_AUDIT_FIELDS))
    return session


@transaction.atomic
def update_session(*, actor, session: Session, details: SessionDetails) -> Session:
    """Saves an organiser's edit. When a published session's time, place or title changes its
    calendar SEQUENCE goes up, so calendars that hold it replace the old event."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise ValidationError("This session has been cancelled and can no longer be changed")
    _lock_resources(details.venue, details.facilitators)
    check_session_rules(details, exclude=session)
    if details.capacity < session.places_taken:
        raise ValidationError(
            {
                "capacity": f"{session.places_taken} people have confirmed places, so the capacity cannot be "
                f"less than {session.places_taken}"
            }
        )
    before = audit.snapshot(session, SESSION_AUDIT_FIELDS)
    moved = any(getattr(session, name) != getattr(details, name) for name in CALENDAR_FIELDS)
    _apply(session, details)
    if moved and session.status == SessionStatus.PUBLISHED:
        session.sequence += 1
    _save_with_unique_code(session)
    session.focus_areas.set(details.focus_areas)
    session.facilitators.set(details.facilitators)
    after = audit.snapshot(session, SESSION_AUDIT_FIELDS)
    old, new = audit.changed(before, after)
    if new:
        audit.record(actor=actor, action="session.update", obj=session, before=old, after=new)
    return session


def reschedule_session(
    *,
    actor,
    session: Session,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    venue: Venue | None,
    online_url: str,
    registration_closes_at: datetime.datetime | None,
) -> Session:
    """Moves a session in time or place (SEQUENCE + 1 when published)."""
    details = SessionDetails.from_session(
        session,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        online_url=online_url,
        registration_closes_at=registration_closes_at,
    )
    return update_session(actor=actor, session=session, details=details)


@transaction.atomic
def duplicate_session(
    *, actor, session: Session, code: str, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> Session:
    """A new draft copying the session's content, place, facilitators and cost lines, at a new time.
    Registration windows are not copied: they belong to the original date."""
    details = SessionDetails.from_session(
        session,
        code=code,
        starts_at=starts_at,
        ends_at=ends_at,
        registration_opens_at=None,
        registration_closes_at=None,
    )
    copy = create_session(actor=actor, details=details)
    CostLine.objects.bulk_create(
        CostLine(session=copy, category=line.category, description=line.description, amount=line.amount)
        for line in session.cost_lines.all()
    )
    audit.record(actor=actor, action="session.duplicate", obj=copy, before={"copied_from": session.code})
    return copy


def pilot_allows_rollout(programme: Programme) -> bool:
    decision = PilotDecision.objects.filter(programme=programme).first()
    return decision is not None and decision.outcome in ROLLOUT_ALLOWED_DECISIONS


@transaction.atomic
def publish_session(*, actor, session: Session) -> Session:
    """Makes a draft visible on the public programme page and in the calendar feed."""
    session = Session.objects.select_for_update().select_related("phase__programme").get(pk=session.pk)
    if session.status == SessionStatus.PUBLISHED:
        raise ValidationError("This session is already published")
    if session.is_cancelled:
        raise ValidationError("A cancelled session cannot be published. Duplicate it to run it again")
    if session.starts_at <= timezone.now():
        raise ValidationError("This session has already started, so it cannot be published")
    if session.phase.kind == PhaseKind.ROLLOUT and not pilot_allows_rollout(session.phase.programme):
        raise ValidationError(
            "Rollout sessions can be published only after the pilot decision is recorded as “go” or “go with changes”"
        )
    session.status = SessionStatus.PUBLISHED
    session.published_at = timezone.now()
    session.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        actor=actor, action="session.publish", obj=session, before={"status": "draft"}, after={"status": "published"}
    )
    return session


@transaction.atomic
def unpublish_session(*, actor, session: Session) -> Session:
    """Makes a published session a draft again: off the public page and the feeds, and closed
    to registration. Places are not this app's: the one caller, a "stop" pilot decision
    (attendees.services.record_pilot_decision), cancels them and tells each person."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.PUBLISHED:
        raise ValidationError("Only a published session can be made a draft again")
    session.status = SessionStatus.DRAFT
    session.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor, action="session.unpublish", obj=session, before={"status": "published"}, after={"status": "draft"}
    )
    return session


@transaction.atomic
def cancel_session(*, actor, session: Session, reason: str) -> Session:
    """Cancels without deleting: the session keeps its history, shows as cancelled, and its
    calendar event is cancelled (same UID, SEQUENCE + 1)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    reason = reason.strip()
    if session.is_cancelled:
        raise ValidationError("This session is already cancelled")
    if not reason:
        raise ValidationError({"reason": "Enter the reason for cancelling"})
    before = {"status": session.status, "sequence": session.sequence}
    if session.status == SessionStatus.PUBLISHED:
        session.sequence += 1
    session.status = SessionStatus.CANCELLED
    session.cancellation_reason = reason
    session.cancelled_at = timezone.now()
    session.save(update_fields=["status", "cancellation_reason", "cancelled_at", "sequence", "updated_at"])
    audit.record(
        actor=actor,
        action="session.cancel",
        obj=session,
        before=before,
        after={"status": session.status, "sequence": session.sequence, "cancellation_reason": reason},
    )
    return session


@transaction.atomic
def add_cost_line(*, actor, session: Session, category: str, description: str, amount: Decimal) -> CostLine:
    if amount < 0:
        raise ValidationError({"amount": "The amount must be £0 or more"})
    line = CostLine.objects.create(session=session, category=category, description=description, amount=amount)
    audit.record(
        actor=actor,
        action="cost_line.add",
        obj=session,
        after={"category": category, "description": description, "amount": amount},
    )
    return line


@transaction.atomic
def remove_cost_line(*, actor, cost_line: CostLine) -> None:
    session = cost_line.session
    audit.record(
        actor=actor,
        action="cost_line.remove",
        obj=session,
        before={"category": cost_line.category, "description": cost_line.description, "amount": cost_line.amount},
    )
    cost_line.delete()


def _save_reference(*, actor, instance, action_prefix: str, data: dict, audit_fields: list[str]):
    before = audit.snapshot(instance, audit_fields) if instance.pk else {}
    for name, value in data.items():
        setattr(instance, name, value)
    instance.full_clean()
    creating = instance.pk is None
    instance.save()
    after = audit.snapshot(instance, audit_fields)
    old, new = audit.changed(before, after)
    if new:
        audit.record(
            actor=actor,
            action=f"{action_prefix}.{'create' if creating else 'update'}",
            obj=instance,
            before=old,
            after=new,
        )
    return instance


VENUE_FIELDS = ["name", "address", "town", "postcode", "region", "capacity", "accessibility"]
FACILITATOR_FIELDS = ["name", "job_title", "organisation", "network", "email", "biography"]


@transaction.atomic
def save_venue(*, actor, venue: Venue | None = None, **data) -> Venue:
    return _save_reference(
        actor=actor, instance=venue or Venue(), action_prefix="venue", data=data, audit_fields=VENUE_FIELDS
    )


@transaction.atomic
def save_facilitator(*, actor, facilitator: Facilitator | None = None, **data) -> Facilitator:
    return _save_reference(
        actor=actor,
        instance=facilitator or Facilitator(),
        action_prefix="facilitator",
        data=data,
        audit_fields=FACILITATOR_FIELDS,
    )


@transaction.atomic
def record_pilot_decision(
    *, actor, programme: Programme, outcome: str, rationale: str, decided_on: datetime.date
) -> PilotDecision:
    """Records (or revises) the decision that follows the pilot evaluation. A "go" or
    "go with changes" lets rollout sessions be published."""
    rationale = rationale.strip()
    if not rationale:
        raise ValidationError({"rationale": "Enter the rationale for the decision"})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "The decision date must be today or in the past"})
    existing = PilotDecision.objects.select_for_update().filter(programme=programme).first()
    before = audit.snapshot(existing, ["outcome", "rationale", "decided_on", "decided_by"]) if existing else {}
    decision, _ = PilotDecision.objects.update_or_create(
        programme=programme,
        defaults={"outcome": outcome, "rationale": rationale, "decided_on": decided_on, "decided_by": actor},
    )
    after = audit.snapshot(decision, ["outcome", "rationale", "decided_on", "decided_by"])
    old, new = audit.changed(before, after)
    action = "pilot_decision.change" if existing and existing.outcome != outcome else "pilot_decision.record"
    audit.record(actor=actor, action=action, obj=decision, before=old, after=new)
    return decision


@transaction.atomic
def grant_staff_role(*, email: str, role: str, actor=None) -> tuple[object, bool]:
    """Creates (or finds) the account for email and gives it the organiser or evaluator role.
    Sign-in is by emailed code, so the account has no usable password. When the role is new,
    a welcome email explaining how to sign in is queued in the outbox. Returns (user, granted)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.validators import validate_email

    from summits.emails import send_staff_welcome
    from summits.roles import ROLES

    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": f"{email!r} is not a valid email address"}) from None
    if role not in ROLES:
        raise ValidationError({"role": f"Role must be one of: {', '.join(sorted(ROLES))}"})
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(username=email, email=email, is_active=True)
        user.set_unusable_password()
        user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    group = Group.objects.get(name=ROLES[role])
    if user.groups.filter(pk=group.pk).exists():
        return user, False
    user.groups.add(group)
    audit.record(actor=actor, action="staff.grant_role", obj=user, after={"email": email, "role": role})
    send_staff_welcome(user=user, role=role)
    return user, True


def _sessions_outside(phase: Phase, starts_on: datetime.date, ends_on: datetime.date) -> list[str]:
    tz = timezone.get_default_timezone()
    return [
        session.code
        for session in phase.sessions.not_cancelled().order_by("starts_at")
        if not (
            starts_on <= timezone.localtime(session.starts_at, tz).date()
            and timezone.localtime(session.ends_at, tz).date() <= ends_on
        )
    ]


def _check_phase_window(
    phase: Phase, starts_on: datetime.date, ends_on: datetime.date, target_attendees: int, *, prefix: str = ""
) -> dict[str, list[str]]:
    """One phase's own rules, as errors keyed by (prefixed) field."""
    errors: dict[str, list[str]] = {}
    if ends_on < starts_on:
        errors[f"{prefix}ends_on"] = ["The end date must be the same as or after the start date"]
    if target_attendees < 0:
        errors[f"{prefix}target_attendees"] = ["The target must be 0 or more"]
    outside = _sessions_outside(phase, starts_on, ends_on) if phase.pk else []
    if outside:
        errors[f"{prefix}starts_on"] = [
            f"These sessions would fall outside the new dates: {', '.join(outside)}. Move them first"
        ]
    return errors


def _overlap_message(other_kind: str, starts_on: datetime.date, ends_on: datetime.date) -> str:
    return (
        f"The dates overlap the {other_kind} phase ({date_format(starts_on, 'j F Y')} to "
        f"{date_format(ends_on, 'j F Y')}). Phases of one programme cannot overlap"
    )


def _save_phase(*, actor, phase: Phase, starts_on, ends_on, target_attendees) -> Phase:
    creating = phase.pk is None
    before = {} if creating else audit.snapshot(phase, PHASE_FIELDS)
    phase.starts_on, phase.ends_on, phase.target_attendees = starts_on, ends_on, target_attendees
    phase.save()
    old, new = audit.changed(before, audit.snapshot(phase, PHASE_FIELDS))
    if new:
        action = "phase.create" if creating else "phase.update"
        audit.record(actor=actor, action=action, obj=phase, before=old, after=new)
    return phase


PHASE_FIELDS = ["starts_on", "ends_on", "target_attendees"]


@transaction.atomic
def update_phase(
    *, actor, phase: Phase, starts_on: datetime.date, ends_on: datetime.date, target_attendees: int
) -> Phase:
    """Changes a phase's dates or target. Refused if a session (not cancelled) would fall
    outside, or the dates would overlap another phase of the programme."""
    phase = Phase.objects.select_for_update().get(pk=phase.pk)
    errors = _check_phase_window(phase, starts_on, ends_on, target_attendees)
    if ends_on >= starts_on:
        other = (
            Phase.objects.filter(programme_id=phase.programme_id, starts_on__lte=ends_on, ends_on__gte=starts_on)
            .exclude(pk=phase.pk)
            .first()
        )
        if other is not None:
            errors.setdefault("starts_on", []).append(
                _overlap_message(other.get_kind_display().lower(), other.starts_on, other.ends_on)
            )
    if errors:
        raise ValidationError(errors)
    return _save_phase(
        actor=actor, phase=phase, starts_on=starts_on, ends_on=ends_on, target_attendees=target_attendees
    )


@dataclass(frozen=True, kw_only=True)
class PhaseWindow:
    starts_on: datetime.date
    ends_on: datetime.date
    target_attendees: int = 0


PROGRAMME_FIELDS = ["name", "slug", "description"]


@transaction.atomic
def save_programme(
    *,
    actor,
    programme: Programme | None = None,
    name: str,
    slug: str,
    description: str = "",
    pilot: PhaseWindow,
    rollout: PhaseWindow,
) -> Programme:
    """Creates a programme with its pilot and rollout phases, or changes them. The pilot comes
    first and the phases do not overlap (the pilot is evaluated before the rollout opens);
    a phase cannot shrink past its sessions. Errors are keyed `name`, `slug`, `pilot_…` and
    `rollout_…`. Audit-logged: the programme and each phase that changed."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk) if programme and programme.pk else None
    phases = {p.kind: p for p in programme.phases.select_for_update()} if programme else {}
    errors: dict[str, list[str]] = {}
    name, slug = name.strip(), slug.strip()
    if not name:
        errors["name"] = ["Enter the programme’s name"]
    if not slug:
        errors["slug"] = ["Enter a short name for web addresses, like dlw-2026"]
    elif Programme.objects.filter(slug=slug).exclude(pk=programme.pk if programme else None).exists():
        errors["slug"] = [f"Another programme already uses “{slug}”. Enter a different short name"]
    windows = {PhaseKind.PILOT: pilot, PhaseKind.ROLLOUT: rollout}
    for kind, window in windows.items():
        phase = phases.get(kind) or Phase(kind=kind)
        errors |= _check_phase_window(
            phase, window.starts_on, window.ends_on, window.target_attendees, prefix=f"{kind}_"
        )
    if rollout.starts_on <= pilot.ends_on:
        errors.setdefault("rollout_starts_on", []).append(
            f"The rollout phase must start after the pilot phase ends ({date_format(pilot.ends_on, 'j F Y')}). "
            "Phases of one programme cannot overlap"
        )
    if errors:
        raise ValidationError(errors)
    creating = programme is None
    before = {} if creating else audit.snapshot(programme, PROGRAMME_FIELDS)
    programme = programme or Programme()
    programme.name, programme.slug, programme.description = name, slug, description.strip()
    programme.save()
    old, new = audit.changed(before, audit.snapshot(programme, PROGRAMME_FIELDS))
    if new:
        action = "programme.create" if creating else "programme.update"
        audit.record(actor=actor, action=action, obj=programme, before=old, after=new)
    for kind, window in windows.items():
        _save_phase(
            actor=actor,
            phase=phases.get(kind) or Phase(programme=programme, kind=kind),
            starts_on=window.starts_on,
            ends_on=window.ends_on,
            target_attendees=window.target_attendees,
        )
    return programme
