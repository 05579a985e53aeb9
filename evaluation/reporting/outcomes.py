"""Learning outcomes: the paired change in confidence by question and domain, by leadership
group and theme, at follow-up, the then-test, the scale's reliability and pilot vs rollout."""

from evaluation import metrics
from evaluation.report import RawTable, count, label, planning, rate, statistic
from summits.enums import PhaseKind, Theme

from .context import Context, records

PAIRS = count("n_pairs", "Matched pairs")
# The counts the percentages rest on; shown as counts too, so every percentage sits beside them.
SHARES = [
    count("n_improved", "Improved"),
    rate("pct_improved", "Improved %", numerator="n_improved", denominator="n_pairs"),
    count("n_unchanged", "Unchanged"),
    rate("pct_unchanged", "Unchanged %", numerator="n_unchanged", denominator="n_pairs"),
    count("n_worsened", "Worsened"),
    rate("pct_worsened", "Worsened %", numerator="n_worsened", denominator="n_pairs"),
]
MEANS = [
    statistic("mean_before", "Mean before", n="n_pairs"),
    statistic("mean_after", "Mean after", n="n_pairs"),
    statistic("mean_change", "Mean change", n="n_pairs", format="signed"),
    statistic("ci_low", "95% CI low", n="n_pairs", format="signed"),
    statistic("ci_high", "95% CI high", n="n_pairs", format="signed"),
]
NOTE = label("note", "Note")
# Every pair improved, stayed the same or worsened.
SHARES_PARTITION = ("n_pairs", ["n_improved", "n_unchanged", "n_worsened"])

OUTCOME_COLUMNS = [label("measure", "Measure", is_key=True), PAIRS, *MEANS, NOTE]
SHARE_COLUMNS = [label("measure", "Measure", is_key=True), PAIRS, *SHARES, NOTE]
TEST_COLUMNS = [
    label("measure", "Measure", is_key=True),
    PAIRS,
    statistic("t", "t", n="n_pairs"),
    statistic("p_t", "p (t-test)", n="n_pairs", format="p"),
    statistic("p_holm", "p (Holm)", n="n_pairs", format="p"),
    statistic("wilcoxon_statistic", "Wilcoxon V", n="n_pairs"),
    statistic("p_wilcoxon", "p (Wilcoxon)", n="n_pairs", format="p"),
    NOTE,
]
EFFECT_COLUMNS = [
    label("measure", "Measure", is_key=True),
    PAIRS,
    statistic("dz", "Cohen's dz", n="n_pairs", format="signed"),
    statistic("dz_ci_low", "dz 95% CI low", n="n_pairs", format="signed"),
    statistic("dz_ci_high", "dz 95% CI high", n="n_pairs", format="signed"),
    count("n_reliable_improved", "Reliably improved"),
    count("n_reliable_worsened", "Reliably worsened"),
    NOTE,
]
PAIRS_NOTE = (
    "Matched pairs: people who answered the question in both the pre and the post survey of the same session. "
    "Change is after minus before, on the 5-point scale (1 = not at all confident, 5 = completely confident)."
)


def _outcome_rows(ctx: Context, frame) -> list[dict]:
    labels = ctx.measure_labels()
    return [row | {"measure": labels.get(row["measure"], row["measure"])} for row in records(frame)]


def outcome_tables(ctx: Context) -> list[RawTable]:
    rows = _outcome_rows(ctx, ctx.paired())
    tables = [
        RawTable(
            "outcomes_by_item",
            "Confidence before and after, by question and domain",
            OUTCOME_COLUMNS,
            rows,
            note=PAIRS_NOTE,
        ),
        RawTable(
            "improvement_by_item",
            "Improved, unchanged and worsened, by question and domain",
            SHARE_COLUMNS,
            rows,
            note="People whose answer (or domain or scale score) went up, stayed the same or went down. "
            "Percentages are of the matched pairs, both as shown (rounded).",
            partitions=[SHARES_PARTITION],
        ),
        RawTable(
            "tests_by_item",
            "Tests, by question and domain",
            TEST_COLUMNS,
            rows,
            note=f"{metrics.T_METHOD}; the degrees of freedom are the matched pairs minus 1 (not shown, as they "
            f"would give the exact count). {metrics.WILCOXON_METHOD}. p (Holm) adjusts the t-test p-values across "
            "the questions.",
        ),
        RawTable(
            "effects_by_item",
            "Effect sizes and reliable change, by question and domain",
            EFFECT_COLUMNS,
            rows,
            note=f"Cohen's dz = mean change / SD of change; CI by {metrics.DZ_CI_METHOD}.",
        ),
    ]
    follow_up = ctx.paired("pre", "follow_up")
    if int(follow_up["n_pairs"].fillna(0).max() or 0) > 0:
        tables.append(
            RawTable(
                "follow_up",
                "Confidence before and at follow-up",
                OUTCOME_COLUMNS,
                _outcome_rows(ctx, follow_up),
                note="Pairs: people who answered both the pre survey and the follow-up survey.",
            )
        )
    return tables


BREAKDOWN_DETAIL = [
    statistic("p_t", "p (t-test)", n="n_pairs", format="p"),
    statistic("dz", "Cohen's dz", n="n_pairs", format="signed"),
    count("n_improved", "Improved"),
    rate("pct_improved", "Improved %", numerator="n_improved", denominator="n_pairs"),
]


def breakdown_rows(ctx: Context, by: str, values: list[tuple[str, str]]) -> list[dict]:
    """The confidence scale's paired outcome in each group / theme / phase."""
    rows = []
    for value, text in values:
        within = ctx.within(**{by: value})
        scale = metrics.paired_outcome(within.answers, ctx.frames.items, "scale")
        row = records(scale)[0] if len(scale) else {"n_pairs": 0}
        rows.append(row | {"measure": text})
    return rows


def breakdown_tables(
    ctx: Context, by: str, values: list[tuple[str, str]], title: str, slug: str, total: str = ""
) -> list[RawTable]:
    """One row per value; with `total`, a last row for the whole selection, which the rows add up
    to (each registration has one theme), so that the counts are protected down the columns."""
    rows = breakdown_rows(ctx, by, values)
    totals: list[str] = []
    if total:
        scale = [row for row in records(ctx.paired()) if row["measure"] == "scale"]
        rows.append((scale[0] if scale else {"n_pairs": 0}) | {"measure": total})
        totals = ["n_pairs", "n_improved"]
    heading = title.split(" by ")[-1].capitalize()
    note = "The confidence scale score: the mean of a person's confidence answers in both surveys."
    if by == "group":
        note += " A person in several leadership groups counts in each."
    columns = [label("measure", heading, is_key=True), PAIRS, *MEANS, NOTE]
    detail = [label("measure", heading, is_key=True), PAIRS, *BREAKDOWN_DETAIL, NOTE]
    partitions = []
    if totals:  # the total row's improved count is protected as in the improvement table, which shows it
        detail[3:3] = [count("n_unchanged", hidden=True), count("n_worsened", hidden=True)]
        partitions = [SHARES_PARTITION]
    return [
        RawTable(slug, title, columns, rows, note=note, column_totals=totals[:1]),
        RawTable(
            f"{slug}_detail",
            f"{title}: test, effect size and improvement",
            detail,
            rows,
            note=f"{metrics.T_METHOD}. Improved: the scale score went up.",
            column_totals=totals,
            partitions=partitions,
        ),
    ]


def group_and_theme_tables(ctx: Context) -> list[RawTable]:
    sel = ctx.selection
    groups = [(group, group) for group in sorted(set(sel.memberships["group"]))]
    themes = [(theme, Theme(theme).label) for theme in sorted(set(sel.registrations["theme"]))]
    return [
        *breakdown_tables(ctx, "group", groups, "Confidence change by leadership group", "outcomes_by_group"),
        *breakdown_tables(ctx, "theme", themes, "Confidence change by theme", "outcomes_by_theme", "All themes"),
    ]


def then_test_table(ctx: Context) -> RawTable:
    frame = metrics.then_test(ctx.selection.answers, ctx.frames.items)
    labels = ctx.measure_labels()
    rows = [
        row | {"measure": f"{labels.get(row['compares'], row['compares'])}: {row['comparison']}"}
        for row in records(frame)
    ]
    columns = [
        label("measure", "Question and comparison", is_key=True),
        count("n_pairs", "Pairs"),
        statistic("mean_before", "Mean first", n="n_pairs"),
        statistic("mean_after", "Mean second", n="n_pairs"),
        statistic("mean_change", "Mean difference", n="n_pairs", format="signed"),
        statistic("ci_low", "95% CI low", n="n_pairs", format="signed"),
        statistic("ci_high", "95% CI high", n="n_pairs", format="signed"),
        statistic("p_t", "p (t-test)", n="n_pairs", format="p"),
        NOTE,
    ]
    return RawTable(
        "then_test",
        "Then-test: hindsight ratings of confidence before the workshop",
        columns,
        rows,
        note="Retrospective vs pre: the post survey's rating of confidence before the workshop minus the pre "
        "survey's rating (a negative mean suggests response shift). Post vs retrospective: the change people "
        "perceive.",
    )


def reliability_table(ctx: Context) -> RawTable:
    rows = []
    for survey, text in (("pre", "Pre survey"), ("post", "Post survey"), ("follow_up", "Follow-up survey")):
        result = metrics.cronbach_alpha(ctx.selection.answers, ctx.frames.items, survey=survey)
        rows.append(
            {"survey": text, "n": int(result["n"] or 0), "k": result["k"], "alpha": result["alpha"], "note": ""}
            | ({"note": result["note"]} if result["note"] else {})
        )
    return RawTable(
        "reliability",
        "Reliability of the confidence scale (Cronbach's α)",
        [
            label("survey", "Survey", is_key=True),
            count("n", "Complete responses"),
            planning("k", "Questions"),
            statistic("alpha", "Cronbach's α", n="n"),
            NOTE,
        ],
        rows,
        note="Complete responses only: people who answered every confidence question in that survey.",
    )


def phase_rows(ctx: Context) -> list[dict]:
    phases = [
        (phase.value, phase.label)
        for phase in (PhaseKind.PILOT, PhaseKind.ROLLOUT)
        if not ctx.filters.phase or ctx.filters.phase == phase
    ]
    return breakdown_rows(ctx, "phase", phases)


def phase_tables(ctx: Context) -> list[RawTable]:
    sel = ctx.selection
    result = dict(metrics.compare_phases(sel.answers, ctx.frames.items, sel.registrations))
    # Every figure rests on both phases, so on the smaller of the two.
    result["n_smaller"] = min(int(result.get("n_pilot") or 0), int(result.get("n_rollout") or 0))
    result["comparison"] = "Rollout minus pilot, confidence scale"
    counts = [count("n_pilot", "Pilot pairs"), count("n_rollout", "Rollout pairs"), count("n_smaller", hidden=True)]
    return [
        RawTable(
            "phase_comparison",
            "Pilot and rollout compared",
            [
                label("comparison", "Comparison", is_key=True),
                *counts,
                statistic("mean_change_pilot", "Pilot mean change", n="n_pilot", format="signed"),
                statistic("mean_change_rollout", "Rollout mean change", n="n_rollout", format="signed"),
                statistic("difference", "Difference", n="n_smaller", format="signed"),
                statistic("ci_low", "95% CI low", n="n_smaller", format="signed"),
                statistic("ci_high", "95% CI high", n="n_smaller", format="signed"),
                NOTE,
            ],
            [result],
            note=f"{metrics.WELCH_METHOD}.",
        ),
        RawTable(
            "phase_comparison_tests",
            "Pilot and rollout compared: tests",
            [
                label("comparison", "Comparison", is_key=True),
                *counts,
                statistic("t", "Welch t", n="n_smaller"),
                statistic("df", "df", n="n_smaller", format="df"),
                statistic("p_welch", "p (Welch)", n="n_smaller", format="p"),
                statistic("mann_whitney_u", "Mann–Whitney U", n="n_smaller"),
                statistic("p_mann_whitney", "p (Mann–Whitney)", n="n_smaller", format="p"),
                NOTE,
            ],
            [result],
            note=f"{metrics.WELCH_METHOD}. {metrics.MANN_WHITNEY_METHOD}.",
        ),
    ]
