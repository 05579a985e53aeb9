"""How long the outcome report takes for a 30-session programme: building the report
(evaluation.reporting.build_report, which reads the frames and computes every table) and
rendering the PDF (evaluation.reports.pdf.render_pdf), timed separately.

Run: .venv/bin/python benchmarks/report_pdf.py
(add DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to measure on PostgreSQL).

The programme: a pilot of 6 sessions and a rollout of 24, about 25 attended each (plus a few
no-shows), every attendee with pre and post answers to all the confidence questions and the
reaction questions, a few free-text answers, 3 leadership groups with targets, cost lines,
and the 7 suggested success criteria. Goal: the PDF renders in under 1 s. Best of 5.
"""

from __future__ import annotations

import gc
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

PILOT_SESSIONS = 6
ROLLOUT_SESSIONS = 24
ATTENDED = 25
REPEATS = 5
GOAL_SECONDS = 1.0


def best_of(repeats: int, work: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def create_programme():
    from attendees.enums import RegistrationStatus
    from attendees.models import GroupTarget, LeadershipGroup, Organisation, Person, Registration
    from evaluation.criteria import ensure_default_criteria
    from feedback.models import Answer, Item, Response, SurveyLink
    from feedback.services import ensure_default_questionnaires
    from summits.enums import PhaseKind, Region, SessionStatus, Theme
    from summits.models import CostLine, FocusArea, Phase, Programme, Session

    rng = random.Random(2026)
    if not FocusArea.objects.exists():  # the data migration seeds six; make the benchmark independent of it
        FocusArea.objects.bulk_create(
            FocusArea(number=n, name=f"Focus area {n}", short_name=f"Area {n}") for n in range(1, 7)
        )
    programme = Programme.objects.create(name="Digital Leadership Workshops 2026/27", slug="dlw-2026-27")
    questionnaires = ensure_default_questionnaires(programme=programme)
    items = {kind: {item.code: item for item in q.items.all()} for kind, q in questionnaires.items()}
    phases = {
        kind: Phase.objects.create(
            programme=programme, kind=kind, starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31), target_attendees=300
        )
        for kind in (PhaseKind.PILOT, PhaseKind.ROLLOUT)
    }
    groups = [LeadershipGroup.objects.create(name=name) for name in ("Acute trust boards", "ICBs", "Ambulance boards")]
    GroupTarget.objects.bulk_create(
        GroupTarget(group=group, phase=phase, target=60 if phase.kind == PhaseKind.PILOT else 240)
        for group in groups
        for phase in phases.values()
    )
    regions, themes = list(Region), list(Theme)
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {n}", type="acute_trust", region=regions[n % len(regions)]) for n in range(40)
    )
    first = datetime(2026, 2, 2, 9, 30, tzinfo=UTC)
    sessions = Session.objects.bulk_create(
        Session(
            phase=phases[PhaseKind.PILOT if n < PILOT_SESSIONS else PhaseKind.ROLLOUT],
            code=f"{'PIL' if n < PILOT_SESSIONS else 'ROL'}-{n:02d}",
            theme=themes[n % len(themes)],
            title=f"Leading digital change, workshop {n}",
            starts_at=first + timedelta(days=7 * n),
            ends_at=first + timedelta(days=7 * n, hours=3),
            online_url="https://meet.example.nhs.uk/j/1",
            capacity=30,
            region=regions[n % len(regions)],
            status=SessionStatus.PUBLISHED,
            published_at=first - timedelta(days=30),
        )
        for n in range(PILOT_SESSIONS + ROLLOUT_SESSIONS)
    )
    CostLine.objects.bulk_create(
        CostLine(session=s, category="venue", description="Room hire", amount=Decimal("2500.00")) for s in sessions
    )
    people, registrations = [], []
    for session in sessions:
        for n in range(ATTENDED + 2):
            people.append(
                Person(
                    first_name="Alex",
                    last_name=f"Leader {session.code} {n}",
                    email=f"alex.{session.code.lower()}.{n}@example.nhs.uk",
                    organisation=organisations[rng.randrange(len(organisations))],
                )
            )
    people = Person.objects.bulk_create(people)
    Person.groups.through.objects.bulk_create(
        Person.groups.through(person_id=p.pk, leadershipgroup_id=groups[i % len(groups)].pk)
        for i, p in enumerate(people)
    )
    per_session = ATTENDED + 2
    for index, session in enumerate(sessions):
        for n, person in enumerate(people[index * per_session : (index + 1) * per_session]):
            status = RegistrationStatus.ATTENDED if n < ATTENDED else RegistrationStatus.NO_SHOW
            registrations.append(Registration(session=session, person=person, status=status, confirmed_at=first))
    registrations = Registration.objects.bulk_create(registrations)
    links, responses = [], []
    for registration in registrations:
        for kind in ("pre", "post"):
            if kind == "post" and registration.status != RegistrationStatus.ATTENDED:
                continue
            links.append(
                SurveyLink(
                    registration=registration,
                    kind=kind,
                    opens_at=first - timedelta(days=10),
                    closes_at=first + timedelta(days=400),
                    sent_at=first,
                )
            )
            responses.append(
                Response(registration=registration, kind=kind, questionnaire=questionnaires[kind], submitted_at=first)
            )
    SurveyLink.objects.bulk_create(links)
    responses = Response.objects.bulk_create(responses)
    answers = []
    levels: dict[int, int] = {}
    for response in responses:
        wanted: dict[str, Item] = items[response.kind]
        base = levels.setdefault(response.registration_id, rng.randint(1, 4))
        for code, item in wanted.items():
            if item.purpose == "confidence":
                value = base if response.kind == "pre" else min(5, base + rng.choice((0, 0, 1, 1, 1, 2, -1)))
                answers.append(Answer(response=response, item=item, value=max(1, value)))
            elif code in ("experience", "relevance"):
                answers.append(Answer(response=response, item=item, value=rng.choice((3, 4, 4, 5, 5))))
            elif code == "recommend":
                answers.append(Answer(response=response, item=item, value=rng.randint(5, 10)))
            elif code == "do_differently" and rng.random() < 0.3:
                answers.append(Answer(response=response, item=item, text="Ask the board for an assurance plan."))
    Answer.objects.bulk_create(answers, batch_size=5000)
    ensure_default_criteria(programme=programme)
    return programme, len(registrations), len(answers)


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DEBUG", "true")  # a local run: settings are off-production
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DLW_TESTING"] = "true"
    import django

    django.setup()
    from django.db import connection

    from evaluation.reporting import Filters, build_report
    from evaluation.reports.pdf import render_pdf

    old_name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":  # SQLite's test database is in memory; elsewhere avoid the test runner's name
        connection.settings_dict["TEST"]["NAME"] = "test_benchmark_report_pdf"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        programme, registrations, answers = create_programme()
        report = build_report(programme, Filters())  # warm up imports and caches
        render_pdf(report)
        build_seconds, report = best_of(REPEATS, lambda: build_report(programme, Filters()))
        pdf_seconds, pdf = best_of(REPEATS, lambda: render_pdf(report))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    sessions = PILOT_SESSIONS + ROLLOUT_SESSIONS
    print(f"database: {connection.vendor}; sessions: {sessions}; registrations: {registrations}; answers: {answers}")
    print(f"best of {REPEATS}")
    print(f"build_report: {build_seconds:6.3f} s")
    print(
        f"render_pdf:   {pdf_seconds:6.3f} s  ({pages} pages, {len(pdf):,} bytes)  goal: < {GOAL_SECONDS:.1f} s  "
        f"{'met' if pdf_seconds < GOAL_SECONDS else 'NOT MET'}"
    )


if __name__ == "__main__":
    main()
