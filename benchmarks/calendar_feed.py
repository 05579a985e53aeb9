"""How long the programme calendar feed takes for 500 sessions, against bare icalendar.

Run: .venv/bin/python benchmarks/calendar_feed.py
(add DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to measure on PostgreSQL).

(a) the feed: the view's query (summits.queries.feed_sessions, with its select_related and
    prefetch_related) plus summits.calendar.programme_feed_ics, to bytes;
(b) icalendar alone building 500 bare events (UID, DTSTAMP, DTSTART, DTEND, SUMMARY) from
    values already in memory, to bytes.
Goal: (a) takes at most 1.5 times (b). Each figure is the best of several repeats.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

SESSIONS = 500
REPEATS = 15
GOAL = 1.5


def best_of_interleaved(repeats: int, *builds: Callable[[], bytes]) -> list[tuple[float, bytes]]:
    """Best time of each build, alternating them so a busy machine slows both alike."""
    best = [float("inf")] * len(builds)
    outputs = [b""] * len(builds)
    for _ in range(repeats):
        for index, build in enumerate(builds):
            gc.collect()
            started = time.perf_counter()
            outputs[index] = build()
            best[index] = min(best[index], time.perf_counter() - started)
    return list(zip(best, outputs, strict=True))


def create_programme():
    from summits.enums import PhaseKind, Region, SessionStatus, Theme
    from summits.models import FocusArea, Phase, Programme, Session, Venue

    london = ZoneInfo("Europe/London")
    programme = Programme.objects.create(name="Digital Leadership Workshops 2026/27", slug="dlw-2026-27")
    phase = Phase.objects.create(
        programme=programme, kind=PhaseKind.ROLLOUT, starts_on=date(2027, 1, 1), ends_on=date(2028, 12, 31)
    )
    regions = list(Region)
    venues = Venue.objects.bulk_create(
        Venue(
            name=f"Conference centre {number}",
            address=f"{number} Station Road\nCity Quarter",
            town=f"Town {number}",
            postcode=f"LS{number} 1AA",
            region=regions[number % len(regions)],
        )
        for number in range(1, 21)
    )
    themes = list(Theme)
    first_day = datetime(2027, 1, 4, 9, 30, tzinfo=london)
    sessions = []
    for number in range(SESSIONS):
        # Spread over two years, so the feed crosses both clock changes.
        starts_at = first_day + timedelta(days=number * 365 * 2 // SESSIONS)  # 09:30 London time
        online = number % 5 == 0
        sessions.append(
            Session(
                phase=phase,
                code=f"ROL-{number:04d}",
                theme=themes[number % len(themes)],
                title=f"Leading digital change in health and care, workshop {number}",
                summary=(
                    "How boards make safe decisions about data, information and technology, "
                    "and how they assure themselves that those decisions are safe and appropriate."
                ),
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3),
                venue=None if online else venues[number % len(venues)],
                online_url="https://meet.example.nhs.uk/j/123456789" if online else "",
                capacity=40,
                status=SessionStatus.PUBLISHED,
                published_at=datetime(2026, 11, 1, tzinfo=UTC),
                sequence=number % 3,
            )
        )
    sessions = Session.objects.bulk_create(sessions)
    focus_areas = list(FocusArea.objects.all())
    if not focus_areas:  # the data migration seeds six; make the benchmark independent of it
        focus_areas = FocusArea.objects.bulk_create(
            FocusArea(number=number, name=f"Focus area {number}", short_name=f"Area {number}") for number in range(1, 7)
        )
    Through = Session.focus_areas.through
    Through.objects.bulk_create(
        Through(session_id=session.pk, focusarea_id=focus_areas[(session.pk + offset) % len(focus_areas)].pk)
        for session in sessions
        for offset in range(2)
    )
    return programme


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DEBUG", "true")  # a local run: settings are off-production
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DLW_TESTING"] = "true"

    import django

    django.setup()

    from django.db import connection
    from icalendar import Calendar, Event

    from summits import calendar, queries

    old_name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":  # SQLite's test database is in memory; elsewhere avoid the test runner's name
        connection.settings_dict["TEST"]["NAME"] = "test_benchmark_calendar_feed"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        programme = create_programme()

        def feed() -> bytes:
            return calendar.programme_feed_ics(programme, queries.feed_sessions(programme))

        london = ZoneInfo("Europe/London")
        bare_rows = [
            (calendar.session_uid(s), s.starts_at.astimezone(london), s.ends_at.astimezone(london), s.title)
            for s in queries.feed_sessions(programme)
        ]

        def bare() -> bytes:
            ical = Calendar()
            ical.add("PRODID", "-//benchmark//EN")
            ical.add("VERSION", "2.0")
            stamp = datetime.now(UTC)
            for uid, starts_at, ends_at, title in bare_rows:
                event = Event()
                event.add("UID", uid)
                event.add("DTSTAMP", stamp)
                event.add("DTSTART", starts_at)
                event.add("DTEND", ends_at)
                event.add("SUMMARY", title)
                ical.add_component(event)
            return ical.to_ical()

        # Warm up imports, URL resolver and caches before timing either side.
        feed()
        bare()
        (feed_seconds, feed_bytes), (bare_seconds, bare_bytes) = best_of_interleaved(REPEATS, feed, bare)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    ratio = feed_seconds / bare_seconds
    events = feed_bytes.count(b"BEGIN:VEVENT")
    print(f"database: {connection.vendor}; sessions: {SESSIONS}; best of {REPEATS}")
    print(f"(a) programme feed incl. query: {feed_seconds * 1000:8.1f} ms  ({events} events, {len(feed_bytes)} bytes)")
    print(
        f"(b) icalendar, bare events:     {bare_seconds * 1000:8.1f} ms  ({bare_bytes.count(b'BEGIN:VEVENT')} events)"
    )
    print(f"ratio (a)/(b): {ratio:.2f}  goal: <= {GOAL:.2f}  {'met' if ratio <= GOAL else 'NOT MET'}")
    if events != SESSIONS:
        raise SystemExit(f"expected {SESSIONS} events in the feed, found {events}")


if __name__ == "__main__":
    main()
