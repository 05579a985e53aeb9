"""The evaluators' home page: who may see it, what it shows, and its query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from summits.enums import PhaseKind, SessionStatus
from tests import factories

pytestmark = pytest.mark.django_db

HOME = "/evaluation/"


def test_evaluation_home_url():
    assert reverse("evaluation:home") == HOME


def test_evaluation_home_sends_anonymous_people_to_sign_in(client):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/code/?next={HOME}"


def test_evaluation_home_refuses_a_user_without_a_role(client):
    client.force_login(factories.staff_user("attendee@example.nhs.uk"))

    response = client.get(HOME)

    assert response.status_code == 403


def test_evaluation_home_opens_for_evaluators(evaluator_client):
    response = evaluator_client.get(HOME)

    assert response.status_code == 200


def test_evaluation_home_opens_for_organisers(organiser_client):
    response = organiser_client.get(HOME)

    assert response.status_code == 200


def test_evaluation_home_shows_each_phase_with_its_counts(evaluator_client, programme):
    now = timezone.now()
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT, target_attendees=150)
    factories.published_session(phase=pilot, starts_at=now - datetime.timedelta(days=10), capacity=30)
    factories.published_session(phase=pilot, starts_at=now + datetime.timedelta(days=10), capacity=25)
    factories.session(
        phase=pilot,
        starts_at=now + datetime.timedelta(days=12),
        capacity=99,
        status=SessionStatus.CANCELLED,
        cancellation_reason="Snow",
    )

    response = evaluator_client.get(HOME)

    (phase,) = response.context["phases"]
    assert (
        phase.programme,
        phase.kind,
        phase.target_attendees,
        phase.places,
        phase.sessions_held,
        phase.sessions_planned,
        phase.sessions_cancelled,
    ) == (programme, "pilot", 150, 55, 1, 1, 1)


def test_evaluation_home_never_shows_organiser_navigation_to_evaluators(evaluator_client):
    response = evaluator_client.get(HOME)

    assert response.context["is_evaluator"] is True
    assert response.context["is_organiser"] is False


def _count(client) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_evaluation_home_queries_do_not_grow_with_phases(evaluator_client):
    """One phase, then three (phases are one of each kind per programme, so two programmes)."""
    first = factories.programme()
    factories.phase(programme=first, kind=PhaseKind.PILOT)
    factories.pilot_decision(programme=first)
    factories.published_session(phase=first.phases.get())
    at_one = _count(evaluator_client)

    factories.phase(programme=first, kind=PhaseKind.ROLLOUT)
    second = factories.programme()
    factories.phase(programme=second, kind=PhaseKind.PILOT)
    factories.published_session(phase=second.phases.get())
    at_three = _count(evaluator_client)

    assert at_three == at_one
