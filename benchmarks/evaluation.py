"""How long the whole evaluation takes for 100,000 participants, against just reading their
answer rows.

Run: .venv/bin/python benchmarks/evaluation.py [PEOPLE]
(uses a throwaway test database; set DATABASE_URL to measure on PostgreSQL, e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_eval).

One programme with a pilot and a rollout phase, 60 sessions, 9 leadership groups with
targets, PEOPLE people each with one attended registration, a pre and a post survey link
emailed to them (each with its sent message in the outbox, as the survey dispatch leaves
them) and a pre and a post response answering the 8 confidence questions (16 answer rows
each: 1.6 million for 100,000), and the default success criteria.

(a) evaluation.data.read_answer_rows: the numeric answer rows from the database into pandas;
(b) the full evaluation: evaluation.data.load_frames plus evaluation.reporting.build_report.
Goal: (b) takes at most 1.5 times (a). (a) and (b) take turns, five rounds of each, and each
figure is the best of its five: on a shared machine a slow spell then falls on both rather than
on whichever was being timed (best of 3 of (a), then of (b), gave ratios 0.2 apart in runs of
the same code). Both times include letting go of what the step read, as (b) always did for its
frames. The split of (b) into its two parts is the best of 3 of each, measured after.
"""

import gc
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DEBUG", "true")  # a local run: settings are off-production
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DLW_TESTING", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

SESSIONS = 60
REPEATS = 3
ROUNDS = 5
GOAL = 1.5
BATCH = 50_000
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


def best_of(repeats: int, step):
    best, result = float("inf"), None
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        result = step()
        best = min(best, time.perf_counter() - started)
    return best, result


def alternating(rounds: int, first, second):
    """(best time, last result) of each of two steps, run by turns."""
    times: tuple[list[float], list[float]] = ([], [])
    results = [None, None]
    for _ in range(rounds):
        for position, step in enumerate((first, second)):
            gc.collect()
            started = time.perf_counter()
            results[position] = step()
            times[position].append(time.perf_counter() - started)
    return (min(times[0]), results[0]), (min(times[1]), results[1])


def insert_rows(table: str, columns: list[str], rows: list[tuple]) -> None:
    """Raw bulk insert: COPY on PostgreSQL, executemany elsewhere (the ORM's objects would make
    the setup, not the evaluation, the slow part)."""
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({placeholders})"
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start : start + BATCH])


@transaction.atomic
def create_programme(people: int):
    from attendees.enums import RegistrationStatus
    from attendees.models import GroupTarget, LeadershipGroup, Organisation, Person, Registration
    from evaluation.criteria import ensure_default_criteria
    from feedback.enums import ItemPurpose
    from feedback.models import Answer, Response, SurveyLink
    from feedback.services import ensure_default_questionnaires
    from outbox.enums import MessageKind, MessageState
    from outbox.models import Message
    from summits.enums import PhaseKind, Region, SessionStatus, Theme
    from summits.models import CostLine, Phase, Programme, Session

    rng = random.Random(2026)
    programme = Programme.objects.create(name="Digital Leadership Workshops (benchmark)", slug="bench-evaluation")
    phases = [
        Phase.objects.create(
            programme=programme, kind=PhaseKind.PILOT, starts_on=date(2026, 4, 1), ends_on=date(2026, 9, 30)
        ),
        Phase.objects.create(
            programme=programme, kind=PhaseKind.ROLLOUT, starts_on=date(2026, 10, 1), ends_on=date(2027, 12, 31)
        ),
    ]
    regions, themes = list(Region), list(Theme)
    first_day = datetime(2026, 4, 6, 9, 30, tzinfo=UTC)
    sessions = Session.objects.bulk_create(
        Session(
            phase=phases[0] if number < SESSIONS // 4 else phases[1],
            code=f"BEN-{number:03d}",
            theme=themes[number % len(themes)],
            title=f"Leading digital change, workshop {number}",
            starts_at=first_day + timedelta(days=number * 7),
            ends_at=first_day + timedelta(days=number * 7, hours=3),
            online_url=f"https://meet.example.nhs.uk/workshop-{number}",
            region=regions[number % len(regions)],
            capacity=people,
            status=SessionStatus.PUBLISHED,
        )
        for number in range(SESSIONS)
    )
    if not all(session.pk for session in sessions):
        sessions = list(Session.objects.filter(phase__programme=programme).order_by("code"))
    CostLine.objects.bulk_create(
        CostLine(session=session, category="venue", description="Venue and catering", amount=2500)
        for session in sessions
    )
    groups = LeadershipGroup.objects.bulk_create(LeadershipGroup(name=name) for name in GROUPS)
    groups = list(LeadershipGroup.objects.order_by("name"))
    GroupTarget.objects.bulk_create(
        GroupTarget(group=group, phase=phase, target=people // len(groups) // 2) for group in groups for phase in phases
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {number}", type="acute_trust", region=regions[number % len(regions)])
        for number in range(300)
    )
    organisations = list(Organisation.objects.order_by("pk"))
    Person.objects.bulk_create(
        (
            Person(
                first_name=f"Leader{number}",
                last_name=f"Surname{number % 997}",
                email=f"leader.{number}@example.nhs.uk",
                organisation=organisations[number % len(organisations)],
            )
            for number in range(people)
        ),
        batch_size=5_000,
    )
    person_ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    Person.groups.through.objects.bulk_create(
        (
            Person.groups.through(person_id=person_id, leadershipgroup_id=groups[number % len(groups)].pk)
            for number, person_id in enumerate(person_ids)
        ),
        batch_size=10_000,
    )
    Registration.objects.bulk_create(
        (
            Registration(
                person_id=person_id, session=sessions[number % len(sessions)], status=RegistrationStatus.ATTENDED
            )
            for number, person_id in enumerate(person_ids)
        ),
        batch_size=5_000,
    )
    registration_ids = list(
        Registration.objects.filter(session__phase__programme=programme).order_by("pk").values_list("pk", flat=True)
    )

    questionnaires = ensure_default_questionnaires(programme=programme)
    confidence = {
        kind: list(
            questionnaires[kind]
            .items.filter(purpose=ItemPurpose.CONFIDENCE)
            .order_by("order")
            .values_list("pk", flat=True)
        )
        for kind in ("pre", "post")
    }
    assert len(confidence["pre"]) == len(confidence["post"]) == 8, confidence
    submitted = datetime(2026, 5, 1, 12, tzinfo=UTC)
    sent = submitted - timedelta(days=20)
    insert_rows(
        SurveyLink._meta.db_table,
        ["registration_id", "kind", "token", "opens_at", "closes_at", "created_at", "sent_at"],
        [
            (registration_id, kind, f"{kind}-{registration_id:0>40}", sent, submitted + timedelta(days=30), sent, sent)
            for registration_id in registration_ids
            for kind in ("pre", "post")
        ],
    )
    links = list(SurveyLink.objects.filter(registration_id__in=registration_ids).values_list("pk", flat=True))
    message_fields = ["kind", "recipient", "about_type", "about_id", "context", "content", "state", "attempts"]
    message_fields += ["last_error", "next_attempt_at", "lease_token", "subject", "created_at", "sent_at"]
    insert_rows(
        Message._meta.db_table,
        message_fields,
        [
            (MessageKind.SURVEY_LINK, "leader@example.nhs.uk", SurveyLink._meta.label_lower, pk, "{}", "{}")
            + (MessageState.SENT, 1, "", sent, "", "Your survey", sent, sent)
            for pk in links
        ],
    )
    insert_rows(
        Response._meta.db_table,
        ["registration_id", "kind", "questionnaire_id", "submitted_at", "source"],
        [
            (registration_id, kind, questionnaires[kind].pk, submitted, "web")
            for registration_id in registration_ids
            for kind in ("pre", "post")
        ],
    )
    responses = dict(
        (
            ((registration_id, kind), pk)
            for pk, registration_id, kind in Response.objects.filter(registration_id__in=registration_ids)
            .values_list("pk", "registration_id", "kind")
            .iterator(chunk_size=20_000)
        )
    )
    answers = []
    for registration_id in registration_ids:
        before = [rng.randint(1, 4) for _ in range(8)]
        pre, post = responses[registration_id, "pre"], responses[registration_id, "post"]
        for item_id, value in zip(confidence["pre"], before, strict=True):
            answers.append((pre, item_id, value, ""))
        for item_id, value in zip(confidence["post"], before, strict=True):
            answers.append((post, item_id, min(5, value + rng.choice((-1, 0, 0, 1, 1, 1))), ""))
    insert_rows(Answer._meta.db_table, ["response_id", "item_id", "value", "text"], answers)
    ensure_default_criteria(programme=programme)
    return programme, len(answers)


def main() -> None:
    from evaluation.data import load_frames, read_answer_rows
    from evaluation.reporting import Filters, build_report

    people = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    setup_test_environment()
    test_settings = settings.DATABASES["default"]["TEST"]
    if connection.vendor == "sqlite":
        # A file, as in real use (the test default is in memory, which flatters SQLite).
        test_settings["NAME"] = str(Path(tempfile.mkdtemp()) / "bench_evaluation.sqlite3")
    else:
        # Not test_<name>: another run of the test suite may be using that database.
        test_settings["NAME"] = "test_bench_evaluation"
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        started = time.perf_counter()
        programme, answer_rows = create_programme(people)
        if connection.vendor == "postgresql":
            # A database in use has planner statistics (autovacuum gathers them); one bulk-loaded
            # a moment ago has none yet, and its plans for (a) and (b) would be guesses.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"database: {connection.vendor}; {people:,} participants, {answer_rows:,} answer rows "
            f"(setup {time.perf_counter() - started:.0f} s)"
        )
        # Each step returns something small and lets go of the rest before its time is taken,
        # so both include freeing what they read (the full evaluation's frames are freed inside).
        (read_s, rows), (full_s, report) = alternating(
            ROUNDS,
            lambda: len(read_answer_rows(programme)),
            lambda: build_report(programme, Filters(), frames=load_frames(programme)),
        )
        assert rows == answer_rows, rows
        loaded_s, frames = best_of(REPEATS, lambda: load_frames(programme))
        report_s, _ = best_of(REPEATS, lambda: build_report(programme, Filters(), frames=frames))
        print(f"  (a) read the answer rows (read_answer_rows)      {read_s:8.2f} s")
        print(f"  (b) full evaluation (load_frames + build_report) {full_s:8.2f} s")
        print(f"      of which load_frames                         {loaded_s:8.2f} s")
        print(f"      of which build_report                        {report_s:8.2f} s")
        ratio = full_s / read_s
        print(f"  ratio (b)/(a): {ratio:.2f} (goal ≤ {GOAL}) {'met' if ratio <= GOAL else 'NOT met'}")
        print(f"  recommendation: {report.recommendation}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
