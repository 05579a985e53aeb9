"""The headline figures, the success criteria as shown, the methods and the disclosure rule."""

from evaluation import criteria as criteria_module
from evaluation import metrics
from evaluation.enums import Metric
from evaluation.models import SuccessCriterion
from evaluation.report import CriterionResult, Headline, Table, count, figure, planning, rate, statistic
from summits.models import Programme

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
        else change.rows[0]["note"] or overall.get("note") or ""
    )
    attended, total = count("attended"), planning("total", "Total cost", format="money")
    return [
        Headline(
            "Matched pairs",
            figure("headline_pairs", count("matched_pairs", "Matched pairs"), takeup_total),
            "registrations with a pre and a post survey",
        ),
        Headline("Mean change in overall confidence", change, ci),
        Headline(
            "Confidence improved",
            figure(
                "headline_improved",
                rate("pct_improved", "Improved %", numerator="n_improved", denominator="n_pairs"),
                scale,
                [count("n_improved"), count("n_unchanged"), count("n_worsened"), pairs],
                [SHARES_PARTITION],
            ),
            "share of matched pairs whose confidence scale score rose",
        ),
        Headline("Attended", figure("headline_attended", count("attended", "Attended"), cost), "attendances"),
        Headline(
            "Post-survey response",
            figure(
                "headline_post_response",
                rate("post_response_rate", "Post response %", numerator="post_responses", denominator="post_sent"),
                takeup_total,
                [count("post_responses"), count("post_sent")],
            ),
            "answered / sent",
        ),
        Headline(
            "Rated good or very good",
            figure(
                "headline_good",
                rate("pct_good", "Good or very good %", numerator="n_good", denominator="n_experience"),
                reaction_all,
                [count("n_good"), count("n_experience")],
            ),
            "overall experience",
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
            "",
        ),
    ]


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


def criteria_results(programme: Programme, frames) -> tuple[list[CriterionResult], list[criteria_module.Judged]]:
    """Success criteria are judged on the whole programme's data for their own selection (their
    phase), whatever the dashboard's filters: they are the programme's fixed tests. They are
    judged on the exact figures; what is shown is disclosure-controlled."""
    results, judged_all = [], []
    for criterion in SuccessCriterion.objects.filter(programme=programme).order_by("order", "pk"):
        judged = criteria_module.judge(criterion, frames)
        judged_all.append(judged)
        results.append(
            CriterionResult(
                name=criterion.name,
                selection=judged.selection,
                figure=criterion_figure(judged),
                comparator=COMPARATOR_SIGNS[criterion.comparator],
                threshold=criteria_module.format_value(criterion.metric, float(criterion.threshold)),
                result=judged.result,
                reason=judged.reason,
            )
        )
    return results, judged_all


def methods() -> list[str]:
    return [
        "Pairing. A participant's pre and post answers are paired when they belong to the same registration (the "
        "same person on the same session). Only people who answered a question in both surveys count for that "
        "question. A domain score is the mean of the person's confidence questions in that domain that they "
        "answered in both surveys; the confidence scale score is the mean over all confidence questions.",
        f"Mean change and its 95% confidence interval: {metrics.T_METHOD}.",
        f"{metrics.WILCOXON_METHOD}. Differences are rounded before ranking so that equal answers tie.",
        f"Effect size: Cohen's dz = mean change / standard deviation of the changes; its 95% CI by the "
        f"{metrics.DZ_CI_METHOD}. Holm's method adjusts the t-test p-values across the questions.",
        "Reliable change (Jacobson and Truax): a change counts as reliable when it exceeds 1.96 standard errors of "
        "the difference, using the standard deviation of the pre scores and Cronbach's α of the pre-survey "
        "confidence scale as the reliability.",
        "Then-test: the post survey asks, optionally, how confident people were before the workshop. Comparing it "
        "with the pre survey shows response shift; comparing the post rating with it shows the perceived change.",
        f"Pilot and rollout: {metrics.WELCH_METHOD}; {metrics.MANN_WHITNEY_METHOD}.",
        "Undefined statistics are reported as such with the reason (no pairs, one pair, every difference "
        "identical, all differences zero), never as infinite or missing numbers.",
        "Success criteria are judged on the phase each names, with the unrounded figures; a criterion resting on 7 "
        "or fewer people is 'not enough data'. The value shown beside a criterion follows the disclosure rule.",
    ]
