"""Reads for scheduling. Each function owns its select_related / prefetch_related so a
page's query count does not grow with its rows."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from summits.enums import PhaseKind, SessionStatus, Theme
from summits.models import AuditEntry, CostLine, Facilitator, Phase, Programme, Session, Venue


def _with_card_details(sessions: QuerySet) -> QuerySet:
    return sessions.select_related("venue", "phase__programme").prefetch_related("focus_areas")


def public_sessions(now: datetime.datetime | None = None, filters: dict | None = None) -> QuerySet:
    """Published sessions that have not yet ended, soonest first, with places left; narrowed by
    the public page's filters: theme, region (national sessions, with no region, are for every
    region) and month. The same queries whatever the filters."""
    sessions = Session.objects.published().upcoming(now)
    filters = filters or {}
    if filters.get("theme"):
        sessions = sessions.filter(theme=filters["theme"])
    if filters.get("region"):
        sessions = sessions.filter(Q(region=filters["region"]) | Q(region=""))
    if filters.get("month"):
        start, end = month_bounds(*map(int, filters["month"].split("-")))
        sessions = sessions.filter(starts_at__gte=start, starts_at__lt=end)
    return _with_card_details(sessions)


@dataclass
class MonthGroup:
    month: datetime.date  # the first day of the month, in local time
    sessions: list


def group_by_month(sessions) -> list[MonthGroup]:
    def month_of(session):
        return timezone.localtime(session.starts_at).date().replace(day=1)

    return [MonthGroup(month=month, sessions=list(items)) for month, items in groupby(sessions, key=month_of)]


def public_session(code: str) -> Session:
    """A session the public may see (published, or cancelled after publishing)."""
    return _with_card_details(Session.objects.listed()).prefetch_related("facilitators").get(code=code)


def feed_sessions(programme: Programme) -> QuerySet:
    """Everything the programme's calendar feed holds: published sessions and cancelled ones
    (kept so calendars learn of the cancellation)."""
    return (
        Session.objects.listed()
        .filter(phase__programme=programme)
        .select_related("venue", "phase")
        .prefetch_related("focus_areas")
        .order_by("starts_at", "code")
    )


def current_programme(slug: str | None = None) -> Programme | None:
    """The programme named by slug, else the most recently created one."""
    programmes = Programme.objects.all()
    if slug:
        return programmes.filter(slug=slug).first()
    return programmes.order_by("-created_at", "-id").first()


def organiser_sessions(filters: dict | None = None) -> QuerySet:
    """Every session (any status) for the organisers' list, filtered by the list's form, each
    with `waiting`: how many are on its waiting list (a subquery: the count stays in one query)."""
    filters = filters or {}
    # `registrations` is the attendees app's reverse relation; named, not imported, so this
    # app stays below attendees.
    waiting = (
        Session.objects.filter(pk=OuterRef("pk"), registrations__status="waitlisted")
        .values("pk")
        .annotate(n=Count("registrations"))
        .values("n")
    )
    sessions = (
        Session.objects.select_related("venue", "phase__programme")
        .prefetch_related("focus_areas")
        .annotate(waiting=Coalesce(Subquery(waiting, output_field=IntegerField()), 0))
    )
    if filters.get("programme"):
        sessions = sessions.filter(phase__programme=filters["programme"])
    if filters.get("phase"):
        sessions = sessions.filter(phase__kind=filters["phase"])
    if filters.get("theme"):
        sessions = sessions.filter(theme=filters["theme"])
    if filters.get("focus_area"):
        sessions = sessions.filter(focus_areas=filters["focus_area"])
    if filters.get("status"):
        sessions = sessions.filter(status=filters["status"])
    if filters.get("region"):
        sessions = sessions.filter(region=filters["region"])
    if filters.get("month"):
        first = filters["month"]
        start, end = month_bounds(first.year, first.month)
        sessions = sessions.filter(starts_at__gte=start, starts_at__lt=end)
    if filters.get("q"):
        sessions = sessions.filter(Q(code__icontains=filters["q"]) | Q(title__icontains=filters["q"]))
    return sessions.order_by("starts_at", "code")


def organiser_session(pk: int) -> Session:
    return (
        Session.objects.select_related("venue", "phase__programme")
        .prefetch_related("focus_areas", "facilitators", "cost_lines")
        .annotate(total_cost=Sum("cost_lines__amount"))
        .get(pk=pk)
    )


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of the month and of the next one, as aware Europe/London datetimes."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=tz)
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return start, datetime.datetime(next_year, next_month, 1, tzinfo=tz)


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    sessions: list


def month_calendar(year: int, month: int) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month, each day with its sessions of any status."""
    start, end = month_bounds(year, month)
    by_day: dict[datetime.date, list] = {}
    for session in Session.objects.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "code"):
        by_day.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[CalendarDay(day, day.month == month, by_day.get(day, [])) for day in week] for week in weeks]


@dataclass
class ThemeRow:
    phase: str
    theme: str
    sessions: int
    capacity: int
    draft: int
    published: int
    cancelled: int


@dataclass
class Dashboard:
    programme: Programme
    rows: list[ThemeRow]
    totals: ThemeRow
    next_sessions: list
    total_cost: Decimal
    cost_by_phase: dict
    phases: list


def programme_dashboard(programme: Programme, now: datetime.datetime | None = None) -> Dashboard:
    """Sessions by phase × theme with capacity (cancelled sessions excluded) and status
    counts, the next sessions, and total cost — a fixed number of queries."""
    sessions = Session.objects.filter(phase__programme=programme)
    counts = {
        (row["phase__kind"], row["theme"]): row
        for row in sessions.values("phase__kind", "theme").annotate(
            sessions=Count("id"),
            capacity=Sum("capacity", filter=~Q(status=SessionStatus.CANCELLED), default=0),
            draft=Count("id", filter=Q(status=SessionStatus.DRAFT)),
            published=Count("id", filter=Q(status=SessionStatus.PUBLISHED)),
            cancelled=Count("id", filter=Q(status=SessionStatus.CANCELLED)),
        )
    }
    rows = []
    for phase in PhaseKind:
        for theme in Theme:
            row = counts.get((phase.value, theme.value), {})
            rows.append(
                ThemeRow(
                    phase=phase.label,
                    theme=theme.label,
                    sessions=row.get("sessions", 0),
                    capacity=row.get("capacity", 0),
                    draft=row.get("draft", 0),
                    published=row.get("published", 0),
                    cancelled=row.get("cancelled", 0),
                )
            )
    totals = ThemeRow(
        phase="All",
        theme="All",
        **{
            name: sum(getattr(row, name) for row in rows)
            for name in ("sessions", "capacity", "draft", "published", "cancelled")
        },
    )
    costs = CostLine.objects.filter(session__phase__programme=programme)
    cost_by_phase = {
        PhaseKind(row["session__phase__kind"]).label: row["total"]
        for row in costs.values("session__phase__kind").annotate(total=Sum("amount")).order_by("session__phase__kind")
    }
    next_sessions = list(
        sessions.not_cancelled().upcoming(now).select_related("venue").order_by("starts_at", "code")[:5]
    )
    return Dashboard(
        programme=programme,
        rows=rows,
        totals=totals,
        next_sessions=next_sessions,
        total_cost=sum(cost_by_phase.values(), Decimal("0")),
        cost_by_phase=cost_by_phase,
        phases=list(programme.phases.order_by("starts_on")),
    )


def facilitators() -> QuerySet:
    return Facilitator.objects.annotate(
        session_count=Count("sessions", filter=~Q(sessions__status=SessionStatus.CANCELLED))
    ).order_by("name")


def venues() -> QuerySet:
    return Venue.objects.annotate(
        session_count=Count("sessions", filter=~Q(sessions__status=SessionStatus.CANCELLED))
    ).order_by("name")


def audit_entries(object_type: str | None = None) -> QuerySet:
    entries = AuditEntry.objects.all()
    if object_type:
        entries = entries.filter(object_type=object_type)
    return entries.order_by("-created_at", "-id")


def phase_overview(now: datetime.datetime | None = None) -> QuerySet:
    """Every phase with its target and session counts (held, planned, cancelled) and places."""
    now = now or timezone.now()
    live = ~Q(sessions__status=SessionStatus.CANCELLED)
    return (
        Phase.objects.select_related("programme", "programme__pilot_decision")
        .annotate(
            sessions_held=Count(
                "sessions", filter=live & Q(sessions__status=SessionStatus.PUBLISHED, sessions__ends_at__lte=now)
            ),
            sessions_planned=Count("sessions", filter=live & Q(sessions__ends_at__gt=now)),
            sessions_cancelled=Count("sessions", filter=Q(sessions__status=SessionStatus.CANCELLED)),
            places=Sum("sessions__capacity", filter=live, default=0),
        )
        .order_by("programme__name", "starts_on")
    )
