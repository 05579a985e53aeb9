"""Success criteria: the suggested defaults, computing each metric for a selection, and judging
met / not met / not enough data, then the pilot recommendation.

A figure that rests on 7 or fewer people is withheld (disclosure control), so a criterion on
it is "not enough data" — never judged on a handful of answers.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from evaluation import metrics
from evaluation.data import Frames
from evaluation.enums import Comparator, CriterionResultKind, CriterionScope, Metric
from evaluation.models import SuccessCriterion
from summits import audit
from summits.enums import PhaseKind
from summits.models import Programme

# The programme's suggested criteria (the examples), all judged on the pilot.
DEFAULTS = [
    (Metric.MEAN_CHANGE_OVERALL, Comparator.AT_LEAST, Decimal("0.5"), CriterionScope.OVERALL),
    (Metric.PCT_IMPROVED, Comparator.AT_LEAST, Decimal("60"), CriterionScope.OVERALL),
    (Metric.ATTENDANCE_RATE, Comparator.AT_LEAST, Decimal("75"), CriterionScope.OVERALL),
    (Metric.POST_RESPONSE_RATE, Comparator.AT_LEAST, Decimal("50"), CriterionScope.OVERALL),
    (Metric.PCT_GOOD_EXPERIENCE, Comparator.AT_LEAST, Decimal("80"), CriterionScope.OVERALL),
    (Metric.COST_PER_ATTENDEE, Comparator.AT_MOST, Decimal("200"), CriterionScope.OVERALL),
    (Metric.PCT_OF_TARGET, Comparator.AT_LEAST, Decimal("50"), CriterionScope.EVERY_GROUP),
]

# Criteria on these say whether leaders' confidence grew: the headline (DOMAIN.md).
OUTCOME_METRICS = {Metric.MEAN_CHANGE_OVERALL, Metric.MEAN_CHANGE_SCALE, Metric.PCT_IMPROVED}

UNITS = {
    Metric.MEAN_CHANGE_OVERALL: "points",
    Metric.MEAN_CHANGE_SCALE: "points",
    Metric.NPS: "",
    Metric.COST_PER_ATTENDEE: "£",
}


@transaction.atomic
def ensure_default_criteria(*, programme: Programme, actor=None) -> int:
    """Adds the suggested criteria a programme does not have yet, with one audit entry naming
    them. Returns how many were added."""
    existing = set(SuccessCriterion.objects.filter(programme=programme).values_list("metric", "phase", "scope"))
    new = [
        SuccessCriterion(
            programme=programme,
            metric=metric,
            comparator=comparator,
            threshold=threshold,
            phase=PhaseKind.PILOT,
            scope=scope,
            order=order,
        )
        for order, (metric, comparator, threshold, scope) in enumerate(DEFAULTS, start=1)
        if (metric, PhaseKind.PILOT, scope) not in existing
    ]
    SuccessCriterion.objects.bulk_create(new)
    if new:
        audit.record(
            actor=actor,
            action="criterion.suggested_added",
            obj=programme,
            after={"criteria": [f"{c.name} {c.get_comparator_display()} {c.threshold}" for c in new]},
        )
    return len(new)


def format_value(metric: str, value: float) -> str:
    if metric == Metric.COST_PER_ATTENDEE:
        return f"£{value:,.2f}"
    if metric in (Metric.MEAN_CHANGE_OVERALL, Metric.MEAN_CHANGE_SCALE):
        return f"{value:+.2f}"
    if metric == Metric.NPS:
        return f"{value:+.0f}"
    return f"{value:.1f}%"


@dataclass
class Measured:
    value: float | None
    reason: str = ""  # why value is None


def _pct(numerator: int, denominator: int, what: str) -> Measured:
    if denominator == 0:
        return Measured(None, f"no {what}")
    if denominator <= metrics.SUPPRESSION_THRESHOLD:
        return Measured(None, f"{what} from fewer than 8 people")
    return Measured(100 * numerator / denominator)


def measure(metric: str, frames: Frames, selection: metrics.Selection, total_cost: float) -> Measured:
    """One metric for one selection, or None with the reason it cannot be given."""
    answers, registrations = selection.answers, selection.registrations
    if metric in (Metric.MEAN_CHANGE_OVERALL, Metric.MEAN_CHANGE_SCALE, Metric.PCT_IMPROVED):
        wanted = "scale" if metric != Metric.MEAN_CHANGE_OVERALL else "conf_overall"
        rows = metrics.paired_outcome(answers, frames.items, wanted)
        if rows.empty:
            return Measured(None, "no confidence answers")
        row = rows.iloc[0]
        n = int(row["n_pairs"] or 0)
        if n <= metrics.SUPPRESSION_THRESHOLD:
            return Measured(None, "no pairs" if n == 0 else "fewer than 8 matched pairs")
        return Measured(float(row["pct_improved"] if metric == Metric.PCT_IMPROVED else row["mean_change"]))
    if metric == Metric.ATTENDANCE_RATE:
        attended = int((registrations["status"] == "attended").sum())
        no_shows = int((registrations["status"] == "no_show").sum())
        return _pct(attended, attended + no_shows, "attendance recorded")
    if metric in (Metric.POST_RESPONSE_RATE, Metric.MATCH_RATE):
        takeup = metrics.survey_takeup(registrations, answers).iloc[0]
        if metric == Metric.POST_RESPONSE_RATE:
            return _pct(int(takeup["post_responses"]), int(takeup["post_sent"]), "post surveys sent")
        return _pct(int(takeup["matched_pairs"]), int(takeup["pre_responses"]), "pre responses")
    if metric in (Metric.PCT_GOOD_EXPERIENCE, Metric.NPS):
        row = metrics.reaction(answers, frames.items).iloc[0]
        n = int(row["n_experience" if metric == Metric.PCT_GOOD_EXPERIENCE else "n_recommend"] or 0)
        if n <= metrics.SUPPRESSION_THRESHOLD:
            return Measured(None, "no answers" if n == 0 else "answers from fewer than 8 people")
        return Measured(float(row["pct_good_or_very_good" if metric == Metric.PCT_GOOD_EXPERIENCE else "nps"]))
    if metric == Metric.COST_PER_ATTENDEE:
        attended = int((registrations["status"] == "attended").sum())
        if attended == 0:
            return Measured(None, "nobody has attended yet")
        return Measured(total_cost / attended)
    if metric == Metric.PCT_OF_TARGET:
        raise ValueError("Share of target is measured per group: use measure_by_group")
    raise ValueError(f"Unknown metric {metric}")


def _judge(criterion: SuccessCriterion, value: float) -> str:
    threshold = float(criterion.threshold)
    ok = value >= threshold if criterion.comparator == Comparator.AT_LEAST else value <= threshold
    return CriterionResultKind.MET if ok else CriterionResultKind.NOT_MET


@dataclass
class Judged:
    criterion: SuccessCriterion
    selection: str
    value: str
    result: str
    reason: str = ""


def judge(criterion: SuccessCriterion, frames: Frames) -> Judged:
    """Computes and judges one criterion on the frames (the whole programme's)."""
    phase = criterion.phase or None
    where = PhaseKind(phase).label if phase else "Whole programme"
    selection = metrics.restrict(
        frames.answers,
        frames.registrations,
        frames.memberships,
        frames.sessions,
        invitations=frames.invitations,
        phase=phase,
    )
    cost = float(selection.sessions["cost"].sum()) if len(selection.sessions) else 0.0
    if criterion.metric == Metric.PCT_OF_TARGET or criterion.scope == CriterionScope.EVERY_GROUP:
        return _judge_groups(criterion, frames, selection, where, phase)
    measured = measure(criterion.metric, frames, selection, cost)
    if measured.value is None:
        return Judged(criterion, where, "Not available", CriterionResultKind.NOT_ENOUGH_DATA, measured.reason)
    return Judged(criterion, where, format_value(criterion.metric, measured.value), _judge(criterion, measured.value))


def _judge_groups(criterion, frames: Frames, selection, where: str, phase: str | None) -> Judged:
    """Met when every leadership group with data meets it; the value shown is the lowest (or,
    for "at most", the highest) group's, and the reason names that group."""
    where = f"{where}, every leadership group"
    results: list[tuple[str, Measured]] = []
    if criterion.metric == Metric.PCT_OF_TARGET:
        phases = [phase] if phase else sorted(set(frames.targets["phase"]))
        table = metrics.reach(
            selection.registrations,
            selection.memberships,
            frames.targets,
            selection.invitations,
            by="group",
            sessions=selection.sessions,
            phases=phases,
        )
        for row in table.to_dict("records"):
            if not row["target"]:
                continue
            results.append((row["group"], Measured(100 * row["attended"] / row["target"])))
    else:
        for group in sorted(set(frames.memberships["group"])):
            within = metrics.restrict(
                selection.answers,
                selection.registrations,
                selection.memberships,
                selection.sessions,
                invitations=selection.invitations,
                group=group,
            )
            if within.registrations.empty:
                continue
            cost = float(within.sessions["cost"].sum())
            results.append((group, measure(criterion.metric, frames, within, cost)))
    if not results:
        return Judged(criterion, where, "Not available", CriterionResultKind.NOT_ENOUGH_DATA, "no groups with targets")
    missing = [group for group, measured in results if measured.value is None]
    known = [(group, measured.value) for group, measured in results if measured.value is not None]
    pick = min if criterion.comparator == Comparator.AT_LEAST else max
    if known:
        group, value = pick(known, key=lambda pair: pair[1])
        shown = format_value(criterion.metric, value)
        which = f"{'lowest' if criterion.comparator == Comparator.AT_LEAST else 'highest'}: {group}"
        if any(_judge(criterion, v) == CriterionResultKind.NOT_MET for _, v in known):
            return Judged(criterion, where, shown, CriterionResultKind.NOT_MET, which)
    if missing:
        reason = f"not enough data for {len(missing)} group{'s' if len(missing) != 1 else ''}"
        return Judged(criterion, where, "Not available", CriterionResultKind.NOT_ENOUGH_DATA, reason)
    return Judged(criterion, where, shown, CriterionResultKind.MET, which)


def recommendation(judged: list[Judged]) -> tuple[str, str]:
    """The overall recommendation from the judged criteria: (headline, explanation)."""
    if not judged:
        return ("No recommendation yet", "The programme has no success criteria. Add them to get a recommendation.")
    not_met = [j for j in judged if j.result == CriterionResultKind.NOT_MET]
    unknown = [j for j in judged if j.result == CriterionResultKind.NOT_ENOUGH_DATA]
    outcome_failed = [j for j in not_met if j.criterion.metric in OUTCOME_METRICS]
    count = f"{len(judged) - len(not_met) - len(unknown)} of {len(judged)} criteria met"
    if outcome_failed:
        return (
            "Stop or rethink",
            f"{count}. Leaders' confidence did not grow as much as the criteria ask "
            f"({', '.join(j.criterion.name.lower() for j in outcome_failed)}): review the content before a rollout.",
        )
    # Without a judged outcome nobody can say confidence grew, whatever else failed.
    outcome_unknown = [j for j in unknown if j.criterion.metric in OUTCOME_METRICS]
    if unknown and (not not_met or outcome_unknown):
        failed = f" Not met: {', '.join(j.criterion.name.lower() for j in not_met)}." if not_met else ""
        return (
            "Not enough data yet",
            f"{count}; {len(unknown)} cannot be judged yet: "
            + "; ".join(f"{j.criterion.name.lower()} ({j.reason})" for j in unknown)
            + "."
            + failed,
        )
    if not_met or unknown:
        parts = [f"not met: {', '.join(j.criterion.name.lower() for j in not_met)}"] if not_met else []
        if unknown:
            parts.append(f"not enough data: {', '.join(j.criterion.name.lower() for j in unknown)}")
        return (
            "Go with changes",
            f"{count}. Confidence grew as required, but {'; '.join(parts)}: fix these in the rollout.",
        )
    return ("Go", f"{count}: every success criterion was met.")
