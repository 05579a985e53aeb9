"""What an outcome report holds, independent of how it is shown — and the one place where
disclosure control is applied to it.

Report builders (evaluation.reporting) make `RawTable`s: exact figures, each column declaring
what it is (`label`, `count`, `rate`, `statistic`, `planning`). `disclose(raw)` is the only way
to get a `Table`, the only kind of table an `EvaluationReport`, a `Chart`, a `Headline` or a
`CriterionResult` accepts, and so the only thing the dashboard and the CSV, XLSX and PDF
exports can show. It applies DOMAIN.md's rule (evaluation.metrics.disclosure) to every cell:

- `count`: 0 → 0, 1–7 → "*", 8 or more → nearest 5; a non-integer or negative count is an error;
- `rate` (a percentage, a cost per person, a Net Promoter Score): computed from the DISCLOSED
  numerator and denominator (count or planning columns of the same row, possibly `hidden`),
  withheld (None) when either is suppressed;
- `statistic`: shown as computed, but withheld when the count column it names as its `n` is 7
  or fewer;
- `planning` (targets, capacity, cost): a setting, not a count of people, shown as it is;
- `label`: text (row keys, notes, free text that has been screened).

Withheld values are None, and the row's `note` says why.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from evaluation.metrics import disclosure
from evaluation.metrics.outcomes import wilson_interval

Kind = Literal["label", "count", "rate", "statistic", "planning"]
# How a column's values are shown: counts (or "*"), whole numbers, percentages (0–100), plain
# numbers (2 decimal places), signed numbers (+0.50), degrees of freedom (whole when whole),
# p-values (3 decimal places, "< 0.001"), money (£, 2 dp), or text.
Format = Literal["count", "integer", "percent", "number", "signed", "df", "p", "money", "text"]


@dataclass(frozen=True)
class Column:
    """One column of a report table and what it is. Use the constructors below."""

    key: str
    label: str
    kind: Kind = "label"
    format: Format = "text"
    # Key columns say which selection or measure a row is about ("Leadership group",
    # "Item"); the rest are figures. The tidy CSV has one row per key × figure.
    is_key: bool = False
    numerator: str | None = None  # rate: count or planning column keys in the same row
    denominator: str | None = None
    minus: str | None = None  # rate: (numerator − minus) / denominator, for a Net Promoter Score
    scale: float = 100.0  # rate: 100 for a percentage, 1 for a cost per person
    n: str | None = None  # statistic: the count column of the people it rests on
    hidden: bool = False  # a count that a rate or statistic needs but the table does not show
    # rate: a bound of the proportion's Wilson 95% interval instead of the proportion itself,
    # from the same disclosed numerator and denominator.
    interval: Literal["low", "high"] | None = None


def label(key: str, text: str, *, is_key: bool = False) -> Column:
    return Column(key, text, "label", "text", is_key=is_key)


def count(key: str, text: str = "", *, hidden: bool = False) -> Column:
    return Column(key, text or key, "count", "count", hidden=hidden)


def rate(
    key: str,
    text: str,
    *,
    numerator: str,
    denominator: str,
    minus: str | None = None,
    scale: float = 100.0,
    format: Format = "percent",
    interval: Literal["low", "high"] | None = None,
) -> Column:
    return Column(
        key,
        text,
        "rate",
        format,
        numerator=numerator,
        denominator=denominator,
        minus=minus,
        scale=scale,
        interval=interval,
    )


def statistic(key: str, text: str, *, n: str, format: Format = "number") -> Column:
    return Column(key, text, "statistic", format, n=n)


def planning(key: str, text: str, *, format: Format = "integer") -> Column:
    return Column(key, text, "planning", format)


@dataclass
class RawTable:
    """A table as a builder makes it: exact figures in `rows`, not for showing."""

    slug: str  # stable, used for XLSX sheet and CSV `section`
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    note: str = ""
    # Counts of a row that add up exactly to another count of the row: (whole, [parts]).
    partitions: list[tuple[str, list[str]]] = field(default_factory=list)
    # Count columns whose last row is the total of the rows above it (each one in exactly one row).
    column_totals: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        kinds = {column.key: column.kind for column in self.columns}
        for whole, parts in [*self.partitions, *(("", [key]) for key in self.column_totals)]:
            if any(kinds.get(key) != "count" for key in (whole, *parts) if key):
                raise ValueError(f"{self.slug}: a partition is made of count columns")
        for column in self.columns:
            if column.kind == "rate":
                for part in (column.numerator, column.denominator, column.minus):
                    if part is not None and kinds.get(part) not in ("count", "planning"):
                        raise ValueError(f"{self.slug}.{column.key}: {part!r} is not a count or planning column")
            if column.kind == "statistic" and kinds.get(column.n) != "count":
                raise ValueError(f"{self.slug}.{column.key}: its n {column.n!r} is not a count column")


_DISCLOSED = object()  # only disclose() holds it, so only disclose() makes a Table


@dataclass
class Table:
    """A disclosed table: what every output shows. Made only by `disclose`."""

    slug: str
    title: str
    columns: list[Column]  # the shown columns (no hidden ones)
    rows: list[dict[str, Any]]
    note: str = ""
    token: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.token is not _DISCLOSED:
            raise TypeError("A report Table is made by evaluation.report.disclose(RawTable), never by hand")

    @property
    def key_columns(self) -> list[Column]:
        return [column for column in self.columns if column.is_key]

    @property
    def shown_columns(self) -> list[Column]:
        """The columns worth a place on a page: a Note column only when a row has a note."""
        if any(row.get("note") for row in self.rows):
            return self.columns
        return [column for column in self.columns if column.key != "note"]

    @property
    def metric_columns(self) -> list[Column]:
        return [column for column in self.columns if not column.is_key]


STATISTIC_DECIMALS = 2  # means, CIs, tests and effect sizes, in every output (more would narrow down n)
P_DECIMALS = 4


def _statistic_shown(value: Any, fmt: Format) -> Any:
    """A statistic at the precision every output shows it, so that no file holds more digits
    (a mean to 15 digits can give away its exact n)."""
    if not disclosure.is_finite_number(value):
        return None
    if fmt == "p":
        return float(f"{value:.1e}") if 0 < value < 10**-P_DECIMALS else round(float(value), P_DECIMALS)
    if isinstance(value, int):
        return value
    return round(float(value), STATISTIC_DECIMALS)


def _count_shown(value: Any) -> Any:
    return None if disclosure.clean(value) is None else disclosure.disclose_count(value)


def _shown_counts(raw: RawTable) -> list[dict[str, Any]]:
    """Every count of the table disclosed, then protected where counts add up to another (in a
    row, or down a column to its total row), until no suppressed count can be worked out."""
    keys = [column.key for column in raw.columns if column.kind == "count"]
    counts = [{key: _count_shown(row.get(key)) for key in keys} for row in raw.rows]
    exact = [{key: disclosure.clean(row.get(key)) or 0 for key in keys} for row in raw.rows]
    # (cell of the whole, cells of the parts), each cell as (row index, key)
    groups = [
        ((index, whole), [(index, key) for key in parts])
        for index in range(len(raw.rows))
        for whole, parts in raw.partitions
    ]
    if len(raw.rows) > 1:
        last = len(raw.rows) - 1
        groups += [((last, key), [(index, key) for index in range(last)]) for key in raw.column_totals]
    changed = True
    while changed:  # hiding a part can pin another in a crossing partition: repeat until settled
        changed = False
        for (row, whole), parts in groups:
            shown = [counts[index][key] for index, key in parts]
            protected = disclosure.protect_partition(
                counts[row][whole], shown, [exact[index][key] for index, key in parts]
            )
            if protected != shown:
                changed = True
                for (index, key), value in zip(parts, protected, strict=True):
                    counts[index][key] = value
    return counts


def _disclose_row(columns: list[Column], row: dict[str, Any], counts: dict[str, Any]) -> dict[str, Any]:
    by_key = {column.key: column for column in columns}

    def shown_part(key: str | None) -> Any:
        if key is None:
            return 0
        return counts[key] if by_key[key].kind == "count" else disclosure.clean(row.get(key))

    result: dict[str, Any] = {}
    reasons: list[str] = []
    statistic_withheld = False
    for column in columns:
        value = row.get(column.key)
        if column.kind == "label":
            result[column.key] = "" if value is None else str(value)
        elif column.kind == "count":
            result[column.key] = counts[column.key]
        elif column.kind == "planning":
            result[column.key] = disclosure.clean(value)
        elif column.kind == "rate":
            shown, why = disclosure.disclosed_rate(
                shown_part(column.numerator),
                shown_part(column.denominator),
                minus=shown_part(column.minus),
                scale=column.scale,
            )
            if shown is not None and column.interval is not None:
                low, high = wilson_interval(shown_part(column.numerator), shown_part(column.denominator))
                shown = low if column.interval == "low" else high
            result[column.key] = shown
            if why == disclosure.FEWER_THAN_EIGHT:
                reasons.append(f"withheld: {why}")
        elif column.kind == "statistic":
            why = disclosure.statistic_withheld(row.get(column.n))
            value = disclosure.clean(value)
            result[column.key] = None if why else _statistic_shown(value, column.format)
            if why == disclosure.FEWER_THAN_EIGHT:
                statistic_withheld = True
                reasons.append(f"withheld: {why}")
        else:
            raise ValueError(f"Unknown column kind {column.kind!r}")
    # A withheld row says only why: its own notes ("every difference identical") describe the
    # withheld answers.
    own = "" if statistic_withheld else str(row.get("note") or "")
    result["note"] = "; ".join(dict.fromkeys(part for part in [own, *reasons] if part))
    return result


def disclose(raw: RawTable) -> Table:
    """The one function that turns exact figures into figures that may be shown (see the module
    docstring for the rule per column kind)."""
    shown = [column for column in raw.columns if not column.hidden]
    keys = {column.key for column in shown} | {"note"}
    return Table(
        raw.slug,
        raw.title,
        shown,
        [
            {key: value for key, value in _disclose_row(raw.columns, row, counts).items() if key in keys}
            for row, counts in zip(raw.rows, _shown_counts(raw), strict=True)
        ],
        raw.note,
        token=_DISCLOSED,
    )


def figure(
    slug: str,
    column: Column,
    row: dict[str, Any],
    parts: list[Column] | None = None,
    partitions: list[tuple[str, list[str]]] | None = None,
) -> Table:
    """A one-figure table (a headline, a criterion's value): `column` with the hidden counts it
    rests on (`parts`), disclosed like any table (with the partitions of the table it repeats)."""
    hidden = [Column(**{**part.__dict__, "hidden": True}) for part in parts or []]
    return disclose(RawTable(slug, column.label, [*hidden, column], [row], partitions=partitions or []))


def distribution(slug: str, title: str, whole: int, bins: list[tuple[str, int]], heading: str, unit: str) -> Table:
    """A table of bins that add up to `whole` (a histogram's), one row per bin: disclosed as one
    partition, so that no suppressed bin can be worked out from the whole and the others."""
    keys = [f"bin_{index}" for index in range(len(bins))]
    row = {"whole": whole} | {key: people for key, (_, people) in zip(keys, bins, strict=True)}
    raw = RawTable(
        slug,
        title,
        [count("whole", hidden=True), *(count(key, name) for key, (name, _) in zip(keys, bins, strict=True))],
        [row],
        partitions=[("whole", keys)],
    )
    (shown,) = disclose(raw).rows
    columns = [label("bin", heading, is_key=True), count("people", unit)]
    rows = [{"bin": name, "people": shown[key], "note": ""} for key, (name, _) in zip(keys, bins, strict=True)]
    return Table(slug, title, columns, rows, token=_DISCLOSED)


def _text(value: Any, fmt: Format) -> str:
    from evaluation.reports.formatting import format_value

    return format_value(value, fmt)


@dataclass
class Series:
    name: str
    column: str  # the disclosed table's column drawn as this series


@dataclass
class Chart:
    """A chart of a disclosed table: categories from one column, a series per other column.
    A suppressed or withheld value has no bar."""

    slug: str
    title: str
    description: str  # one sentence saying what the chart shows, for alt text and captions
    kind: Literal["bars", "grouped_bars", "histogram"]
    table: Table
    category: str  # the column whose values label the bars
    series: list[Series]
    value_label: str  # the axis title, e.g. "Mean confidence (1–5)"
    value_max: float | None = None  # axis maximum when the scale is fixed (5 for Likert)

    def __post_init__(self) -> None:
        if not isinstance(self.table, Table):
            raise TypeError("A chart draws a disclosed Table")

    @property
    def categories(self) -> list[str]:
        return [str(row[self.category]) for row in self.table.rows]

    def values(self, series: Series) -> list[float | None]:
        """None for a bar that is not drawn (suppressed, withheld or no data)."""
        values = [row.get(series.column) for row in self.table.rows]
        return [value if disclosure.is_finite_number(value) else None for value in values]

    def shown(self, series: Series) -> list[Any]:
        """The values as the table beside the chart prints them ("*", withheld …)."""
        column = next(column for column in self.table.columns if column.key == series.column)
        return [_text(row.get(series.column), column.format) for row in self.table.rows]


@dataclass
class Headline:
    """A headline figure: the single figure of a disclosed one-row table."""

    label: str
    figure: Table
    detail: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.figure, Table):
            raise TypeError("A headline shows a disclosed Table's figure")

    @property
    def column(self) -> Column:
        return self.figure.metric_columns[-1]

    @property
    def value(self) -> Any:
        return self.figure.rows[0][self.column.key] if self.figure.rows else None

    @property
    def format(self) -> Format:
        return self.column.format

    @property
    def text(self) -> str:
        return _text(self.value, self.format)

    @property
    def note(self) -> str:
        return self.figure.rows[0].get("note", "") if self.figure.rows else ""


@dataclass
class CriterionResult:
    name: str
    selection: str  # e.g. "Pilot", "Pilot, every leadership group"
    figure: Table | None  # the disclosed value it was judged on; None when not available
    comparator: str  # "≥", "≤", …
    threshold: str  # formatted
    result: Literal["met", "not_met", "not_enough_data"]
    reason: str = ""  # why not enough data

    def __post_init__(self) -> None:
        if self.figure is not None and not isinstance(self.figure, Table):
            raise TypeError("A criterion shows a disclosed Table's figure")

    @property
    def result_label(self) -> str:
        return {"met": "Met", "not_met": "Not met", "not_enough_data": "Not enough data"}[self.result]

    @property
    def format(self) -> Format:
        return self.figure.metric_columns[-1].format if self.figure is not None else "text"

    @property
    def raw_value(self) -> Any:
        if self.figure is None or not self.figure.rows:
            return None
        return self.figure.rows[0][self.figure.metric_columns[-1].key]

    @property
    def value(self) -> str:
        if self.figure is None:
            return "Not available"
        return _text(self.raw_value, self.format)


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
    research_note: str = ""  # what the research extract is (record-level data is never in a report)
    summary: str = ""  # the opening paragraph in plain English, from disclosed figures
    total_cost: Decimal | None = None  # a planning figure: the sessions' cost lines

    def __post_init__(self) -> None:
        for table in self.tables:
            if not isinstance(table, Table):
                raise TypeError("An EvaluationReport holds disclosed Tables only")

    def table(self, slug: str) -> Table:
        return next(table for table in self.tables if table.slug == slug)
