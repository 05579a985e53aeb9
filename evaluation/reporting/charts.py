"""The charts: each draws a table that has been through disclosure control, so a bar shows only
what a table would (no bar for a suppressed or withheld value)."""

from evaluation import metrics
from evaluation.report import Chart, RawTable, Series, count, disclose, distribution, label, planning, statistic

from .context import Context, records
from .participation import ALL_GROUPS


def _confidence_by_domain(ctx: Context) -> Chart:
    labels = ctx.measure_labels()
    rows = [
        row | {"measure": labels.get(row["measure"], row["measure"]).removeprefix("Domain: ")}
        for row in records(ctx.paired())
        if row["measure"] == "scale" or str(row["measure"]).startswith("domain:")
    ]
    table = RawTable(
        "chart_confidence_by_domain",
        "Confidence before and after, by domain",
        [
            label("measure", "Domain", is_key=True),
            count("n_pairs", "Matched pairs", hidden=True),
            statistic("mean_before", "Before", n="n_pairs"),
            statistic("mean_after", "After", n="n_pairs"),
        ],
        rows,
    )
    return Chart(
        slug="confidence_by_domain",
        title="Confidence before and after, by domain",
        description="Mean confidence (1 to 5) in the pre and post surveys for each domain, among people who "
        "answered both. Means resting on 7 or fewer people are not drawn.",
        kind="grouped_bars",
        table=disclose(table),
        category="measure",
        series=[Series("Before", "mean_before"), Series("After", "mean_after")],
        value_label="Mean confidence (1–5)",
        value_max=5,
    )


def _change_distribution(ctx: Context) -> Chart:
    scale = {row["measure"]: row for row in records(ctx.paired())}.get("scale", {})
    scores = metrics.paired_scores(ctx.people(), ctx.frames.items)
    counts = metrics.change_bins(scores["change"], scale.get("reliable_change_threshold"))
    table = distribution(
        "chart_change_distribution",
        "How each person's confidence changed",
        sum(counts),
        list(zip(metrics.CHANGE_BINS, counts, strict=True)),
        "Change",
        "People",
    )
    threshold = scale.get("reliable_change_threshold")
    beyond = (
        f"by more than {threshold:.2f} points (the Reliable Change Index)"
        if threshold is not None
        else "reliably (not worked out: the scale's reliability is undefined)"
    )
    return Chart(
        slug="change_distribution",
        title="How each person's confidence changed",
        description=f"Number of people whose confidence scale score rose or fell {beyond}, rose or fell by less, or "
        "did not change, after minus before. The reliably improved bar is the headline's count. Counts of 1 to 7 "
        "are not drawn; others are rounded to the nearest 5.",
        kind="histogram",
        table=table,
        category="bin",
        series=[Series("People", "people")],
        value_label="People",
    )


def _reach_by_group(reach_rows: list[dict]) -> Chart:
    table = RawTable(
        "chart_reach_by_group",
        "Attended against target, by leadership group",
        [label("group", "Leadership group", is_key=True), planning("target", "Target"), count("attended", "Attended")],
        [row for row in reach_rows if row["group"] != ALL_GROUPS],
    )
    return Chart(
        slug="reach_by_group",
        title="Attended against target, by leadership group",
        description="Target and people who attended in each leadership group. Counts of 1 to 7 are not drawn; "
        "others are rounded to the nearest 5.",
        kind="grouped_bars",
        table=disclose(table),
        category="group",
        series=[Series("Target", "target"), Series("Attended", "attended")],
        value_label="People",
    )


def _pilot_vs_rollout(phase_rows: list[dict]) -> Chart:
    table = RawTable(
        "chart_pilot_vs_rollout",
        "Mean change in confidence: pilot and rollout",
        [
            label("measure", "Phase", is_key=True),
            count("n_pairs", "Matched pairs", hidden=True),
            statistic("mean_change", "Mean change", n="n_pairs", format="signed"),
        ],
        phase_rows,
    )
    return Chart(
        slug="pilot_vs_rollout",
        title="Mean change in confidence: pilot and rollout",
        description="Mean change in the confidence scale score (after minus before) among matched pairs in "
        "each phase; not drawn for a phase with 7 or fewer pairs.",
        kind="bars",
        table=disclose(table),
        category="measure",
        series=[Series("Mean change", "mean_change")],
        value_label="Mean change (points)",
    )


def charts(ctx: Context, reach_rows: list[dict], phase_rows: list[dict]) -> list[Chart]:
    return [
        _confidence_by_domain(ctx),
        _change_distribution(ctx),
        _reach_by_group(reach_rows),
        _pilot_vs_rollout(phase_rows),
    ]
