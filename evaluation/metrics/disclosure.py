"""Disclosure control (NHS Digital's HES method): the rule, one value at a time.

- A count of 0 stays 0, 1–7 shows as "*", 8 or more is rounded to the nearest 5, halves up
  (13 → 15, 12 → 10). A negative or non-integer count is a mistake upstream, never rounded away.
- A percentage or rate is computed from the *disclosed* numerator and denominator, and is
  withheld when either is suppressed, so that no shown figure pins a count of 1–7 and no count
  of 8 or more can be recovered exactly from a percentage.
- A statistic (mean, CI, test, effect size) is computed from the exact data but withheld when it
  rests on 7 or fewer people.
- Totals are computed from unrounded counts (`add_total_row`) and then disclosed like any count.
- Where counts add up to another shown count (improved + unchanged + worsened = matched pairs),
  the rounded parts and whole could pin a suppressed part to one value by subtraction; then the
  smallest other part is suppressed too (`protect_partition`), so "*" can also mean "hidden so
  that a count of 1 to 7 cannot be worked out".

These functions hold the rule; `evaluation.report.disclose` applies it to every column of every
table according to what the column declares itself to be.
"""

import math
import numbers
from collections.abc import Sequence
from typing import Any

import pandas as pd

from ._common import clean

SUPPRESSION_THRESHOLD = 7
SUPPRESSED = "*"
FEWER_THAN_EIGHT = "fewer than 8 people"
NO_PEOPLE = "no people"
ROUNDING_BASE = 5


def exact_count(n: Any) -> int:
    """`n` as an int, refusing anything that is not a whole number of people."""
    n = clean(n)
    if isinstance(n, bool) or not isinstance(n, numbers.Real):
        raise TypeError(f"A count must be a whole number, not {n!r}")
    if isinstance(n, float) and not n.is_integer():
        raise ValueError(f"A count must be a whole number, not {n!r}")
    if n < 0:
        raise ValueError(f"A count cannot be negative: {n}")
    return int(n)


def disclose_count(n: Any) -> int | str:
    """0 → 0, 1–7 → "*", otherwise the nearest multiple of 5 with halves rounded up (13 → 15)."""
    n = exact_count(n)
    if n == 0:
        return 0
    if n <= SUPPRESSION_THRESHOLD:
        return SUPPRESSED
    return (n + ROUNDING_BASE // 2) // ROUNDING_BASE * ROUNDING_BASE


def disclosed_rate(
    numerator: Any, denominator: Any, *, minus: Any = 0, scale: float = 100.0
) -> tuple[float | None, str]:
    """scale × (numerator − minus) / denominator from values that have ALREADY been disclosed
    (rounded counts, or planning figures such as a cost), and the reason when it is withheld.

    Withheld (None) when any part is suppressed ("*") or missing, or the denominator is 0."""
    parts = (numerator, minus, denominator)
    if any(part == SUPPRESSED for part in parts):
        return None, FEWER_THAN_EIGHT
    if any(clean(part) is None for part in parts):
        return None, ""
    if not denominator:
        return None, NO_PEOPLE
    return scale * (float(numerator) - float(minus)) / float(denominator), ""


def _bounds(shown: Any) -> tuple[int, int]:
    """The exact counts a shown count can stand for."""
    if shown == SUPPRESSED:
        return 1, SUPPRESSION_THRESHOLD
    if shown == 0:
        return 0, 0
    return max(shown - ROUNDING_BASE // 2, SUPPRESSION_THRESHOLD + 1), shown + ROUNDING_BASE // 2


def pinned_parts(whole: Any, parts: list[Any]) -> list[int]:
    """Indexes of suppressed parts that the shown whole and the other shown parts pin to a single
    value (parts add up exactly to the whole)."""
    if whole is None or any(part is None for part in parts):
        return []
    low_whole, high_whole = _bounds(whole)
    bounds = [_bounds(part) for part in parts]
    pinned = []
    for index, part in enumerate(parts):
        if part != SUPPRESSED:
            continue
        others = bounds[:index] + bounds[index + 1 :]
        low = max(1, low_whole - sum(high for _, high in others))
        high = min(SUPPRESSION_THRESHOLD, high_whole - sum(low for low, _ in others))
        if low == high:
            pinned.append(index)
    return pinned


def protect_partition(whole: Any, parts: list[Any], exact: list[int]) -> list[Any]:
    """The shown parts, with the smallest unsuppressed non-zero part suppressed as well, again
    if need be, until no suppressed part is pinned by subtraction."""
    parts = list(parts)
    while pinned_parts(whole, parts):
        open_parts = [i for i, part in enumerate(parts) if part not in (SUPPRESSED, 0)]
        if not open_parts:
            break
        parts[min(open_parts, key=lambda i: exact[i])] = SUPPRESSED
    return parts


def statistic_withheld(n: Any) -> str:
    """Why a statistic resting on `n` people is withheld ("" when it may be shown)."""
    n = clean(n)
    if n is None or n == 0:
        return NO_PEOPLE
    if exact_count(n) <= SUPPRESSION_THRESHOLD:
        return FEWER_THAN_EIGHT
    return ""


def is_finite_number(value: Any) -> bool:
    value = clean(value)
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def add_total_row(
    frame: pd.DataFrame,
    *,
    key_column: str,
    count_columns: Sequence[str],
    label: str = "Total",
) -> pd.DataFrame:
    """Appends a row summing the unrounded counts, to be disclosed afterwards like any row.

    Only for breakdowns where each person is in exactly one row (phase, theme, session). A
    breakdown by leadership group counts a person in each of their groups, so its total is
    the ungrouped figure (`by=None`), not this sum. Other columns of the total row are None.
    """
    total: dict[str, Any] = dict.fromkeys(frame.columns)
    total[key_column] = label
    for column in count_columns:
        total[column] = int(sum(clean(value) or 0 for value in frame[column]))
    return pd.concat(
        [frame.astype(object), pd.DataFrame([total], columns=frame.columns, dtype=object)], ignore_index=True
    )
