"""A builder for small programmes with known survey answers, so the expected figures can be
worked out by hand (or with scipy) in the test itself.

Every participant answers the overall and the assurance confidence questions (the focus-area
questions are left unanswered), so a person's confidence scale score is the mean of the two.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from attendees.enums import RegistrationStatus
from attendees.models import GroupTarget, Registration
from feedback.services import ensure_default_questionnaires
from summits.enums import PhaseKind, Region, SessionStatus, Theme
from summits.models import Phase, Programme, Session
from tests import factories

# A pair of answers: (before, after) for overall confidence and for assurance.
Pair = tuple[int, int]


@dataclass
class Participant:
    overall: Pair | None  # None: answered neither survey
    assurance: Pair | None = None  # defaults to the overall pair
    experience: int = 4
    relevance: int = 4
    recommend: int = 9
    comment: str = ""
    status: str = RegistrationStatus.ATTENDED
    post: bool = True  # answered the post survey too


# The pilot's first session: 8 people from 2 to 3, 2 from 3 to 3, one 3→4 and one 4→3
# (overall); assurance varies separately so the scale differs from the overall item.
PIL_01 = [
    *[Participant((2, 3), (2, 3), experience=5, recommend=10) for _ in range(6)],
    Participant((2, 3), (2, 2), experience=4, recommend=8),
    Participant((2, 3), (3, 5), experience=3, recommend=6),
    Participant((3, 3), (2, 2), experience=4, recommend=9),
    Participant((3, 3), (3, 4), experience=2, recommend=4),
    Participant((3, 4), (1, 3), experience=5, recommend=10),
    Participant((4, 3), (4, 4), experience=4, recommend=7),
]
# The pilot's second session: 8 people, most up by one or two.
PIL_02 = [
    Participant((1, 3), (1, 2)),
    Participant((1, 2), (2, 3)),
    Participant((2, 4), (2, 3)),
    Participant((2, 2), (2, 3)),
    Participant((3, 4), (3, 3)),
    Participant((2, 3), (1, 3)),
    Participant((4, 5), (4, 5)),
    Participant((3, 2), (3, 3)),
]
# The rollout: 9 people.
ROL_01 = [Participant((2, 4), (2, 4)) for _ in range(5)] + [Participant((3, 3), (3, 4)) for _ in range(4)]


def confidence(overall: int, assurance: int) -> dict[str, int]:
    return {"conf_overall": overall, "conf_assurance": assurance}


@dataclass
class EvaluationBuilder:
    """Makes one programme with its questionnaires; add sessions and participants to it."""

    programme: Programme
    phases: dict[str, Phase] = field(default_factory=dict)
    registrations: list[Registration] = field(default_factory=list)

    @classmethod
    def create(cls, **programme_values) -> "EvaluationBuilder":
        programme = factories.programme(**programme_values)
        ensure_default_questionnaires(programme=programme)
        return cls(programme=programme)

    def phase(self, kind: str) -> Phase:
        if kind not in self.phases:
            self.phases[kind] = factories.phase(programme=self.programme, kind=kind)
        return self.phases[kind]

    def session(
        self,
        code: str,
        *,
        phase: str = PhaseKind.PILOT,
        theme: str = Theme.POSSIBLE,
        region: str = Region.LONDON,
        cost: str | None = None,
        days_ago: int = 30,
    ) -> Session:
        starts_at = timezone.now().replace(microsecond=0) - datetime.timedelta(days=days_ago)
        session = factories.session(
            phase=self.phase(phase),
            code=code,
            title=f"Workshop {code}",
            theme=theme,
            region=region,
            starts_at=starts_at,
            status=SessionStatus.PUBLISHED,
            capacity=40,
        )
        if cost:
            factories.cost_line(session=session, amount=cost)
        return session

    def participant(
        self,
        session: Session,
        spec: Participant,
        *,
        groups: Sequence = (),
        region: str | None = None,
        person=None,
    ) -> Registration:
        """A person (a new one, or `person` again) with an attended (or other status)
        registration, sent pre and post links, and the answers in `spec`."""
        if person is None:
            organisation = factories.organisation(region=region or session.region or Region.LONDON)
            person = factories.person(organisation=organisation, groups=groups)
        registration = factories.registration(session=session, person=person, status=spec.status)
        self.registrations.append(registration)
        sent = timezone.now() - datetime.timedelta(days=40)
        factories.survey_link(registration=registration, kind="pre", sent_at=sent)
        if spec.status == RegistrationStatus.ATTENDED:
            factories.survey_link(registration=registration, kind="post", sent_at=sent)
        if spec.overall is None:
            return registration
        assurance = spec.assurance or spec.overall
        factories.survey_response(
            registration=registration, kind="pre", answers=confidence(spec.overall[0], assurance[0])
        )
        if spec.post and spec.status == RegistrationStatus.ATTENDED:
            answers: dict = confidence(spec.overall[1], assurance[1]) | {
                "experience": spec.experience,
                "relevance": spec.relevance,
                "recommend": spec.recommend,
            }
            if spec.comment:
                answers["do_differently"] = spec.comment
            factories.survey_response(registration=registration, kind="post", answers=answers)
        return registration

    def participants(self, session: Session, specs: Sequence[Participant], **kwargs) -> list[Registration]:
        return [self.participant(session, spec, **kwargs) for spec in specs]

    def target(self, group, kind: str, target: int) -> GroupTarget:
        return GroupTarget.objects.create(group=group, phase=self.phase(kind), target=target)


@dataclass
class Standard:
    """The standard fixture: two pilot sessions and one rollout session, with known answers."""

    builder: EvaluationBuilder
    acute: object  # LeadershipGroup
    icb: object
    pil_01: Session
    pil_02: Session
    rol_01: Session

    @property
    def programme(self) -> Programme:
        return self.builder.programme


def build_standard() -> Standard:
    builder = EvaluationBuilder.create(name="Digital Leadership Workshops 2026/27", slug="dlw-2026-27")
    acute = factories.leadership_group(name="Acute trust boards")
    icb = factories.leadership_group(name="Integrated care boards")
    pil_01 = builder.session("PIL-01", theme=Theme.POSSIBLE, region=Region.LONDON, cost="1200.00")
    pil_02 = builder.session("PIL-02", theme=Theme.HOW_TO, region=Region.NORTH_WEST, cost="800.00")
    rol_01 = builder.session("ROL-01", phase=PhaseKind.ROLLOUT, theme=Theme.POSSIBLE, cost="500.00")
    builder.participants(pil_01, PIL_01, groups=[acute])
    builder.participants(pil_02, PIL_02, groups=[icb])
    builder.participants(rol_01, ROL_01, groups=[acute])
    # Two people who did not come to the pilot: attendance 20 / 22.
    builder.participants(pil_01, [Participant(None, status=RegistrationStatus.NO_SHOW) for _ in range(2)])
    builder.target(acute, PhaseKind.PILOT, 20)
    builder.target(icb, PhaseKind.PILOT, 10)
    return Standard(builder=builder, acute=acute, icb=icb, pil_01=pil_01, pil_02=pil_02, rol_01=rol_01)


@pytest.fixture
def standard(db) -> Standard:
    return build_standard()


@pytest.fixture
def builder(db) -> EvaluationBuilder:
    return EvaluationBuilder.create()


PILOT_COST = Decimal("2000.00")
