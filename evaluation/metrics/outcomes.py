"""Learning outcomes: the paired change in confidence from one survey to another.

Statistics match R, not scipy's defaults (see RECIPES.md, "Statistics"): the paired t-test
is `scipy.stats.ttest_rel(after, before)`'s arithmetic (`paired_t`, equal to the last bit; R's
`t.test(after, before, paired=TRUE)`), and
the Wilcoxon signed-rank test is R's `wilcox.test(after, before, paired=TRUE)`: its exact
distribution when fewer than 50 differences are non-zero and there are no ties and no zeros,
else the normal approximation with tie and continuity correction (`scipy.stats.wilcoxon(d,
zero_method="wilcox", correction=True, method="asymptotic")`). Each row names the method it
used. Differences are rounded to 10 decimal places before they are compared or ranked, so
float noise cannot break a tie.

Improvement is the Reliable Change Index (Jacobson & Truax 1991) on the confidence scale and
on each domain score, each with its own Cronbach's α in the `before` survey; single items have
no reliable change (one item's reliability is not the scale's).

Undefined statistics are None (never NaN or inf) and the row's `note` gives the reason.
"""

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from ._common import (
    DIFFERENCE_DECIMALS,
    RETROSPECTIVE,
    clean,
    confidence_items,
    object_frame,
    pct,
)
from .wide import Answers, WideAnswers, prepare

WILCOXON_METHOD = (
    "Wilcoxon signed-rank, zeros dropped, normal approximation with tie and continuity correction "
    "(as R wilcox.test paired when there are ties, zero differences or 50 or more non-zero ones); "
    "statistic V = sum of the ranks of positive changes"
)
WILCOXON_EXACT_METHOD = (
    "Wilcoxon signed-rank, exact distribution (as R wilcox.test paired: fewer than 50 differences, "
    "no ties, no zeros); statistic V = sum of the ranks of positive changes"
)
# R's wilcox.test uses the exact distribution below this many observations (per sample).
EXACT_BELOW = 50
T_METHOD = "paired t-test (as R t.test paired); CI of the mean change from the t distribution"
DZ_CI_METHOD = "normal approximation, SE = sqrt(1/n + dz²/(2n))"
# Jacobson & Truax (1991): a change is reliable when |change| / (SD_before · √2 · √(1 − α)) > 1.96.
RELIABLE_CHANGE_Z = 1.96
RELIABLE_CHANGE_METHOD = (
    "Reliable Change Index (Jacobson and Truax): a change is reliable when it exceeds 1.96 × SD of the "
    "before scores × √2 × √(1 − α), with Cronbach's α of the same score (the scale's, or the domain's) "
    "in the before survey"
)

NO_PAIRS = "no pairs"
ONE_PAIR = "one pair"
IDENTICAL = "every difference identical"
ALL_ZERO = "all differences zero"

STATISTIC_COLUMNS = [
    "n_pairs",
    "mean_before",
    "mean_after",
    "mean_change",
    "sd_change",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p_t",
    "wilcoxon_statistic",
    "p_wilcoxon",
    "wilcoxon_method",
    "dz",
    "dz_ci_low",
    "dz_ci_high",
    "dz_ci_method",
    "n_improved",
    "n_unchanged",
    "n_worsened",
    "pct_improved",
    "pct_unchanged",
    "pct_worsened",
    "reliability",
    "reliable_change_threshold",
    "n_reliable_improved",
    "n_no_reliable_change",
    "n_reliable_worsened",
    "pct_reliable_improved",
    "pct_no_reliable_change",
    "pct_reliable_worsened",
    "p_holm",
    "note",
]
PAIRED_COLUMNS = ["measure", "kind", "label", *STATISTIC_COLUMNS]
THEN_TEST_COLUMNS = ["measure", "compares", "comparison", "label", *STATISTIC_COLUMNS]
# For apply_disclosure: counts are rounded, everything computed from them is a statistic.
PAIRED_COUNT_COLUMNS = [
    "n_improved",
    "n_unchanged",
    "n_worsened",
    "n_reliable_improved",
    "n_no_reliable_change",
    "n_reliable_worsened",
]
PAIRED_STAT_COLUMNS = [
    "mean_before",
    "mean_after",
    "mean_change",
    "sd_change",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p_t",
    "wilcoxon_statistic",
    "p_wilcoxon",
    "dz",
    "dz_ci_low",
    "dz_ci_high",
    "pct_improved",
    "pct_unchanged",
    "pct_worsened",
    "pct_reliable_improved",
    "pct_no_reliable_change",
    "pct_reliable_worsened",
    "p_holm",
]

SCALE = "scale"
DOMAIN_PREFIX = "domain:"


# --- the statistics of one set of pairs ------------------------------------------------------


def wilcoxon_signed_rank(differences: Sequence[float]) -> tuple[float | None, float | None, str]:
    """(V, p, method) as R's `wilcox.test(d, paired=TRUE)` (two-sided): V is the sum of the ranks
    of the positive differences; p is exact when fewer than 50 differences are non-zero and
    there are no ties and no zeros, else the normal approximation with tie and continuity
    correction. None, None when no difference is non-zero.

    The approximation follows scipy.stats.wilcoxon (zero_method="wilcox", correction=True,
    method="asymptotic") operation for operation: ranks and tie counts are whole or half
    numbers, so every sum is exact and p is scipy's to the bit.
    """
    d = np.round(np.asarray(differences, dtype=float), DIFFERENCE_DECIMALS)
    nonzero = d[d != 0]
    if len(nonzero) == 0:
        return None, None, WILCOXON_METHOD
    group, ties = _tie_groups(np.abs(nonzero))
    ties = ties.astype(float)
    ranks = np.cumsum(ties) - ties + (ties + 1) / 2  # the average rank of each tie group
    # The positive differences' ranks summed by tie group (half-integers times counts: exact).
    v = float((ranks * np.bincount(group[nonzero > 0], minlength=len(ties))).sum())
    count = float(len(nonzero))
    if len(nonzero) < EXACT_BELOW and len(nonzero) == len(d) and len(ties) == len(nonzero):
        exact = stats.wilcoxon(nonzero, method="exact")
        return v, clean(float(exact.pvalue)), WILCOXON_EXACT_METHOD
    mean = count * (count + 1.0) * 0.25
    se = count * (count + 1.0) * (2.0 * count + 1.0)
    se = np.sqrt((se - np.sum(ties**3 - ties) / 2) / 24)
    z = (v - mean) / se
    z -= np.sign(z) * 0.5 / se
    return v, clean(float(2 * special.ndtr(-np.abs(z)))), WILCOXON_METHOD


def _tie_groups(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_inverse=True, return_counts=True)[1:]: each value's group (its
    rank among the distinct values) and the size of each group. Scores take few distinct values,
    so they are hashed and only the distinct values sorted, not all of them."""
    codes, distinct = pd.factorize(values)
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[np.argsort(distinct, kind="stable")] = np.arange(len(distinct))
    group = rank[codes]
    return group, np.bincount(group, minlength=len(distinct))


def wilson_interval(successes: int, n: int, *, confidence: float = 0.95) -> tuple[float | None, float | None]:
    """Wilson's score interval for a proportion (as R prop.test(correct=FALSE) and
    statsmodels' proportion_confint(method="wilson")), as percentages (0–100). None, None when n is 0."""
    successes, n = int(successes), int(n)
    if n <= 0:
        return None, None
    if not 0 <= successes <= n:
        raise ValueError(f"{successes} successes out of {n}")
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    share = successes / n
    centre = share + z * z / (2 * n)
    spread = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    low, high = (centre - spread) / denominator, (centre + spread) / denominator
    return 100 * max(0.0, low), 100 * min(1.0, high)


def reliable_change_threshold(before: Sequence[float], reliability: float | None) -> tuple[float | None, str]:
    """The smallest change that counts as reliable (1.96 standard errors of the difference), or
    None with the reason."""
    before = np.asarray(before, dtype=float)
    if reliability is None:
        return None, "reliable change undefined: Cronbach's alpha undefined"
    if reliability <= 0 or reliability >= 1:
        return None, f"reliable change undefined: Cronbach's alpha is {reliability:.3g}"
    if len(before) < 2 or float(np.std(before, ddof=1)) == 0:
        return None, "reliable change undefined: every before score identical"
    standard_error = float(np.std(before, ddof=1)) * math.sqrt(2) * math.sqrt(1 - reliability)
    return RELIABLE_CHANGE_Z * standard_error, ""


def paired_t(after: np.ndarray, before: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float, float]:
    """(t, two-sided p, CI low, CI high) of the paired t-test, n − 1 degrees of freedom: the
    arithmetic of scipy.stats.ttest_rel(after, before) and its confidence_interval, step for
    step, so every figure is the same to the last bit (tested), without the checks and array
    dispatch that cost more than the test on a report's 60-odd selections. At least 2 pairs."""
    diff = after - before
    n = len(diff)
    mean = np.mean(diff)
    variance = np.mean((diff - mean) ** 2) * (np.float64(n) / (n - 1))  # (scipy's _var, ddof=1)
    standard_error = np.sqrt(variance / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = mean / standard_error
    tail = (1 - np.float64(confidence)) / 2
    low, high = special.stdtrit(n - 1, np.array([tail, 1 - tail]))
    p = 2 * special.stdtr(np.float64(n - 1), -np.abs(t))
    return float(t), float(p), float(low * standard_error + mean), float(high * standard_error + mean)


def paired_statistics(
    before: Sequence[float],
    after: Sequence[float],
    *,
    confidence: float = 0.95,
    reliability: float | None = None,
    reliable_change: bool = True,
) -> dict[str, Any]:
    """Every statistic column of `paired_outcomes` for one set of pairs (aligned arrays).

    `reliability` (Cronbach's α of the same score) drives the reliable change index; without
    it (single items, `reliability=None`) the reliable-change columns are None and say nothing.
    `n_improved` / `pct_improved` count any rise at all ("any rise"), however small.
    """
    before = np.asarray(before, dtype=float)
    after = np.asarray(after, dtype=float)
    d = np.round(after - before, DIFFERENCE_DECIMALS)
    n = len(d)
    row: dict[str, Any] = dict.fromkeys(STATISTIC_COLUMNS)
    row.update(
        n_pairs=n,
        wilcoxon_method=WILCOXON_METHOD,
        dz_ci_method=DZ_CI_METHOD,
        n_improved=int((d > 0).sum()),
        n_unchanged=int((d == 0).sum()),
        n_worsened=int((d < 0).sum()),
        reliability=clean(reliability),
    )
    if n == 0:
        row["note"] = NO_PAIRS
        return row
    row.update(
        mean_before=float(before.mean()),
        mean_after=float(after.mean()),
        mean_change=float(d.mean()),
        pct_improved=pct(row["n_improved"], n),
        pct_unchanged=pct(row["n_unchanged"], n),
        pct_worsened=pct(row["n_worsened"], n),
    )
    if n == 1:
        row["note"] = ONE_PAIR
        return row

    reasons = []
    sd = float(np.std(d, ddof=1))
    row["sd_change"] = sd
    if sd == 0:
        reasons.append(ALL_ZERO if row["mean_change"] == 0 else IDENTICAL)
    else:
        t, p, low, high = paired_t(after, before, confidence)
        dz = row["mean_change"] / sd
        se_dz = math.sqrt(1 / n + dz**2 / (2 * n))
        z = special.ndtri(0.5 + confidence / 2)  # (stats.norm.ppf's own formula, without its checks)
        row.update(
            t=clean(t),
            df=n - 1,
            p_t=clean(p),
            ci_low=clean(low),
            ci_high=clean(high),
            dz=dz,
            dz_ci_low=dz - z * se_dz,
            dz_ci_high=dz + z * se_dz,
        )
    row["wilcoxon_statistic"], row["p_wilcoxon"], row["wilcoxon_method"] = wilcoxon_signed_rank(d)

    if reliable_change:
        threshold, reason = reliable_change_threshold(before, reliability)
        if threshold is None:
            reasons.append(reason)
        else:
            improved, worsened = int((d > threshold).sum()), int((d < -threshold).sum())
            row.update(
                reliable_change_threshold=threshold,
                n_reliable_improved=improved,
                n_no_reliable_change=n - improved - worsened,
                n_reliable_worsened=worsened,
                pct_reliable_improved=pct(improved, n),
                pct_no_reliable_change=pct(n - improved - worsened, n),
                pct_reliable_worsened=pct(worsened, n),
            )
    row["note"] = "; ".join(reasons)
    return row


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjustment (R's p.adjust(method="holm")) over the defined p-values;
    None stays None and does not count towards the number of tests."""
    defined = sorted((p, position) for position, p in enumerate(p_values) if p is not None)
    m = len(defined)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, position) in enumerate(defined):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[position] = running
    return adjusted


# --- scores per registration -----------------------------------------------------------------


def _measure_items(items: pd.DataFrame, measure: str) -> list[str]:
    confidence = confidence_items(items)
    if measure == SCALE:
        return list(confidence["item"])
    if measure.startswith(DOMAIN_PREFIX):
        domain = measure.removeprefix(DOMAIN_PREFIX)
        return list(confidence.loc[confidence["domain"] == domain, "item"])
    if measure in set(items["item"]):
        return [measure]
    raise ValueError(f"Unknown measure {measure!r}: an item code, 'domain:<name>' or 'scale'")


def _scores(
    wide: WideAnswers, codes: Sequence[str], before: str, after: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(registrations, before scores, after scores) of the registrations with a pair, sorted.
    A registration's scores are its own whatever the selection: they are worked out once for
    every registration, and a selection takes its rows of them."""
    paired, first, second = wide.shared(
        ("scores", tuple(codes), before, after), lambda: _all_scores(wide.whole(), codes, before, after)
    )
    paired = wide.narrowed(paired)
    return wide.registrations[paired], wide.narrowed(first)[paired], wide.narrowed(second)[paired]


def _all_scores(
    wide: WideAnswers, codes: Sequence[str], before: str, after: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(paired, before scores, after scores), one per registration: whether it answered at least
    one of `codes` in both surveys, and the mean of those it answered in both (NaN unpaired)."""
    first = wide.matrix(before, codes)
    second = wide.matrix(after, codes)
    answered = ~np.isnan(first) & ~np.isnan(second)
    count = answered.sum(axis=1)
    first, second = np.where(answered, first, 0.0), np.where(answered, second, 0.0)
    first_sum = np.zeros(len(first))
    second_sum = np.zeros(len(second))
    for column in range(len(codes)):  # column by column, in code order, as pandas' row mean adds them
        first_sum += first[:, column]
        second_sum += second[:, column]
    with np.errstate(invalid="ignore", divide="ignore"):  # (0 / 0: unpaired, NaN)
        return count > 0, first_sum / count, second_sum / count


def paired_scores(
    answers: Answers,
    items: pd.DataFrame,
    measure: str = SCALE,
    *,
    before: str = "pre",
    after: str = "post",
) -> pd.DataFrame:
    """One row per registration with a score for `measure` in both surveys: columns
    `registration`, `before`, `after`, `change` (after − before, rounded to 10 dp).

    `measure` is an item code, "domain:<name>" or "scale". A domain or scale score is the
    mean of the items that registration answered in *both* surveys, so before and after
    average the same items and a skipped item cannot masquerade as a change; a registration
    counts when it answered at least one of them in both. `answers` is the long frame or
    `prepare(answers)`.
    """
    registrations, first, second = _scores(prepare(answers), _measure_items(items, measure), before, after)
    return pd.DataFrame(
        {
            "registration": registrations,
            "before": first,
            "after": second,
            "change": np.round(second - first, DIFFERENCE_DECIMALS),
        }
    )


def improved_count(
    answers: Answers, items: pd.DataFrame, measure: str = SCALE, *, before: str = "pre", after: str = "post"
) -> int | None:
    """Pairs whose score reliably improved (the headline's measure): the denominator of cost per
    participant who improved. None when reliable change is undefined."""
    row = paired_outcome_row(answers, items, measure, before=before, after=after)
    if row is None:
        return 0
    return clean(row["n_reliable_improved"])


CHANGE_BINS = (
    "Reliably worsened",
    "Fell, not reliably",
    "No change",
    "Rose, not reliably",
    "Reliably improved",
)


def change_bins(changes: Sequence[float], threshold: float | None) -> list[int]:
    """How many changes fall in each of CHANGE_BINS: beyond −threshold, below 0, exactly 0,
    above 0, beyond +threshold (strictly, as the Reliable Change Index counts them). Without a
    threshold the reliable bins are 0 and every rise or fall is "not reliably". Plain
    comparisons, no rounding, so the bins match the headline's counts exactly."""
    d = np.round(np.asarray(changes, dtype=float), DIFFERENCE_DECIMALS)
    if threshold is None:
        threshold = math.inf
    improved, worsened = int((d > threshold).sum()), int((d < -threshold).sum())
    return [
        worsened,
        int((d < 0).sum()) - worsened,
        int((d == 0).sum()),
        int((d > 0).sum()) - improved,
        improved,
    ]


# --- reliability -------------------------------------------------------------------------


def cronbach_alpha(answers: Answers, items: pd.DataFrame, *, survey: str, domain: str | None = None) -> dict[str, Any]:
    """Cronbach's α of the confidence items (or one domain's) in one survey, complete cases only,
    over the items anyone answered in that survey.

    α = k/(k−1) · (1 − Σ var(item) / var(total)), sample variances (ddof=1). Returns `n`
    (complete responses), `k` (items answered), `alpha` (None when undefined) and `note` (the
    reason).
    """
    confidence = confidence_items(items)
    if domain is not None:
        confidence = confidence[confidence["domain"] == domain]
    codes = list(confidence["item"])
    answers = prepare(answers)
    return dict(answers.computed(("alpha", survey, tuple(codes)), lambda: _alpha(answers, survey, codes)))


def _alpha(answers: WideAnswers, survey: str, codes: list[str]) -> dict[str, Any]:
    whole = answers.whole()
    every = whole.shared(("complete", survey, tuple(codes)), lambda: ~np.isnan(whole.matrix(survey, codes)).any(axis=1))
    chosen = answers.narrowed(every)
    if codes and chosen.any():
        # Someone in the selection answered every item, so no item is left out below: the
        # complete rows are those already known, taken straight from every registration's.
        complete = whole.matrix(survey, codes)[answers.positions(chosen)]
        n, k = len(complete), len(codes)
    else:
        values = answers.matrix(survey, codes)
        # Items nobody answered in this survey (e.g. taken out of a later version) are not part
        # of the scale as answered.
        values = values[:, ~np.isnan(values).all(axis=0)] if len(values) else values
        complete = values[~np.isnan(values).any(axis=1)] if values.shape[1] else values[:0]
        n, k = len(complete), values.shape[1]
    result: dict[str, Any] = {"n": n, "k": k, "alpha": None, "note": ""}
    if k < 2:
        result["note"] = "fewer than 2 items"
    elif n < 2:
        result["note"] = "fewer than 2 complete responses"
    else:
        total_variance = float(np.var(complete.sum(axis=1), ddof=1))
        if total_variance == 0:
            result["note"] = "no variance in total scores"
        else:
            item_variance = float(np.var(complete, axis=0, ddof=1).sum())
            result["alpha"] = k / (k - 1) * (1 - item_variance / total_variance)
    return result


# --- the outcome tables ------------------------------------------------------------------


def paired_outcomes(
    answers: Answers,
    items: pd.DataFrame,
    *,
    before: str = "pre",
    after: str = "post",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """The headline learning table: one row per confidence item (in `order`), then one per
    domain score ("domain:<name>", in the order domains first appear), then the whole
    confidence scale ("scale"). Columns: PAIRED_COLUMNS.

    A pair is one registration with a numeric answer in both surveys (for a domain or the
    scale: at least one item of it answered in both, see `paired_scores`); pass the answers of
    one registration per person (`one_per_person`) to count people. `p_holm` adjusts the
    paired-t p-values across the item rows only (None on domain and scale rows). Reliable
    change is given for the scale and for domains of two or more questions only, each with its
    own Cronbach's α in the `before` survey (see `reliable_change_threshold`).
    """
    answers = prepare(answers)
    rows = [
        {
            "measure": measure,
            "kind": kind,
            "label": label,
            **_statistics(answers, codes, before, after, confidence, kind),
        }
        for measure, kind, label, codes in _measures_of(answers, items)
    ]
    item_rows = [row for row in rows if row["kind"] == "item"]
    for row, adjusted in zip(item_rows, holm([row["p_t"] for row in item_rows]), strict=True):
        row["p_holm"] = adjusted
    return object_frame(rows, PAIRED_COLUMNS)


def paired_outcome(
    answers: Answers,
    items: pd.DataFrame,
    measure: str = SCALE,
    *,
    before: str = "pre",
    after: str = "post",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """The row of `paired_outcomes` for one measure (none when there is no such confidence
    measure), without computing the others; `p_holm` is None (Holm's adjustment needs every
    item's row)."""
    row = paired_outcome_row(answers, items, measure, before=before, after=after, confidence=confidence)
    return object_frame([] if row is None else [row], PAIRED_COLUMNS)


def paired_outcome_row(
    answers: Answers,
    items: pd.DataFrame,
    measure: str = SCALE,
    *,
    before: str = "pre",
    after: str = "post",
    confidence: float = 0.95,
) -> dict[str, Any] | None:
    """`paired_outcome`'s row as a dict with every one of PAIRED_COLUMNS (None where a statistic
    is not given), or None when there is no such confidence measure: what a table of one row per
    selection needs, without a frame per row."""
    answers = prepare(answers)
    for name, kind, label, codes in _measures_of(answers, items):
        if name == measure:
            row = _statistics(answers, codes, before, after, confidence, kind)
            return dict.fromkeys(PAIRED_COLUMNS) | {"measure": measure, "kind": kind, "label": label, **row}
    return None


def _measures_of(answers: WideAnswers, items: pd.DataFrame) -> list[tuple[str, str, str, list[str]]]:
    """`_measures(items)`, worked out once per items frame for these answers and every selection
    of them."""
    items_seen, measures = answers.shared(("measures", id(items)), lambda: (items, _measures(items)))
    return measures if items_seen is items else _measures(items)


def _measures(items: pd.DataFrame) -> list[tuple[str, str, str, list[str]]]:
    """(measure, kind, label, item codes) of each row of `paired_outcomes`, in order."""
    confidence_table = confidence_items(items)
    codes = list(confidence_table["item"])
    measures = [(code, "item", label, [code]) for code, label in zip(codes, confidence_table["label"], strict=True)]
    domains = [domain for domain in dict.fromkeys(confidence_table["domain"]) if domain]
    for domain in domains:
        chosen = list(confidence_table.loc[confidence_table["domain"] == domain, "item"])
        measures.append((DOMAIN_PREFIX + domain, "domain", domain, chosen))
    measures.append((SCALE, "scale", "Confidence scale (mean of all confidence items)", codes))
    return measures


def _statistics(
    answers: WideAnswers,
    codes: list[str],
    before: str,
    after: str,
    confidence: float,
    kind: str,
) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        _, first, second = _scores(answers, codes, before, after)
        if kind == "item" or len(codes) < 2:  # a one-question domain is that question: no reliable change
            return paired_statistics(first, second, confidence=confidence, reliable_change=False)
        reliability = answers.computed(("alpha", before, tuple(codes)), lambda: _alpha(answers, before, codes))
        return paired_statistics(first, second, confidence=confidence, reliability=reliability["alpha"])

    return dict(answers.computed(("paired", tuple(codes), before, after, confidence, kind), compute))


def _item_values(answers: WideAnswers, survey: str, code: str) -> pd.Series:
    values = answers.matrix(survey, [code])[:, 0]
    answered = ~np.isnan(values)
    return pd.Series(values[answered], index=answers.registrations[answered])


def then_test(answers: Answers, items: pd.DataFrame, *, confidence: float = 0.95) -> pd.DataFrame:
    """Response shift, for each retrospective ("then-test") item: two rows, columns THEN_TEST_COLUMNS.

    "retrospective vs pre": the post survey's retrospective rating of before minus the pre
    survey's rating of the item it mirrors (`compares`); a negative mean says people judged
    their starting confidence lower with hindsight. "post vs retrospective": the post rating
    minus the retrospective one, the change people perceive. Pairs are the same registration.
    `p_holm` adjusts the paired-t p-values across every row of this table. Single items have no
    reliable change.
    """
    answers = prepare(answers)
    retrospective = items[items["kind"] == RETROSPECTIVE].sort_values("order", kind="stable")
    rows = []
    for code, mirrored, label in zip(
        retrospective["item"], retrospective["retrospective_of"], retrospective["label"], strict=True
    ):
        recalled = _item_values(answers, "post", code)
        comparisons = [
            ("retrospective vs pre", _item_values(answers, "pre", mirrored), recalled),
            ("post vs retrospective", recalled, _item_values(answers, "post", mirrored)),
        ]
        for comparison, first, second in comparisons:
            both = first.index.intersection(second.index).sort_values()
            row = paired_statistics(first[both], second[both], confidence=confidence, reliable_change=False)
            rows.append({"measure": code, "compares": mirrored, "comparison": comparison, "label": label, **row})
    for row, adjusted in zip(rows, holm([row["p_t"] for row in rows]), strict=True):
        row["p_holm"] = adjusted
    return object_frame(rows, THEN_TEST_COLUMNS)


# --- pilot against rollout -----------------------------------------------------------------

WELCH_METHOD = "Welch's t-test (unequal variances, Welch–Satterthwaite df; as R t.test)"
MANN_WHITNEY_METHOD = (
    "Mann–Whitney U, two-sided, normal approximation with tie and continuity correction "
    "(as R wilcox.test(rollout, pilot) when there are ties or 50 or more changes in a phase); "
    "U is the rollout sample's"
)
MANN_WHITNEY_EXACT_METHOD = (
    "Mann–Whitney U, two-sided, exact distribution (as R wilcox.test(rollout, pilot): fewer than 50 "
    "changes in each phase, no ties); U is the rollout sample's"
)


def mann_whitney(x: Sequence[float], y: Sequence[float]) -> tuple[float, float | None, str]:
    """(U of x, two-sided p, method) as R's `wilcox.test(x, y)`: exact when both samples have
    fewer than 50 values and no value is tied, else the normal approximation with tie and
    continuity correction."""
    x = np.round(np.asarray(x, dtype=float), DIFFERENCE_DECIMALS)
    y = np.round(np.asarray(y, dtype=float), DIFFERENCE_DECIMALS)
    combined = np.concatenate([x, y])
    if len(x) < EXACT_BELOW and len(y) < EXACT_BELOW and len(np.unique(combined)) == len(combined):
        result = stats.mannwhitneyu(x, y, alternative="two-sided", method="exact")
        return float(result.statistic), clean(float(result.pvalue)), MANN_WHITNEY_EXACT_METHOD
    result = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)
    return float(result.statistic), clean(float(result.pvalue)), MANN_WHITNEY_METHOD


def compare_phases(
    answers: Answers,
    items: pd.DataFrame,
    registrations: pd.DataFrame,
    *,
    measure: str = SCALE,
    before: str = "pre",
    after: str = "post",
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Did the rollout change confidence as much as the pilot? Compares each registration's
    change (after − before) on `measure` between the phases: `difference` is rollout − pilot.

    Welch's t needs at least 2 changes in each phase and some variation; Mann–Whitney needs
    at least one change in each phase and not every change tied. Otherwise the statistic is
    None and `note` says why.
    """
    scores = paired_scores(answers, items, measure, before=before, after=after)
    phases = registrations[["registration", "phase"]].drop_duplicates("registration")
    scores = scores.merge(phases, on="registration", how="inner")
    pilot = scores.loc[scores["phase"] == "pilot", "change"].to_numpy(dtype=float)
    rollout = scores.loc[scores["phase"] == "rollout", "change"].to_numpy(dtype=float)

    def summary(values: np.ndarray) -> tuple[float | None, float | None]:
        mean = float(values.mean()) if len(values) else None
        sd = float(np.std(values, ddof=1)) if len(values) > 1 else None
        return mean, sd

    mean_pilot, sd_pilot = summary(pilot)
    mean_rollout, sd_rollout = summary(rollout)
    result: dict[str, Any] = {
        "measure": measure,
        "n_pilot": len(pilot),
        "mean_change_pilot": mean_pilot,
        "sd_change_pilot": sd_pilot,
        "n_rollout": len(rollout),
        "mean_change_rollout": mean_rollout,
        "sd_change_rollout": sd_rollout,
        "difference": None if mean_pilot is None or mean_rollout is None else mean_rollout - mean_pilot,
        "ci_low": None,
        "ci_high": None,
        "t": None,
        "df": None,
        "p_welch": None,
        "welch_method": WELCH_METHOD,
        "mann_whitney_u": None,
        "p_mann_whitney": None,
        "mann_whitney_method": MANN_WHITNEY_METHOD,
        "note": "",
    }
    reasons = []
    if len(pilot) < 2 or len(rollout) < 2:
        short = [name for name, values in (("pilot", pilot), ("rollout", rollout)) if len(values) < 2]
        reasons.append(f"Welch's t undefined: fewer than 2 paired people in {' and '.join(short)}")
    elif sd_pilot == 0 and sd_rollout == 0:
        reasons.append("Welch's t undefined: no variation in change within either phase")
    else:
        welch = stats.ttest_ind(rollout, pilot, equal_var=False)
        interval = welch.confidence_interval(confidence_level=confidence)
        result.update(
            t=clean(float(welch.statistic)),
            df=clean(float(welch.df)),
            p_welch=clean(float(welch.pvalue)),
            ci_low=clean(float(interval.low)),
            ci_high=clean(float(interval.high)),
        )
    if len(pilot) == 0 or len(rollout) == 0:
        reasons.append("Mann–Whitney undefined: a phase has no paired people")
    elif len(np.unique(np.concatenate([pilot, rollout]))) == 1:
        reasons.append("Mann–Whitney undefined: every change tied")
    else:
        u, p, method = mann_whitney(rollout, pilot)
        result.update(mann_whitney_u=clean(u), p_mann_whitney=p, mann_whitney_method=method)
    result["note"] = "; ".join(reasons)
    return result
