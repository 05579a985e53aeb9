"""Helpers shared by the metrics modules: None for undefined values, percentages, item lists."""

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

CONFIDENCE = "confidence"
RETROSPECTIVE = "retrospective"

# Rounding differences before comparing or ranking them: 4.1 - 3.9 and 0.2 must tie.
DIFFERENCE_DECIMALS = 10


def clean(value: Any) -> Any:
    """Python scalars for numpy ones, and None for NaN or ±inf, so callers can test `is None`."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def pct(numerator: float, denominator: float) -> float | None:
    """A percentage (0–100); None when there is nothing to divide by."""
    if not denominator:
        return None
    return 100.0 * numerator / denominator


def object_frame(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """Object dtype keeps None as None (a float column would turn it into NaN)."""
    return pd.DataFrame(list(rows), columns=list(columns), dtype=object)


def as_values(value: str | Iterable[str]) -> list[str]:
    """Filters and keys accept one value or several."""
    if isinstance(value, str):
        return [value]
    return list(value)


def confidence_items(items: pd.DataFrame) -> pd.DataFrame:
    return items[items["kind"] == CONFIDENCE].sort_values("order", kind="stable")


def _as_series(values: Any) -> pd.Series:
    return values if isinstance(values, pd.Series) else pd.Series(values)


def isin(column: Any, values: Any) -> np.ndarray:
    """`column.isin(values)` as a boolean array, without hashing every value when it need not:
    two categoricals of the same categories (the participant keys) compare their integer
    codes, and integer ids go through numpy (a lookup table over their range)."""
    column, values = _as_series(column), _as_series(values)
    if isinstance(column.dtype, pd.CategoricalDtype) and column.dtype == values.dtype:
        wanted = np.zeros(len(column.dtype.categories) + 1, dtype=bool)  # the last: missing (code -1)
        wanted[values.cat.codes.to_numpy()] = True
        wanted[-1] = False  # (missing is never a member, as with isin)
        return wanted[column.cat.codes.to_numpy()]
    if column.dtype.kind in "iu" and values.dtype.kind in "iu":
        return np.isin(column.to_numpy(), values.to_numpy())
    return column.isin(values).to_numpy()


def sorted_intersection(first: np.ndarray, second: Any) -> np.ndarray:
    """The values of `first` (sorted, distinct) that are also in `second`, still sorted: for
    integers a lookup table over their range rather than np.intersect1d's sort of both."""
    return first[np.isin(first, np.asarray(second))]


def distinct(column: pd.Series) -> list:
    """The column's distinct values, missing left out, sorted (without visiting each row in Python)."""
    return sorted(value for value in column.dropna().unique().tolist())
