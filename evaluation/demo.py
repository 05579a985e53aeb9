"""The demo programme's success criteria, set so that its evaluation recommends what its recorded
pilot decision says ("go with changes"): confidence grew as the criteria ask, but fewer people
answered the post survey than the programme wanted."""

from decimal import Decimal

from django.db import transaction

from evaluation.enums import Comparator, CriterionScope, Judgement, Metric
from evaluation.models import SuccessCriterion
from summits.enums import PhaseKind
from summits.models import Programme

# (metric, comparator, threshold, scope, judged on)
DEMO_CRITERIA = [
    (Metric.MEAN_CHANGE_OVERALL, Comparator.AT_LEAST, "0.3", CriterionScope.OVERALL, Judgement.WITH_CONFIDENCE),
    (Metric.PCT_IMPROVED, Comparator.AT_LEAST, "30", CriterionScope.OVERALL, Judgement.POINT_ESTIMATE),
    (Metric.ATTENDANCE_RATE, Comparator.AT_LEAST, "75", CriterionScope.OVERALL, Judgement.POINT_ESTIMATE),
    (Metric.POST_RESPONSE_RATE, Comparator.AT_LEAST, "85", CriterionScope.OVERALL, Judgement.POINT_ESTIMATE),
    (Metric.PCT_GOOD_EXPERIENCE, Comparator.AT_LEAST, "75", CriterionScope.OVERALL, Judgement.POINT_ESTIMATE),
    (Metric.COST_PER_ATTENDEE, Comparator.AT_MOST, "200", CriterionScope.OVERALL, Judgement.POINT_ESTIMATE),
    (Metric.PCT_OF_TARGET, Comparator.AT_LEAST, "50", CriterionScope.EVERY_GROUP, Judgement.POINT_ESTIMATE),
]


@transaction.atomic
def seed_criteria(programme: Programme) -> int:
    """Gives the demo programme its success criteria, unless it has some already (an evaluator's
    own are never replaced). Returns how many were added."""
    if SuccessCriterion.objects.filter(programme=programme).exists():
        return 0
    SuccessCriterion.objects.bulk_create(
        SuccessCriterion(
            programme=programme,
            metric=metric,
            comparator=comparator,
            threshold=Decimal(threshold),
            phase=PhaseKind.PILOT,
            scope=scope,
            judged_on=judged_on,
            order=order,
        )
        for order, (metric, comparator, threshold, scope, judged_on) in enumerate(DEMO_CRITERIA, start=1)
    )
    return len(DEMO_CRITERIA)
