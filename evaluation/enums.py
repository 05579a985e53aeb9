from django.db import models


class Metric(models.TextChoices):
    """What a success criterion measures. evaluation.criteria computes each one."""

    MEAN_CHANGE_OVERALL = "mean_change_overall", "Mean change in overall confidence (points on the 5-point scale)"
    MEAN_CHANGE_SCALE = "mean_change_scale", "Mean change in the confidence scale score (points)"
    PCT_IMPROVED = "pct_improved", "People whose confidence reliably improved (%)"
    ATTENDANCE_RATE = "attendance_rate", "Attendance: attended as a share of places held (%)"
    POST_RESPONSE_RATE = "post_response_rate", "Post-survey response rate (%)"
    PCT_GOOD_EXPERIENCE = "pct_good_experience", "Rated the experience good or very good (%)"
    NPS = "nps", "Net Promoter Score"
    COST_PER_ATTENDEE = "cost_per_attendee", "Cost per attendee (£)"
    PCT_OF_TARGET = "pct_of_target", "Attended as a share of the target number (%)"
    MATCH_RATE = "match_rate", "People with a pre and a post survey as a share of people who attended (%)"


class Comparator(models.TextChoices):
    AT_LEAST = "gte", "at least (≥)"
    AT_MOST = "lte", "at most (≤)"


class Judgement(models.TextChoices):
    """How a criterion's figure is held against its threshold."""

    POINT_ESTIMATE = "point", "On its point estimate"
    WITH_CONFIDENCE = (
        "confident",
        "Met with confidence: the whole of its 95% confidence interval must meet the criterion",
    )


# Metrics with a confidence interval: the proportions (Wilson) and the mean changes (t).
METRICS_WITH_CI = frozenset(
    {
        Metric.MEAN_CHANGE_OVERALL,
        Metric.MEAN_CHANGE_SCALE,
        Metric.PCT_IMPROVED,
        Metric.ATTENDANCE_RATE,
        Metric.POST_RESPONSE_RATE,
        Metric.PCT_GOOD_EXPERIENCE,
        Metric.MATCH_RATE,
    }
)


class CriterionScope(models.TextChoices):
    OVERALL = "overall", "The selection as a whole"
    EVERY_GROUP = "every_group", "Every leadership group in the selection"


class CriterionResultKind(models.TextChoices):
    MET = "met", "Met"
    NOT_MET = "not_met", "Not met"
    NOT_ENOUGH_DATA = "not_enough_data", "Not enough data"


class ExtractStatus(models.TextChoices):
    PENDING = "pending", "Being prepared"
    READY = "ready", "Ready to download"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Deleted after the retention period"
