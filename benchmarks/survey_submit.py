"""Survey submissions over HTTP against gunicorn: requests/s and p99 latency, as a ratio to a
trivial Django GET measured in the same run.

Run: .venv/bin/python benchmarks/survey_submit.py                      (SQLite, a throwaway file)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_survey .venv/bin/python benchmarks/survey_submit.py
     [--links 2000] [--connections 16] [--workers 4] [--rounds 3]

1. Makes a throwaway database and migrates it: a SQLite file in a temporary folder, or the
   PostgreSQL database DATABASE_URL names (dropped and created; its name must contain "bench",
   so a real database is never dropped). Gives the programme its default questionnaires.
2. Starts gunicorn (benchmarks/_http.py: `config.wsgi`, sync workers, DEBUG=true).
3. Each round makes a published session, `links` people with a confirmed place and a pre
   survey link each, then, over `connections` concurrent connections (threads, one HTTP
   connection per request as gunicorn's sync workers close them):
   - 1,000 GETs of /accounts/login/ (a RedirectView through the whole middleware stack, no
     template, no query: the trivial Django GET);
   - each person's browser GETs their survey page for the CSRF cookie and token (not timed:
     the figure is for the POST alone), then all the POSTs, each a real first submission of
     the full pre survey (an answer to every question), are fired at once.
   and checks that every POST redirected to the thank-you page and saved one response with
   all its answers.
4. Prints the medians over the rounds and submissions/s ÷ GETs/s. Stops gunicorn and removes
   the database whatever happens.
"""

import argparse
import os
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from _http import TRIVIAL_PATH, burst, csrf_for, free_port, median, p99, rate, start_gunicorn, stop_gunicorn

ROOT = Path(__file__).resolve().parent.parent
TRIVIAL_REQUESTS = 1000


# The database -----------------------------------------------------------------------------


class ThrowawayDatabase:
    """A SQLite file in a temporary folder, or the PostgreSQL database named by `url`."""

    def __init__(self, url: str):
        self.url = url
        self.folder = None
        parts = urlsplit(url)
        self.vendor = "postgresql" if parts.scheme.startswith("postg") else "sqlite"
        if self.vendor == "postgresql":
            self.name = parts.path.strip("/")
            if "bench" not in self.name:
                raise SystemExit(f"Refusing to drop {self.name!r}: name a database with 'bench' in it")
            self.server = url[: url.rindex("/")]

    @classmethod
    def from_environment(cls) -> "ThrowawayDatabase":
        url = os.environ.get("DATABASE_URL", "")
        if url and not url.startswith("sqlite"):
            return cls(url)
        folder = tempfile.mkdtemp(prefix="survey_submit_")
        database = cls(f"sqlite:///{folder}/bench.sqlite3")
        database.folder = folder
        return database

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as connection:
            connection.execute(statement)

    def create(self) -> None:
        if self.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        elif self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")  # a local run: settings are off-production
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare_database() -> dict[str, str]:
    """Migrates, and gives the benchmark programme its default questionnaires. Returns the full
    pre survey's answers: every question, by code."""
    from django.core.management import call_command

    from feedback.enums import SurveyKind
    from feedback.services import ensure_default_questionnaires
    from summits.models import Programme

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    programme = Programme.objects.create(slug="bench", name="Benchmark programme")
    pre = ensure_default_questionnaires(programme=programme)[SurveyKind.PRE]
    # Each answer a different point on the scale, as a real person's would be.
    return {item.code: str(1 + n % 5) for n, item in enumerate(pre.items.order_by("order"))}


def create_links(round_number: int, links: int) -> tuple[int, list[tuple[int, str]]]:
    """A published session with `links` confirmed places, and a pre survey link for each."""
    import datetime

    from django.utils import timezone

    from attendees.enums import RegistrationStatus
    from attendees.models import Person, Registration
    from feedback.enums import SurveyKind
    from feedback.models import SurveyLink
    from summits.enums import PhaseKind, SessionStatus, Theme
    from summits.models import Phase, Programme, Session

    programme = Programme.objects.get(slug="bench")
    today = timezone.localdate()
    phase, _ = Phase.objects.get_or_create(
        programme=programme,
        kind=PhaseKind.PILOT,
        defaults={"starts_on": today, "ends_on": today + datetime.timedelta(days=90)},
    )
    now = timezone.now()
    start = now + datetime.timedelta(days=30 + round_number)
    session = Session.objects.create(
        phase=phase,
        code=f"BENCH-{round_number:02d}",
        theme=Theme.POSSIBLE,
        title="Survey submissions",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        online_url="https://meet.example.nhs.uk/bench",
        capacity=links,
        places_taken=links,
        status=SessionStatus.PUBLISHED,
        published_at=now,
    )
    people = Person.objects.bulk_create(
        Person(first_name="Board", last_name=f"Member {n}", email=f"member{n}.round{round_number}@example.nhs.uk")
        for n in range(links)
    )
    places = Registration.objects.bulk_create(
        Registration(person=person, session=session, status=RegistrationStatus.CONFIRMED) for person in people
    )
    made = SurveyLink.objects.bulk_create(
        SurveyLink(registration=place, kind=SurveyKind.PRE, opens_at=now, closes_at=start, sent_at=now)
        for place in places
    )
    return session.pk, [(link.pk, link.token) for link in made]


def saved(session_id: int) -> tuple[int, int]:
    """How many responses and answers the session's people have."""
    from feedback.models import Answer, Response

    responses = Response.objects.filter(registration__session_id=session_id)
    return responses.count(), Answer.objects.filter(response__in=responses).count()


# The run ----------------------------------------------------------------------------------


def submission_round(port: int, round_number: int, answers: dict[str, str], args) -> dict:
    """One round: fresh links; the trivial GETs, then the burst of submissions."""
    from django.db import connections as django_connections

    session_id, links = create_links(round_number, args.links)
    django_connections.close_all()
    figures = {}
    seconds, latencies, statuses = burst(port, [("GET", TRIVIAL_PATH, "", {})] * TRIVIAL_REQUESTS, args.connections)
    if {status for status, _ in statuses} != {302}:
        raise RuntimeError(f"GET {TRIVIAL_PATH} answered {set(statuses)}")
    figures["trivial"] = (rate(TRIVIAL_REQUESTS, seconds), p99(latencies))

    def post_for(link: tuple[int, str]) -> tuple:
        path = f"/s/{link[0]}/{link[1]}/"
        cookie, form_token = csrf_for(port, path)
        return (
            "POST",
            path,
            urlencode({"csrfmiddlewaretoken": form_token, **answers}),
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"},
        )

    # Opening the survey pages is not timed; done in parallel only to save the waiting.
    with ThreadPoolExecutor(args.connections) as pool:
        posts = list(pool.map(post_for, links))
    seconds, latencies, statuses = burst(port, posts, args.connections)
    figures["submit"] = (rate(len(posts), seconds), p99(latencies))
    done = sum(1 for status, location in statuses if status == 302 and location.endswith("/done/"))
    responses, answer_count = saved(session_id)
    print(
        f"round {round_number}: GET {TRIVIAL_PATH} {figures['trivial'][0]:.0f}/s p99 "
        f"{1000 * figures['trivial'][1]:.0f} ms; submit {figures['submit'][0]:.0f}/s p99 "
        f"{1000 * figures['submit'][1]:.0f} ms; {done}/{len(posts)} to the thank-you page, "
        f"{responses} responses, {answer_count} answers"
    )
    assert done == len(posts), {status for status in statuses}
    assert (responses, answer_count) == (len(posts), len(posts) * len(answers))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=2000, help="survey links (submissions) per round")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    database = ThrowawayDatabase.from_environment()
    database.create()
    server = None
    try:
        setup_django(database.url)
        answers = prepare_database()
        from django.db import connections as django_connections

        django_connections.close_all()
        port = free_port()
        server = start_gunicorn(port, args.workers, database.url)
        # Warm every worker: imports, templates, database connections.
        burst(port, [("GET", TRIVIAL_PATH, "", {})] * (10 * args.workers), args.connections)

        print(
            f"gunicorn config.wsgi, {args.workers} sync workers; {database.vendor}; {args.connections} connections; "
            f"{os.cpu_count()} CPUs shared by client, server and database; "
            f"each POST a first submission of the pre survey ({len(answers)} answers), CSRF page GET not timed"
        )
        rounds = [submission_round(port, number, answers, args) for number in range(1, args.rounds + 1)]

        print(f"\nmedians over {args.rounds} rounds ({database.vendor})")
        print(f"{'':32} {'req/s':>8} {'p99 ms':>8}")
        for label, key in ((f"survey POST (burst of {args.links})", "submit"), (f"GET {TRIVIAL_PATH}", "trivial")):
            print(
                f"{label:32} {median([r[key][0] for r in rounds]):>8.0f} "
                f"{1000 * median([r[key][1] for r in rounds]):>8.0f}"
            )
        throughput = median([r["submit"][0] / r["trivial"][0] for r in rounds])
        latency = median([r["submit"][1] / r["trivial"][1] for r in rounds])
        print(f"submissions/s ÷ GETs/s: {throughput:.2f}; p99 submission ÷ p99 GET: {latency:.1f}")
    finally:
        if server is not None:
            stop_gunicorn(server)
        if "django" in sys.modules:
            from django.db import connections as django_connections

            django_connections.close_all()
        database.drop()


if __name__ == "__main__":
    main()
