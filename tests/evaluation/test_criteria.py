"""Success criteria: the suggested defaults, judging met / not met / not enough data, the
every-group criterion, and the recommendation's wording."""

from decimal import Decimal

import pytest

from evaluation.criteria import DEFAULTS, Judged, ensure_default_criteria, judge, recommendation
from evaluation.data import load_frames
from evaluation.enums import Comparator, CriterionResultKind, CriterionScope, Judgement, Metric
from evaluation.models import SuccessCriterion
from summits.enums import PhaseKind
from tests import factories
from tests.evaluation.conftest import Participant

pytestmark = pytest.mark.django_db

MET, NOT_MET, NOT_ENOUGH = CriterionResultKind.MET, CriterionResultKind.NOT_MET, CriterionResultKind.NOT_ENOUGH_DATA

# Changes in overall confidence: +1, +2, 0, +1, +1, +1, +2, 0 (mean of all eight: +1.00).
PAIRS = [(2, 3), (2, 4), (3, 3), (2, 3), (3, 4), (2, 3), (1, 3), (3, 3)]


def _criterion(programme, metric, threshold, *, comparator=Comparator.AT_LEAST, scope=CriterionScope.OVERALL):
    return SuccessCriterion.objects.create(
        programme=programme,
        metric=metric,
        comparator=comparator,
        threshold=Decimal(threshold),
        phase=PhaseKind.PILOT,
        scope=scope,
    )


def _judged(judged: Judged) -> tuple:
    return judged.selection, judged.value, judged.result, judged.reason


def test_ensure_default_criteria_adds_the_seven_suggested_criteria(programme):
    added = ensure_default_criteria(programme=programme)

    assert added == 7
    assert [
        (c.metric, c.comparator, c.threshold, c.phase, c.scope, c.order)
        for c in SuccessCriterion.objects.filter(programme=programme).order_by("order")
    ] == [
        (metric, comparator, threshold, "pilot", scope, order)
        for order, (metric, comparator, threshold, scope) in enumerate(DEFAULTS, start=1)
    ]
    assert [metric for metric, *_ in DEFAULTS] == [
        "mean_change_overall",
        "pct_improved",
        "attendance_rate",
        "post_response_rate",
        "pct_good_experience",
        "cost_per_attendee",
        "pct_of_target",
    ]


def test_ensure_default_criteria_is_idempotent(programme):
    ensure_default_criteria(programme=programme)

    added = ensure_default_criteria(programme=programme)

    assert added == 0
    assert SuccessCriterion.objects.filter(programme=programme).count() == 7


def test_ensure_default_criteria_adds_only_the_missing_ones(programme):
    ensure_default_criteria(programme=programme)
    SuccessCriterion.objects.filter(programme=programme, metric=Metric.ATTENDANCE_RATE).delete()

    added = ensure_default_criteria(programme=programme)

    assert added == 1
    assert SuccessCriterion.objects.filter(programme=programme).count() == 7


def _pairs(builder, count: int) -> None:
    session = builder.session("PIL-01")
    builder.participants(session, [Participant(pair) for pair in PAIRS[:count]])


def test_judge_with_7_pairs_is_not_enough_data(builder):
    _pairs(builder, 7)
    criterion = _criterion(builder.programme, Metric.MEAN_CHANGE_OVERALL, "0.5")

    judged = judge(criterion, load_frames(builder.programme))

    assert _judged(judged) == ("Pilot", "Not available", NOT_ENOUGH, "fewer than 8 people with a pair")


def test_judge_with_8_pairs_is_met(builder):
    _pairs(builder, 8)
    criterion = _criterion(builder.programme, Metric.MEAN_CHANGE_OVERALL, "0.5")

    judged = judge(criterion, load_frames(builder.programme))

    assert _judged(judged) == ("Pilot", "+1.00", MET, "rests on fewer than 30 people")


def test_judge_with_8_pairs_below_the_threshold_is_not_met(builder):
    _pairs(builder, 8)
    criterion = _criterion(builder.programme, Metric.MEAN_CHANGE_OVERALL, "1.01")

    judged = judge(criterion, load_frames(builder.programme))

    assert _judged(judged) == ("Pilot", "+1.00", NOT_MET, "rests on fewer than 30 people")


def test_judge_at_most_criterion(builder):
    _pairs(builder, 8)  # one session costing nothing: £0.00 per attendee
    criterion = _criterion(builder.programme, Metric.COST_PER_ATTENDEE, "0", comparator=Comparator.AT_MOST)

    judged = judge(criterion, load_frames(builder.programme))

    assert _judged(judged) == ("Pilot", "£0.00", MET, "")  # a cost, not a sample: no note on its size


def test_judge_without_answers_is_not_enough_data(builder):
    builder.session("PIL-01")
    criterion = _criterion(builder.programme, Metric.PCT_IMPROVED, "60")

    judged = judge(criterion, load_frames(builder.programme))

    assert _judged(judged) == ("Pilot", "Not available", NOT_ENOUGH, "no pairs")


def test_judge_standard_pilot_criteria(standard):
    ensure_default_criteria(programme=standard.programme)
    frames = load_frames(standard.programme)

    results = [_judged(judge(c, frames)) for c in SuccessCriterion.objects.filter(programme=standard.programme)]

    # Overall: mean +0.75. Scale: α of the two pre answers over the 20 pilot people 0.8259, SD of
    # the pre scale scores 0.7678, so a reliable change exceeds 1.96 · 0.7678 · √2 · √0.1741 =
    # 0.888: the 13 people whose scale score rose by 1 or 1.5 (of 17 who rose at all). Attended 20
    # of 22; 20 of 20 people answered the post survey; 18 of 20 rated the experience 4 or 5;
    # £2,000 (both pilot sessions held) / 20 people who attended.
    few = "rests on fewer than 30 people"
    assert results == [
        ("Pilot", "+0.75", MET, few),
        ("Pilot", "65.0%", MET, few),
        ("Pilot", "90.9%", MET, few),
        ("Pilot", "100.0%", MET, few),
        ("Pilot", "90.0%", MET, few),
        ("Pilot", "£100.00", MET, ""),
        ("Pilot, every leadership group", "60.0%", MET, "lowest: Acute trust boards"),
    ]


def test_judge_every_group_names_the_lowest_group_when_not_met(standard):
    criterion = _criterion(standard.programme, Metric.PCT_OF_TARGET, "70", scope=CriterionScope.EVERY_GROUP)

    judged = judge(criterion, load_frames(standard.programme))

    # Acute trust boards: 12 attended of a target of 20; integrated care boards: 8 of 10.
    assert _judged(judged) == ("Pilot, every leadership group", "60.0%", NOT_MET, "lowest: Acute trust boards")


def test_judge_with_confidence_needs_the_wilson_interval_past_the_threshold(standard):
    criterion = _criterion(standard.programme, Metric.PCT_IMPROVED, "60")
    criterion.judged_on = Judgement.WITH_CONFIDENCE
    criterion.save()

    judged = judge(criterion, load_frames(standard.programme))

    # 13 of 20 reliably improved: 65%, but Wilson's 95% interval, by hand with z = 1.959964:
    # (0.65 + z²/40 ± z·√(0.65·0.35/20 + z²/1600)) / (1 + z²/20) = 43.3% to 81.9%.
    assert _judged(judged) == (
        "Pilot",
        "65.0%",
        NOT_MET,
        "not met with confidence: its 95% confidence interval reaches the threshold; rests on fewer than 30 people",
    )
    assert (round(judged.measured.low, 1), round(judged.measured.high, 1)) == (43.3, 81.9)
    criterion.threshold = Decimal("43")
    assert _judged(judge(criterion, load_frames(standard.programme)))[2:] == (
        MET,
        "met with confidence; rests on fewer than 30 people",
    )


def test_judge_mean_change_with_confidence_uses_the_t_interval(builder):
    _pairs(builder, 8)  # changes 1, 2, 0, 1, 1, 1, 2, 0: mean 1, SD √(4/7)
    criterion = _criterion(builder.programme, Metric.MEAN_CHANGE_OVERALL, "0.5")
    criterion.judged_on = Judgement.WITH_CONFIDENCE

    judged = judge(criterion, load_frames(builder.programme))

    # t(0.975, 7) = 2.364624; 1 ± 2.364624 · √(4/7) / √8 = 0.368 to 1.632: not wholly above 0.5.
    assert _judged(judged) == (
        "Pilot",
        "+1.00",
        NOT_MET,
        "not met with confidence: its 95% confidence interval reaches the threshold; rests on fewer than 30 people",
    )
    assert (round(judged.measured.low, 3), round(judged.measured.high, 3)) == (0.368, 1.632)


def test_judge_counts_a_person_with_two_sessions_once(builder):
    registrations = builder.participants(builder.session("PIL-01", days_ago=40), [Participant(p) for p in PAIRS])
    # The first person comes again to a later session and falls from 4 to 1 there: that pair
    # must not count (their pair is from their first session), nor make them two people.
    builder.participant(builder.session("PIL-02", days_ago=20), Participant((4, 1)), person=registrations[0].person)
    criterion = _criterion(builder.programme, Metric.MEAN_CHANGE_OVERALL, "0.5")

    judged = judge(criterion, load_frames(builder.programme))

    assert judged.measured.n == 8
    assert judged.value == "+1.00"


def test_judge_cost_per_attendee_from_held_sessions_only(builder):
    _pairs(builder, 8)  # PIL-01, held 30 days ago, no cost lines
    held = builder.session("PIL-02", cost="400.00", days_ago=10)
    builder.participants(held, [Participant((2, 3)) for _ in range(2)])
    builder.session("PIL-03", cost="5000.00", days_ago=-10)  # not held yet: its cost is left out
    criterion = _criterion(builder.programme, Metric.COST_PER_ATTENDEE, "100", comparator=Comparator.AT_MOST)

    judged = judge(criterion, load_frames(builder.programme))

    assert _judged(judged) == ("Pilot", "£40.00", MET, "")  # £400 / 10 people


def test_judge_cost_for_every_group_is_not_enough_data(standard):
    criterion = _criterion(
        standard.programme,
        Metric.COST_PER_ATTENDEE,
        "100",
        comparator=Comparator.AT_MOST,
        scope=CriterionScope.EVERY_GROUP,
    )

    judged = judge(criterion, load_frames(standard.programme))

    assert _judged(judged) == (
        "Pilot, every leadership group",
        "Not available",
        NOT_ENOUGH,
        "costs are not recorded per group",
    )


def test_judge_every_group_on_confidence_change(standard):
    criterion = _criterion(standard.programme, Metric.MEAN_CHANGE_OVERALL, "0.7", scope=CriterionScope.EVERY_GROUP)

    judged = judge(criterion, load_frames(standard.programme))

    # Acute trust boards in the pilot: +8 over 12 people; integrated care boards: +7 over 8.
    assert _judged(judged) == ("Pilot, every leadership group", "+0.67", NOT_MET, "lowest: Acute trust boards")


def test_judge_every_group_with_a_small_group_is_not_enough_data(standard):
    small = factories.leadership_group(name="Ambulance trust boards")
    session = standard.builder.session("PIL-03")
    standard.builder.participants(session, [Participant((2, 4)) for _ in range(7)], groups=[small])
    criterion = _criterion(standard.programme, Metric.MEAN_CHANGE_OVERALL, "0.5", scope=CriterionScope.EVERY_GROUP)

    judged = judge(criterion, load_frames(standard.programme))

    assert _judged(judged) == (
        "Pilot, every leadership group",
        "Not available",
        NOT_ENOUGH,
        "not enough data for 1 group",
    )


# --- the recommendation -----------------------------------------------------------------------


def _result(metric: str, result: str, reason: str = "") -> Judged:
    return Judged(SuccessCriterion(metric=metric), "Pilot", "1", result, reason)


def test_recommendation_without_criteria():
    assert recommendation([]) == (
        "No recommendation yet",
        "The programme has no success criteria. Add them to get a recommendation.",
    )


def test_recommendation_when_every_criterion_is_met():
    judged = [_result(Metric.MEAN_CHANGE_OVERALL, MET), _result(Metric.ATTENDANCE_RATE, MET)]

    assert recommendation(judged) == ("Go", "2 of 2 criteria met: every success criterion was met.")


def test_recommendation_when_an_outcome_criterion_fails():
    judged = [
        _result(Metric.MEAN_CHANGE_OVERALL, NOT_MET),
        _result(Metric.PCT_IMPROVED, MET),
        _result(Metric.ATTENDANCE_RATE, NOT_MET),
    ]

    assert recommendation(judged) == (
        "Stop or rethink",
        "1 of 3 criteria met. Leaders' confidence did not grow as much as the criteria ask (mean change in overall "
        "confidence (points on the 5-point scale)): review the content before a rollout.",
    )


def test_recommendation_when_only_data_is_missing():
    judged = [
        _result(Metric.MEAN_CHANGE_OVERALL, MET),
        _result(Metric.POST_RESPONSE_RATE, NOT_ENOUGH, "post surveys sent from fewer than 8 people"),
    ]

    assert recommendation(judged) == (
        "Not enough data yet",
        "1 of 2 criteria met; 1 cannot be judged yet: post-survey response rate (%) (post surveys sent from fewer "
        "than 8 people).",
    )


def test_recommendation_when_another_criterion_fails():
    judged = [
        _result(Metric.MEAN_CHANGE_OVERALL, MET),
        _result(Metric.ATTENDANCE_RATE, NOT_MET),
        _result(Metric.NPS, NOT_ENOUGH, "answers from fewer than 8 people"),
    ]

    assert recommendation(judged) == (
        "Go with changes",
        "1 of 3 criteria met. Confidence grew as required, but not met: attendance: attended as a share of places "
        "held (%); not enough data: net promoter score: fix these in the rollout.",
    )


def test_recommendation_never_says_confidence_grew_when_it_could_not_be_judged():
    judged = [
        _result(Metric.MEAN_CHANGE_OVERALL, NOT_ENOUGH, "fewer than 8 matched pairs"),
        _result(Metric.ATTENDANCE_RATE, NOT_MET),
        _result(Metric.NPS, MET),
    ]

    assert recommendation(judged) == (
        "Not enough data yet",
        "1 of 3 criteria met; 1 cannot be judged yet: mean change in overall confidence (points on the 5-point "
        "scale) (fewer than 8 matched pairs). Not met: attendance: attended as a share of places held (%).",
    )


def test_ensure_default_criteria_is_audited_with_who_added_them(programme, organiser):
    from summits.models import AuditEntry

    ensure_default_criteria(programme=programme, actor=organiser)
    ensure_default_criteria(programme=programme, actor=organiser)  # nothing new: no second entry

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_type, len(entry.after["criteria"])) == (
        "criterion.suggested_added",
        organiser,
        "programme",
        len(DEFAULTS),
    )
