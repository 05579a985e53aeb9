"""The demo programme's success criteria give the recommendation its recorded pilot decision
made, so a new user sees one."""

import io

import pytest
from django.core.management import call_command

from evaluation.demo import DEMO_CRITERIA, seed_criteria
from evaluation.models import SuccessCriterion
from evaluation.reporting import Filters, build_report
from summits.enums import PhaseKind, PilotDecisionOutcome
from summits.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    return Programme.objects.get()


def test_demo_pilot_evaluation_recommends_the_recorded_decision(demo):
    report = build_report(demo, Filters(phase=PhaseKind.PILOT))

    assert demo.pilot_decision.outcome == PilotDecisionOutcome.GO_WITH_CHANGES
    assert report.recommendation == PilotDecisionOutcome.GO_WITH_CHANGES.label
    assert [(c.name, c.result) for c in report.criteria if c.result != "met"] == [
        ("Post-survey response rate (%)", "not_met")
    ]


def test_seed_criteria_never_replaces_an_evaluators_own(demo):
    assert SuccessCriterion.objects.filter(programme=demo).count() == len(DEMO_CRITERIA)
    SuccessCriterion.objects.filter(programme=demo).exclude(order=1).delete()

    assert seed_criteria(demo) == 0
    assert SuccessCriterion.objects.filter(programme=demo).count() == 1
