"""Importing 100,000 survey answers from a CSV file: 12,500 attended registrations on 500
sessions, each answering the 8 confidence questions of the default pre survey (half of them)
or post survey (the other half), values given as numbers and as labels. Prints seconds and
queries for the preview (read and check) and the import itself (read, check and write, as the
confirm page and `manage.py import_responses` run it; goal ≤ 5 s on PostgreSQL, ≤ 10 s on
SQLite), then for the same file again, which refuses every row as already answered.

Run: .venv/bin/python benchmarks/import_responses.py [REGISTRATIONS]
(uses a throwaway test database; set DATABASE_URL to measure on PostgreSQL)
"""

import csv
import datetime
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DEBUG", "true")  # a local run: settings are off-production
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DLW_TESTING", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

PER_SESSION = 25
CONFIDENCE = ["conf_overall", "conf_assurance"] + [f"conf_focus_{n}" for n in range(1, 7)]
LABELS = [
    "Not at all confident",
    "Slightly confident",
    "Moderately confident",
    "Very confident",
    "Completely confident",
]


def build(count: int) -> list[tuple[str, str]]:
    """The programme, its default surveys, and `count` attended registrations; returns each
    registration's (email, session code)."""
    from attendees.models import Person, Registration
    from feedback.services import ensure_default_questionnaires
    from summits.enums import PhaseKind, SessionStatus, Theme
    from summits.models import Phase, Programme, Session

    programme = Programme.objects.create(name="Benchmark programme", slug="benchmark")
    ensure_default_questionnaires(programme=programme)
    today = timezone.localdate()
    phase = Phase.objects.create(
        programme=programme,
        kind=PhaseKind.PILOT,
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today,
    )
    start = timezone.now() - datetime.timedelta(days=30)
    sessions = Session.objects.bulk_create(
        Session(
            phase=phase,
            code=f"BEN-{n:04d}",
            theme=Theme.POSSIBLE,
            title=f"Benchmark session {n}",
            starts_at=start + datetime.timedelta(hours=n),
            ends_at=start + datetime.timedelta(hours=n, minutes=180),
            online_url="https://meet.example.nhs.uk/session",
            capacity=PER_SESSION,
            places_taken=PER_SESSION,
            status=SessionStatus.PUBLISHED,
            published_at=start - datetime.timedelta(days=60),
        )
        for n in range(-(-count // PER_SESSION))
    )
    people = Person.objects.bulk_create(
        (
            Person(email=f"leader.{n}@example.nhs.uk", first_name=f"Leader{n}", last_name="Benchmark")
            for n in range(count)
        ),
        batch_size=1000,
    )
    Registration.objects.bulk_create(
        (
            Registration(person=person, session=sessions[n // PER_SESSION], status="attended", confirmed_at=start)
            for n, person in enumerate(people)
        ),
        batch_size=1000,
    )
    return [(person.email, sessions[n // PER_SESSION].code) for n, person in enumerate(people)]


def answers_csv(registrations: list[tuple[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "session", "survey", "question", "value"])
    for n, (email, code) in enumerate(registrations):
        survey = "pre" if n % 2 == 0 else "post"
        for k, question in enumerate(CONFIDENCE):
            value = 1 + (n + k) % 5
            writer.writerow([email, code, survey, question, LABELS[value - 1] if k % 2 else value])
    return out.getvalue().encode()


def measure(step):
    """The step's result, seconds and queries. Queries are counted by a wrapper that does not
    keep their SQL: CaptureQueriesContext would spend seconds formatting 100,000 inserted rows."""
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = step()
        seconds = time.perf_counter() - started
    return result, seconds, queries


def main() -> None:
    from feedback import imports
    from feedback.models import Answer, Response

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 12_500
    setup_test_environment()
    test_settings = settings.DATABASES["default"]["TEST"]
    if connection.vendor == "sqlite":
        # A file, as in real use (the test default is in memory, which flatters SQLite).
        test_settings["NAME"] = str(Path(tempfile.mkdtemp()) / "bench_responses.sqlite3")
    else:
        # Not test_<name>: another run of the test suite, or another benchmark, may be using that database.
        test_settings["NAME"] = "test_bench_import_responses"
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        content = answers_csv(build(count))
        rows = count * len(CONFIDENCE)
        print(
            f"database: {connection.vendor}; file: {rows:,} answer rows for {count:,} registrations, "
            f"{len(content) / 1e6:.1f} MB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
            "(figures grow with it)"
        )

        # The shared import flow, as the organisers' pages and the command run it: the preview
        # reads and checks the file; the import (the confirm page, `manage.py import_responses`)
        # reads it and hands the rows to the writer, which checks them once inside its
        # transaction and writes (COPY on PostgreSQL).
        preview, preview_s, preview_q = measure(
            lambda: imports.IMPORTER.run(content, "answers.csv", actor=None, write=False)
        )
        assert preview.is_valid
        applied, import_s, import_q = measure(lambda: imports.IMPORTER.run(content, "answers.csv", actor=None))
        assert applied.is_valid
        assert (Response.objects.count(), Answer.objects.count()) == (count, rows)
        print(f"\nfirst import: {applied.response_count:,} responses with {len(applied.answers):,} answers")
        print(f"  {'step':44} {'seconds':>8} {'queries':>8}")
        for name, seconds, queries in [
            ("preview: read and check", preview_s, preview_q),
            ("import: read, check and write (the goal)", import_s, import_q),
            ("both", preview_s + import_s, preview_q + import_q),
        ]:
            print(f"  {name:44} {seconds:>8.2f} {queries:>8}")

        again, again_s, again_q = measure(lambda: imports.check(imports.read_file(content, "answers.csv")))
        assert again.bad_row_count == rows
        print(f"\nthe same file again: {again.bad_row_count:,} rows refused as already answered")
        print(f"  {'read and check':44} {again_s:>8.2f} {again_q:>8}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
