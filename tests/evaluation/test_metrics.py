"""Tests for evaluation.metrics: every expected value is computed here, by hand or by
calling scipy directly on the same data, never copied from the function's output."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaluation import metrics

# --- frame builders ------------------------------------------------------------------------


def item(code, kind="confidence", domain="", order=0, retrospective_of="", scale=(1, 5)):
    return {
        "item": code,
        "kind": kind,
        "domain": domain,
        "label": f"Label of {code}",
        "scale_min": float(scale[0]),
        "scale_max": float(scale[1]),
        "retrospective_of": retrospective_of,
        "order": order,
    }


def items_frame(*rows):
    return pd.DataFrame(list(rows))


def answers_frame(*rows):
    """rows: (registration, survey, item, value)."""
    return pd.DataFrame(
        [
            {"registration": r, "participant": f"p{r}", "survey": s, "item": i, "value": float(v), "text": ""}
            for r, s, i, v in rows
        ],
        columns=["registration", "participant", "survey", "item", "value", "text"],
    )


def pre_post(code, before, after, *, start=1):
    """Answers to one item: registration start+i answered before[i] on pre and after[i] on post."""
    rows = []
    for offset, (b, a) in enumerate(zip(before, after, strict=True)):
        rows += [(start + offset, "pre", code, b), (start + offset, "post", code, a)]
    return rows


ONE_ITEM = items_frame(item("c1", domain="overall", order=1))


def only_row(frame, measure):
    rows = frame[frame["measure"] == measure]
    assert len(rows) == 1
    return rows.iloc[0]


# --- paired outcomes: the undefined cases ------------------------------------------------------


def test_paired_outcomes_no_pairs_gives_none_and_reason():
    answers = answers_frame((1, "pre", "c1", 3), (2, "post", "c1", 4))
    row = only_row(metrics.paired_outcomes(answers, ONE_ITEM), "c1")
    assert row["n_pairs"] == 0
    assert row["note"] == "no pairs"
    for column in ["mean_change", "ci_low", "t", "p_t", "p_wilcoxon", "dz", "pct_improved", "p_holm"]:
        assert row[column] is None, column


def test_paired_outcomes_one_pair_gives_mean_change_only():
    answers = answers_frame(*pre_post("c1", [2], [4]))
    row = only_row(metrics.paired_outcomes(answers, ONE_ITEM), "c1")
    assert row["n_pairs"] == 1
    assert row["mean_change"] == 2.0
    assert row["pct_improved"] == 100.0
    assert row["note"] == "one pair"
    for column in ["sd_change", "ci_low", "ci_high", "t", "df", "p_t", "dz", "dz_ci_low", "p_wilcoxon"]:
        assert row[column] is None, column


def test_paired_outcomes_identical_differences_keep_wilcoxon():
    answers = answers_frame(*pre_post("c1", [1, 2, 3], [2, 3, 4]))
    row = only_row(metrics.paired_outcomes(answers, ONE_ITEM), "c1")
    assert row["mean_change"] == 1.0
    assert row["note"].startswith("every difference identical")
    for column in ["t", "p_t", "ci_low", "ci_high", "dz", "dz_ci_low", "dz_ci_high", "p_holm"]:
        assert row[column] is None, column
    # Three positive ties: V = 1+2+3, variance n(n+1)(2n+1)/24 − (3³−3)/48 = 3.5 − 0.5.
    z = (6 - 3 - 0.5) / math.sqrt(3.0)
    assert row["wilcoxon_statistic"] == 6.0
    assert row["p_wilcoxon"] == pytest.approx(2 * stats.norm.sf(z))


def test_paired_outcomes_all_zero_differences():
    answers = answers_frame(*pre_post("c1", [2, 3, 4], [2, 3, 4]))
    row = only_row(metrics.paired_outcomes(answers, ONE_ITEM), "c1")
    assert row["mean_change"] == 0.0
    assert row["pct_unchanged"] == 100.0
    assert row["note"].startswith("all differences zero")
    for column in ["t", "p_t", "wilcoxon_statistic", "p_wilcoxon", "dz"]:
        assert row[column] is None, column


def test_paired_outcomes_output_has_no_nan_or_inf():
    answers = answers_frame(*pre_post("c1", [1, 2, 3], [2, 3, 4]))
    frame = metrics.paired_outcomes(answers, ONE_ITEM)
    for value in frame.to_numpy().ravel():
        assert not (isinstance(value, float) and not math.isfinite(value))


# --- paired outcomes: the statistics ---------------------------------------------------------

BEFORE = [2, 3, 3, 1, 4, 2, 3, 2]
AFTER = [3, 4, 4, 3, 4, 4, 2, 5]  # d = 1,1,1,2,0,2,-1,3: ties and one zero


def test_paired_t_and_ci_match_ttest_rel():
    row = only_row(metrics.paired_outcomes(answers_frame(*pre_post("c1", BEFORE, AFTER)), ONE_ITEM), "c1")
    expected = stats.ttest_rel(AFTER, BEFORE)
    interval = expected.confidence_interval()
    assert row["n_pairs"] == 8
    assert row["mean_before"] == pytest.approx(sum(BEFORE) / 8)
    assert row["mean_after"] == pytest.approx(sum(AFTER) / 8)
    assert row["mean_change"] == pytest.approx(9 / 8)
    assert row["t"] == pytest.approx(expected.statistic)
    assert row["df"] == 7
    assert row["p_t"] == pytest.approx(expected.pvalue)
    assert row["ci_low"] == pytest.approx(interval.low)
    assert row["ci_high"] == pytest.approx(interval.high)
    assert row["note"] == ""  # a single item has no reliable change, and says nothing about it
    assert row["n_reliable_improved"] is None


@pytest.mark.parametrize(
    ("before", "after", "confidence"),
    [
        (BEFORE, AFTER, 0.95),
        # Student's sleep data (R's t.test paired: t = 4.0621, p = 0.002833)
        (
            [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0],
            [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4],
            0.9,
        ),
        (
            list(np.random.default_rng(7).uniform(1, 5, 300).round(3)),
            list(np.random.default_rng(8).uniform(1, 5, 300).round(3)),
            0.95,
        ),
        ([1.0, 2.0], [2.0, 2.5], 0.99),
    ],
    ids=["ties and a zero", "sleep", "300 scores", "two pairs"],
)
def test_paired_t_is_ttest_rel_to_the_last_bit(before, after, confidence):
    before, after = np.array(before, dtype=float), np.array(after, dtype=float)
    expected = stats.ttest_rel(after, before)
    interval = expected.confidence_interval(confidence_level=confidence)

    t, p, low, high = metrics.outcomes.paired_t(after, before, confidence)

    assert (t, p, low, high) == (expected.statistic, expected.pvalue, interval.low, interval.high)


def test_wilcoxon_with_ties_and_zero_matches_scipy_and_hand_formula():
    d = [1, 1, 1, 2, 2, 0, -1, 3]
    before = [2] * 8
    after = [2 + x for x in d]
    row = only_row(metrics.paired_outcomes(answers_frame(*pre_post("c1", before, after)), ONE_ITEM), "c1")
    scipy_result = stats.wilcoxon(d, zero_method="wilcox", correction=True, method="asymptotic")
    # By hand, as R's wilcox.test does it: drop the zero (n = 7); |d| ranks 1,1,1,1 → 2.5,
    # 2,2 → 5.5, 3 → 7; V = 3·2.5 + 2·5.5 + 7 = 25.5; ties (4 and 2) reduce the variance.
    n = 7
    v = 3 * 2.5 + 2 * 5.5 + 7
    variance = n * (n + 1) * (2 * n + 1) / 24 - ((4**3 - 4) + (2**3 - 2)) / 48
    z = (v - n * (n + 1) / 4 - 0.5) / math.sqrt(variance)
    assert row["wilcoxon_statistic"] == v
    assert row["p_wilcoxon"] == pytest.approx(scipy_result.pvalue)
    assert row["p_wilcoxon"] == pytest.approx(2 * stats.norm.sf(z))
    assert row["p_wilcoxon"] == pytest.approx(0.05783, abs=5e-6)
    assert row["wilcoxon_method"] == metrics.WILCOXON_METHOD


def test_wilcoxon_rounds_float_noise_before_ranking():
    # 0.3 − 0.1 and 0.2 differ in the last bit; they must tie.
    v, p, method = metrics.wilcoxon_signed_rank([0.3 - 0.1, 0.2, 0.5, -0.1])
    assert v == 2.5 + 2.5 + 4  # |d| = 0.1, 0.2, 0.2, 0.5 rank 1, 2.5, 2.5, 4; V sums the positive ones
    expected = stats.wilcoxon([0.2, 0.2, 0.5, -0.1], zero_method="wilcox", correction=True, method="asymptotic")
    assert p == pytest.approx(expected.pvalue)
    assert method == metrics.WILCOXON_METHOD  # a tie: the normal approximation, as R


def test_dz_and_its_ci_by_hand():
    row = only_row(metrics.paired_outcomes(answers_frame(*pre_post("c1", BEFORE, AFTER)), ONE_ITEM), "c1")
    d = np.array(AFTER) - np.array(BEFORE)
    dz = d.mean() / d.std(ddof=1)
    se = math.sqrt(1 / 8 + dz**2 / 16)
    assert row["dz"] == pytest.approx(dz)
    assert row["dz_ci_low"] == pytest.approx(dz - 1.959963984540054 * se)
    assert row["dz_ci_high"] == pytest.approx(dz + 1.959963984540054 * se)
    assert row["dz_ci_method"] == "normal approximation, SE = sqrt(1/n + dz²/(2n))"


def test_improved_unchanged_worsened_shares():
    row = only_row(metrics.paired_outcomes(answers_frame(*pre_post("c1", BEFORE, AFTER)), ONE_ITEM), "c1")
    assert (row["n_improved"], row["n_unchanged"], row["n_worsened"]) == (6, 1, 1)
    assert (row["pct_improved"], row["pct_unchanged"], row["pct_worsened"]) == (75.0, 12.5, 12.5)


# Two items in one domain, one in another: domain and scale scores, α and reliable change.
THREE_ITEMS = items_frame(
    item("a1", domain="assurance", order=1),
    item("a2", domain="assurance", order=2),
    item("f1", domain="focus_1", order=3),
    item("x", kind="experience", order=4),
)
PRE = {1: (1, 2, 2), 2: (2, 2, 3), 3: (3, 4, 3), 4: (4, 5, 5), 5: (2, 1, 2)}
POST = {1: (3, 3, 2), 2: (2, 4, 4), 3: (4, 4, 5), 4: (5, 5, 5), 5: (2, 2, 1)}


def three_item_answers():
    rows = []
    for survey, table in (("pre", PRE), ("post", POST)):
        for registration, values in table.items():
            rows += [(registration, survey, code, v) for code, v in zip(("a1", "a2", "f1"), values, strict=True)]
    rows.append((1, "post", "x", 5))
    return answers_frame(*rows)


def test_paired_outcomes_rows_are_items_then_domains_then_scale():
    frame = metrics.paired_outcomes(three_item_answers(), THREE_ITEMS)
    assert frame["measure"].tolist() == ["a1", "a2", "f1", "domain:assurance", "domain:focus_1", "scale"]
    assert frame["kind"].tolist() == ["item", "item", "item", "domain", "domain", "scale"]
    assert frame.columns.tolist() == metrics.PAIRED_COLUMNS


def test_domain_and_scale_scores_are_means_of_items():
    frame = metrics.paired_outcomes(three_item_answers(), THREE_ITEMS)
    before = [np.mean(PRE[r][:2]) for r in PRE]
    after = [np.mean(POST[r][:2]) for r in POST]
    domain = only_row(frame, "domain:assurance")
    assert domain["mean_before"] == pytest.approx(np.mean(before))
    assert domain["t"] == pytest.approx(stats.ttest_rel(after, before).statistic)
    scale = only_row(frame, "scale")
    assert scale["mean_change"] == pytest.approx(np.mean([np.mean(POST[r]) - np.mean(PRE[r]) for r in PRE]))


def test_domain_score_uses_items_answered_in_both_surveys():
    answers = answers_frame(
        (1, "pre", "a1", 2),
        (1, "pre", "a2", 1),
        (1, "post", "a1", 4),  # a2 skipped on post
    )
    scores = metrics.paired_scores(answers, THREE_ITEMS, "domain:assurance")
    assert scores.to_dict("records") == [{"registration": 1, "before": 2.0, "after": 4.0, "change": 2.0}]


def test_holm_adjusts_item_rows_only():
    frame = metrics.paired_outcomes(three_item_answers(), THREE_ITEMS)
    p = [only_row(frame, code)["p_t"] for code in ("a1", "a2", "f1")]
    order = sorted(range(3), key=lambda i: p[i])
    expected = [None] * 3
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (3 - rank) * p[i]))
        expected[i] = running
    assert [only_row(frame, code)["p_holm"] for code in ("a1", "a2", "f1")] == pytest.approx(expected)
    assert only_row(frame, "scale")["p_holm"] is None
    assert only_row(frame, "domain:assurance")["p_holm"] is None


def test_holm_by_hand():
    # Sorted 0.01, 0.02, 0.04 with m = 3: 0.03, max(0.03, 0.04), max(0.04, 0.04); None is skipped.
    assert metrics.holm([0.04, None, 0.01, 0.02]) == pytest.approx([0.04, None, 0.03, 0.04])


def test_cronbach_alpha_by_hand():
    data = np.array(list(PRE.values()), dtype=float)
    k = 3
    alpha = k / (k - 1) * (1 - data.var(axis=0, ddof=1).sum() / data.sum(axis=1).var(ddof=1))
    result = metrics.cronbach_alpha(three_item_answers(), THREE_ITEMS, survey="pre")
    assert result == {"n": 5, "k": 3, "alpha": pytest.approx(alpha), "note": ""}


def test_cronbach_alpha_uses_complete_cases_only():
    answers = three_item_answers()
    answers = answers[~((answers["registration"] == 5) & (answers["item"] == "f1") & (answers["survey"] == "pre"))]
    result = metrics.cronbach_alpha(answers, THREE_ITEMS, survey="pre")
    assert result["n"] == 4


def _alpha_by_hand(rows: list[tuple[float, ...]]) -> float:
    data = np.array(rows, dtype=float)
    k = data.shape[1]
    return k / (k - 1) * (1 - data.var(axis=0, ddof=1).sum() / data.sum(axis=1).var(ddof=1))


def test_prepare_keeps_the_last_of_a_repeated_answer_and_who_responded():
    """An answer given twice counts once, as its last row says; a row without a value still
    shows that its registration responded to that survey."""
    answers = answers_frame(
        (7, "pre", "c1", 2),
        (3, "pre", "c1", 1),
        (7, "pre", "c1", 4),
        (7, "post", "c1", 3),
        (7, "pre", "c1", 5),
        (9, "post", "c1", float("nan")),
    )

    prepared = metrics.prepare(answers)

    assert list(prepared.registrations) == [3, 7, 9]
    np.testing.assert_array_equal(prepared.matrix("pre", ["c1"]), [[1.0], [5.0], [np.nan]])
    np.testing.assert_array_equal(prepared.matrix("post", ["c1"]), [[np.nan], [3.0], [np.nan]])
    assert list(prepared.responded("pre")) == [3, 7]
    assert list(prepared.responded("post")) == [7, 9]


def test_a_selection_of_every_registration_is_the_prepared_answers_themselves():
    """Narrowing to every registration (a report with no filter) keeps the whole answers, with
    what they have already computed, rather than a copy of them; a part stays a part."""
    prepared = metrics.prepare(answers_frame(*pre_post("c1", [1, 2, 3], [2, 2, 4])))

    part = prepared.restrict([1, 3])

    assert prepared.restrict([3, 2, 1, 9]) is prepared
    assert part.restrict([1, 3]) is part
    assert list(part.registrations) == [1, 3]
    assert part.whole().restrict([1, 2, 3]) is prepared


def test_cronbach_alpha_of_a_selection_is_its_own():
    """A selection of prepared answers: its complete rows only; and where nobody in it answered
    an item (f1, answered by registrations 1 and 2 only), the item is left out for it."""
    rows = [
        (r, "pre", code, v) for r, values in PRE.items() for code, v in zip(("a1", "a2", "f1"), values, strict=True)
    ]
    rows = [row for row in rows if not (row[0] > 2 and row[2] == "f1")]
    prepared = metrics.prepare(answers_frame(*rows))

    whole = metrics.cronbach_alpha(prepared, THREE_ITEMS, survey="pre")
    first_two_and_third = metrics.cronbach_alpha(prepared.restrict([1, 2, 3]), THREE_ITEMS, survey="pre")
    last_three = metrics.cronbach_alpha(prepared.restrict([3, 4, 5]), THREE_ITEMS, survey="pre")

    assert whole == {"n": 2, "k": 3, "alpha": pytest.approx(_alpha_by_hand([PRE[1], PRE[2]])), "note": ""}
    assert first_two_and_third == whole
    assert last_three == {
        "n": 3,
        "k": 2,
        "alpha": pytest.approx(_alpha_by_hand([PRE[r][:2] for r in (3, 4, 5)])),
        "note": "",
    }


@pytest.mark.parametrize(
    ("answers", "note"),
    [
        (
            answers_frame((1, "pre", "a1", 1), (1, "pre", "a2", 2), (1, "pre", "f1", 3)),
            "fewer than 2 complete responses",
        ),
        (
            answers_frame(*[(r, "pre", code, 3) for r in (1, 2) for code in ("a1", "a2", "f1")]),
            "no variance in total scores",
        ),
    ],
)
def test_cronbach_alpha_undefined(answers, note):
    result = metrics.cronbach_alpha(answers, THREE_ITEMS, survey="pre")
    assert result["alpha"] is None
    assert result["note"] == note


def test_cronbach_alpha_needs_two_items():
    result = metrics.cronbach_alpha(answers_frame(*pre_post("c1", BEFORE, AFTER)), ONE_ITEM, survey="pre")
    assert result == {"n": 8, "k": 1, "alpha": None, "note": "fewer than 2 items"}


def test_reliable_change_uses_alpha_and_sd_of_before_scores():
    frame = metrics.paired_outcomes(three_item_answers(), THREE_ITEMS)
    data = np.array(list(PRE.values()), dtype=float)
    alpha = 3 / 2 * (1 - data.var(axis=0, ddof=1).sum() / data.sum(axis=1).var(ddof=1))
    before = np.array([np.mean(PRE[r]) for r in PRE])
    change = np.array([np.mean(POST[r]) for r in POST]) - before
    rci = change / (before.std(ddof=1) * math.sqrt(2) * math.sqrt(1 - alpha))
    scale = only_row(frame, "scale")
    assert scale["reliability"] == pytest.approx(alpha)
    assert scale["n_reliable_improved"] == int((rci > 1.96).sum())
    assert scale["n_reliable_worsened"] == int((rci < -1.96).sum())
    assert scale["note"] == ""


def test_reliable_change_counts_by_hand():
    # Before 1, 3, 2, 2 (SD √(2/3)) and α 0.75: the threshold is 1.96 · SD · √2 · √0.25 ≈ 1.13,
    # so changes of ±2 are reliable and a change of 1 is not.
    result = metrics.paired_statistics([1, 3, 2, 2], [3, 4, 2, 0], reliability=0.75)
    sd_before = np.std([1, 3, 2, 2], ddof=1)
    threshold = 1.96 * sd_before * math.sqrt(2) * math.sqrt(0.25)
    changes = [2, 1, 0, -2]
    assert result["reliable_change_threshold"] == pytest.approx(threshold)
    assert result["n_reliable_improved"] == sum(c > threshold for c in changes)
    assert result["n_reliable_worsened"] == sum(c < -threshold for c in changes)
    assert (result["n_reliable_improved"], result["n_reliable_worsened"]) == (1, 1)


# --- then-test ---------------------------------------------------------------------------


def test_then_test_compares_retrospective_with_pre_and_post():
    items = items_frame(item("c1", order=1), item("r1", kind="retrospective", order=2, retrospective_of="c1"))
    pre = {1: 3, 2: 3, 3: 4, 4: 2}
    recalled = {1: 2, 2: 2, 3: 3, 4: 2}
    post = {1: 4, 2: 3, 3: 5, 4: 4}
    rows = [(r, "pre", "c1", v) for r, v in pre.items()]
    rows += [(r, "post", "r1", v) for r, v in recalled.items()]
    rows += [(r, "post", "c1", v) for r, v in post.items()]
    frame = metrics.then_test(answers_frame(*rows), items)
    assert frame["comparison"].tolist() == ["retrospective vs pre", "post vs retrospective"]
    assert frame["compares"].tolist() == ["c1", "c1"]
    shift = frame.iloc[0]
    assert shift["mean_change"] == pytest.approx(np.mean([recalled[r] - pre[r] for r in pre]))
    assert shift["t"] == pytest.approx(stats.ttest_rel(list(recalled.values()), list(pre.values())).statistic)
    perceived = frame.iloc[1]
    assert perceived["t"] == pytest.approx(stats.ttest_rel(list(post.values()), list(recalled.values())).statistic)


# --- pilot against rollout ---------------------------------------------------------------


def registrations_frame(*rows):
    """rows: (registration, phase, status) plus defaults for the rest."""
    return pd.DataFrame(
        [
            {
                "registration": r,
                "participant": f"p{r}",
                "session": f"{phase[:3].upper()}-1",
                "phase": phase,
                "theme": "possible",
                "region": "london",
                "status": status,
                "invited": True,
                "pre_sent": True,
                "post_sent": True,
                "follow_up_sent": False,
            }
            for r, phase, status in rows
        ]
    )


def test_compare_phases_matches_welch_and_mann_whitney():
    pilot_before, pilot_after = [2, 3, 2, 1], [3, 4, 4, 2]
    rollout_before, rollout_after = [3, 2, 2, 4, 1], [3, 3, 2, 5, 1]
    answers = answers_frame(
        *pre_post("c1", pilot_before, pilot_after, start=1), *pre_post("c1", rollout_before, rollout_after, start=11)
    )
    registrations = registrations_frame(
        *[(r, "pilot", "attended") for r in range(1, 5)], *[(r, "rollout", "attended") for r in range(11, 16)]
    )
    result = metrics.compare_phases(answers, ONE_ITEM, registrations, measure="c1")
    pilot = [a - b for a, b in zip(pilot_after, pilot_before, strict=True)]
    rollout = [a - b for a, b in zip(rollout_after, rollout_before, strict=True)]
    welch = stats.ttest_ind(rollout, pilot, equal_var=False)
    u = stats.mannwhitneyu(rollout, pilot, alternative="two-sided", method="asymptotic", use_continuity=True)
    assert (result["n_pilot"], result["n_rollout"]) == (4, 5)
    assert result["difference"] == pytest.approx(np.mean(rollout) - np.mean(pilot))
    assert result["t"] == pytest.approx(welch.statistic)
    assert result["df"] == pytest.approx(welch.df)
    assert result["p_welch"] == pytest.approx(welch.pvalue)
    assert result["mann_whitney_u"] == u.statistic
    assert result["p_mann_whitney"] == pytest.approx(u.pvalue)
    assert result["note"] == ""


def test_welch_df_is_welch_satterthwaite():
    answers = answers_frame(*pre_post("c1", [1, 1, 1], [2, 4, 3], start=1), *pre_post("c1", [1, 1], [1, 2], start=11))
    registrations = registrations_frame((1, "pilot", "attended"), (2, "pilot", "attended"), (3, "pilot", "attended"))
    registrations = pd.concat(
        [registrations, registrations_frame((11, "rollout", "attended"), (12, "rollout", "attended"))]
    )
    result = metrics.compare_phases(answers, ONE_ITEM, registrations, measure="c1")
    v1, n1, v2, n2 = 1.0, 3, 0.5, 2  # variances of (1, 3, 2) and (0, 1)
    df = (v1 / n1 + v2 / n2) ** 2 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
    assert result["df"] == pytest.approx(df)


def test_compare_phases_undefined_with_one_pilot_change():
    answers = answers_frame(*pre_post("c1", [1], [2], start=1), *pre_post("c1", [1, 2], [2, 2], start=11))
    registrations = registrations_frame(
        (1, "pilot", "attended"), (11, "rollout", "attended"), (12, "rollout", "attended")
    )
    result = metrics.compare_phases(answers, ONE_ITEM, registrations, measure="c1")
    assert result["t"] is None
    assert result["p_welch"] is None
    assert result["note"] == "Welch's t undefined: fewer than 2 paired people in pilot"
    expected = stats.mannwhitneyu([1, 0], [1], alternative="two-sided", method="asymptotic", use_continuity=True)
    assert result["p_mann_whitney"] == pytest.approx(expected.pvalue)


def test_compare_phases_with_no_pairs():
    result = metrics.compare_phases(answers_frame(), ONE_ITEM, registrations_frame((1, "pilot", "attended")))
    assert result["difference"] is None
    assert result["mann_whitney_u"] is None
    assert result["note"] == (
        "Welch's t undefined: fewer than 2 paired people in pilot and rollout; "
        "Mann–Whitney undefined: a phase has no paired people"
    )


def test_improved_count_counts_reliably_improved_scale_scores():
    # Scale change per registration: 1 +1, 2 +1, 3 +1, 4 +1/3, 5 0 (four rises). α of the three
    # pre items, by hand: item variances 1.3, 2.7, 1.5; total scores 5, 7, 10, 14, 5 with variance
    # 14.7; α = 3/2 · (1 − 5.5/14.7) = 0.93878; SD of the before scale scores √1.63333 = 1.27802;
    # threshold 1.96 · 1.27802 · √2 · √(1 − 0.93878) = 0.87654, so the three +1 are reliable and
    # +1/3 is not.
    alpha = 1.5 * (1 - 5.5 / 14.7)
    before = np.array([5, 7, 10, 14, 5]) / 3
    threshold = 1.96 * before.std(ddof=1) * math.sqrt(2) * math.sqrt(1 - alpha)
    assert threshold == pytest.approx(0.87654, abs=5e-5)
    assert metrics.improved_count(three_item_answers(), THREE_ITEMS) == 3
    scale = only_row(metrics.paired_outcomes(three_item_answers(), THREE_ITEMS), "scale")
    assert scale["reliable_change_threshold"] == pytest.approx(threshold)
    assert (scale["n_reliable_improved"], scale["n_no_reliable_change"], scale["n_reliable_worsened"]) == (3, 2, 0)
    assert scale["pct_reliable_improved"] == 60.0
    assert scale["n_improved"] == 4  # any rise, kept and labelled as such


# --- reaction ----------------------------------------------------------------------------

REACTION_ITEMS = items_frame(
    item("exp", kind="experience", order=1),
    item("rel", kind="relevance", order=2),
    item("rec", kind="recommend", order=3, scale=(0, 10)),
)


def test_reaction_distribution_good_share_and_nps():
    experience = [5, 4, 4, 3, 1, 2]
    relevance = [5, 5, 3]
    recommend = [10, 9, 8, 7, 6, 0, 9]
    rows = [(r, "post", "exp", v) for r, v in enumerate(experience, 1)]
    rows += [(r, "post", "rel", v) for r, v in enumerate(relevance, 1)]
    rows += [(r, "post", "rec", v) for r, v in enumerate(recommend, 1)]
    row = metrics.reaction(answers_frame(*rows), REACTION_ITEMS).iloc[0]
    assert row["n_experience"] == 6
    assert [row[f"experience_{point}"] for point in range(1, 6)] == [1, 1, 1, 2, 1]
    assert row["pct_good_or_very_good"] == pytest.approx(3 / 6 * 100)
    assert row["relevance_mean"] == pytest.approx(13 / 3)
    assert [row[f"relevance_{point}"] for point in range(1, 6)] == [0, 0, 1, 0, 2]
    assert (row["n_promoters"], row["n_passives"], row["n_detractors"]) == (3, 2, 2)
    assert row["nps"] == pytest.approx(3 / 7 * 100 - 2 / 7 * 100)
    assert metrics.EXPERIENCE_LABELS[1] == "Very poor"
    assert metrics.EXPERIENCE_LABELS[5] == "Very good"


def test_reaction_by_group_counts_a_person_in_each_group():
    rows = [(1, "post", "exp", 5), (2, "post", "exp", 2)]
    by_frame = pd.DataFrame({"registration": [1, 1, 2], "group": ["acute", "ccg", "ccg"]})
    frame = metrics.reaction(answers_frame(*rows), REACTION_ITEMS, by_frame=by_frame, by="group")
    assert frame["group"].tolist() == ["acute", "ccg"]
    assert frame["n_experience"].tolist() == [1, 2]
    assert frame["pct_good_or_very_good"].tolist() == [100.0, 50.0]


def test_reaction_without_answers_gives_none():
    row = metrics.reaction(answers_frame(), REACTION_ITEMS).iloc[0]
    assert row["n_recommend"] == 0
    assert row["nps"] is None
    assert row["pct_good_or_very_good"] is None


# --- R-published results -------------------------------------------------------------------

# Hollander & Wolfe (1973, p. 29), the example of R's ?wilcox.test: Hamilton depression scale
# factor IV before (y) and after (x) the first tranquilliser dose, 9 patients.
DEPRESSION_BEFORE = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
DEPRESSION_AFTER = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
# Student's sleep data (R's datasets::sleep): extra hours of sleep with drug 1 and drug 2.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_wilcoxon_exact_as_r_on_hollander_and_wolfe():
    # R: wilcox.test(x, y, paired = TRUE) gives V = 40, p-value = 0.03906 (= 2 · 10/512): 9
    # differences, no ties, no zeros, so the exact distribution.
    row = metrics.paired_statistics(DEPRESSION_AFTER, DEPRESSION_BEFORE)
    assert row["wilcoxon_statistic"] == 40.0
    assert row["p_wilcoxon"] == 0.0390625
    assert row["wilcoxon_method"] == metrics.WILCOXON_EXACT_METHOD


def test_wilcoxon_normal_approximation_as_r_on_sleep_data():
    # R: with(sleep, wilcox.test(extra[group == 1], extra[group == 2], paired = TRUE)) gives
    # V = 0, p-value = 0.009091 ("cannot compute exact p-value with ties / with zeroes").
    row = metrics.paired_statistics(SLEEP_2, SLEEP_1)
    assert row["wilcoxon_statistic"] == 0.0
    assert round(row["p_wilcoxon"], 6) == 0.009091
    assert row["wilcoxon_method"] == metrics.WILCOXON_METHOD


def test_mann_whitney_exact_as_r():
    # R's ?wilcox.test: x = permeability at 12–26 weeks, y = at the first trimester;
    # wilcox.test(x, y, alternative = "g") gives W = 35, p-value = 0.1272; two-sided it is twice
    # that: P(W ≥ 35) = 382 of the C(15, 5) = 3003 equally likely rank sets.
    x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
    y = [1.15, 0.88, 0.90, 0.74, 1.21]
    u, p, method = metrics.mann_whitney(x, y)
    assert u == 35.0
    assert p == pytest.approx(2 * 382 / 3003, rel=1e-12)
    assert method == metrics.MANN_WHITNEY_EXACT_METHOD


def test_mann_whitney_with_ties_uses_the_normal_approximation():
    u, p, method = metrics.mann_whitney([1, 2, 2, 3], [2, 4, 5])
    expected = stats.mannwhitneyu([1, 2, 2, 3], [2, 4, 5], method="asymptotic", use_continuity=True)
    assert (u, p) == (2.0, pytest.approx(expected.pvalue))  # 3 > 2, and the two 2s tie with 2: 1 + ½ + ½
    assert method == metrics.MANN_WHITNEY_METHOD


def test_compare_phases_names_the_mann_whitney_method_used():
    # Pilot changes 1, 2, 3 and rollout changes 0.5, 1.5: no ties, so exact.
    answers = answers_frame(
        *pre_post("c1", [1, 1, 1], [2, 3, 4], start=1), *pre_post("c1", [2, 2], [2.5, 3.5], start=11)
    )
    registrations = registrations_frame(
        (1, "pilot", "attended"),
        (2, "pilot", "attended"),
        (3, "pilot", "attended"),
        (11, "rollout", "attended"),
        (12, "rollout", "attended"),
    )
    result = metrics.compare_phases(answers, ONE_ITEM, registrations, measure="c1")
    # U of the rollout: 0.5 beats none, 1.5 beats 1 → U = 1; P(U ≤ 1) = 2 of C(5, 2) = 10, two-sided 0.4.
    assert result["mann_whitney_u"] == 1.0
    assert result["p_mann_whitney"] == pytest.approx(0.4)
    assert result["mann_whitney_method"] == metrics.MANN_WHITNEY_EXACT_METHOD


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    # Newcombe (1998), Statistics in Medicine 17:857, table I, method 3 (Wilson score).
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0),
    ],
)
def test_wilson_interval_matches_newcombe(successes, n, low, high):
    interval = metrics.wilson_interval(successes, n)
    assert (round(interval[0] / 100, 4), round(interval[1] / 100, 4)) == (low, high)


def test_wilson_interval_of_nobody_is_undefined():
    assert metrics.wilson_interval(0, 0) == (None, None)


def test_domain_reliable_change_uses_the_domains_own_alpha():
    frame = metrics.paired_outcomes(three_item_answers(), THREE_ITEMS)
    assurance = only_row(frame, "domain:assurance")
    pre = np.array([PRE[r][:2] for r in PRE], dtype=float)  # a1, a2
    alpha = 2 * (1 - pre.var(axis=0, ddof=1).sum() / pre.sum(axis=1).var(ddof=1))
    assert assurance["reliability"] == pytest.approx(alpha)
    before = pre.mean(axis=1)
    threshold = 1.96 * before.std(ddof=1) * math.sqrt(2) * math.sqrt(1 - alpha)
    assert assurance["reliable_change_threshold"] == pytest.approx(threshold)
    focus = only_row(frame, "domain:focus_1")  # one question: that question, so no reliable change
    assert focus["n_reliable_improved"] is None
    assert focus["note"] == ""
    for code in ("a1", "a2", "f1"):  # no per-item reliable change
        assert only_row(frame, code)["reliable_change_threshold"] is None


def test_change_bins_match_the_reliable_change_counts_without_rounding():
    # 0.5 would round (half to even) to 0; here it is a rise. Exactly the threshold is not reliable.
    changes = [-1.5, -0.25, 0, 0, 0.125, 0.5, 0.75, 0.8, 1.0]
    assert metrics.change_bins(changes, 0.75) == [1, 1, 2, 3, 2]
    assert metrics.change_bins(changes, None) == [0, 2, 2, 5, 0]
    assert sum(metrics.change_bins(changes, 0.75)) == len(changes)
