"""Two organisers booking the same venue or facilitator at the same moment: exactly one wins.

Runs on PostgreSQL, the production database, where sessions really run in parallel. SQLite's
shared-cache in-memory test database cannot hold two writers at once, and its IMMEDIATE
transactions serialise writers by design, so the race cannot happen there.
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from summits.models import Session
from summits.services import SessionDetails, create_session
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"),
]


def race(attempts: list) -> list[str]:
    """Runs each callable in its own thread, all released at once; returns 'ok' or the error."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = [""] * len(attempts)

    def run(index, attempt):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            attempt()
            outcomes[index] = "ok"
        except ValidationError as error:
            outcomes[index] = "; ".join(error.messages)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, attempt)) for i, attempt in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def in_a_month() -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=30)
    return factories.london(day.year, day.month, day.day, 9, 30)


def details(phase, code: str, *, venue=None, facilitators=(), starts_at) -> SessionDetails:
    return SessionDetails(
        phase=phase,
        code=code,
        theme="possible",
        title="Race",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        capacity=30,
        venue=venue,
        online_url="" if venue else "https://meet.example.nhs.uk/x",
        facilitators=list(facilitators),
    )


def test_simultaneous_bookings_of_one_venue_let_exactly_one_through():
    organiser = factories.staff_user("organiser@example.nhs.uk", role="organiser")
    phase = factories.phase()
    venue = factories.venue()
    start = in_a_month()

    outcomes = race(
        [
            lambda n=n: create_session(
                actor=organiser,
                details=details(phase, f"RACE-{n}", venue=venue, starts_at=start + datetime.timedelta(minutes=n)),
            )
            for n in range(4)
        ]
    )

    assert sorted(outcome == "ok" for outcome in outcomes) == [False, False, False, True]
    assert Session.objects.filter(venue=venue).count() == 1


def test_simultaneous_bookings_of_one_facilitator_let_exactly_one_through():
    organiser = factories.staff_user("organiser@example.nhs.uk", role="organiser")
    phase = factories.phase()
    expert = factories.facilitator(name="Dr Asha Patel")
    start = in_a_month()

    outcomes = race(
        [
            lambda n=n: create_session(
                actor=organiser, details=details(phase, f"RACE-F{n}", facilitators=[expert], starts_at=start)
            )
            for n in range(3)
        ]
    )

    assert sorted(outcome == "ok" for outcome in outcomes) == [False, False, True]
    assert Session.objects.filter(facilitators=expert).count() == 1
    assert [o for o in outcomes if o != "ok"][0].startswith("Dr Asha Patel is already facilitating RACE-F")
