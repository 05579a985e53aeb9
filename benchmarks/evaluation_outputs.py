"""How long the evaluators' outputs take on the demo programme (seed_demo plus the 7 suggested
success criteria): the dashboard page and each export (CSV, XLSX, PDF) through Django's test
client, signed in as an evaluator, whole programme and the pilot; and a research extract built
by its background task's service. Best of 5, with the dashboard's query count.

Run: .venv/bin/python benchmarks/evaluation_outputs.py
(add DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to measure on PostgreSQL).
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPEATS = 5


def best_of(repeats: int, work: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DEBUG", "true")  # a local run: settings are off-production
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DLW_TESTING"] = "true"
    import django

    django.setup()
    from django.contrib.auth.models import Permission
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":
        connection.settings_dict["TEST"]["NAME"] = "test_benchmark_evaluation_outputs"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from attendees.demo import seed_people
        from evaluation import services
        from evaluation.criteria import ensure_default_criteria
        from evaluation.reporting import Filters
        from feedback.demo import seed_responses
        from summits.demo import seed_schedule
        from tests import factories

        programme = seed_schedule()["programme"]
        seed_people(programme)
        seed_responses(programme)
        ensure_default_criteria(programme=programme)
        user = factories.staff_user("bench.evaluator@example.nhs.uk", role="evaluator")
        user.user_permissions.add(Permission.objects.get(codename="download_research_extract"))
        user = type(user).objects.get(pk=user.pk)
        client = Client()
        client.force_login(user)

        rows = []
        for selection in ("", "&phase=pilot"):
            query = f"?programme={programme.slug}{selection}"
            urls = [("dashboard", f"/evaluation/{query}")]
            urls += [(fmt.upper(), f"/evaluation/export/{fmt}/{query}") for fmt in ("csv", "xlsx", "pdf")]
            for name, url in urls:
                assert client.get(url).status_code == 200  # warm up
                seconds, response = best_of(REPEATS, lambda url=url: client.get(url))
                size = len(response.content)
                rows.append((selection.removeprefix("&phase=") or "whole programme", name, seconds, size))
            with CaptureQueriesContext(connection) as queries:
                client.get(f"/evaluation/{query}")
            rows.append((selection.removeprefix("&phase=") or "whole programme", "dashboard queries", len(queries), 0))

        def extract():
            made = services.request_extract(actor=user, programme=programme, filters=Filters())
            return services.build_extract(extract_id=made.pk)

        extract_seconds, built = best_of(REPEATS, extract)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"database: {connection.vendor}; demo programme; best of {REPEATS}")
    for selection, name, value, size in rows:
        if name == "dashboard queries":
            print(f"{selection:16} {name:18} {value}")
        else:
            print(f"{selection:16} {name:18} {value:6.3f} s  {size:>9,} bytes")
    print(
        f"research extract   {extract_seconds:6.3f} s  ({built.participants} participants, {built.rows} rows, "
        f"{len(built.content):,} bytes)"
    )


if __name__ == "__main__":
    main()
