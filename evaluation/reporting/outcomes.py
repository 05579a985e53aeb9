"""Learning outcomes: the paired change in confidence by question and domain, by leadership
group and theme, at follow-up, the then-test, the scale's reliability and pilot vs rollout."""

from evaluation import metrics
from evaluation.report import RawTable, count, label, planning, rate, statistic
from summits.enums import PhaseKind, Theme

from .context import Context, clean, records

PAIRS = count("n_pairs", "People with a pair")
# The counts the percentages rest on; shown as counts too, so every percentage sits beside them.
SHARES = [
    count("n_improved", "Any rise"),
    rate("pct_improved", "Any rise %", numerator="n_improved", denominator="n_pairs"),
    count("n_unchanged", "No change"),
    rate("pct_unchanged", "No change %", numerator="n_unchanged", denominator="n_pairs"),
    count("n_worsened", "Any fall"),
    rate("pct_worsened", "Any fall %", numerator="n_worsened", denominator="n_pairs"),
]
RELIABLE = [
    count("n_reliable_improved", "Reliably improved"),
    rate("pct_reliable_improved", "Reliably improved %", numerator="n_reliable_improved", denominator="n_pairs"),
    rate("reliable_ci_low", "95% CI low", numerator="n_reliable_improved", denominator="n_pairs", interval="low"),
    rate("reliable_ci_high", "95% CI high", numerator="n_reliable_improved", denominator="n_pairs", interval="high"),
    count("n_no_reliable_change", "No reliable change"),
    count("n_reliable_worsened", "Reliably worsened"),
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
RELIABLE_PARTITION = ("n_pairs", ["n_reliable_improved", "n_no_reliable_change", "n_reliable_worsened"])

OUTCOME_COLUMNS = [label("measure", "Measure", is_key=True), PAIRS, *MEANS, NOTE]
SHARE_COLUMNS = [label("measure", "Measure", is_key=True), PAIRS, *SHARES, NOTE]
RELIABLE_COLUMNS = [label("measure", "Score", is_key=True), PAIRS, *RELIABLE, NOTE]
TEST_COLUMNS = [
    label("measure", "Measure", is_key=True),
    PAIRS,
    statistic("t", "t", n="n_pairs"),
    statistic("p_t", "p (t-test)", n="n_pairs", format="p"),
    statistic("p_holm", "p (Holm)", n="n_pairs", format="p"),
    statistic("wilcoxon_statistic", "Wilcoxon V", n="n_pairs"),
    statistic("p_wilcoxon", "p (Wilcoxon)", n="n_pairs", format="p"),
    label("wilcoxon_test", "Wilcoxon p from"),
    NOTE,
]
EFFECT_COLUMNS = [
    label("measure", "Measure", is_key=True),
    PAIRS,
    statistic("dz", "Cohen's dz", n="n_pairs", format="signed"),
    statistic("dz_ci_low", "dz 95% CI low", n="n_pairs", format="signed"),
    statistic("dz_ci_high", "dz 95% CI high", n="n_pairs", format="signed"),
    NOTE,
]
PAIRS_NOTE = (
    f"People, not registrations: {metrics.PERSON_RULE}. A person counts for a question when they answered it in "
    "both surveys of that session. Change is after minus before, on the 5-point scale (1 = not at all confident, "
    "5 = completely confident)."
)
WILCOXON_SHORT = {
    metrics.WILCOXON_EXACT_METHOD: "exact distribution",
    metrics.WILCOXON_METHOD: "normal approximation",
}


def _questions(ctx: Context, row: dict) -> int:
    """How many confidence questions a domain row averages."""
    items = ctx.frames.items
    domain = str(row["domain_key"]).removeprefix("domain:")
    return int(((items["kind"] == "confidence") & (items["domain"] == domain)).sum())


def _outcome_rows(ctx: Context, frame) -> list[dict]:
    labels = ctx.measure_labels()
    return [
        row
        | {
            "domain_key": row["measure"],
            "measure": labels.get(row["measure"], row["measure"]),
            "wilcoxon_test": WILCOXON_SHORT.get(row.get("wilcoxon_method"), "") if row.get("p_wilcoxon") else "",
        }
        for row in records(frame)
    ]


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
            "reliable_change",
            "Reliable change in confidence, by domain and scale",
            RELIABLE_COLUMNS,
            [row for row in rows if row["kind"] == "scale" or (row["kind"] == "domain" and _questions(ctx, row) > 1)],
            note=f"The headline measure of improvement. {metrics.RELIABLE_CHANGE_METHOD}. Single questions, and "
            "domains of one question, have no reliable change. Percentages and Wilson 95% confidence intervals are "
            "of the people with a pair, both as shown (rounded).",
            partitions=[RELIABLE_PARTITION],
        ),
        RawTable(
            "improvement_by_item",
            "Any rise, no change or any fall, by question and domain",
            SHARE_COLUMNS,
            rows,
            note="People whose answer (or domain or scale score) went up at all, stayed the same or went down at all, "
            "however little: not a measure of reliable improvement. Percentages are of the people with a pair, both "
            "as shown (rounded).",
            partitions=[SHARES_PARTITION],
        ),
        RawTable(
            "tests_by_item",
            "Tests, by question and domain",
            TEST_COLUMNS,
            rows,
            note=f"{metrics.T_METHOD}; the degrees of freedom are the people with a pair minus 1 (not shown, as "
            f"they would give the exact count). Exact distribution: {metrics.WILCOXON_EXACT_METHOD}. Normal "
            f"approximation: {metrics.WILCOXON_METHOD}. p (Holm) adjusts the t-test p-values across the questions.",
        ),
        RawTable(
            "effects_by_item",
            "Effect sizes, by question and domain",
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
                note="People who answered both the pre survey and the follow-up survey (each person once: the "
                "earliest session in the selection at which they answered both).",
            )
        )
    return tables


BREAKDOWN_DETAIL = [
    statistic("p_t", "p (t-test)", n="n_pairs", format="p"),
    statistic("dz", "Cohen's dz", n="n_pairs", format="signed"),
    count("n_reliable_improved", "Reliably improved"),
    rate("pct_reliable_improved", "Reliably improved %", numerator="n_reliable_improved", denominator="n_pairs"),
]


def breakdown_rows(ctx: Context, by: str, values: list[tuple[str, str]]) -> list[dict]:
    """The confidence scale's paired outcome in each group / theme / phase."""
    rows = []
    for value, text in values:
        people = ctx.group_people(value) if by == "group" else ctx.people(ctx.within(**{by: value}))
        scale = metrics.paired_outcome_row(people, ctx.frames.items, "scale")
        row = {key: clean(value) for key, value in scale.items()} if scale else {"n_pairs": 0}
        rows.append(row | {"measure": text})
    return rows


def breakdown_tables(
    ctx: Context, by: str, values: list[tuple[str, str]], title: str, slug: str, total: str = ""
) -> list[RawTable]:
    """One row per value, each person once in it; with `total`, a last row for the whole selection
    (people, so a person in several rows counts once there)."""
    rows = breakdown_rows(ctx, by, values)
    if total:
        scale = [row for row in records(ctx.paired()) if row["measure"] == "scale"]
        rows.append((scale[0] if scale else {"n_pairs": 0}) | {"measure": total})
    heading = title.split(" by ")[-1].capitalize()
    note = (
        "People: each person once per row (their earliest session in it at which they answered both surveys). "
        "The confidence scale score: the mean of the confidence questions a person answered in both surveys."
    )
    if by == "group":
        note += " A person in several leadership groups counts in each."
    if by == "theme":
        note += (
            " A person who came to sessions of several themes counts in each, so the themes can add up to more "
            "than All themes."
        )
    columns = [label("measure", heading, is_key=True), PAIRS, *MEANS, NOTE]
    detail = [label("measure", heading, is_key=True), PAIRS, *BREAKDOWN_DETAIL, NOTE]
    # The counts of reliable change add up to the people with a pair in every row.
    detail[3:3] = [count("n_no_reliable_change", hidden=True), count("n_reliable_worsened", hidden=True)]
    return [
        RawTable(slug, title, columns, rows, note=note),
        RawTable(
            f"{slug}_detail",
            f"{title}: test, effect size and improvement",
            detail,
            rows,
            note=f"{metrics.T_METHOD}. Reliably improved: {metrics.RELIABLE_CHANGE_METHOD}.",
            partitions=[RELIABLE_PARTITION],
        ),
    ]


def group_and_theme_tables(ctx: Context) -> list[RawTable]:
    sel = ctx.selection
    groups = [(group, group) for group in metrics.distinct(sel.memberships["group"])]
    themes = [(theme, Theme(theme).label) for theme in metrics.distinct(sel.registrations["theme"])]
    return [
        *breakdown_tables(ctx, "group", groups, "Confidence change by leadership group", "outcomes_by_group"),
        *breakdown_tables(ctx, "theme", themes, "Confidence change by theme", "outcomes_by_theme", "All themes"),
    ]


def then_test_table(ctx: Context) -> RawTable:
    frame = metrics.then_test(ctx.people(), ctx.frames.items)
    labels = ctx.measure_labels()
    rows = [
        row | {"measure": f"{labels.get(row['compares'], row['compares'])}: {row['comparison']}"}
        for row in records(frame)
    ]
    columns = [
        label("measure", "Question and comparison", is_key=True),
        count("n_pairs", "People"),
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
        result = metrics.cronbach_alpha(ctx.people(), ctx.frames.items, survey=survey)
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
        note="People with a pre and a post survey (each once), complete responses only: those who answered every "
        "confidence question asked in that survey. The scale's α in the pre survey sets its reliable change.",
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
    result = dict(metrics.compare_phases(ctx.people(), ctx.frames.items, sel.registrations))
    # Every figure rests on both phases, so on the smaller of the two.
    result["n_smaller"] = min(int(result.get("n_pilot") or 0), int(result.get("n_rollout") or 0))
    result["comparison"] = "Rollout minus pilot, confidence scale"
    counts = [count("n_pilot", "Pilot people"), count("n_rollout", "Rollout people"), count("n_smaller", hidden=True)]
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
            note=f"{metrics.WELCH_METHOD}. {result['mann_whitney_method']}. Each person once, in the phase of "
            "their earliest session with both surveys.",
        ),
    ]


def attrition_table(ctx: Context) -> RawTable:
    """Non-response: pre-survey scores of people who answered the post survey and of those who
    did not."""
    sel = ctx.selection
    frame, difference = metrics.attrition(sel.answers, ctx.frames.items, sel.registrations, ctx.frames.sessions)
    labels = {"answered post": "Answered the post survey", "did not answer post": "Did not answer it"}
    rows = [row | {"group": labels[row["group"]]} for row in records(frame)]
    rows.append(
        {
            "group": "Difference (answered minus did not)",
            "n_smaller": min(difference["n_answered"], difference["n_missing"]),
            "difference": difference["difference"],
            "ci_low": difference["ci_low"],
            "ci_high": difference["ci_high"],
            "note": difference["note"],
        }
    )
    return RawTable(
        "attrition",
        "Who answered the post survey: pre-survey confidence compared",
        [
            label("group", "People who attended and answered the pre survey", is_key=True),
            count("n", "People"),
            count("n_smaller", hidden=True),
            statistic("mean_pre", "Mean pre score", n="n"),
            statistic("sd_pre", "SD", n="n"),
            statistic("difference", "Difference", n="n_smaller", format="signed"),
            statistic("ci_low", "95% CI low", n="n_smaller", format="signed"),
            statistic("ci_high", "95% CI high", n="n_smaller", format="signed"),
            NOTE,
        ],
        rows,
        note="People who attended a session and answered its pre survey (each person once, their earliest such "
        "session), by whether they answered that session's post survey. Pre score: the mean of the confidence "
        "questions they answered. A difference far from 0 means the people with a pair are not typical of those "
        f"who came. {metrics.WELCH_METHOD}.",
    )


def versions_table(ctx: Context) -> RawTable | None:
    """The questionnaire versions that have answers, and what changed between them."""
    versions = ctx.frames.versions
    if versions is None or versions.empty:
        return None
    return RawTable(
        "versions",
        "Questionnaire versions in use",
        [
            label("survey", "Survey", is_key=True),
            label("version", "Version", is_key=True),
            label("created", "Made on"),
            count("responses", "Responses"),
            label("changes", "Changes from the version before"),
        ],
        records(versions),
        note="Responses count registrations, across the whole programme. Questions pair across versions by their "
        "code; a reworded question is shown with each version's wording.",
    )
