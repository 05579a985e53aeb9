"""A burst of invitation accepts over HTTP against gunicorn and PostgreSQL.

Run: .venv/bin/python benchmarks/accept_burst.py
     [--capacity 100] [--people 300] [--connections 16] [--workers 4] [--rounds 3]
     [--trivial-path /accounts/login/ --trivial-path /]
(needs the PostgreSQL server of RECIPES.md: postgres@127.0.0.1:5432, trust auth; override with
BENCH_POSTGRES_URL=postgres://user@host:port).

1. Creates a fresh database `dlw_bench` (dropping any left over) and migrates it.
2. Starts gunicorn (`config.wsgi`, sync workers) on a free local port, with DEBUG=true and
   ALLOWED_HOSTS=127.0.0.1 so no TLS or collected static files are needed. Tasks use the
   database backend as in production: each accept queues its email task (no worker runs,
   nothing is sent).
3. Each round creates a published session with `capacity` places and `people` invitations,
   then, over `connections` concurrent connections (threads, one HTTP connection per request
   as gunicorn's sync workers close them):
   - 1,000 GETs of each comparison page: by default /accounts/login/ (a RedirectView through
     the whole middleware stack, no template, no query: the trivial Django GET) and / (the
     public programme page);
   - each invited person's browser GETs their invitation page for the CSRF cookie and token
     (not timed), then all the accept POSTs are fired at once: requests/s and p99 latency.
   and checks that the session ends with exactly `capacity` confirmed places,
   `places_taken == capacity` and everyone else on the waiting list.
4. Prints the medians over the rounds and accepts/s ÷ GETs/s for each comparison page; the
   goal (≥ 0.30) is judged against the first. Stops gunicorn and drops the database whatever
   happens.
"""

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

from _http import burst, csrf_for, free_port, median, p99, rate, start_gunicorn, stop_gunicorn

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "dlw_bench"
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
GOAL = 0.30
TRIVIAL_REQUESTS = 1000


# The database -----------------------------------------------------------------------------


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def create_database() -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{DATABASE}"')


def drop_database() -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")  # a local run: settings are off-production
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare_database() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def create_invitations(round_number: int, capacity: int, people: int) -> tuple[int, list[tuple[int, str]]]:
    """A published session open for registration and `people` pending invitations to it."""
    import datetime

    from django.utils import timezone

    from attendees.models import Invitation, Person
    from summits.enums import PhaseKind, SessionStatus, Theme
    from summits.models import Phase, Programme, Session

    programme, _ = Programme.objects.get_or_create(slug="bench", defaults={"name": "Benchmark programme"})
    today = timezone.localdate()
    phase, _ = Phase.objects.get_or_create(
        programme=programme,
        kind=PhaseKind.PILOT,
        defaults={"starts_on": today, "ends_on": today + datetime.timedelta(days=90)},
    )
    start = timezone.now() + datetime.timedelta(days=30 + round_number)
    session = Session.objects.create(
        phase=phase,
        code=f"BENCH-{round_number:02d}",
        theme=Theme.POSSIBLE,
        title="Accept burst",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        online_url="https://meet.example.nhs.uk/bench",
        capacity=capacity,
        status=SessionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    invited = Person.objects.bulk_create(
        Person(first_name="Board", last_name=f"Member {n}", email=f"member{n}.round{round_number}@example.nhs.uk")
        for n in range(people)
    )
    invitations = Invitation.objects.bulk_create(
        Invitation(person=person, session=session, sent_at=timezone.now()) for person in invited
    )
    return session.pk, [(invitation.pk, invitation.token) for invitation in invitations]


def outcome(session_id: int) -> dict:
    from django.db.models import Count

    from attendees.models import Registration
    from summits.models import Session

    counts = dict(
        Registration.objects.filter(session_id=session_id).values_list("status").annotate(n=Count("id")).order_by()
    )
    return {**counts, "places_taken": Session.objects.get(pk=session_id).places_taken}


# The run ----------------------------------------------------------------------------------


def accept_round(port: int, round_number: int, args) -> dict:
    """One round: a fresh session; the trivial GETs, then the burst of accepts."""
    from django.db import connections as django_connections

    session_id, invitations = create_invitations(round_number, args.capacity, args.people)
    django_connections.close_all()
    figures = {}
    for path in args.trivial_paths:
        seconds, latencies, statuses = burst(port, [("GET", path, "", {})] * TRIVIAL_REQUESTS, args.connections)
        codes = {status for status, _ in statuses}
        if not codes <= {200, 302}:
            raise RuntimeError(f"GET {path} answered {codes}")
        figures[path] = (rate(TRIVIAL_REQUESTS, seconds), p99(latencies))
    posts = []
    for invitation_id, token in invitations:
        cookie, form_token = csrf_for(port, f"/i/{invitation_id}/{token}/")
        posts.append(
            (
                "POST",
                f"/i/{invitation_id}/{token}/accept/",
                urlencode({"csrfmiddlewaretoken": form_token}),
                {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"},
            )
        )
    seconds, latencies, statuses = burst(port, posts, args.connections)
    figures["accept"] = (rate(len(posts), seconds), p99(latencies))
    accepted = sum(1 for status, location in statuses if status == 302 and "/accepted/" in location)
    result = outcome(session_id)
    print(
        f"round {round_number}: "
        + "; ".join(f"{name} {value:.0f}/s p99 {1000 * worst:.0f} ms" for name, (value, worst) in figures.items())
        + f"; {accepted}/{len(posts)} accepted: {result.get('confirmed', 0)} confirmed, "
        f"{result.get('waitlisted', 0)} waitlisted, places_taken {result['places_taken']}"
    )
    assert accepted == len(posts), {status for status in statuses}
    assert result.get("confirmed", 0) == args.capacity, result
    assert result["places_taken"] == args.capacity, result
    assert result.get("waitlisted", 0) == len(posts) - args.capacity, result
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--trivial-path",
        dest="trivial_paths",
        action="append",
        help="a GET to compare with (repeatable); the goal is judged against the first. "
        "Default: /accounts/login/ (a RedirectView: middleware only) and / (the public programme page)",
    )
    args = parser.parse_args()
    args.trivial_paths = args.trivial_paths or ["/accounts/login/", "/"]

    database_url = f"{SERVER}/{DATABASE}"
    create_database()
    server = None
    try:
        setup_django(database_url)
        prepare_database()
        from django.db import connections as django_connections

        django_connections.close_all()
        port = free_port()
        server = start_gunicorn(port, args.workers, database_url)
        # Warm every worker: imports, templates, database connections.
        for path in args.trivial_paths:
            burst(port, [("GET", path, "", {})] * (10 * args.workers), args.connections)

        print(
            f"gunicorn config.wsgi, {args.workers} sync workers; PostgreSQL; {args.connections} connections; "
            f"{os.cpu_count()} CPUs shared by client, server and database"
        )
        rounds = [accept_round(port, number, args) for number in range(1, args.rounds + 1)]

        accept = [r["accept"][0] for r in rounds]
        print(f"\nmedians over {args.rounds} rounds")
        print(f"{'':28} {'req/s':>8} {'p99 ms':>8} {'accept ratio':>13}")
        print(
            f"{'accept POST (burst of ' + str(args.people) + ')':28} {median(accept):>8.0f} "
            f"{1000 * median([r['accept'][1] for r in rounds]):>8.0f}"
        )
        ratios = {}
        for path in args.trivial_paths:
            ratios[path] = median([r["accept"][0] / r[path][0] for r in rounds])
            print(
                f"{'GET ' + path:28} {median([r[path][0] for r in rounds]):>8.0f} "
                f"{1000 * median([r[path][1] for r in rounds]):>8.0f} {ratios[path]:>13.2f}"
            )
        goal_path = args.trivial_paths[0]
        met = ratios[goal_path] >= GOAL
        print(
            f"goal: accepts/s ≥ {GOAL:.2f} × GET {goal_path}: {'met' if met else 'NOT met'} ({ratios[goal_path]:.2f})"
        )
        print(f"capacity held in every round: {args.capacity} confirmed, places_taken {args.capacity}")
        if not met:
            sys.exit(1)
    finally:
        if server is not None:
            stop_gunicorn(server)
        if "django" in sys.modules:
            from django.db import connections as django_connections

            django_connections.close_all()
        drop_database()


if __name__ == "__main__":
    main()
