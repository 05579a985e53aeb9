"""What an outcome report holds, independent of how it is shown.

`evaluation.reporting.build_report` fills an EvaluationReport from the database and the
metrics; the dashboard, the CSV, the XLSX and the PDF all render the same object, so the
four always agree. Every figure in it has already been through disclosure control: counts
are ints or "*", and withheld statistics are None with the reason in the row's `note`.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

# How a column's values are shown: counts (or "*"), percentages (0–100), plain numbers
# (2 decimal places), p-values (3 decimal places, "< 0.001"), money (£, 2 dp), or text.
Format = Literal["count", "percent", "number", "p", "money", "text"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    format: Format = "text"
    # Key columns say which selection or measure a row is about ("Leadership group",
    # "Item"); the rest are metrics. The tidy CSV has one row per key × metric.
    is_key: bool = False


@dataclass
class Table:
    slug: str  # stable, used for XLSX sheet and CSV `section`
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    note: str = ""

    @property
    def key_columns(self) -> list[Column]:
        return [column for column in self.columns if column.is_key]

    @property
    def metric_columns(self) -> list[Column]:
        return [column for column in self.columns if not column.is_key]


@dataclass
class Series:
    name: str
    values: list[float | None]  # None: withheld or no data, drawn as a gap


@dataclass
class Chart:
    slug: str
    title: str
    description: str  # one sentence saying what the chart shows, for alt text and captions
    kind: Literal["bars", "grouped_bars", "histogram"]
    categories: list[str]
    series: list[Series]
    value_label: str  # the axis title, e.g. "Mean confidence (1–5)"
    value_max: float | None = None  # axis maximum when the scale is fixed (5 for Likert)


@dataclass
class Headline:
    label: str
    value: str  # already formatted
    detail: str = ""


@dataclass
class CriterionResult:
    name: str
    selection: str  # e.g. "Pilot", "Pilot, every leadership group"
    value: str  # formatted, or "Withheld" / "No data"
    comparator: str  # "≥", "≤", …
    threshold: str  # formatted
    result: Literal["met", "not_met", "not_enough_data"]
    reason: str = ""  # why not enough data

    @property
    def result_label(self) -> str:
        return {"met": "Met", "not_met": "Not met", "not_enough_data": "Not enough data"}[self.result]


@dataclass
class ResponseRow:
    """One pseudonymised answer: a participant key, never a name or email."""

    participant: str
    session: str
    phase: str
    survey: str
    item: str
    value: float | None


@dataclass
class EvaluationReport:
    programme: str
    selection: str  # "Pilot", "Rollout", "Whole programme", plus any filters in words
    generated_at: datetime.datetime
    recommendation: str  # e.g. "Go: every success criterion was met."
    recommendation_detail: str
    headlines: list[Headline]
    criteria: list[CriterionResult]
    tables: list[Table]  # in report order: outcomes by item, by group, reach, reaction …
    charts: list[Chart]
    methods: list[str]  # paragraphs: tests used, CI method, pairing, disclosure control
    disclosure_note: str
    total_cost: Decimal | None = None
    responses: Iterable[ResponseRow] = field(default_factory=list)

    def table(self, slug: str) -> Table:
        return next(table for table in self.tables if table.slug == slug)
