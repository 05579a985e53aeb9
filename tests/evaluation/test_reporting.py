"""The report the dashboard and the exports render: its figures against scipy on the same
answers, disclosure control at the boundary, free-text answers, and the filters."""

import numpy as np
import pytest
from scipy import stats

from evaluation.data import load_frames
from evaluation.reporting import Filters, build_report
from feedback.pseudonyms import participant_key
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


def _expected(before: np.ndarray, after: np.ndarray) -> dict:
    change = after - before
    t_test = stats.ttest_rel(after, before)
    interval = t_test.confidence_interval(0.95)
    wilcoxon = stats.wilcoxon(change, zero_method="wilcox", correction=True, method="asymptotic")
    return {
        "n_pairs": len(change),
        "mean_before": before.mean(),
        "mean_after": after.mean(),
        "mean_change": change.mean(),
        "ci_low": interval.low,
        "ci_high": interval.high,
        "t": t_test.statistic,
        "df": int(t_test.df),
        "p_t": t_test.pvalue,
        "p_wilcoxon": wilcoxon.pvalue,
        "dz": change.mean() / change.std(ddof=1),
        "pct_improved": 100 * (change > 0).sum() / len(change),
        "pct_unchanged": 100 * (change == 0).sum() / len(change),
        "pct_worsened": 100 * (change < 0).sum() / len(change),
    }


def _row(report, slug: str, measure: str) -> dict:
    return next(row for row in report.table(slug).rows if row["measure"] == measure)


def _figures(row: dict, expected: dict) -> dict:
    return {key: row[key] for key in expected}


def _approx(expected: dict, disclosed_n) -> dict:
    return {key: disclosed_n if key == "n_pairs" else pytest.approx(value, rel=1e-9) for key, value in expected.items()}


def test_outcome_rows_equal_scipy_on_the_same_answers(standard):
    report = build_report(standard.programme, Filters(phase=PhaseKind.PILOT))

    overall = _expected(*_overall(PIL_01 + PIL_02))
    scale = _expected(*_scale(PIL_01 + PIL_02))
    assert _figures(_row(report, "outcomes_by_item", OVERALL), overall) == _approx(overall, 20)
    assert _figures(_row(report, "outcomes_by_item", SCALE), scale) == _approx(scale, 20)


def test_headlines_equal_scipy_on_the_same_answers(standard):
    report = build_report(standard.programme, Filters(phase=PhaseKind.PILOT))

    before, after = _overall(PIL_01 + PIL_02)
    interval = stats.ttest_rel(after, before).confidence_interval(0.95)
    scale_before, scale_after = _scale(PIL_01 + PIL_02)
    improved = 100 * ((scale_after - scale_before) > 0).mean()
    assert [(h.label, h.value, h.detail) for h in report.headlines] == [
        ("Matched pairs", "20", "people with a pre and a post survey"),
        (
            "Mean change in overall confidence",
            f"{(after - before).mean():+.2f}",
            f"95% CI {interval.low:+.2f} to {interval.high:+.2f}",
        ),
        ("Confidence improved", f"{improved:.1f}%", "share of matched pairs whose confidence scale score rose"),
        ("Attended", "20", "people who came to a session"),
        ("Post-survey response", "100.0%", "answered / sent"),
        ("Rated good or very good", "90.0%", "overall experience"),
        ("Cost per attendee", "£100.00", ""),
    ]
    assert [h.value for h in report.headlines[1:3]] == ["+0.75", "85.0%"]


def test_phase_comparison_equals_scipy(standard):
    report = build_report(standard.programme)

    pilot = np.subtract(*reversed(_scale(PIL_01 + PIL_02)))
    rollout = np.subtract(*reversed(_scale(ROL_01)))
    welch = stats.ttest_ind(rollout, pilot, equal_var=False)
    (row,) = report.table("phase_comparison").rows
    assert (row["n_pilot"], row["n_rollout"]) == (20, 10)
    assert (row["mean_change_pilot"], row["mean_change_rollout"], row["difference"], row["p_welch"]) == (
        pytest.approx(pilot.mean(), rel=1e-9),
        pytest.approx(rollout.mean(), rel=1e-9),
        pytest.approx(rollout.mean() - pilot.mean(), rel=1e-9),
        pytest.approx(welch.pvalue, rel=1e-9),
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

    row = _row(report, "outcomes_by_group", "Seven people")
    assert {key: row[key] for key in ("n_pairs", "n_improved", "mean_before", "mean_change", "ci_low", "p_t", "dz")} | {
        "pct_improved": row["pct_improved"],
        "note": row["note"],
    } == {
        "n_pairs": "*",
        "n_improved": "*",
        "mean_before": None,
        "mean_change": None,
        "ci_low": None,
        "p_t": None,
        "dz": None,
        "pct_improved": None,
        "note": "fewer than 8 people",
    }
    reach = next(row for row in report.table("reach").rows if row["group"] == "Seven people")
    assert (reach["registered"], reach["attended"], reach["attendance_rate"], reach["note"]) == (
        "*",
        "*",
        None,
        "fewer than 8 people",
    )


def test_group_of_8_rounds_to_10_and_shows_statistics(seven_and_eight):
    report = build_report(seven_and_eight.programme)

    row = _row(report, "outcomes_by_group", "Eight people")
    # Scale scores: four from 3 to 3, four from 2 to 4.
    expected = _expected(np.array([3.0, 2.0] * 4), np.array([3.0, 4.0] * 4))
    assert _figures(row, expected) == _approx(expected, 10)
    assert (row["n_improved"], row["n_unchanged"], row["n_worsened"]) == ("*", "*", 0)
    reach = next(row for row in report.table("reach").rows if row["group"] == "Eight people")
    assert (reach["registered"], reach["attended"], reach["attendance_rate"]) == (10, 10, 100.0)
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
    assert [row for row in report.responses] == []  # no answer rows unless asked for


def test_comments_are_left_out_when_7_people_answered(builder):
    _commenters(builder, 7)

    report = build_report(builder.programme)

    assert [table.slug for table in report.tables if table.slug == "comments"] == []


def test_comments_never_go_into_the_response_rows(builder):
    _commenters(builder, 8)

    report = build_report(builder.programme, with_responses=True)

    rows = list(report.responses)
    assert sorted({row.item for row in rows}) == [
        "conf_assurance",
        "conf_overall",
        "experience",
        "recommend",
        "relevance",
    ]
    assert len(rows) == 11 * 7
    person = builder.registrations[0].person_id
    assert {row.participant for row in rows if row.session == "PIL-01"} >= {participant_key(person)}


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
        headlines = {h.label: h.value for h in report.headlines}
        results.append((report.selection, headlines["Matched pairs"], headlines["Mean change in overall confidence"]))

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
