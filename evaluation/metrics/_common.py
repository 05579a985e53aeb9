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
