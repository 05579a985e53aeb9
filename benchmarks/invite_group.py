"""Inviting a leadership group of 10,000 people: invitations per second and the number of
queries attendees.services.invite_groups runs, at 1,000 and 10,000 people (they must be equal:
the query count does not grow with the group).

Run: .venv/bin/python benchmarks/invite_group.py
(add DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to measure on PostgreSQL; the
throwaway database is then test_bench_invite, so it never clashes with a test run).

The email sending itself is excluded, as the goal asks (benchmarks/email_fanout.py measures
it): invite_groups queues one outbox row per invitation with a single INSERT … SELECT and wakes
the worker after commit; here the tasks backend is django_tasks' DummyBackend, which only keeps
that wake-up task in memory (no worker, no email). What is timed is the whole service call:
choosing the people, the bulk insert, the outbox rows, the audit entry, the commit and the
wake-up. Goal: at least 5,000 invitations per second.
"""

import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")  # a local run: settings are off-production

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

SIZES = (1_000, 10_000)
GOAL = 5_000  # invitations per second


def create_group(size: int, session_code: str):
    """A published session a month away and a leadership group of `size` people in it."""
    from attendees.enums import OrganisationType
    from attendees.models import LeadershipGroup, Organisation, Person
    from summits.enums import PhaseKind, Region, SessionStatus, Theme
    from summits.models import Phase, Programme, Session

    programme, _ = Programme.objects.get_or_create(slug="bench", defaults={"name": "Benchmark programme"})
    today = timezone.localdate()
    phase, _ = Phase.objects.get_or_create(
        programme=programme,
        kind=PhaseKind.ROLLOUT,
        defaults={"starts_on": today, "ends_on": today + datetime.timedelta(days=365)},
    )
    start = timezone.now() + datetime.timedelta(days=30)
    session = Session.objects.create(
        phase=phase,
        code=session_code,
        theme=Theme.HOW_TO,
        title="Benchmark session",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        online_url="https://meet.example.nhs.uk/bench",
        capacity=100,
        status=SessionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    group = LeadershipGroup.objects.create(name=f"Benchmark group of {size}")
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Trust {size}-{n}", type=OrganisationType.ACUTE_TRUST, region=region)
        for n, region in enumerate(Region.values)
    )
    people = Person.objects.bulk_create(
        (
            Person(
                first_name="Board",
                last_name=f"Member {n}",
                email=f"member{n}.of{size}@example.nhs.uk",
                organisation=organisations[n % len(organisations)],
            )
            for n in range(size)
        ),
        batch_size=2000,
    )
    Through = Person.groups.through
    Through.objects.bulk_create((Through(person_id=p.pk, leadershipgroup_id=group.pk) for p in people), batch_size=5000)
    return session, group


def invite(session, group, actor) -> tuple[int, float, int]:
    from attendees import services

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        invited = services.invite_groups(actor=actor, session=session, groups=[group])
        elapsed = time.perf_counter() - started
    return invited, elapsed, len(captured)


def main() -> None:
    from django_tasks import task_backends
    from django_tasks.backends.dummy import DummyBackend

    from attendees.models import Invitation
    from summits.services import grant_staff_role

    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend), "the email tasks must only be stored, never run"
    if connection.vendor != "sqlite":
        # SQLite's test database is in memory; elsewhere use a name no test run uses.
        connection.settings_dict["TEST"]["NAME"] = "test_bench_invite"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        organiser, _ = grant_staff_role(email="bench-organiser@example.nhs.uk", role="organiser")
        results = {}
        for size in SIZES:
            session, group = create_group(size, f"BEN-{size}")
            results[size] = invite(session, group, organiser)
            assert Invitation.objects.filter(session=session).count() == size == results[size][0]
        print(f"database: {connection.vendor}")
        print(f"{'people in the group':>20} {'invited':>9} {'seconds':>9} {'invitations/s':>14} {'queries':>8}")
        for size, (invited, elapsed, queries) in results.items():
            print(f"{size:>20,} {invited:>9,} {elapsed:>9.3f} {invited / elapsed:>14,.0f} {queries:>8}")
        tasks = len(backend.results)
        print(f"worker wake-ups queued (not run): {tasks}")
        small, large = results[SIZES[0]], results[SIZES[-1]]
        rate = large[0] / large[1]
        print(
            f"goal: ≥ {GOAL:,} invitations/s at {SIZES[-1]:,}: {'met' if rate >= GOAL else 'NOT met'} ({rate:,.0f}/s)"
        )
        equal = small[2] == large[2]
        print(f"queries equal at {SIZES[0]:,} and {SIZES[-1]:,}: {'yes' if equal else 'NO'}")
        if connection.vendor == "sqlite" and not equal:
            # Django 5.2 caps an SQLite statement at 999 parameters, so bulk_create splits the
            # insert into batches of 999 // (fields per row) rows: one more INSERT per batch.
            print("  (SQLite: Django splits bulk inserts at 999 parameters; the query-count goal is PostgreSQL's)")
        if rate < GOAL or (connection.vendor != "sqlite" and not equal):
            sys.exit(1)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
