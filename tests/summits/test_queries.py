"""Reads: what each page's query returns, and that its query count does not grow with rows."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from summits import queries
from summits.enums import PhaseKind, Region, SessionStatus, Theme
from summits.models import Session
from summits.queries import ThemeRow
from tests import factories
from tests.factories import london

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year + 1


def codes(sessions) -> list[str]:
    return [session.code for session in sessions]


def cancelled(**overrides) -> Session:
    return factories.session(status=SessionStatus.CANCELLED, cancellation_reason="Venue closed", **overrides)


# The public programme ------------------------------------------------------------------


def test_public_sessions_are_published_and_not_yet_ended_soonest_first():
    now = timezone.now()
    factories.published_session(code="LATER", starts_at=now + datetime.timedelta(days=20))
    factories.published_session(code="SOON", starts_at=now + datetime.timedelta(days=2))
    factories.published_session(code="UNDERWAY", starts_at=now - datetime.timedelta(hours=1), hours=3)
    factories.published_session(code="PAST", starts_at=now - datetime.timedelta(days=2))
    factories.session(code="DRAFT", starts_at=now + datetime.timedelta(days=3))
    cancelled(code="CANCELLED", starts_at=now + datetime.timedelta(days=4), published_at=now)

    assert codes(queries.public_sessions()) == ["UNDERWAY", "SOON", "LATER"]


def test_public_sessions_give_places_left():
    factories.published_session(capacity=45)

    assert [session.places_left for session in queries.public_sessions()] == [45]


def test_public_sessions_take_a_fixed_number_of_queries(django_assert_num_queries):
    for number in range(3):
        factories.published_session(venue=factories.venue(), focus_areas=[factories.focus_area(number + 1)])

    with django_assert_num_queries(2):
        sessions = list(queries.public_sessions())
        for session in sessions:
            _ = (session.venue.name, session.phase.programme.name, [area.name for area in session.focus_areas.all()])


def test_group_by_month_uses_london_months():
    # 00:30 on 1 August in London is still 31 July in UTC.
    first = factories.published_session(code="JULY", starts_at=london(YEAR, 7, 31, 9))
    second = factories.published_session(code="AUGUST-EARLY", starts_at=london(YEAR, 8, 1, 0, 30), hours=1)
    third = factories.published_session(code="SEPTEMBER", starts_at=london(YEAR, 9, 2, 9))

    groups = queries.group_by_month(Session.objects.order_by("starts_at"))

    assert [(group.month, group.sessions) for group in groups] == [
        (datetime.date(YEAR, 7, 1), [first]),
        (datetime.date(YEAR, 8, 1), [second]),
        (datetime.date(YEAR, 9, 1), [third]),
    ]


def test_group_by_month_of_nothing_is_empty():
    assert queries.group_by_month([]) == []


def test_public_session_finds_published_and_once_published_cancelled_sessions():
    factories.published_session(code="OPEN")
    cancelled(code="CALLED-OFF", published_at=timezone.now())

    assert queries.public_session("OPEN").code == "OPEN"
    assert queries.public_session("CALLED-OFF").status == SessionStatus.CANCELLED


@pytest.mark.parametrize("status", [SessionStatus.DRAFT, SessionStatus.CANCELLED])
def test_public_session_hides_sessions_never_published(status):
    factories.session(code="HIDDEN", status=status, cancellation_reason="Not needed")

    with pytest.raises(Session.DoesNotExist):
        queries.public_session("HIDDEN")


def test_feed_sessions_hold_published_and_cancelled_sessions_of_the_programme(programme):
    phase = factories.phase(programme=programme)
    now = timezone.now()
    factories.published_session(phase=phase, code="B", starts_at=now + datetime.timedelta(days=5))
    factories.published_session(phase=phase, code="A", starts_at=now - datetime.timedelta(days=5))
    cancelled(phase=phase, code="C", starts_at=now + datetime.timedelta(days=6), published_at=now)
    factories.session(phase=phase, code="DRAFT")
    factories.published_session(code="OTHER-PROGRAMME")

    assert codes(queries.feed_sessions(programme)) == ["A", "B", "C"]


def test_current_programme_is_the_newest_unless_named():
    older = factories.programme(slug="older")
    newer = factories.programme(slug="newer")

    assert queries.current_programme() == newer
    assert queries.current_programme("older") == older
    assert queries.current_programme("missing") is None


def test_current_programme_without_programmes_is_none():
    assert queries.current_programme() is None


# The organisers' session list ------------------------------------------------------------


@pytest.fixture
def mixed_sessions(programme):
    pilot = factories.phase(
        programme=programme,
        kind=PhaseKind.PILOT,
        starts_on=datetime.date(YEAR, 1, 1),
        ends_on=datetime.date(YEAR, 6, 30),
    )
    rollout = factories.phase(
        programme=programme,
        kind=PhaseKind.ROLLOUT,
        starts_on=datetime.date(YEAR, 7, 1),
        ends_on=datetime.date(YEAR, 12, 31),
    )
    factories.session(
        phase=pilot,
        code="PIL-POS-01",
        title="The possible",
        theme=Theme.POSSIBLE,
        starts_at=london(YEAR, 3, 10),
        region=Region.LONDON,
        focus_areas=[factories.focus_area(1)],
    )
    factories.published_session(
        phase=pilot,
        code="PIL-HOW-01",
        title="How to assure",
        theme=Theme.HOW_TO,
        starts_at=london(YEAR, 3, 20),
        region=Region.MIDLANDS,
        focus_areas=[factories.focus_area(3), factories.focus_area(5)],
    )
    cancelled(
        phase=rollout,
        code="ROL-DID-01",
        title="How did they do it",
        theme=Theme.HOW_DID,
        starts_at=london(YEAR, 8, 4),
        region=Region.LONDON,
        focus_areas=[factories.focus_area(5)],
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["PIL-POS-01", "PIL-HOW-01", "ROL-DID-01"]),
        ({"phase": "rollout"}, ["ROL-DID-01"]),
        ({"theme": "how_to"}, ["PIL-HOW-01"]),
        ({"status": "cancelled"}, ["ROL-DID-01"]),
        ({"status": "draft"}, ["PIL-POS-01"]),
        ({"region": "london"}, ["PIL-POS-01", "ROL-DID-01"]),
        ({"month": datetime.date(YEAR, 3, 1)}, ["PIL-POS-01", "PIL-HOW-01"]),
        ({"month": datetime.date(YEAR, 4, 1)}, []),
        ({"q": "how"}, ["PIL-HOW-01", "ROL-DID-01"]),
        ({"q": "pil-pos"}, ["PIL-POS-01"]),
        ({"phase": "pilot", "region": "london"}, ["PIL-POS-01"]),
    ],
)
def test_organiser_sessions_filters(mixed_sessions, filters, expected):
    assert codes(queries.organiser_sessions(filters)) == expected


def test_organiser_sessions_filter_by_focus_area_lists_each_session_once(mixed_sessions):
    assert codes(queries.organiser_sessions({"focus_area": factories.focus_area(5)})) == ["PIL-HOW-01", "ROL-DID-01"]


def test_organiser_sessions_filter_by_programme(mixed_sessions):
    factories.session(code="ELSEWHERE")

    assert codes(queries.organiser_sessions({"programme": factories.programme()})) == []
    assert codes(queries.organiser_sessions()).count("ELSEWHERE") == 1


def test_organiser_session_adds_total_cost():
    session = factories.session()
    factories.cost_line(session=session, amount="450.00")
    factories.cost_line(session=session, amount="320.50")

    assert queries.organiser_session(session.pk).total_cost == Decimal("770.50")


def test_organiser_session_without_costs_has_no_total():
    session = factories.session()

    assert queries.organiser_session(session.pk).total_cost is None


# The month calendar ----------------------------------------------------------------------


def test_month_bounds_are_london_midnights():
    start, end = queries.month_bounds(YEAR, 7)

    assert start == datetime.datetime(YEAR, 6, 30, 23, 0, tzinfo=datetime.UTC)
    assert end == datetime.datetime(YEAR, 7, 31, 23, 0, tzinfo=datetime.UTC)


def test_month_bounds_of_december_end_in_january():
    start, end = queries.month_bounds(YEAR, 12)

    assert (start, end) == (london(YEAR, 12, 1, 0), london(YEAR + 1, 1, 1, 0))


def test_month_calendar_puts_sessions_on_their_london_day():
    late = factories.session(code="LATE", starts_at=london(YEAR, 7, 1, 0, 30), hours=1)
    draft = factories.session(code="DRAFT", starts_at=london(YEAR, 7, 15, 9))
    gone = cancelled(code="GONE", starts_at=london(YEAR, 7, 15, 13))
    factories.session(code="JUNE", starts_at=london(YEAR, 6, 30, 22))

    weeks = queries.month_calendar(YEAR, 7)

    days = {day.date: day for week in weeks for day in week}
    assert all(len(week) == 7 for week in weeks)
    assert [week[0].date.weekday() for week in weeks] == [0] * len(weeks)
    assert days[datetime.date(YEAR, 7, 1)].sessions == [late]
    assert days[datetime.date(YEAR, 7, 15)].sessions == [draft, gone]
    assert sum(len(day.sessions) for day in days.values()) == 3
    assert {day.date for day in days.values() if day.in_month} == {
        datetime.date(YEAR, 7, number) for number in range(1, 32)
    }


# The dashboard ---------------------------------------------------------------------------


def test_programme_dashboard_counts_sessions_by_phase_and_theme(programme):
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)
    rollout = factories.phase(programme=programme, kind=PhaseKind.ROLLOUT)
    first = factories.published_session(phase=pilot, theme=Theme.POSSIBLE, capacity=30)
    factories.session(phase=pilot, theme=Theme.POSSIBLE, capacity=20)
    cancelled(phase=pilot, theme=Theme.HOW_TO, capacity=50)
    factories.published_session(phase=rollout, theme=Theme.HOW_DID, capacity=40)
    factories.published_session(theme=Theme.HOW_DID, capacity=99)  # another programme
    factories.cost_line(session=first, amount="450.00")
    factories.cost_line(session=first, amount="50.00")

    dashboard = queries.programme_dashboard(programme)

    assert dashboard.rows == [
        ThemeRow("Pilot", "The possible", sessions=2, capacity=50, draft=1, published=1, cancelled=0),
        ThemeRow("Pilot", "How to", sessions=1, capacity=0, draft=0, published=0, cancelled=1),
        ThemeRow("Pilot", "How did", sessions=0, capacity=0, draft=0, published=0, cancelled=0),
        ThemeRow("Rollout", "The possible", sessions=0, capacity=0, draft=0, published=0, cancelled=0),
        ThemeRow("Rollout", "How to", sessions=0, capacity=0, draft=0, published=0, cancelled=0),
        ThemeRow("Rollout", "How did", sessions=1, capacity=40, draft=0, published=1, cancelled=0),
    ]
    assert dashboard.totals == ThemeRow("All", "All", sessions=4, capacity=90, draft=1, published=2, cancelled=1)
    assert dashboard.total_cost == Decimal("500.00")
    assert dashboard.cost_by_phase == {"Pilot": Decimal("500.00")}
    assert dashboard.phases == [pilot, rollout]


def test_programme_dashboard_next_sessions_are_the_next_five_not_cancelled(programme):
    phase = factories.phase(programme=programme)
    now = timezone.now()
    upcoming = [
        factories.session(phase=phase, code=f"NEXT-{day}", starts_at=now + datetime.timedelta(days=day))
        for day in range(1, 7)
    ]
    cancelled(phase=phase, starts_at=now + datetime.timedelta(hours=2))
    factories.session(phase=phase, starts_at=now - datetime.timedelta(days=1))

    dashboard = queries.programme_dashboard(programme)

    assert dashboard.next_sessions == upcoming[:5]


def test_programme_dashboard_of_an_empty_programme(programme):
    dashboard = queries.programme_dashboard(programme)

    assert dashboard.totals == ThemeRow("All", "All", sessions=0, capacity=0, draft=0, published=0, cancelled=0)
    assert (dashboard.total_cost, dashboard.cost_by_phase, dashboard.next_sessions) == (Decimal("0"), {}, [])


# Facilitators, venues, audit, phases -------------------------------------------------------


def test_facilitators_count_sessions_that_are_not_cancelled():
    asha = factories.facilitator(name="Asha")
    ben = factories.facilitator(name="Ben")
    factories.session(facilitators=[asha])
    factories.published_session(facilitators=[asha, ben])
    cancelled(facilitators=[asha])

    assert [(f.name, f.session_count) for f in queries.facilitators()] == [("Asha", 2), ("Ben", 1)]


def test_venues_count_sessions_that_are_not_cancelled():
    leeds = factories.venue(name="Leeds Hub")
    factories.venue(name="Bristol Hub")
    factories.session(venue=leeds)
    cancelled(venue=leeds)

    assert [(v.name, v.session_count) for v in queries.venues()] == [("Bristol Hub", 0), ("Leeds Hub", 1)]


def test_audit_entries_are_newest_first_and_filter_by_type(organiser):
    from summits import audit

    venue = factories.venue()
    session = factories.session()
    first = audit.record(actor=organiser, action="venue.create", obj=venue)
    second = audit.record(actor=organiser, action="session.create", obj=session)

    assert list(queries.audit_entries()) == [second, first]
    assert list(queries.audit_entries("venue")) == [first]


def test_phase_overview_counts_held_planned_and_cancelled_sessions(programme):
    now = timezone.now()
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)
    factories.published_session(phase=pilot, starts_at=now - datetime.timedelta(days=10), capacity=30)
    factories.published_session(phase=pilot, starts_at=now + datetime.timedelta(days=10), capacity=25)
    factories.session(phase=pilot, starts_at=now + datetime.timedelta(days=11), capacity=20)
    cancelled(phase=pilot, starts_at=now + datetime.timedelta(days=12), capacity=99)

    (overview,) = queries.phase_overview()

    assert (overview.sessions_held, overview.sessions_planned, overview.sessions_cancelled, overview.places) == (
        1,
        2,
        1,
        75,
    )
