"""Demo survey answers, so the evaluation pages have something real to show.

The pilot's attendees answered before and after: most answered both, some only one. Their
confidence grew more after "The possible" than after "How did", digital leaders (the CIO/CCIO
network) started higher and gained less, and a few ended less confident. Rollout places
that are confirmed have their pre-survey links, and some have answered. The demo board member
has answered the pilot surveys and has an open pre survey for their rollout workshop.
Deterministic (seeded random numbers) and safe to run again: nothing is added twice.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from attendees.enums import RegistrationStatus
from attendees.models import Registration
from feedback.enums import ItemPurpose, ResponseSource, SurveyKind
from feedback.models import Answer, Item, Response, SurveyLink
from feedback.services import ensure_default_questionnaires
from summits.enums import PhaseKind, SessionStatus, Theme
from summits.models import Programme

BOARD_MEMBER_EMAIL = "board.member@example.nhs.uk"
CIO_NETWORK = "CIO/CCIO network"
THEME_GAIN = {Theme.POSSIBLE: 0.9, Theme.HOW_TO: 0.75, Theme.HOW_DID: 0.45}
DO_DIFFERENTLY = [
    "Ask for the data protection impact assessment before the board signs off a new system.",
    "Put a digital item on every board agenda.",
    "Meet our CCIO monthly to review the digital risk register.",
    "Ask suppliers how they will meet the data security and protection standards.",
    "Visit the trust that showed their shared care record.",
    "Use the assurance questions from the workshop at our next investment review.",
    "Find out which of our services could use remote monitoring.",
    "Talk to our system partners about a shared approach to cyber security.",
]


def _clip(value: float, low: int = 1, high: int = 5) -> int:
    return max(low, min(high, round(value)))


@transaction.atomic
def seed_responses(programme: Programme, now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    current = ensure_default_questionnaires(programme=programme)
    if Response.objects.filter(registration__session__phase__programme=programme).exists():
        return _summary(programme)
    items = {
        kind: list(Item.objects.filter(questionnaire=questionnaire).order_by("order"))
        for kind, questionnaire in current.items()
    }
    rng = random.Random(2015)
    registrations = list(
        Registration.objects.filter(
            session__phase__programme=programme,
            session__status=SessionStatus.PUBLISHED,
            status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW),
        )
        .select_related("session__phase", "person")
        .prefetch_related("person__groups")
        .order_by("session__starts_at", "pk")
    )
    links: list[SurveyLink] = []
    planned: list[tuple[Registration, str, dict[str, int | str], datetime.datetime]] = []
    for registration in registrations:
        session = registration.session
        person = registration.person
        groups = {group.name for group in person.groups.all()}
        base = rng.gauss(3.0 if CIO_NETWORK in groups else 2.3, 0.55)
        gain = THEME_GAIN[session.theme] * (0.35 if CIO_NETWORK in groups else 1.0)
        if rng.random() < 0.08:
            gain = -rng.choice((0.6, 1.0))  # a few come away less sure of themselves
        confidence_pre = {item.code: _clip(base + rng.gauss(0, 0.6)) for item in items[SurveyKind.PRE]}
        is_demo_board_member = person.email == BOARD_MEMBER_EMAIL
        confirmed = registration.confirmed_at or session.published_at or session.starts_at
        pre_sent = min(confirmed, session.starts_at - datetime.timedelta(hours=1))
        links.append(
            SurveyLink(
                registration=registration,
                kind=SurveyKind.PRE,
                opens_at=pre_sent,
                closes_at=session.starts_at,
                sent_at=pre_sent,
            )
        )
        past = session.phase.kind == PhaseKind.PILOT
        answers_pre = rng.random() < (0.88 if registration.status == RegistrationStatus.ATTENDED else 0.5)
        if not past:
            answers_pre = not is_demo_board_member and rng.random() < 0.4 and pre_sent < now
        if answers_pre:
            answered_at = min(now, pre_sent + datetime.timedelta(hours=rng.randint(2, 120)), session.starts_at)
            planned.append((registration, SurveyKind.PRE, confidence_pre, answered_at))
        if registration.status != RegistrationStatus.ATTENDED:
            continue
        post_sent = session.ends_at + datetime.timedelta(hours=1)
        links.append(
            SurveyLink(
                registration=registration,
                kind=SurveyKind.POST,
                opens_at=post_sent,
                closes_at=post_sent + datetime.timedelta(days=14),
                sent_at=post_sent,
                reminded_at=post_sent + datetime.timedelta(days=12),
            )
        )
        if rng.random() >= (0.8 if answers_pre else 0.45):
            continue
        post: dict[str, int | str] = {}
        for item in items[SurveyKind.POST]:
            if item.purpose == ItemPurpose.CONFIDENCE:
                post[item.code] = _clip(confidence_pre[item.code] + gain + rng.gauss(0, 0.55))
        post["experience"] = rng.choices((5, 4, 3, 2), weights=(45, 38, 13, 4))[0]
        post["relevance"] = rng.choices((5, 4, 3, 2), weights=(35, 42, 18, 5))[0]
        post["recommend"] = rng.choices(range(4, 11), weights=(2, 3, 6, 10, 22, 30, 27))[0]
        if rng.random() < 0.6:
            for item in items[SurveyKind.POST]:
                if item.purpose == ItemPurpose.RETROSPECTIVE:
                    # Knowing more, people rate their "before" a little lower than they did.
                    post[item.code] = _clip(confidence_pre[item.retrospective_of] - 0.35 + rng.gauss(0, 0.5))
        if rng.random() < 0.7:
            post["do_differently"] = rng.choice(DO_DIFFERENTLY)
        post["digital_champion"] = 1 if rng.random() < 0.22 or is_demo_board_member else 0
        answered_at = post_sent + datetime.timedelta(hours=rng.randint(1, 200))
        planned.append((registration, SurveyKind.POST, post, answered_at))

    SurveyLink.objects.bulk_create(links, batch_size=500, ignore_conflicts=True)
    responses = Response.objects.bulk_create(
        [
            Response(
                registration=registration,
                kind=kind,
                questionnaire=current[kind],
                submitted_at=at,
                source=ResponseSource.IMPORT if index % 17 == 3 else ResponseSource.WEB,
            )
            for index, (registration, kind, _, at) in enumerate(planned)
        ],
        batch_size=500,
    )
    by_code = {kind: {item.code: item for item in kind_items} for kind, kind_items in items.items()}
    Answer.objects.bulk_create(
        [
            Answer(
                response=response,
                item=by_code[kind][code],
                value=value if isinstance(value, int) else None,
                text=value if isinstance(value, str) else "",
            )
            for response, (_, kind, answers, _) in zip(responses, planned, strict=True)
            for code, value in answers.items()
        ],
        batch_size=1000,
    )
    return _summary(programme)


def _summary(programme: Programme) -> dict[str, int]:
    responses = Response.objects.filter(registration__session__phase__programme=programme)
    return {
        "links": SurveyLink.objects.filter(registration__session__phase__programme=programme).count(),
        "pre": responses.filter(kind=SurveyKind.PRE).count(),
        "post": responses.filter(kind=SurveyKind.POST).count(),
        "answers": Answer.objects.filter(response__in=responses).count(),
    }
