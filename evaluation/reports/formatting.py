"""How a report value reads in a document, shared by the dashboard, the PDF and the XLSX.

Values have already been through disclosure control (evaluation.report.disclose): a count is an
int or "*", and a withheld figure is None.
"""

import math
from decimal import Decimal
from typing import Any

from evaluation.report import Format

MISSING = "–"


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool) and not is_missing(value)


def format_value(value: Any, fmt: Format) -> str:
    """The value as text per its column's format; "*" and other text pass through unchanged.
    Whole numbers print as whole numbers ("Capacity 30", "df 109")."""
    if is_missing(value):
        return MISSING
    if not is_number(value) or fmt == "text":
        return str(value)
    if fmt in ("count", "integer"):
        return f"{int(value):,}"
    if fmt == "percent":
        return f"{float(value):.1f}%"
    if fmt == "number":
        return f"{value:,}" if isinstance(value, int) else f"{float(value):,.2f}"
    if fmt == "signed":
        return f"{float(value):+.2f}"
    if fmt == "df":
        return f"{int(value):,}" if float(value).is_integer() else f"{float(value):,.1f}"
    if fmt == "p":
        return "< 0.001" if value < Decimal("0.001") else f"{float(value):.3f}"
    if fmt == "money":
        sign = "-" if value < 0 else ""
        return f"{sign}£{abs(Decimal(str(value))):,.2f}"
    return str(value)
