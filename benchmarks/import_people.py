"""Importing 10,000 people from a CSV file: seconds and queries for reading the file, checking
every row, and writing (a first import, the same file again, and the file with 1,000 rows
changed). The number of queries must not grow row by row.

Run: .venv/bin/python benchmarks/import_people.py [ROWS]
(uses a throwaway test database; set DATABASE_URL to measure on PostgreSQL)
"""

import csv
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
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

GROUPS = [
    "Acute trust boards",
    "Community trust boards",
    "Mental health trust boards",
    "CCG / ICB governing bodies",
    "Local authority adult social care directors",
    "CIO/CCIO network",
    "Chief nurses and clinical leaders",
    "Social care providers",
    "Voluntary and third sector leaders",
]
TYPES = ["Acute trust", "Community trust", "Mental health trust", "CCG / ICB", "Local authority", "Care provider"]
ROLES = ["Chair", "Chief executive", "Non-executive director", "CIO", "CCIO", "Chief nurse"]


def people_csv(count: int, *, job_title_for=lambda n: ROLES[n % len(ROLES)]) -> bytes:
    from summits.enums import Region

    regions = [label for _, label in Region.choices]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "email",
            "first_name",
            "last_name",
            "job_title",
            "organisation",
            "organisation_type",
            "region",
            "leadership_groups",
        ]
    )
    for n in range(count):
        organisation = n % 350  # about 30 people per organisation
        writer.writerow(
            [
                f"leader.{n}@example.nhs.uk",
                f"Leader{n}",
                f"Surname{n % 997}",
                job_title_for(n),
                f"Organisation {organisation}",
                TYPES[organisation % len(TYPES)],
                regions[organisation % len(regions)],
                "; ".join(GROUPS[(n + k) % len(GROUPS)] for k in range(1 + n % 3)),
            ]
        )
    return out.getvalue().encode()


def measure(step):
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = step()
        seconds = time.perf_counter() - started
    return result, seconds, len(captured)


def run_import(content: bytes) -> list[tuple[str, float, int]]:
    from attendees import imports

    rows, read_s, read_q = measure(lambda: imports.read_file(content, "people.csv"))
    plan, check_s, check_q = measure(lambda: imports.check(rows))
    applied, apply_s, apply_q = measure(lambda: imports.apply(plan=plan, actor=None, source="people.csv"))
    assert applied.is_valid
    return [
        ("read the file", read_s, read_q),
        ("check every row (preview)", check_s, check_q),
        ("apply (checks again, writes)", apply_s, apply_q),
        ("total", read_s + check_s + apply_s, read_q + check_q + apply_q),
    ], applied


def main() -> None:
    from attendees.models import LeadershipGroup, Person

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    setup_test_environment()
    test_settings = settings.DATABASES["default"]["TEST"]
    if connection.vendor == "sqlite":
        # A file, as in real use (the test default is in memory, which flatters SQLite).
        test_settings["NAME"] = str(Path(tempfile.mkdtemp()) / "bench_import.sqlite3")
    else:
        # Not test_<name>: another run of the test suite may be using that database.
        test_settings["NAME"] = "test_bench_import"
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        LeadershipGroup.objects.bulk_create(LeadershipGroup(name=name) for name in GROUPS)
        first = people_csv(count)
        changed = people_csv(count, job_title_for=lambda n: "Vice chair" if n % 10 == 0 else ROLES[n % len(ROLES)])
        runs = [
            (f"first import of {count:,} people", first),
            ("the same file again (no changes)", first),
            (f"{count // 10:,} rows changed", changed),
        ]
        print(f"database: {connection.vendor}; file: {count:,} rows, {len(first) / 1e6:.1f} MB")
        for title, content in runs:
            steps, plan = run_import(content)
            print(
                f"\n{title}: {len(plan.to_create):,} created, {len(plan.to_update):,} updated, "
                f"{len(plan.unchanged):,} unchanged"
            )
            print(f"  {'step':32} {'seconds':>8} {'queries':>8}")
            for name, seconds, queries in steps:
                print(f"  {name:32} {seconds:>8.2f} {queries:>8}")
        assert Person.objects.count() == count
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
