"""Success criteria: the suggested defaults, computing each metric for a selection, and judging
met / not met / not enough data, then the pilot recommendation.

A figure that rests on 7 or fewer people is withheld (disclosure control), so a criterion on
it is "not enough data" — never judged on a handful of answers. Figures about confidence count
people, one pair each (metrics.one_per_person). A criterion is judged on its point estimate or,
when its `judged_on` says so, "met with confidence": its 95% confidence interval (Wilson's for a
proportion, the t interval for a mean change) lies wholly past the threshold.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from evaluation import metrics
from evaluation.data import Frames
from evaluation.enums import METRICS_WITH_CI, Comparator, CriterionResultKind, CriterionScope, Judgement, Metric
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


# A figure resting on fewer people than this says so.
FEW_PEOPLE = 30


@dataclass
class Measured:
    value: float | None
    reason: str = ""  # why value is None
    # What the value rests on, so that the report can show it disclosure-controlled
    # (evaluation.report.disclose): a rate's exact numerator (minus `minus`) and denominator,
    # whether the numerator / denominator is a planning figure (a cost, a target) rather than
    # a count of people, or a statistic's n.
    numerator: float | None = None
    denominator: float | None = None
    minus: int | None = None
    n: int | None = None
    planning: tuple[bool, bool] = (False, False)
    # The exact 95% confidence interval (None where the metric has none).
    low: float | None = None
    high: float | None = None

    @property
    def rests_on(self) -> int | None:
        """How many people (or registrations) the figure rests on; None for a cost or a share of a
        target, which are not estimates from a sample."""
        if self.n is not None:
            return self.n
        return None if self.denominator is None or any(self.planning) else int(self.denominator)


def _pct(numerator: int, denominator: int, what: str) -> Measured:
    if denominator == 0:
        return Measured(None, f"no {what}")
    if denominator <= metrics.SUPPRESSION_THRESHOLD:
        return Measured(None, f"{what} from fewer than 8 people")
    low, high = metrics.wilson_interval(numerator, denominator)
    return Measured(100 * numerator / denominator, numerator=numerator, denominator=denominator, low=low, high=high)


def _people_who(registrations, mask) -> set:
    return set(registrations.loc[mask, "participant"].unique().tolist())


def measure(metric: str, frames: Frames, selection: metrics.Selection) -> Measured:
    """One metric for one selection, or None with the reason it cannot be given."""
    answers, registrations = selection.answers, selection.registrations
    if metric in (Metric.MEAN_CHANGE_OVERALL, Metric.MEAN_CHANGE_SCALE, Metric.PCT_IMPROVED):
        people = metrics.one_per_person(answers, registrations, frames.sessions)
        wanted = "scale" if metric != Metric.MEAN_CHANGE_OVERALL else "conf_overall"
        row = metrics.paired_outcome_row(people, frames.items, wanted)
        if row is None:
            return Measured(None, "no confidence answers")
        n = int(row["n_pairs"] or 0)
        if n <= metrics.SUPPRESSION_THRESHOLD:
            return Measured(None, "no pairs" if n == 0 else "fewer than 8 people with a pair")
        if metric == Metric.PCT_IMPROVED:
            if row["n_reliable_improved"] is None:
                return Measured(None, row["note"] or "reliable change undefined")
            return _pct(int(row["n_reliable_improved"]), n, "pairs")
        return Measured(float(row["mean_change"]), n=n, low=row["ci_low"], high=row["ci_high"])
    if metric == Metric.ATTENDANCE_RATE:
        attended = int((registrations["status"] == "attended").sum())
        no_shows = int((registrations["status"] == "no_show").sum())
        return _pct(attended, attended + no_shows, "attendance recorded")
    if metric == Metric.POST_RESPONSE_RATE:
        answered, sent = metrics.survey_response_people(registrations, answers, "post")
        return _pct(answered, sent, "post surveys sent")
    if metric == Metric.MATCH_RATE:
        came = registrations[registrations["status"] == "attended"]
        people = metrics.one_per_person(answers, came, frames.sessions)
        matched = _people_who(came, came["registration"].isin(people.registrations))
        return _pct(len(matched), int(came["participant"].nunique()), "attendees")
    if metric in (Metric.PCT_GOOD_EXPERIENCE, Metric.NPS):
        row = metrics.reaction(answers, frames.items).iloc[0]
        n = int(row["n_experience" if metric == Metric.PCT_GOOD_EXPERIENCE else "n_recommend"] or 0)
        if n <= metrics.SUPPRESSION_THRESHOLD:
            return Measured(None, "no answers" if n == 0 else "answers from fewer than 8 people")
        if metric == Metric.PCT_GOOD_EXPERIENCE:
            good = int(row["experience_4"] or 0) + int(row["experience_5"] or 0)
            return _pct(good, n, "answers")
        return Measured(
            float(row["nps"]), numerator=int(row["n_promoters"]), minus=int(row["n_detractors"]), denominator=n
        )
    if metric == Metric.COST_PER_ATTENDEE:
        phases = sorted(set(selection.sessions["phase"]))
        table = metrics.cost_by_phase(selection.sessions, registrations, phases=phases)
        total = float(table["cost"].sum())
        came = registrations[
            (registrations["status"] == "attended") & registrations["session"].isin(selection.sessions["session"])
        ]
        attended = int(came["participant"].nunique())
        if attended == 0:
            return Measured(None, "nobody has attended a session yet")
        return Measured(total / attended, numerator=total, denominator=attended, planning=(True, False))
    if metric == Metric.PCT_OF_TARGET:
        raise ValueError("Share of target is measured per group: use measure_by_group")
    raise ValueError(f"Unknown metric {metric}")


def _past(criterion: SuccessCriterion, value: float) -> bool:
    threshold = float(criterion.threshold)
    return value >= threshold if criterion.comparator == Comparator.AT_LEAST else value <= threshold


def _judge(criterion: SuccessCriterion, value: float) -> str:
    return CriterionResultKind.MET if _past(criterion, value) else CriterionResultKind.NOT_MET


def _with_confidence(criterion: SuccessCriterion) -> bool:
    return criterion.judged_on == Judgement.WITH_CONFIDENCE and criterion.metric in METRICS_WITH_CI


def _verdict(criterion: SuccessCriterion, measured: Measured) -> tuple[str, str]:
    """(result, reason) for a known value: on the point estimate, or with confidence."""
    notes = []
    rests_on = measured.rests_on
    if rests_on is not None and rests_on < FEW_PEOPLE:
        notes.append(f"rests on fewer than {FEW_PEOPLE} people")
    if not _with_confidence(criterion):
        return _judge(criterion, measured.value), "; ".join(notes)
    if measured.low is None or measured.high is None:
        return CriterionResultKind.NOT_ENOUGH_DATA, "; ".join(["no 95% confidence interval", *notes])
    bound = measured.low if criterion.comparator == Comparator.AT_LEAST else measured.high
    # The interval itself is shown by the report, from disclosed figures.
    if _past(criterion, bound):
        return CriterionResultKind.MET, "; ".join(["met with confidence", *notes])
    return CriterionResultKind.NOT_MET, "; ".join(
        ["not met with confidence: its 95% confidence interval reaches the threshold", *notes]
    )


@dataclass
class Judged:
    criterion: SuccessCriterion
    selection: str
    value: str
    result: str
    reason: str = ""
    measured: Measured | None = None  # what `value` shows, for disclosure control


def _selection(frames: Frames, selections: dict, phase: str | None, group: str | None = None) -> metrics.Selection:
    """The frames narrowed to a phase (None: all), then to a group; each made once per `selections`."""
    key = (phase, group)
    if key not in selections:
        if group is None:
            source: tuple = (frames.answers, frames.registrations, frames.memberships, frames.sessions)
            invitations, filters = frames.invitations, {"phase": phase}
        else:
            within = _selection(frames, selections, phase)
            source = (within.answers, within.registrations, within.memberships, within.sessions)
            invitations, filters = within.invitations, {"group": group}
        selections[key] = metrics.restrict(*source, invitations=invitations, **filters)
    return selections[key]


def judge(criterion: SuccessCriterion, frames: Frames, selections: dict | None = None) -> Judged:
    """Computes and judges one criterion on the frames (the whole programme's). `selections`
    keeps the narrowed frames for the next criterion on the same frames (several judge the
    same phase)."""
    selections = {} if selections is None else selections
    phase = criterion.phase or None
    where = PhaseKind(phase).label if phase else "Whole programme"
    selection = _selection(frames, selections, phase)
    if criterion.metric == Metric.PCT_OF_TARGET or criterion.scope == CriterionScope.EVERY_GROUP:
        return _judge_groups(criterion, frames, selections, where, phase)
    measured = measure(criterion.metric, frames, selection)
    if measured.value is None:
        return Judged(criterion, where, "Not available", CriterionResultKind.NOT_ENOUGH_DATA, measured.reason)
    result, reason = _verdict(criterion, measured)
    return Judged(criterion, where, format_value(criterion.metric, measured.value), result, reason, measured=measured)


def _judge_groups(criterion, frames: Frames, selections: dict, where: str, phase: str | None) -> Judged:
    """Met when every leadership group with data meets it; the value shown is the lowest (or,
    for "at most", the highest) group's, and the reason names that group. Costs are not per
    group, so a cost criterion cannot be judged per group."""
    where = f"{where}, every leadership group"
    if criterion.metric == Metric.COST_PER_ATTENDEE:
        return Judged(
            criterion, where, "Not available", CriterionResultKind.NOT_ENOUGH_DATA, "costs are not recorded per group"
        )
    selection = _selection(frames, selections, phase)
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
            measured = Measured(
                100 * row["attended"] / row["target"],
                numerator=row["attended"],
                denominator=row["target"],
                planning=(False, True),
            )
            results.append((row["group"], measured))
    else:
        for group in sorted(set(frames.memberships["group"])):
            within = _selection(frames, selections, phase, group)
            if within.registrations.empty:
                continue
            results.append((group, measure(criterion.metric, frames, within)))
    if not results:
        return Judged(criterion, where, "Not available", CriterionResultKind.NOT_ENOUGH_DATA, "no groups with targets")
    missing = [group for group, measured in results if measured.value is None]
    verdicts = {group: _verdict(criterion, measured) for group, measured in results if measured.value is not None}
    known = [(group, measured.value) for group, measured in results if measured.value is not None]
    pick = min if criterion.comparator == Comparator.AT_LEAST else max
    if known:
        group, value = pick(known, key=lambda pair: pair[1])
        picked = dict(results)[group]
        shown = format_value(criterion.metric, value)
        which = f"{'lowest' if criterion.comparator == Comparator.AT_LEAST else 'highest'}: {group}"
        failed = [name for name, (result, _) in verdicts.items() if result == CriterionResultKind.NOT_MET]
        if failed:
            reason = f"{which}; not met by {', '.join(failed)}" if failed != [group] else which
            return Judged(criterion, where, shown, CriterionResultKind.NOT_MET, reason, measured=picked)
        missing += [name for name, (result, _) in verdicts.items() if result == CriterionResultKind.NOT_ENOUGH_DATA]
    if missing:
        reason = f"not enough data for {len(missing)} group{'s' if len(missing) != 1 else ''}"
        return Judged(criterion, where, "Not available", CriterionResultKind.NOT_ENOUGH_DATA, reason)
    return Judged(criterion, where, shown, CriterionResultKind.MET, which, measured=picked)


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
