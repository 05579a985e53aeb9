"""The headline figures, the success criteria as shown, the methods and the disclosure rule."""

from evaluation import criteria as criteria_module
from evaluation import metrics
from evaluation.enums import Metric
from evaluation.models import SuccessCriterion
from evaluation.report import (
    CriterionResult,
    Headline,
    RawTable,
    Table,
    count,
    disclose,
    figure,
    planning,
    rate,
    statistic,
)
from evaluation.reports.formatting import format_value
from summits.models import Programme

from . import participation
from .context import Context, records
from .outcomes import SHARES_PARTITION

DISCLOSURE_NOTE = (
    "Disclosure control (NHS Digital's HES method): a count of 0 is shown as 0, counts of 1 to 7 as *, and "
    "counts of 8 or more are rounded to the nearest 5; where counts add up to another (improved, unchanged and "
    "worsened to the matched pairs) a further count may show as * so that none of 1 to 7 can be worked out by "
    "subtraction. Percentages, rates and costs per person are computed "
    "from the rounded numbers as shown, and withheld when either of them is *, so that no figure gives away "
    "a count of 1 to 7. Means, tests and effect sizes resting on 7 or fewer people are withheld; they are "
    "given to 2 decimal places. Totals are computed from unrounded numbers and then rounded, so rows may not "
    "add up to the total. Free text is shown only for questions answered by more than 7 people, unattributed, "
    "in random order and with names and contact details removed."
)
RESEARCH_EXTRACT_NOTE = (
    "This report holds aggregates only. Record-level pseudonymised answers are available only as a separate "
    "research extract: a permission of its own granted by an administrator, every download recorded in the "
    "audit log, never for fewer than 8 participants, with a key that is new in every extract, and without "
    "session codes, dates, digital-champion answers or free text."
)
COMPARATOR_SIGNS = {"gte": "≥", "lte": "≤"}


FEW_PEOPLE = criteria_module.FEW_PEOPLE


def _missing(n: int | None, what: str = "people") -> str:
    """Why a figure is not shown: nobody yet, or too few to show."""
    n = int(n or 0)
    if n == 0:
        return "no data yet"
    if n <= metrics.SUPPRESSION_THRESHOLD:
        return f"withheld: fewer than 8 {what}"
    return ""


def _few(n: int | None) -> str:
    n = int(n or 0)
    return f"rests on fewer than {FEW_PEOPLE} people, so read it with care" if 0 < n < FEW_PEOPLE else ""


def _joined(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def _interval(table: Table, low: str, high: str) -> str:
    row = table.rows[0]
    if row.get(low) is None or row.get(high) is None:
        return ""
    return f"95% CI {format_value(row[low], 'percent')} to {format_value(row[high], 'percent')}"


SUMMARY_COLUMNS = [
    count("n_pairs", "People with a pair"),
    count("n_reliable_improved", "Reliably improved"),
    count("n_reliable_worsened", "Reliably worsened"),
    rate("pct_reliable_improved", "Reliably improved %", numerator="n_reliable_improved", denominator="n_pairs"),
    rate("low", "95% CI low", numerator="n_reliable_improved", denominator="n_pairs", interval="low"),
    rate("high", "95% CI high", numerator="n_reliable_improved", denominator="n_pairs", interval="high"),
    rate("pct_reliable_worsened", "Reliably worsened %", numerator="n_reliable_worsened", denominator="n_pairs"),
]


def summary_figures(ctx: Context) -> Table:
    """The scale's headline figures, disclosed: what the summary paragraph may say."""
    scale = {row["measure"]: row for row in records(ctx.paired())}.get("scale", {"n_pairs": 0})
    return disclose(RawTable("summary_figures", "In brief", SUMMARY_COLUMNS, [scale]))


def _in_words(count_shown) -> str:
    """A disclosed count in a sentence: "*" reads "fewer than 8"."""
    return "fewer than 8" if count_shown == metrics.SUPPRESSED else format_value(count_shown, "count")


def plain_summary(ctx: Context, change: Table, ci: str) -> str:
    """The report's opening paragraph in plain English, from disclosed figures only."""
    shown = summary_figures(ctx).rows[0]
    scale = {row["measure"]: row for row in records(ctx.paired())}.get("scale", {"n_pairs": 0})
    n = int(scale.get("n_pairs") or 0)
    if n == 0:
        return (
            "Nobody in this selection has answered both the pre and the post survey yet, so there is no outcome "
            "to report."
        )
    if n <= metrics.SUPPRESSION_THRESHOLD:
        return (
            "Fewer than 8 people in this selection answered both the pre and the post survey, so their outcomes "
            "are withheld to protect their identity."
        )
    people = format_value(shown["n_pairs"], "count")
    sentences = [f"Of the {people} people who answered both surveys"]
    if shown["pct_reliable_improved"] is None or scale.get("n_reliable_improved") is None:
        reason = scale.get("note") or "reliable change could not be worked out"
        sentences[0] += f", reliable change in confidence cannot be given ({reason})."
    else:
        improved = _in_words(shown["n_reliable_improved"])
        interval = _interval(summary_figures(ctx), "low", "high")
        worsened = _in_words(shown["n_reliable_worsened"])
        sentences[0] += (
            f", {improved} ({format_value(shown['pct_reliable_improved'], 'percent')}"
            f"{', ' + interval if interval else ''}) reliably improved their confidence in making decisions about "
            f"data, information and technology, {worsened} reliably worsened and the rest showed no reliable change."
        )
    mean = change.rows[0].get("mean_change")
    if mean is not None:
        sentences.append(
            f"On average, overall confidence changed by {format_value(mean, 'signed')} points on the 5-point scale"
            f"{' (' + ci + ')' if ci.startswith('95%') else ''}."
        )
    if n < FEW_PEOPLE:
        sentences.append(f"These figures rest on fewer than {FEW_PEOPLE} people, so they are uncertain.")
    sentences.append(
        "This is a before-and-after comparison without a comparison group, of self-reported confidence, so it "
        "cannot show that the workshops caused the change (see Methods)."
    )
    return " ".join(sentences)


def headlines(ctx: Context, takeup_total: dict, reaction_all: dict, cost: dict) -> list[Headline]:
    by_measure = {row["measure"]: row for row in records(ctx.paired())}
    overall = by_measure.get("conf_overall", {"n_pairs": 0})
    scale = by_measure.get("scale", {"n_pairs": 0})
    pairs = count("n_pairs")
    change = figure(
        "headline_change", statistic("mean_change", "Mean change", n="n_pairs", format="signed"), overall, [pairs]
    )
    low = figure("headline_ci_low", statistic("ci_low", "CI", n="n_pairs", format="signed"), overall, [pairs])
    high = figure("headline_ci_high", statistic("ci_high", "CI", n="n_pairs", format="signed"), overall, [pairs])
    ci = (
        f"95% CI {low.rows[0]['ci_low']:+.2f} to {high.rows[0]['ci_high']:+.2f}"
        if low.rows[0]["ci_low"] is not None and high.rows[0]["ci_high"] is not None
        else _missing(overall.get("n_pairs")) or change.rows[0]["note"] or overall.get("note") or ""
    )
    ctx.cache["summary"] = plain_summary(ctx, change, ci)
    n_scale = scale.get("n_pairs")
    reliable = figure(
        "headline_reliably_improved",
        rate(
            "pct_reliable_improved",
            "Reliably improved %",
            numerator="n_reliable_improved",
            denominator="n_pairs",
        ),
        scale,
        [count("n_reliable_improved"), pairs],
    )
    reliable_ci = figure(
        "headline_reliably_improved_ci",
        rate("low", "CI", numerator="n_reliable_improved", denominator="n_pairs", interval="low"),
        scale,
        [count("n_reliable_improved"), pairs],
    )
    reliable_ci_high = figure(
        "headline_reliably_improved_ci_high",
        rate("high", "CI", numerator="n_reliable_improved", denominator="n_pairs", interval="high"),
        scale,
        [count("n_reliable_improved"), pairs],
    )
    reliable_interval = ""
    if reliable_ci.rows[0]["low"] is not None and reliable_ci_high.rows[0]["high"] is not None:
        reliable_interval = (
            f"95% CI {format_value(reliable_ci.rows[0]['low'], 'percent')} to "
            f"{format_value(reliable_ci_high.rows[0]['high'], 'percent')} (Wilson)"
        )
    people_attended = metrics.people_count(ctx.selection.registrations, "attended")
    answered, sent = metrics.survey_response_people(ctx.selection.registrations, ctx.selection.answers, "post")
    post_people = {"post_responses": answered, "post_sent": sent}
    post = _wilson_detail(post_people, "post_responses", "post_sent")
    good = _wilson_detail(reaction_all, "n_good", "n_experience")
    attended, total = count("attended"), planning("total", "Total cost", format="money")
    cost_note = (
        participation.COST_OMITTED
        if ctx.filters.splits_costs
        else "sessions already held: their cost over the people who attended them"
    )
    return [
        Headline(
            "People with a pair",
            figure("headline_pairs", count("n_pairs", "People with a pair"), scale),
            _joined("people who answered both the pre and the post survey, each counted once", _missing(n_scale)),
        ),
        Headline("Mean change in overall confidence", change, _joined(ci, _few(overall.get("n_pairs")))),
        Headline(
            "Confidence reliably improved",
            reliable,
            _joined(
                "share of people whose confidence scale score rose by more than the Reliable Change Index allows "
                "for chance",
                reliable_interval,
                _missing(n_scale) or ("" if scale.get("n_reliable_improved") is not None else scale.get("note", "")),
                _few(n_scale),
            ),
        ),
        Headline(
            "Any rise in confidence",
            figure(
                "headline_any_rise",
                rate("pct_improved", "Any rise %", numerator="n_improved", denominator="n_pairs"),
                scale,
                [count("n_improved"), count("n_unchanged"), count("n_worsened"), pairs],
                [SHARES_PARTITION],
            ),
            _joined("share whose scale score rose at all, however little: not a measure of reliable improvement"),
        ),
        Headline(
            "Attended",
            figure("headline_attended", count("attended", "Attended"), {"attended": people_attended}),
            _joined("people who came to at least one session", _missing(people_attended)),
        ),
        Headline(
            "Post-survey response",
            figure(
                "headline_post_response",
                rate("post_response_rate", "Post response %", numerator="post_responses", denominator="post_sent"),
                post_people,
                [count("post_responses"), count("post_sent")],
            ),
            _joined("people who answered / people sent it", post, _missing(sent)),
        ),
        Headline(
            "Rated good or very good",
            figure(
                "headline_good",
                rate("pct_good", "Good or very good %", numerator="n_good", denominator="n_experience"),
                reaction_all,
                [count("n_good"), count("n_experience")],
            ),
            _joined("overall experience, per session attended", good, _missing(reaction_all.get("n_experience"))),
        ),
        Headline(
            "Cost per attendee",
            figure(
                "headline_cost",
                rate(
                    "per_attendee", "Per attendee", numerator="total", denominator="attended", scale=1, format="money"
                ),
                cost,
                [total, attended],
            ),
            _joined(cost_note, "" if ctx.filters.splits_costs else _missing(cost.get("attended"))),
        ),
    ]


def _wilson_detail(row: dict, numerator: str, denominator: str) -> str:
    parts = [count(numerator), count(denominator)]
    low = figure(
        "wilson_low", rate("low", "", numerator=numerator, denominator=denominator, interval="low"), row, parts
    )
    high = figure(
        "wilson_high", rate("high", "", numerator=numerator, denominator=denominator, interval="high"), row, parts
    )
    if low.rows[0]["low"] is None or high.rows[0]["high"] is None:
        return ""
    return f"95% CI {format_value(low.rows[0]['low'], 'percent')} to {format_value(high.rows[0]['high'], 'percent')}"


MONEY_METRICS = {Metric.COST_PER_ATTENDEE}
STATISTIC_METRICS = {Metric.MEAN_CHANGE_OVERALL, Metric.MEAN_CHANGE_SCALE}


def criterion_figure(judged: criteria_module.Judged) -> Table | None:
    """The value a criterion was judged on, as it may be shown: a statistic withheld on 7 or
    fewer people, a percentage or cost per person from the disclosed numerator and denominator."""
    measured = judged.measured
    if measured is None or measured.value is None:
        return None
    metric = judged.criterion.metric
    slug = f"criterion_{metric}"
    if metric in STATISTIC_METRICS:
        return figure(
            slug,
            statistic("value", "Value", n="n", format="signed"),
            {"value": measured.value, "n": measured.n},
            [count("n")],
        )
    if measured.denominator is None:  # a score with no people behind it to count
        return None
    numerator_planning, denominator_planning = measured.planning
    parts = [
        planning("numerator", "") if numerator_planning else count("numerator"),
        planning("denominator", "") if denominator_planning else count("denominator"),
        count("minus"),
    ]
    money = metric in MONEY_METRICS
    column = rate(
        "value",
        "Value",
        numerator="numerator",
        denominator="denominator",
        minus="minus" if measured.minus is not None else None,
        scale=1 if money else 100,
        format="money" if money else ("number" if metric == Metric.NPS else "percent"),
    )
    row = {"numerator": measured.numerator, "denominator": measured.denominator, "minus": measured.minus or 0}
    return figure(slug, column, row, parts)


def criteria_results(
    programme: Programme, frames, selections: dict | None = None
) -> tuple[list[CriterionResult], list[criteria_module.Judged]]:
    """Success criteria are judged on the whole programme's data for their own selection (their
    phase), whatever the dashboard's filters: they are the programme's fixed tests. They are
    judged on the exact figures; what is shown is disclosure-controlled. `selections`: the
    frames already narrowed to a phase, by (phase, None) (criteria.judge)."""
    results, judged_all = [], []
    selections = {} if selections is None else dict(selections)
    for criterion in SuccessCriterion.objects.filter(programme=programme).order_by("order", "pk"):
        judged = criteria_module.judge(criterion, frames, selections)
        judged_all.append(judged)
        results.append(
            CriterionResult(
                name=criterion.name,
                selection=judged.selection,
                figure=criterion_figure(judged),
                comparator=COMPARATOR_SIGNS[criterion.comparator],
                threshold=criteria_module.format_value(criterion.metric, float(criterion.threshold)),
                result=judged.result,
                reason=_joined(judged.reason, criterion_interval(judged)),
            )
        )
    return results, judged_all


def criterion_interval(judged: criteria_module.Judged) -> str:
    """The 95% CI of the value a criterion was judged on, as it may be shown: Wilson's from the
    disclosed counts for a proportion, the t interval (2 decimal places) for a mean change."""
    measured = judged.measured
    if measured is None or measured.value is None or measured.low is None or measured.high is None:
        return ""
    if judged.criterion.metric in STATISTIC_METRICS:
        return f"95% CI {measured.low:+.2f} to {measured.high:+.2f}"
    row = {"numerator": measured.numerator, "denominator": measured.denominator}
    return _wilson_detail(row, "numerator", "denominator")


def methods() -> list[str]:
    return [
        "Design and its limits. This is a one-group before-and-after comparison: there is no comparison group of "
        "leaders who did not attend, so a change cannot be put down to the workshops with certainty. Confidence is "
        "self-reported, not observed decision-making. Regression to the mean: people who start low tend to score "
        "higher next time whatever happens, and the reverse. Response shift: attending can change how people judge "
        "their own confidence, so 'before' and 'after' may not be on the same yardstick (the then-test below "
        "gauges this). Non-response: people who answered the post survey may differ from those who did not (the "
        "attrition table compares their pre-survey scores).",
        f"Unit of analysis: people. A person who attended several sessions counts once: {metrics.PERSON_RULE}. "
        "Tables by session, and tables of registrations, invitations and survey take-up, count registrations and "
        "say so.",
        "Pairing. A person's pre and post answers are paired when they belong to the same registration. A question "
        "counts for a person when they answered it in both surveys. A domain score is the mean of the confidence "
        "questions in that domain that the person answered in both surveys, and the confidence scale score is the "
        "mean of the confidence questions the person answered in both surveys (not of every question), so before "
        "and after always average the same questions.",
        "Questionnaire versions. Answers pair across surveys and versions by a question's stable code. Rewording an "
        "answered confidence question asks the organiser whether it still asks the same thing (same code, answers "
        "pair) or something new (a new code, no pairing); giving a question a new domain makes it a new question. "
        "Each question is shown with the wording of every version that asked it, and the versions in use are "
        "listed.",
        f"Improvement. {metrics.RELIABLE_CHANGE_METHOD}. People are counted as reliably improved, with no reliable "
        "change, or reliably worsened; single questions have no reliable change. 'Any rise' counts every rise, "
        "however small, and is shown only for comparison.",
        "Proportions (reliably improved, response, rated good, success criteria) have Wilson 95% confidence "
        "intervals, computed from the numbers as shown (rounded). Figures resting on fewer than 30 people say so.",
        f"Mean change and its 95% confidence interval: {metrics.T_METHOD}.",
        f"Wilcoxon signed-rank test, as R's wilcox.test(paired = TRUE): {metrics.WILCOXON_EXACT_METHOD} when "
        f"possible; otherwise {metrics.WILCOXON_METHOD}. Each row says which was used. Differences are rounded "
        "before ranking so that equal answers tie.",
        f"Effect size: Cohen's dz = mean change / standard deviation of the changes; its 95% CI by the "
        f"{metrics.DZ_CI_METHOD}. Holm's method adjusts the t-test p-values across the questions.",
        "Then-test: the post survey asks, optionally, how confident people were before the workshop. Comparing it "
        "with the pre survey shows response shift; comparing the post rating with it shows the perceived change.",
        f"Pilot and rollout: {metrics.WELCH_METHOD}; Mann–Whitney U as R's wilcox.test: "
        f"{metrics.MANN_WHITNEY_EXACT_METHOD} when possible, otherwise {metrics.MANN_WHITNEY_METHOD}.",
        "Cost per attendee: the cost lines of sessions already held in the phase, over the people who attended "
        "them. Costs are recorded per session, so they are not shown under a leadership group or region filter.",
        "Undefined statistics are reported as such with the reason (no pairs, one pair, every difference "
        "identical, all differences zero), never as infinite or missing numbers. 'No data yet' means nobody; "
        "'withheld' means 1 to 7 people.",
        "Success criteria are judged on the phase each names, with the unrounded figures, on the point estimate or, "
        "where the criterion says so, 'met with confidence' (its 95% confidence interval wholly past the "
        "threshold); a criterion resting on 7 or fewer people is 'not enough data'. The value shown beside a "
        "criterion follows the disclosure rule.",
    ]
