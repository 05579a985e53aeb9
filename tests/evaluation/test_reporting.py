"""The report the dashboard and the exports render: its figures against scipy on the same
answers, disclosure control at the boundary, free-text answers, and the filters."""

import numpy as np
import pytest
from scipy import stats

from evaluation.data import load_frames
from evaluation.metrics import disclose_count
from evaluation.reporting import Filters, build_report, participation
from summits.enums import PhaseKind
from tests import factories
from tests.evaluation.conftest import PIL_01, PIL_02, ROL_01, Participant

pytestmark = pytest.mark.django_db

OVERALL = "How confident are you in making decisions about data, information and technology?"
SCALE = "Confidence scale (all confidence questions)"


def _overall(specs: list[Participant]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([s.overall[0] for s in specs], float), np.array([s.overall[1] for s in specs], float)


def _scale(specs: list[Participant]) -> tuple[np.ndarray, np.ndarray]:
    """A person's scale score: the mean of their overall and assurance answers."""
    before = [(s.overall[0] + (s.assurance or s.overall)[0]) / 2 for s in specs]
    after = [(s.overall[1] + (s.assurance or s.overall)[1]) / 2 for s in specs]
    return np.array(before), np.array(after)


def _p(value: float) -> float:
    """A p-value as every output holds it: 4 decimal places, or 2 significant figures below 0.0001."""
    return float(f"{value:.1e}") if value < 1e-4 else round(value, 4)


def _expected(before: np.ndarray, after: np.ndarray) -> dict:
    change = after - before
    t_test = stats.ttest_rel(after, before)
    interval = t_test.confidence_interval(0.95)
    wilcoxon = stats.wilcoxon(change, zero_method="wilcox", correction=True, method="asymptotic")
    n = disclose_count(len(change))

    def share(people) -> float:
        # From the counts as shown (rounded), never the exact ones.
        shown = disclose_count(int(people))
        return None if shown == "*" else 100 * shown / n

    return {
        "n_pairs": n,
        "mean_before": round(before.mean(), 2),
        "mean_after": round(after.mean(), 2),
        "mean_change": round(change.mean(), 2),
        "ci_low": round(interval.low, 2),
        "ci_high": round(interval.high, 2),
        "t": round(t_test.statistic, 2),
        "p_t": _p(t_test.pvalue),
        "p_wilcoxon": _p(wilcoxon.pvalue),
        "dz": round(change.mean() / change.std(ddof=1), 2),
        "pct_improved": share((change > 0).sum()),
        "pct_unchanged": share((change == 0).sum()),
        "pct_worsened": share((change < 0).sum()),
    }


def _row(report, slug: str, measure: str) -> dict:
    return next(row for row in report.table(slug).rows if row["measure"] == measure)


def _item(report, measure: str, slugs=("outcomes_by_item", "improvement_by_item", "tests_by_item", "effects_by_item")):
    """A measure's figures from the main and detail tables together."""
    row = {}
    for slug in slugs:
        row |= _row(report, slug, measure)
    return row


def _figures(row: dict, expected: dict) -> dict:
    return {key: row[key] for key in expected}


def test_outcome_rows_equal_scipy_on_the_same_answers(standard):
    report = build_report(standard.programme, Filters(phase=PhaseKind.PILOT))

    overall = _expected(*_overall(PIL_01 + PIL_02))
    scale = _expected(*_scale(PIL_01 + PIL_02))
    assert _figures(_item(report, OVERALL), overall) == overall
    assert _figures(_item(report, SCALE), scale) == scale
    assert overall["n_pairs"] == 20


def test_headlines_equal_scipy_on_the_same_answers(standard):
    report = build_report(standard.programme, Filters(phase=PhaseKind.PILOT))

    before, after = _overall(PIL_01 + PIL_02)
    interval = stats.ttest_rel(after, before).confidence_interval(0.95)
    scale_before, scale_after = _scale(PIL_01 + PIL_02)
    improved = 100 * disclose_count(int(((scale_after - scale_before) > 0).sum())) / 20
    few = "rests on fewer than 30 people, so read it with care"
    # 13 of the 20 reliably improved (see test_criteria): shown as 15 of 20, so 75.0%, and Wilson's
    # interval of 15 / 20 (Newcombe's method 3): 53.1% to 88.8%.
    assert [(h.label, h.text, h.detail) for h in report.headlines] == [
        ("People with a pair", "20", "people who answered both the pre and the post survey, each counted once"),
        (
            "Mean change in overall confidence",
            f"{(after - before).mean():+.2f}",
            f"95% CI {interval.low:+.2f} to {interval.high:+.2f}; {few}",
        ),
        (
            "Confidence reliably improved",
            "75.0%",
            "share of people whose confidence scale score rose by more than the Reliable Change Index allows for "
            f"chance; 95% CI 53.1% to 88.8% (Wilson); {few}",
        ),
        (
            "Any rise in confidence",
            f"{improved:.1f}%",
            "share whose scale score rose at all, however little: not a measure of reliable improvement",
        ),
        ("Attended", "20", "people who came to at least one session"),
        ("Post-survey response", "100.0%", "people who answered / people sent it; 95% CI 83.9% to 100.0%"),
        # 18 of 20 shown as 20 of 20
        ("Rated good or very good", "100.0%", "overall experience, per session attended; 95% CI 83.9% to 100.0%"),
        ("Cost per attendee", "£100.00", "sessions already held: their cost over the people who attended them"),
    ]
    assert [h.text for h in report.headlines[1:4]] == ["+0.75", "75.0%", "75.0%"]  # 17 of 20 shown as 15 of 20
    assert report.summary == (
        "Of the 20 people who answered both surveys, 15 (75.0%, 95% CI 53.1% to 88.8%) reliably improved their "
        "confidence in making decisions about data, information and technology, 0 reliably worsened and the rest "
        "showed no reliable change. On average, overall confidence changed by +0.75 points on the 5-point scale "
        f"(95% CI {interval.low:+.2f} to {interval.high:+.2f}). These figures rest on fewer than 30 people, so they "
        "are uncertain. This is a before-and-after comparison without a comparison group, of self-reported "
        "confidence, so it cannot show that the workshops caused the change (see Methods)."
    )


def test_phase_comparison_equals_scipy(standard):
    report = build_report(standard.programme)

    pilot = np.subtract(*reversed(_scale(PIL_01 + PIL_02)))
    rollout = np.subtract(*reversed(_scale(ROL_01)))
    welch = stats.ttest_ind(rollout, pilot, equal_var=False)
    (row,) = report.table("phase_comparison").rows
    assert (row["n_pilot"], row["n_rollout"]) == (20, 10)
    (tests,) = report.table("phase_comparison_tests").rows
    assert (row["mean_change_pilot"], row["mean_change_rollout"], row["difference"], tests["p_welch"]) == (
        round(pilot.mean(), 2),
        round(rollout.mean(), 2),
        round(rollout.mean() - pilot.mean(), 2),
        round(welch.pvalue, 4),
    )


# --- disclosure control at the boundary --------------------------------------------------------


@pytest.fixture
def seven_and_eight(builder):
    seven = factories.leadership_group(name="Seven people")
    eight = factories.leadership_group(name="Eight people")
    session = builder.session("PIL-01")
    builder.participants(session, [Participant((2, 3)) for _ in range(7)], groups=[seven])
    builder.participants(session, [Participant((2, 4) if i % 2 else (3, 3)) for i in range(8)], groups=[eight])
    return builder


def test_group_of_7_shows_stars_and_withholds_statistics(seven_and_eight):
    report = build_report(seven_and_eight.programme)

    row = _row(report, "outcomes_by_group", "Seven people") | _row(report, "outcomes_by_group_detail", "Seven people")
    keys = ("n_pairs", "n_reliable_improved", "mean_before", "mean_change", "ci_low", "p_t", "dz")
    assert {key: row[key] for key in keys} | {
        "pct_reliable_improved": row["pct_reliable_improved"],
        "note": row["note"],
    } == {
        "n_pairs": "*",
        "n_reliable_improved": None,  # every answer the same: Cronbach's α undefined, so no reliable change
        "mean_before": None,
        "mean_change": None,
        "ci_low": None,
        "p_t": None,
        "dz": None,
        "pct_reliable_improved": None,
        "note": "withheld: fewer than 8 people",
    }
    reach = next(row for row in report.table("reach_rates").rows if row["group"] == "Seven people")
    assert (reach["attended_registrations"], reach["attendance_rate"], reach["note"]) == (
        "*",
        None,
        "withheld: fewer than 8 people",
    )


def test_group_of_8_rounds_to_10_and_shows_statistics(seven_and_eight):
    report = build_report(seven_and_eight.programme)

    row = _row(report, "outcomes_by_group", "Eight people") | _row(report, "outcomes_by_group_detail", "Eight people")
    # Scale scores: four from 3 to 3, four from 2 to 4.
    expected = _expected(np.array([3.0, 2.0] * 4), np.array([3.0, 4.0] * 4))
    shown = ["n_pairs", "mean_before", "mean_after", "mean_change", "ci_low", "ci_high", "p_t", "dz"]
    assert _figures(row, {key: expected[key] for key in shown}) == {key: expected[key] for key in shown}
    # The two answers are always equal, so α = 1 and reliable change is undefined: said, not guessed.
    assert (row["n_reliable_improved"], row["pct_reliable_improved"]) == (None, None)
    assert "reliable change undefined: Cronbach's alpha is 1" in row["note"]
    reach = next(row for row in report.table("reach").rows if row["group"] == "Eight people")
    rates = next(row for row in report.table("reach_rates").rows if row["group"] == "Eight people")
    assert (reach["registered"], reach["attended"], rates["attendance_rate"]) == (10, 10, 100.0)
    total = next(row for row in report.table("reach").rows if row["group"] == "All leadership groups")
    assert (total["registered"], total["attended"]) == (15, 15)


# --- free-text answers --------------------------------------------------------------------------


def _commenters(builder, count: int) -> None:
    session = builder.session("PIL-01")
    builder.participants(session, [Participant((2, 3), comment=f"Comment number {n}") for n in range(count)])
    builder.participants(session, [Participant((2, 3)) for _ in range(3)])  # no comment


def test_comments_are_shown_when_more_than_7_people_answered(builder):
    _commenters(builder, 8)

    report = build_report(builder.programme)

    comments = report.table("comments")
    assert [column.key for column in comments.columns] == ["question", "answer"]
    assert sorted(row["answer"] for row in comments.rows) == [f"Comment number {n}" for n in range(8)]
    assert {row["question"] for row in comments.rows} == {
        "What is one thing you will do differently as a result of the workshop?"
    }
    keys = set(load_frames(builder.programme).registrations["participant"])
    cells = [str(value) for row in comments.rows for value in row.values()]
    assert [cell for cell in cells if any(key in cell for key in keys)] == []


def test_comments_are_left_out_when_7_people_answered(builder):
    _commenters(builder, 7)

    report = build_report(builder.programme)

    assert [table.slug for table in report.tables if table.slug == "comments"] == []


# --- filters ------------------------------------------------------------------------------------


def _mean(specs):
    before, after = _overall(specs)
    return f"{(after - before).mean():+.2f}"


def test_filters_change_the_selection_and_the_numbers(standard):
    frames = load_frames(standard.programme)
    cases = [
        (Filters(), "Whole programme", "30", PIL_01 + PIL_02 + ROL_01),
        (Filters(phase="pilot"), "Pilot", "20", PIL_01 + PIL_02),
        (Filters(phase="rollout"), "Rollout", "10", ROL_01),
        (Filters(theme="how_to"), "Whole programme, How to", "10", PIL_02),
        (Filters(theme="possible"), "Whole programme, The possible", "20", PIL_01 + ROL_01),
        (Filters(group="Integrated care boards"), "Whole programme, Integrated care boards", "10", PIL_02),
        (Filters(region="north_west"), "Whole programme, North West", "10", PIL_02),
        (Filters(session="PIL-01"), "Whole programme, session PIL-01", "10", PIL_01),
        (
            Filters(phase="pilot", theme="possible", group="Acute trust boards", region="london", session="PIL-01"),
            "Pilot, The possible, Acute trust boards, London, session PIL-01",
            "10",
            PIL_01,
        ),
    ]

    results = []
    for filters, *_ in cases:
        report = build_report(standard.programme, filters, frames=frames)
        headlines = {h.label: h.text for h in report.headlines}
        results.append(
            (report.selection, headlines["People with a pair"], headlines["Mean change in overall confidence"])
        )

    assert results == [(label, pairs, _mean(specs)) for _, label, pairs, specs in cases]
    assert [mean for *_, mean in results] == [
        "+0.86",
        "+0.75",
        "+1.11",
        "+0.88",
        "+0.86",
        "+0.88",
        "+0.88",
        "+0.67",
        "+0.67",
    ]


def test_cost_per_attendee_by_phase_from_held_sessions(standard):
    standard.builder.session("PIL-09", cost="9000.00", days_ago=-20)  # not held yet: left out

    report = build_report(standard.programme)

    rows = [
        (r["selection"], r["held_sessions"], r["total"], r["attended"], r["per_attendee"])
        for r in report.table("cost").rows
    ]
    # Pilot: £1,200 + £800 over 20 people; rollout: £500 over 9 people, shown as 10.
    assert rows == [
        ("Pilot", 2, 2000.0, 20, 100.0),
        ("Rollout", 1, 500.0, 10, 50.0),
        ("All phases", 3, 2500.0, 30, 2500.0 / 30),
    ]


def test_cost_is_not_shown_under_a_group_filter(standard):
    report = build_report(standard.programme, Filters(group="Acute trust boards"))

    assert {row["total"] for row in report.table("cost").rows} == {None}
    assert {row["per_attendee"] for row in report.table("cost").rows} == {None}
    headline = next(h for h in report.headlines if h.label == "Cost per attendee")
    assert (headline.text, headline.detail) == ("–", participation.COST_OMITTED)
    assert report.total_cost is None


def test_an_empty_selection_says_no_data_yet_not_withheld(standard):
    empty = standard.builder.session("PIL-05", theme="how_did")

    report = build_report(standard.programme, Filters(session=empty.code))

    headlines = {h.label: (h.text, h.detail) for h in report.headlines}
    assert headlines["People with a pair"] == (
        "0",
        "people who answered both the pre and the post survey, each counted once; no data yet",
    )
    assert headlines["Mean change in overall confidence"] == ("–", "no data yet")
    assert report.summary.startswith("Nobody in this selection has answered both")
