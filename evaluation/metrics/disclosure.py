"""Disclosure control (NHS Digital's HES method), applied to every breakdown shown to evaluators.

A count of 0 stays 0, 1–7 shows as "*", 8 or more is rounded to the nearest 5 (halves up);
statistics built on 7 or fewer people are withheld. Totals must be computed from unrounded
counts (`add_total_row`) before the frame goes through `apply_disclosure`.
"""

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ._common import clean

SUPPRESSION_THRESHOLD = 7
SUPPRESSED = "*"
FEWER_THAN_EIGHT = "fewer than 8 people"
NO_PEOPLE = "no people"


def disclose_count(n: int) -> int | str:
    """0 → 0, 1–7 → "*", otherwise the nearest multiple of 5 with halves rounded up (13 → 15)."""
    n = int(n)
    if n < 0:
        raise ValueError(f"A count cannot be negative: {n}")
    if n == 0:
        return 0
    if n <= SUPPRESSION_THRESHOLD:
        return SUPPRESSED
    return (n + 2) // 5 * 5


def _disclosed(value: Any) -> Any:
    value = clean(value)
    return None if value is None else disclose_count(value)


def apply_disclosure(
    frame: pd.DataFrame,
    count_columns: Sequence[str],
    n_column: str,
    stat_columns: Sequence[str],
) -> pd.DataFrame:
    """A copy with counts disclosed and statistics withheld where the row's n is 7 or fewer.

    `n_column` holds the unrounded number of people each row's statistics rest on; it is a
    count too, so it is disclosed along with `count_columns`. `withheld_reason` says why a
    row's statistics are None ("" when nothing was withheld). A frame with several n columns
    (e.g. reaction: experience, relevance, recommend) can go through once per n column: the
    reasons of each pass are kept, joined with "; ".
    """
    result = frame.copy().astype(object)
    n_values = [clean(value) for value in frame[n_column]]
    reasons = []
    for position, n in enumerate(n_values):
        if n is None or n == 0:
            reasons.append(NO_PEOPLE if n == 0 else "")
        elif n <= SUPPRESSION_THRESHOLD:
            reasons.append(FEWER_THAN_EIGHT)
        else:
            reasons.append("")
        if reasons[-1]:
            for column in stat_columns:
                result.iat[position, result.columns.get_loc(column)] = None
    for column in dict.fromkeys([*count_columns, n_column]):
        result[column] = pd.Series([_disclosed(value) for value in frame[column]], index=frame.index, dtype=object)
    if "withheld_reason" in result.columns:
        earlier = [value or "" for value in result["withheld_reason"]]
        reasons = ["; ".join(part for part in (old, new) if part) for old, new in zip(earlier, reasons, strict=True)]
    result["withheld_reason"] = pd.Series(reasons, index=frame.index, dtype=object)
    return result


def add_total_row(
    frame: pd.DataFrame,
    *,
    key_column: str,
    count_columns: Sequence[str],
    label: str = "Total",
) -> pd.DataFrame:
    """Appends a row summing the unrounded counts; run it before `apply_disclosure`.

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
