"""Builds the EvaluationReport for a programme and a selection: reads the frames (evaluation.data),
computes (evaluation.metrics), applies disclosure control, judges the success criteria
(evaluation.criteria) and lays it all out as tables, charts and headlines. The dashboard and
the CSV, XLSX and PDF exports all render this one object, so they always agree.

Disclosure control (DOMAIN.md) is applied here to every count and statistic an evaluator
sees: counts 1–7 become "*", counts of 8 or more are rounded to the nearest 5, and statistics
resting on 7 or fewer people are withheld (None, with the reason in the row's note). Totals
are computed from unrounded numbers and rounded afterwards.
"""

import dataclasses
import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from evaluation import criteria as criteria_module
from evaluation import metrics
from evaluation.data import Frames, load_frames
from evaluation.models import SuccessCriterion
from evaluation.report import (
    Chart,
    Column,
    CriterionResult,
    EvaluationReport,
    Headline,
    ResponseRow,
    Series,
    Table,
)
from summits.enums import PhaseKind, Region, Theme
from summits.models import FocusArea, Programme

DISCLOSURE_NOTE = (
    "Disclosure control (NHS Digital's HES method): a count of 0 is shown as 0, counts of 1 to 7 as *, "
    "and counts of 8 or more are rounded to the nearest 5. Means, tests and effect sizes resting on 7 or "
    "fewer people are withheld. Totals are computed from unrounded numbers and then rounded, so rows may "
    "not add up to the total. Participants are identified only by a pseudonymous key."
)
COMPARATOR_SIGNS = {"gte": "≥", "lte": "≤"}


@dataclass
class Filters:
    """The selection an evaluator chose. Empty strings mean "all"."""

    phase: str = ""
    theme: str = ""
    group: str = ""
    region: str = ""
    session: str = ""

    def describe(self, sessions_titles: dict[str, str] | None = None) -> str:
        parts = [PhaseKind(self.phase).label if self.phase else "Whole programme"]
        if self.theme:
            parts.append(Theme(self.theme).label)
        if self.group:
            parts.append(self.group)
        if self.region:
            parts.append(Region(self.region).label)
        if self.session:
            parts.append(f"session {self.session}")
        return ", ".join(parts)

    def as_kwargs(self) -> dict[str, str | None]:
        return {name: getattr(self, name) or None for name in ("phase", "theme", "group", "region", "session")}


@dataclass
class Context:
    frames: Frames
    filters: Filters
    selection: metrics.Selection
    domain_labels: dict[str, str]
    cache: dict[str, Any] = field(default_factory=dict)


def _clean(value: Any) -> Any:
    """None for NaN / inf (never shown as such), plain floats and ints otherwise."""
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            return None
    return value


def _records(frame) -> list[dict[str, Any]]:
    return [{key: _clean(value) for key, value in row.items()} for row in frame.to_dict("records")]


def _measure_labels(ctx: Context) -> dict[str, str]:
    labels = {"scale": "Confidence scale (all confidence questions)"}
    for row in ctx.frames.items.to_dict("records"):
        labels[row["item"]] = row["label"]
    for domain, label in ctx.domain_labels.items():
        labels[f"domain:{domain}"] = f"Domain: {label}"
    return labels


def _paired(ctx: Context, before: str = "pre", after: str = "post"):
    key = f"paired:{before}:{after}"
    if key not in ctx.cache:
        ctx.cache[key] = metrics.paired_outcomes(ctx.selection.answers, ctx.frames.items, before=before, after=after)
    return ctx.cache[key]


def _disclosed_outcomes(frame):
    return metrics.apply_disclosure(
        frame, metrics.PAIRED_COUNT_COLUMNS, "n_pairs", [c for c in metrics.PAIRED_STAT_COLUMNS if c in frame]
    )


def _note(row: dict) -> str:
    # A withheld row says only why: its own notes ("every difference identical") describe the
    # withheld answers.
    if row.get("withheld_reason"):
        return row["withheld_reason"]
    return row.get("note") or ""


OUTCOME_COLUMNS = [
    Column("measure", "Measure", "text", is_key=True),
    Column("n_pairs", "Matched pairs", "count"),
    Column("mean_before", "Mean before", "number"),
    Column("mean_after", "Mean after", "number"),
    Column("mean_change", "Mean change", "number"),
    Column("ci_low", "95% CI low", "number"),
    Column("ci_high", "95% CI high", "number"),
    Column("pct_improved", "Improved %", "percent"),
    Column("pct_unchanged", "Unchanged %", "percent"),
    Column("pct_worsened", "Worsened %", "percent"),
    Column("note", "Note", "text"),
]
TEST_COLUMNS = [
    Column("measure", "Measure", "text", is_key=True),
    Column("n_pairs", "Matched pairs", "count"),
    Column("t", "t", "number"),
    Column("df", "df", "number"),
    Column("p_t", "p (t-test)", "p"),
    Column("p_holm", "p (Holm)", "p"),
    Column("wilcoxon_statistic", "Wilcoxon V", "number"),
    Column("p_wilcoxon", "p (Wilcoxon)", "p"),
    Column("dz", "Cohen's dz", "number"),
    Column("dz_ci_low", "dz 95% CI low", "number"),
    Column("dz_ci_high", "dz 95% CI high", "number"),
    Column("n_reliable_improved", "Reliably improved", "count"),
    Column("n_reliable_worsened", "Reliably worsened", "count"),
    Column("note", "Note", "text"),
]


def _outcome_rows(ctx: Context, frame) -> list[dict]:
    labels = _measure_labels(ctx)
    rows = []
    for row in _records(_disclosed_outcomes(frame)):
        row["measure"] = labels.get(row["measure"], row["measure"])
        row["note"] = _note(row)
        rows.append(row)
    return rows


def _outcome_tables(ctx: Context) -> list[Table]:
    rows = _outcome_rows(ctx, _paired(ctx))
    tables = [
        Table(
            "outcomes_by_item",
            "Confidence before and after, by question and domain",
            OUTCOME_COLUMNS,
            rows,
            note="Matched pairs: people who answered the question in both the pre and the post survey of the same "
            "session. Change is after minus before, on the 5-point scale (1 = not at all confident, 5 = completely "
            "confident).",
        ),
        Table(
            "tests_by_item",
            "Tests and effect sizes, by question and domain",
            TEST_COLUMNS,
            rows,
            note=f"{metrics.T_METHOD}. {metrics.WILCOXON_METHOD}. Cohen's dz = mean change / SD of change; "
            f"CI by {metrics.DZ_CI_METHOD}. p (Holm) adjusts the t-test p-values across the questions.",
        ),
    ]
    follow_up = _paired(ctx, "pre", "follow_up")
    if int(follow_up["n_pairs"].fillna(0).max() or 0) > 0:
        tables.append(
            Table(
                "follow_up",
                "Confidence before and at follow-up",
                OUTCOME_COLUMNS,
                _outcome_rows(ctx, follow_up),
                note="Pairs: people who answered both the pre survey and the follow-up survey.",
            )
        )
    return tables


def _breakdown(ctx: Context, by: str, values: list[tuple[str, str]], title: str, slug: str) -> Table:
    """The confidence scale's paired outcome in each group / theme / region."""
    rows = []
    for value, label in values:
        within = metrics.restrict(*_frames_of(ctx.selection), invitations=ctx.selection.invitations, **{by: value})
        scale = metrics.paired_outcome(within.answers, ctx.frames.items, "scale")
        row = _records(_disclosed_outcomes(scale))[0] if len(scale) else {"n_pairs": 0}
        row["measure"] = label
        row["note"] = _note(row)
        rows.append(row)
    columns = [Column("measure", title.split(" by ")[-1].capitalize(), "text", is_key=True), *OUTCOME_COLUMNS[1:]]
    columns.insert(8, Column("dz", "Cohen's dz", "number"))
    columns.insert(8, Column("p_t", "p (t-test)", "p"))
    note = "The confidence scale score: the mean of a person's confidence answers in both surveys."
    if by == "group":
        note += " A person in several leadership groups counts in each."
    return Table(slug, title, columns, rows, note=note)


def _frames_of(selection: metrics.Selection):
    return selection.answers, selection.registrations, selection.memberships, selection.sessions


def _then_test_table(ctx: Context) -> Table:
    frame = metrics.then_test(ctx.selection.answers, ctx.frames.items)
    labels = _measure_labels(ctx)
    rows = []
    for row in _records(_disclosed_outcomes(frame)):
        row["measure"] = f"{labels.get(row['compares'], row['compares'])}: {row['comparison']}"
        row["note"] = _note(row)
        rows.append(row)
    columns = [
        Column("measure", "Question and comparison", "text", is_key=True),
        Column("n_pairs", "Pairs", "count"),
        Column("mean_before", "Mean first", "number"),
        Column("mean_after", "Mean second", "number"),
        Column("mean_change", "Mean difference", "number"),
        Column("ci_low", "95% CI low", "number"),
        Column("ci_high", "95% CI high", "number"),
        Column("p_t", "p (t-test)", "p"),
        Column("p_holm", "p (Holm)", "p"),
        Column("note", "Note", "text"),
    ]
    return Table(
        "then_test",
        "Then-test: hindsight ratings of confidence before the workshop",
        columns,
        rows,
        note="Retrospective vs pre: the post survey's rating of confidence before the workshop minus the pre "
        "survey's rating (a negative mean suggests response shift). Post vs retrospective: the change people "
        "perceive.",
    )


def _reliability_table(ctx: Context) -> Table:
    rows = []
    for survey, label in (("pre", "Pre survey"), ("post", "Post survey"), ("follow_up", "Follow-up survey")):
        result = metrics.cronbach_alpha(ctx.selection.answers, ctx.frames.items, survey=survey)
        n = int(result["n"] or 0)
        alpha = _clean(result["alpha"]) if n > metrics.SUPPRESSION_THRESHOLD else None
        note = result["note"] or ""
        if n and n <= metrics.SUPPRESSION_THRESHOLD:
            note = metrics.FEWER_THAN_EIGHT
        rows.append({"survey": label, "n": metrics.disclose_count(n), "k": result["k"], "alpha": alpha, "note": note})
    return Table(
        "reliability",
        "Reliability of the confidence scale (Cronbach's α)",
        [
            Column("survey", "Survey", "text", is_key=True),
            Column("n", "Complete responses", "count"),
            Column("k", "Questions", "number"),
            Column("alpha", "Cronbach's α", "number"),
            Column("note", "Note", "text"),
        ],
        rows,
        note="Complete responses only: people who answered every confidence question in that survey.",
    )


REACH_COUNTS = ["target", "invited", "registered", "attended", "waitlisted", "no_shows"]
REACH_RATES = ["pct_of_target", "acceptance_rate", "attendance_rate", "no_show_rate"]


def _reach_table(ctx: Context) -> Table:
    sel = ctx.selection
    phases = [ctx.filters.phase] if ctx.filters.phase else None
    args = (sel.registrations, sel.memberships, ctx.frames.targets, sel.invitations)
    by_group = metrics.reach(*args, by="group", sessions=sel.sessions, phases=phases)
    overall = metrics.reach(*args, by=None, sessions=sel.sessions, phases=phases)
    rows = []
    for frame, key in ((by_group, "group"), (overall, "selection")):
        for row in _records(frame):
            label = row.pop(key)
            row["group"] = label if key == "group" else "All leadership groups"
            people = row["registered"] or 0
            if people <= metrics.SUPPRESSION_THRESHOLD:
                for column in ("acceptance_rate", "attendance_rate", "no_show_rate"):
                    row[column] = None
                row["note"] = metrics.FEWER_THAN_EIGHT if people else metrics.NO_PEOPLE
            else:
                row["note"] = ""
            if row.get("pct_of_target") is not None and (row["attended"] or 0) <= metrics.SUPPRESSION_THRESHOLD:
                row["pct_of_target"] = None
            for column in REACH_COUNTS:
                if column != "target" and row.get(column) is not None:
                    row[column] = metrics.disclose_count(row[column])
            rows.append(row)
    return Table(
        "reach",
        "Reach against target, by leadership group",
        [
            Column("group", "Leadership group", "text", is_key=True),
            Column("target", "Target", "count"),
            Column("invited", "Invited", "count"),
            Column("registered", "Held a place", "count"),
            Column("attended", "Attended", "count"),
            Column("pct_of_target", "Attended % of target", "percent"),
            Column("acceptance_rate", "Acceptance %", "percent"),
            Column("attendance_rate", "Attendance %", "percent"),
            Column("no_show_rate", "No-show %", "percent"),
            Column("waitlisted", "Waiting list", "count"),
            Column("note", "Note", "text"),
        ],
        rows,
        note="People, not registrations. A person in several leadership groups counts in each, so the groups add up "
        "to more than the total. Targets are the prospective numbers for the phase; they are planning figures, not "
        "counts of people, and are shown unrounded.",
    )


def _sessions_table(ctx: Context) -> Table:
    rows = []
    for row in _records(metrics.session_fill(ctx.selection.sessions, by="session")):
        held = row["places_held"] or 0
        row["title"] = row["session"]
        for column in ("places_held", "waitlisted", "attended", "no_shows"):
            row[column] = metrics.disclose_count(row[column] or 0)
        if held <= metrics.SUPPRESSION_THRESHOLD:
            row["fill_rate"] = row["attendance_rate"] = row["no_show_rate"] = None
        rows.append(row)
    return Table(
        "sessions",
        "Sessions: fill, waiting lists and attendance",
        [
            Column("session", "Session", "text", is_key=True),
            Column("capacity", "Capacity", "number"),
            Column("places_held", "Places held", "count"),
            Column("fill_rate", "Fill %", "percent"),
            Column("waitlisted", "Waiting list", "count"),
            Column("attended", "Attended", "count"),
            Column("attendance_rate", "Attendance %", "percent"),
            Column("no_show_rate", "No-show %", "percent"),
            Column("cost", "Cost", "money"),
        ],
        rows,
        note="Cancelled sessions are left out. Capacity is a setting, not a count of people.",
    )


def _takeup_table(ctx: Context) -> Table:
    sel = ctx.selection
    frame = metrics.survey_takeup(sel.registrations, sel.answers, by="phase")
    total = metrics.survey_takeup(sel.registrations, sel.answers)
    rows = []
    for row, label in [(r, PhaseKind(r["phase"]).label) for r in _records(frame)] + [
        (r, "Total") for r in _records(total)
    ]:
        row["phase"] = label
        for survey in ("pre", "post", "follow_up"):
            sent = row[f"{survey}_sent"] or 0
            if sent <= metrics.SUPPRESSION_THRESHOLD:
                row[f"{survey}_response_rate"] = None
            row[f"{survey}_sent"] = metrics.disclose_count(sent)
            row[f"{survey}_responses"] = metrics.disclose_count(row[f"{survey}_responses"] or 0)
        if (row["pre_responses"] if isinstance(row["pre_responses"], int) else 0) <= metrics.SUPPRESSION_THRESHOLD:
            row["match_rate"] = None
        row["matched_pairs"] = metrics.disclose_count(row["matched_pairs"] or 0)
        row["registrations"] = metrics.disclose_count(row["registrations"] or 0)
        rows.append(row)
    columns = [Column("phase", "Phase", "text", is_key=True), Column("registrations", "Registrations", "count")]
    for survey, label in (("pre", "Pre"), ("post", "Post"), ("follow_up", "Follow-up")):
        columns += [
            Column(f"{survey}_sent", f"{label} sent", "count"),
            Column(f"{survey}_responses", f"{label} answered", "count"),
            Column(f"{survey}_response_rate", f"{label} response %", "percent"),
        ]
    columns += [Column("matched_pairs", "Matched pairs", "count"), Column("match_rate", "Match rate %", "percent")]
    return Table(
        "survey_takeup",
        "Survey take-up",
        columns,
        rows,
        note="Response rate: answered / sent. Match rate: people with both a pre and a post survey / pre responses.",
    )


def _reaction_table(ctx: Context) -> Table:
    sel = ctx.selection
    by_theme = metrics.reaction(sel.answers, ctx.frames.items, by_frame=sel.registrations, by="theme")
    overall = metrics.reaction(sel.answers, ctx.frames.items)
    rows = []
    for row, label in [(r, Theme(r["theme"]).label) for r in _records(by_theme)] + [
        (r, "All themes") for r in _records(overall)
    ]:
        row["theme"] = label
        notes = []
        for n_column, stats in (
            ("n_experience", ["experience_mean", "pct_good_or_very_good"]),
            ("n_relevance", ["relevance_mean"]),
            ("n_recommend", ["nps", "pct_promoters", "pct_detractors"]),
        ):
            n = row[n_column] or 0
            if n <= metrics.SUPPRESSION_THRESHOLD:
                for stat in stats:
                    row[stat] = None
                if n:
                    notes.append(f"{n_column.removeprefix('n_')}: {metrics.FEWER_THAN_EIGHT}")
            row[n_column] = metrics.disclose_count(n)
        for point in range(1, 6):
            row[f"experience_{point}"] = metrics.disclose_count(row[f"experience_{point}"] or 0)
        row["note"] = "; ".join(notes)
        rows.append(row)
    labels = metrics.EXPERIENCE_LABELS
    columns = [Column("theme", "Theme", "text", is_key=True), Column("n_experience", "Answered", "count")]
    columns += [Column(f"experience_{point}", labels[point], "count") for point in range(5, 0, -1)]
    columns += [
        Column("pct_good_or_very_good", "Good or very good %", "percent"),
        Column("relevance_mean", "Relevance (mean, 1–5)", "number"),
        Column("nps", "Net Promoter Score", "number"),
        Column("note", "Note", "text"),
    ]
    return Table(
        "reaction",
        "Reaction: experience, relevance and likelihood to recommend",
        columns,
        rows,
        note="From the post survey. Net Promoter Score: % scoring 9–10 minus % scoring 0–6 on likelihood to "
        "recommend (−100 to +100).",
    )


def _phase_table(ctx: Context) -> Table:
    sel = ctx.selection
    result = {
        key: _clean(value)
        for key, value in metrics.compare_phases(sel.answers, ctx.frames.items, sel.registrations).items()
    }
    n_pilot, n_rollout = int(result.get("n_pilot") or 0), int(result.get("n_rollout") or 0)
    note = result.get("note") or ""
    if min(n_pilot, n_rollout) <= metrics.SUPPRESSION_THRESHOLD:
        for key in result:
            if key not in ("n_pilot", "n_rollout", "note") and not key.endswith("method"):
                result[key] = None
        note = f"withheld: {metrics.FEWER_THAN_EIGHT} in a phase" + (f"; {note}" if note else "")
    row = {
        "comparison": "Rollout minus pilot, confidence scale",
        "n_pilot": metrics.disclose_count(n_pilot),
        "n_rollout": metrics.disclose_count(n_rollout),
        "mean_change_pilot": result.get("mean_change_pilot"),
        "mean_change_rollout": result.get("mean_change_rollout"),
        "difference": result.get("difference"),
        "ci_low": result.get("ci_low"),
        "ci_high": result.get("ci_high"),
        "t": result.get("t"),
        "df": result.get("df"),
        "p_welch": result.get("p_welch"),
        "mann_whitney_u": result.get("mann_whitney_u"),
        "p_mann_whitney": result.get("p_mann_whitney"),
        "note": note,
    }
    return Table(
        "phase_comparison",
        "Pilot and rollout compared",
        [
            Column("comparison", "Comparison", "text", is_key=True),
            Column("n_pilot", "Pilot pairs", "count"),
            Column("n_rollout", "Rollout pairs", "count"),
            Column("mean_change_pilot", "Pilot mean change", "number"),
            Column("mean_change_rollout", "Rollout mean change", "number"),
            Column("difference", "Difference", "number"),
            Column("ci_low", "95% CI low", "number"),
            Column("ci_high", "95% CI high", "number"),
            Column("t", "Welch t", "number"),
            Column("df", "df", "number"),
            Column("p_welch", "p (Welch)", "p"),
            Column("mann_whitney_u", "Mann–Whitney U", "number"),
            Column("p_mann_whitney", "p (Mann–Whitney)", "p"),
            Column("note", "Note", "text"),
        ],
        [row],
        note=f"{metrics.WELCH_METHOD}. {metrics.MANN_WHITNEY_METHOD}.",
    )


def _cost_table(ctx: Context) -> tuple[Table, dict]:
    sel = ctx.selection
    total = float(sel.sessions["cost"].sum()) if len(sel.sessions) else 0.0
    attended = int((sel.registrations["status"] == "attended").sum())
    improved = metrics.improved_count(sel.answers, ctx.frames.items)
    result = {key: _clean(value) for key, value in metrics.cost(total, attended, improved).items()}
    if attended <= metrics.SUPPRESSION_THRESHOLD:
        result["per_attendee"] = None
    if improved <= metrics.SUPPRESSION_THRESHOLD:
        result["per_improved"] = None
    row = {
        "selection": "Cost",
        "total": total,
        "attended": metrics.disclose_count(attended),
        "per_attendee": result["per_attendee"],
        "improved": metrics.disclose_count(improved),
        "per_improved": result["per_improved"],
        "note": result.get("note") or "",
    }
    table = Table(
        "cost",
        "Cost",
        [
            Column("selection", "Cost", "text", is_key=True),
            Column("total", "Total cost", "money"),
            Column("attended", "Attended", "count"),
            Column("per_attendee", "Per attendee", "money"),
            Column("improved", "Confidence improved", "count"),
            Column("per_improved", "Per participant who improved", "money"),
            Column("note", "Note", "text"),
        ],
        [row],
        note="Costs are the sessions' cost lines. Per attendee and per participant whose confidence scale score "
        "rose use the unrounded counts.",
    )
    return table, result


def _comments_table(ctx: Context) -> Table | None:
    """Free-text answers as an unattributed list, shuffled, and only when more than 7 people
    in the selection wrote one."""
    texts = ctx.frames.texts
    if texts.empty:
        return None
    chosen = texts[texts["registration"].isin(ctx.selection.registrations["registration"])]
    labels = _measure_labels(ctx)
    rows = []
    for item, group in chosen.groupby("item", sort=True):
        people = group["registration"].nunique()
        if people <= metrics.SUPPRESSION_THRESHOLD:
            continue
        answers = sorted(group["text"].tolist())
        random.Random(item).shuffle(answers)
        rows += [{"question": labels.get(item, item), "answer": text} for text in answers]
    if not rows:
        return None
    return Table(
        "comments",
        "Free-text answers (unattributed)",
        [Column("question", "Question", "text", is_key=True), Column("answer", "Answer", "text")],
        rows,
        note="Shown without any key, in random order, and only for questions answered by more than 7 people in "
        "this selection.",
    )


def _charts(ctx: Context, outcome_rows: list[dict], reach: Table, phase_rows: list[dict]) -> list[Chart]:
    charts = []
    domain_rows = [
        row for row in outcome_rows if row["measure"].startswith("Domain: ") or row["measure"].startswith("Confidence")
    ]
    charts.append(
        Chart(
            slug="confidence_by_domain",
            title="Confidence before and after, by domain",
            description="Mean confidence (1 to 5) in the pre and post surveys for each domain, among people who "
            "answered both.",
            kind="grouped_bars",
            categories=[row["measure"].removeprefix("Domain: ") for row in domain_rows],
            series=[
                Series("Before", [row.get("mean_before") for row in domain_rows]),
                Series("After", [row.get("mean_after") for row in domain_rows]),
            ],
            value_label="Mean confidence (1–5)",
            value_max=5,
        )
    )
    scores = ctx.cache.get("scale_scores")
    bins = ["−1 or less", "−0.5", "0", "+0.5", "+1", "+1.5", "+2 or more"]
    counts = [0] * len(bins)
    for change in scores["change"] if scores is not None else []:
        index = min(max(round(change * 2) + 2, 0), len(bins) - 1)
        counts[index] += 1
    disclosed = [metrics.disclose_count(count) for count in counts]
    charts.append(
        Chart(
            slug="change_distribution",
            title="How much each person's confidence changed",
            description="Number of people by change in their confidence scale score (after minus before, rounded "
            "to the nearest half point). Counts of 1 to 7 are not shown; others are rounded to the nearest 5.",
            kind="histogram",
            categories=bins,
            series=[Series("People", [value if isinstance(value, int) else None for value in disclosed])],
            value_label="People",
        )
    )
    group_rows = [row for row in reach.rows if row["group"] != "All leadership groups"]
    charts.append(
        Chart(
            slug="reach_by_group",
            title="Attended against target, by leadership group",
            description="Target and people who attended in each leadership group. Counts of 1 to 7 are not shown; "
            "others are rounded to the nearest 5.",
            kind="grouped_bars",
            categories=[row["group"] for row in group_rows],
            series=[
                Series("Target", [row.get("target") for row in group_rows]),
                Series(
                    "Attended",
                    [row["attended"] if isinstance(row.get("attended"), int) else None for row in group_rows],
                ),
            ],
            value_label="People",
        )
    )
    charts.append(
        Chart(
            slug="pilot_vs_rollout",
            title="Mean change in confidence: pilot and rollout",
            description="Mean change in the confidence scale score (after minus before) among matched pairs in "
            "each phase.",
            kind="bars",
            categories=[row["phase"] for row in phase_rows],
            series=[Series("Mean change", [row.get("mean_change") for row in phase_rows])],
            value_label="Mean change (points)",
        )
    )
    return charts


def _phase_rows(ctx: Context) -> list[dict]:
    rows = []
    for phase in (PhaseKind.PILOT, PhaseKind.ROLLOUT):
        if ctx.filters.phase and ctx.filters.phase != phase:
            continue
        within = metrics.restrict(*_frames_of(ctx.selection), invitations=ctx.selection.invitations, phase=phase)
        scale = metrics.paired_outcome(within.answers, ctx.frames.items, "scale")
        row = _records(_disclosed_outcomes(scale))[0] if len(scale) else {"mean_change": None}
        rows.append({"phase": phase.label, "mean_change": row.get("mean_change")})
    return rows


def _format(value: Any, kind: str) -> str:
    if value is None:
        return "Withheld"
    if isinstance(value, str):
        return value
    if kind == "percent":
        return f"{value:.1f}%"
    if kind == "money":
        return f"£{value:,.2f}"
    if kind == "signed":
        return f"{value:+.2f}"
    return f"{value:,}" if isinstance(value, int) else f"{value:.2f}"


def _headlines(ctx: Context, outcome_rows: list[dict], takeup: Table, reaction: Table, cost: dict) -> list[Headline]:
    by_measure = {row["measure"]: row for row in _records(_disclosed_outcomes(_paired(ctx)))}
    overall = by_measure.get("conf_overall", {})
    scale = by_measure.get("scale", {})
    total = takeup.rows[-1] if takeup.rows else {}
    all_themes = reaction.rows[-1] if reaction.rows else {}
    attended = int((ctx.selection.registrations["status"] == "attended").sum())
    change = overall.get("mean_change")
    ci = (
        f"95% CI {overall['ci_low']:+.2f} to {overall['ci_high']:+.2f}"
        if overall.get("ci_low") is not None
        else overall.get("withheld_reason") or overall.get("note") or ""
    )
    return [
        Headline("Matched pairs", _format(total.get("matched_pairs"), "count"), "people with a pre and a post survey"),
        Headline("Mean change in overall confidence", _format(change, "signed"), ci),
        Headline(
            "Confidence improved",
            _format(scale.get("pct_improved"), "percent"),
            "share of matched pairs whose confidence scale score rose",
        ),
        Headline("Attended", _format(metrics.disclose_count(attended), "count"), "people who came to a session"),
        Headline("Post-survey response", _format(total.get("post_response_rate"), "percent"), "answered / sent"),
        Headline(
            "Rated good or very good",
            _format(all_themes.get("pct_good_or_very_good"), "percent"),
            "overall experience",
        ),
        Headline("Cost per attendee", _format(cost.get("per_attendee"), "money"), ""),
    ]


def _criteria(programme: Programme, frames: Frames, filters: Filters) -> list[CriterionResult]:
    """Success criteria are judged on the whole programme's data for their own selection (their
    phase), whatever the dashboard's filters: they are the programme's fixed tests."""
    results = []
    for criterion in SuccessCriterion.objects.filter(programme=programme).order_by("order", "pk"):
        judged = criteria_module.judge(criterion, frames)
        results.append(
            CriterionResult(
                name=criterion.name,
                selection=judged.selection,
                value=judged.value,
                comparator=COMPARATOR_SIGNS[criterion.comparator],
                threshold=criteria_module.format_value(criterion.metric, float(criterion.threshold)),
                result=judged.result,
                reason=judged.reason,
            )
        )
    return results


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
        "or fewer people is 'not enough data'.",
    ]


def build_report(
    programme: Programme,
    filters: Filters | None = None,
    *,
    frames: Frames | None = None,
    with_responses: bool = False,
) -> EvaluationReport:
    """The whole evaluation for one selection of one programme. `with_responses` adds the
    pseudonymised answer rows (for the XLSX Responses sheet)."""
    filters = filters or Filters()
    frames = frames or load_frames(programme)
    # Pivoted once: every table, breakdown and criterion below slices the same matrix.
    frames = dataclasses.replace(frames, answers=metrics.prepare(frames.answers))
    selection = metrics.restrict(
        frames.answers,
        frames.registrations,
        frames.memberships,
        frames.sessions,
        invitations=frames.invitations,
        **filters.as_kwargs(),
    )
    domain_labels = {"overall": "Overall", "assurance": "Assurance"}
    domain_labels |= {f"focus_{area.number}": area.short_name for area in FocusArea.objects.order_by("number")}
    ctx = Context(frames=frames, filters=filters, selection=selection, domain_labels=domain_labels)
    ctx.cache["scale_scores"] = metrics.paired_scores(selection.answers, frames.items)

    outcome_tables = _outcome_tables(ctx)
    group_values = [(group, group) for group in sorted(set(selection.memberships["group"]))]
    theme_values = [(theme, Theme(theme).label) for theme in sorted(set(selection.registrations["theme"]))]
    by_group = _breakdown(ctx, "group", group_values, "Confidence change by leadership group", "outcomes_by_group")
    by_theme = _breakdown(ctx, "theme", theme_values, "Confidence change by theme", "outcomes_by_theme")
    reach = _reach_table(ctx)
    takeup = _takeup_table(ctx)
    reaction = _reaction_table(ctx)
    cost_table, cost = _cost_table(ctx)
    phase_rows = _phase_rows(ctx)
    tables = [
        *outcome_tables,
        by_group,
        by_theme,
        _then_test_table(ctx),
        _reliability_table(ctx),
        reach,
        _sessions_table(ctx),
        takeup,
        reaction,
        _phase_table(ctx),
        cost_table,
    ]
    comments = _comments_table(ctx)
    if comments is not None:
        tables.append(comments)
    judged = _criteria(programme, frames, filters)
    headline, detail = criteria_module.recommendation(
        [
            criteria_module.Judged(criterion=c, selection=r.selection, value=r.value, result=r.result, reason=r.reason)
            for c, r in zip(
                SuccessCriterion.objects.filter(programme=programme).order_by("order", "pk"), judged, strict=True
            )
        ]
    )
    responses = _responses(ctx) if with_responses else []
    return EvaluationReport(
        programme=programme.name,
        selection=filters.describe(),
        generated_at=timezone.localtime(timezone.now()),
        recommendation=headline,
        recommendation_detail=detail,
        headlines=_headlines(ctx, outcome_tables[0].rows, takeup, reaction, cost),
        criteria=judged,
        tables=tables,
        charts=_charts(ctx, outcome_tables[0].rows, reach, phase_rows),
        methods=methods(),
        disclosure_note=DISCLOSURE_NOTE,
        total_cost=Decimal(str(round(float(selection.sessions["cost"].sum()), 2))) if len(selection.sessions) else None,
        responses=responses,
    )


def _responses(ctx: Context):
    """One row per participant × survey × item (numbers only: free text is never put next to a
    key). Yields lazily so a large programme streams into the XLSX."""
    registrations = ctx.selection.registrations.set_index("registration")[["session", "phase"]]
    answers = ctx.selection.answers.frame.join(registrations, on="registration")
    answers = answers.sort_values(["participant", "session", "survey", "item"], kind="stable")
    for participant, session, phase, survey, item, value in zip(
        answers["participant"],
        answers["session"],
        answers["phase"],
        answers["survey"].astype(str),
        answers["item"].astype(str),
        answers["value"],
        strict=True,
    ):
        yield ResponseRow(participant, session, phase, survey, item, None if value != value else float(value))


def report_period(programme: Programme) -> tuple[datetime.date | None, datetime.date | None]:
    phases = list(programme.phases.order_by("starts_on"))
    if not phases:
        return None, None
    return phases[0].starts_on, phases[-1].ends_on
