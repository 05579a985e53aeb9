"""Plain functions that build valid objects with sensible defaults; keyword arguments override."""

import datetime
import itertools
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from summits.enums import PhaseKind, PilotDecisionOutcome, Region, SessionStatus, Theme
from summits.models import CostLine, Facilitator, FocusArea, Phase, PilotDecision, Programme, Session, Venue
from summits.roles import ROLES

_counter = itertools.count(1)


def london(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def staff_user(email: str, *, role: str | None = None):
    user = get_user_model().objects.create_user(username=email, email=email)
    user.set_unusable_password()
    user.save()
    # As grant_staff_role leaves it: the address is verified, so sign-in by code needs no extra step.
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if role:
        user.groups.add(Group.objects.get(name=ROLES[role]))
    return user


def programme(**overrides) -> Programme:
    n = next(_counter)
    values = {"name": f"Digital Leadership Workshops {n}", "slug": f"dlw-{n}"}
    values.update(overrides)
    return Programme.objects.create(**values)


def phase(*, programme: Programme | None = None, kind: str = PhaseKind.PILOT, **overrides) -> Phase:
    today = timezone.localdate()
    values = {
        "programme": programme or globals()["programme"](),
        "kind": kind,
        "starts_on": today - datetime.timedelta(days=400),
        "ends_on": today + datetime.timedelta(days=400),
        "target_attendees": 120,
    }
    values.update(overrides)
    return Phase.objects.create(**values)


def venue(**overrides) -> Venue:
    n = next(_counter)
    values = {"name": f"Conference Centre {n}", "town": "Leeds", "region": Region.NORTH_EAST_AND_YORKSHIRE}
    values.update(overrides)
    return Venue.objects.create(**values)


def facilitator(**overrides) -> Facilitator:
    n = next(_counter)
    values = {"name": f"Facilitator {n}", "network": "CIO network"}
    values.update(overrides)
    return Facilitator.objects.create(**values)


def session(
    *,
    phase: Phase | None = None,
    starts_at: datetime.datetime | None = None,
    hours: int = 3,
    focus_areas=(),
    facilitators=(),
    **overrides,
) -> Session:
    n = next(_counter)
    starts_at = starts_at or timezone.now().replace(microsecond=0) + datetime.timedelta(days=30 + n % 300)
    values = {
        "phase": phase or globals()["phase"](),
        "code": f"S-{n:04d}",
        "theme": Theme.POSSIBLE,
        "title": f"The art of the possible {n}",
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=hours),
        "online_url": "https://meet.example.nhs.uk/session",
        "capacity": 30,
    }
    values.update(overrides)
    if values.get("status") == SessionStatus.PUBLISHED and "published_at" not in values:
        values["published_at"] = timezone.now()
    created = Session.objects.create(**values)
    if focus_areas:
        created.focus_areas.set(focus_areas)
    if facilitators:
        created.facilitators.set(facilitators)
    return created


def published_session(**overrides) -> Session:
    return session(status=SessionStatus.PUBLISHED, **overrides)


def cost_line(*, session: Session, amount: str = "100.00", **overrides) -> CostLine:
    values = {"category": "venue", "description": "Room hire", "amount": Decimal(amount)}
    values.update(overrides)
    return CostLine.objects.create(session=session, **values)


def pilot_decision(*, programme: Programme, outcome: str = PilotDecisionOutcome.GO, decided_by=None) -> PilotDecision:
    return PilotDecision.objects.create(
        programme=programme,
        outcome=outcome,
        rationale="The pilot met its criteria.",
        decided_by=decided_by or staff_user(f"decider{next(_counter)}@example.nhs.uk"),
        decided_on=timezone.localdate(),
    )


def focus_area(number: int) -> FocusArea:
    return FocusArea.objects.get(number=number)


# People --------------------------------------------------------------------------------------


def leadership_group(**overrides):
    from attendees.models import LeadershipGroup

    values = {"name": f"Leadership group {next(_counter)}"}
    values.update(overrides)
    return LeadershipGroup.objects.create(**values)


def organisation(**overrides):
    from attendees.enums import OrganisationType
    from attendees.models import Organisation

    values = {
        "name": f"Organisation {next(_counter)} NHS Trust",
        "type": OrganisationType.ACUTE_TRUST,
        "region": Region.LONDON,
    }
    values.update(overrides)
    return Organisation.objects.create(**values)


def person(*, groups=(), **overrides):
    from attendees.models import Person

    n = next(_counter)
    values = {
        "first_name": "Alex",
        "last_name": f"Leader{n}",
        "email": f"alex.leader{n}@example.nhs.uk",
        "job_title": "Chief executive",
    }
    values.update(overrides)
    if "organisation" not in overrides:
        values["organisation"] = organisation()
    created = Person.objects.create(**values)
    if groups:
        created.groups.set(groups)
    return created


def invitation(*, session: Session, person=None, **overrides):
    from attendees.models import Invitation

    return Invitation.objects.create(session=session, person=person or globals()["person"](), **overrides)


def registration(*, session: Session, person=None, status: str = "confirmed", **overrides):
    """A registration as the services leave it: one holding a place counts in places_taken."""
    from django.db.models import F

    from attendees.enums import HOLDS_A_PLACE
    from attendees.models import Registration

    values = {"status": status, "confirmed_at": timezone.now() if status in HOLDS_A_PLACE else None}
    values.update(overrides)
    created = Registration.objects.create(session=session, person=person or globals()["person"](), **values)
    if status in HOLDS_A_PLACE:
        Session.objects.filter(pk=session.pk).update(places_taken=F("places_taken") + 1)
        session.refresh_from_db(fields=["places_taken"])
    return created


# Surveys --------------------------------------------------------------------------------------


def survey_link(*, registration, kind: str = "pre", **overrides):
    """A link open from a day ago: the pre survey until the session starts, the others for 14 days."""
    from feedback.models import SurveyLink

    now = timezone.now()
    closes_at = registration.session.starts_at if kind == "pre" else now + datetime.timedelta(days=14)
    values = {"opens_at": min(now, closes_at) - datetime.timedelta(days=1), "closes_at": closes_at}
    values.update(overrides)
    return SurveyLink.objects.create(registration=registration, kind=kind, **values)


def survey_response(*, registration, kind: str = "pre", answers: dict, questionnaire=None, **overrides):
    """A response with `answers` by item code: a number for scales and yes/no, a string for free text.
    Answers the current version of the programme's questionnaire unless `questionnaire` is given."""
    from feedback.models import Answer, Questionnaire, Response

    if questionnaire is None:
        questionnaire = (
            Questionnaire.objects.filter(programme_id=registration.session.phase.programme_id, kind=kind)
            .order_by("-version")
            .first()
        )
    values = {"submitted_at": timezone.now()}
    values.update(overrides)
    created = Response.objects.create(registration=registration, kind=kind, questionnaire=questionnaire, **values)
    items = {item.code: item for item in questionnaire.items.all()}
    Answer.objects.bulk_create(
        Answer(
            response=created,
            item=items[code],
            value=None if isinstance(answer, str) else answer,
            text=answer if isinstance(answer, str) else "",
        )
        for code, answer in answers.items()
    )
    return created
