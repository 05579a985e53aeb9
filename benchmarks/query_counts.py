"""Query counts of the public programme page and the organisers' session list at 10 and
1,000 sessions. They must be equal: a page's query count does not grow with its rows.

Run: .venv/bin/python benchmarks/query_counts.py
(uses a throwaway test database; set DATABASE_URL to measure on PostgreSQL)
"""

import datetime
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DEBUG", "true")  # a local run: settings are off-production
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DLW_TESTING", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def populate(count: int) -> None:
    from summits.enums import PhaseKind, Region, SessionStatus, Theme
    from summits.models import FocusArea, Phase, Programme, Session, Venue

    Session.objects.all().delete()
    programme, _ = Programme.objects.get_or_create(slug="bench", defaults={"name": "Benchmark programme"})
    today = timezone.localdate()
    phase, _ = Phase.objects.get_or_create(
        programme=programme,
        kind=PhaseKind.ROLLOUT,
        defaults={"starts_on": today, "ends_on": today + datetime.timedelta(days=3000), "target_attendees": 1000},
    )
    venues = [
        Venue.objects.get_or_create(name=f"Venue {region.label}", town="Town", region=region)[0] for region in Region
    ]
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    sessions = Session.objects.bulk_create(
        Session(
            phase=phase,
            code=f"BEN-{n:05d}",
            theme=list(Theme)[n % 3],
            title=f"Benchmark session {n}",
            starts_at=start + datetime.timedelta(hours=6 * n),
            ends_at=start + datetime.timedelta(hours=6 * n + 3),
            venue=venues[n % len(venues)] if n % 4 else None,
            online_url="" if n % 4 else "https://meet.example.nhs.uk/x",
            region=venues[n % len(venues)].region,
            capacity=40,
            status=SessionStatus.PUBLISHED,
            published_at=timezone.now(),
        )
        for n in range(count)
    )
    areas = list(FocusArea.objects.all())
    Through = Session.focus_areas.through
    Through.objects.bulk_create(Through(session_id=s.pk, focusarea_id=areas[i % 6].pk) for i, s in enumerate(sessions))


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def main() -> None:
    from summits.services import grant_staff_role

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        organiser, _ = grant_staff_role(email="bench-organiser@example.nhs.uk", role="organiser")
        public, staff = Client(), Client()
        staff.force_login(organiser)
        pages = {"public programme page (/)": "/", "organisers' session list": "/organise/sessions/"}
        results = {}
        for size in (10, 1000):
            populate(size)
            for name, url in pages.items():
                # The first request warms per-process caches (content types, permissions).
                count_queries(public if url == "/" else staff, url)
                results[(name, size)] = count_queries(public if url == "/" else staff, url)
        print(f"database: {connection.vendor}")
        print(f"{'page':32} {'10 sessions':>12} {'1000 sessions':>14}  equal")
        for name in pages:
            small, large = results[(name, 10)], results[(name, 1000)]
            print(f"{name:32} {small:>12} {large:>14}  {'yes' if small == large else 'NO'}")
        if any(results[(name, 10)] != results[(name, 1000)] for name in pages):
            sys.exit(1)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
