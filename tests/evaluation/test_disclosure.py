"""Disclosure control: the rule at every boundary (evaluation.metrics.disclosure) and the one
function that applies it to every table by what each column declares (evaluation.report.disclose)."""

import pandas as pd
import pytest

from evaluation import metrics
from evaluation.report import (
    Chart,
    CriterionResult,
    EvaluationReport,
    Headline,
    RawTable,
    Series,
    Table,
    count,
    disclose,
    figure,
    label,
    planning,
    rate,
    statistic,
)


@pytest.mark.parametrize(
    ("n", "shown"),
    [(0, 0), (1, "*"), (7, "*"), (8, 10), (12, 10), (13, 15), (22, 20), (23, 25), (100, 100), (12.0, 10)],
)
def test_disclose_count_at_every_boundary(n, shown):
    assert metrics.disclose_count(n) == shown


@pytest.mark.parametrize("n", [12.5, 7.5, 0.1])
def test_disclose_count_refuses_a_fraction(n):
    with pytest.raises(ValueError, match="whole number"):
        metrics.disclose_count(n)


def test_disclose_count_refuses_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        metrics.disclose_count(-1)


@pytest.mark.parametrize("n", ["12", None, True])
def test_disclose_count_refuses_what_is_not_a_number(n):
    with pytest.raises(TypeError):
        metrics.disclose_count(n)


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [
        (10, 110, (100 * 10 / 110, "")),
        ("*", 110, (None, "fewer than 8 people")),
        (10, "*", (None, "fewer than 8 people")),
        (0, 110, (0.0, "")),
        (0, 0, (None, "no people")),
        (None, 10, (None, "")),
    ],
)
def test_disclosed_rate_uses_the_shown_numbers_and_withholds_beside_a_star(numerator, denominator, shown):
    assert metrics.disclosed_rate(numerator, denominator) == shown


COLUMNS = [
    label("group", "Group", is_key=True),
    count("n", "People"),
    count("improved", "Improved"),
    rate("pct", "Improved %", numerator="improved", denominator="n"),
    statistic("mean", "Mean change", n="n", format="signed"),
    planning("target", "Target"),
    label("note", "Note"),
]


def _row(table: Table, group: str) -> dict:
    return next(row for row in table.rows if row["group"] == group)


def test_disclose_computes_percentages_from_the_disclosed_counts():
    table = disclose(
        RawTable(
            "t",
            "T",
            COLUMNS,
            [
                # 99 of 110 improved: shown 100 of 110, so 90.9% (the exact 90.0% would give 99 away)
                {"group": "a", "n": 110, "improved": 99, "mean": 0.5123, "target": 30},
                # 1 of 110: the count is "*" and so is no percentage (the exact 0.9% is one person)
                {"group": "b", "n": 110, "improved": 1, "mean": 0.5, "target": 30},
                # 7 people: every figure resting on them is withheld
                {"group": "c", "n": 7, "improved": 7, "mean": 0.5, "target": 30, "note": "every difference identical"},
                {"group": "d", "n": 0, "improved": 0, "mean": None, "target": 0, "note": "no pairs"},
            ],
        )
    )

    assert [(r["n"], r["improved"], r["pct"], r["mean"], r["target"], r["note"]) for r in table.rows] == [
        (110, 100, 100 * 100 / 110, 0.51, 30, ""),
        (110, "*", None, 0.5, 30, "withheld: fewer than 8 people"),
        ("*", "*", None, None, 30, "withheld: fewer than 8 people"),
        (0, 0, None, None, 0, "no pairs"),
    ]
    assert [column.key for column in table.columns] == ["group", "n", "improved", "pct", "mean", "target", "note"]


def test_disclose_leaves_hidden_counts_out_but_uses_their_rounded_value():
    columns = [
        label("session", "Session", is_key=True),
        count("attended", "Attended"),
        count("recorded", "Recorded", hidden=True),
        rate("rate", "Attendance %", numerator="attended", denominator="recorded"),
    ]
    table = disclose(RawTable("s", "S", columns, [{"session": "A", "attended": 9, "recorded": 12}]))

    assert table.rows == [{"session": "A", "attended": 10, "rate": 100.0, "note": ""}]
    assert [column.key for column in table.columns] == ["session", "attended", "rate"]


def test_disclose_refuses_a_fractional_count_in_a_table():
    with pytest.raises(ValueError, match="whole number"):
        disclose(RawTable("t", "T", COLUMNS, [{"group": "a", "n": 12.5, "improved": 1, "mean": 0, "target": 1}]))


def test_a_rate_or_statistic_must_name_count_columns():
    with pytest.raises(ValueError, match="not a count"):
        RawTable("t", "T", [count("n"), rate("r", "R", numerator="missing", denominator="n")], [])
    with pytest.raises(ValueError, match="not a count"):
        RawTable("t", "T", [label("n", "N"), statistic("s", "S", n="n")], [])


def test_a_table_cannot_be_made_without_disclosure():
    with pytest.raises(TypeError, match="disclose"):
        Table("t", "T", COLUMNS, [{"group": "a", "n": 3}])


def test_a_report_chart_headline_and_criterion_take_only_disclosed_tables():
    raw = RawTable("t", "T", COLUMNS, [])
    with pytest.raises(TypeError):
        Headline("People", raw)
    with pytest.raises(TypeError):
        CriterionResult("C", "Pilot", raw, "≥", "1", "met")
    with pytest.raises(TypeError):
        Chart("c", "C", "", "bars", raw, "group", [Series("People", "n")], "People")
    with pytest.raises(TypeError):
        EvaluationReport("P", "S", None, "", "", [], [], [raw], [], [], "")


def test_a_headline_and_a_chart_show_only_disclosed_values():
    headline = Headline(
        "Improved",
        figure("h", rate("pct", "%", numerator="k", denominator="n"), {"k": 3, "n": 40}, [count("k"), count("n")]),
    )
    chart = Chart(
        "c",
        "C",
        "",
        "bars",
        disclose(RawTable("t", "T", COLUMNS[:3], [{"group": "a", "n": 13, "improved": 3}])),
        "group",
        [Series("People", "n"), Series("Improved", "improved")],
        "People",
    )

    assert (headline.value, headline.text, headline.note) == (None, "–", "withheld: fewer than 8 people")
    assert [chart.values(series) for series in chart.series] == [[15], [None]]
    assert [chart.shown(series) for series in chart.series] == [["15"], ["*"]]


def test_totals_are_computed_before_rounding():
    # Three themes of 3 people: each shows "*", but the 9 people together show as 10.
    frame = pd.DataFrame({"theme": ["possible", "how_to", "how_did"], "attended": [3, 3, 3]})
    with_total = metrics.add_total_row(frame, key_column="theme", count_columns=["attended"])
    table = disclose(
        RawTable(
            "t",
            "T",
            [label("theme", "Theme", is_key=True), count("attended", "Attended")],
            with_total.to_dict("records"),
        )
    )
    assert [(row["theme"], row["attended"]) for row in table.rows] == [
        ("possible", "*"),
        ("how_to", "*"),
        ("how_did", "*"),
        ("Total", 10),
    ]


def test_statistics_are_kept_only_to_the_precision_shown():
    columns = [
        count("n"),
        statistic("mean", "Mean", n="n"),
        statistic("p", "p", n="n", format="p"),
        statistic("df", "df", n="n", format="df"),
    ]
    table = disclose(RawTable("t", "T", columns, [{"n": 110, "mean": 316 / 110, "p": 0.0000123456, "df": 57.123}]))

    assert table.rows == [{"n": 110, "mean": 2.87, "p": 1.2e-05, "df": 57.12, "note": ""}]


def test_a_suppressed_part_pinned_by_the_whole_and_the_other_parts_hides_the_smallest_other_part():
    # 35 pairs shown as 35 (33–37), 30 improved (28–32), 10 unchanged (8–12): a "*" worsened could
    # only be 1 (33 − 32 − 12 < 1 ≤ 37 − 28 − 8), so "unchanged" is hidden as well.
    assert metrics.pinned_parts(35, [30, 10, "*"]) == [2]
    assert metrics.protect_partition(35, [30, 10, "*"], [30, 9, 1]) == [30, "*", "*"]
    assert metrics.pinned_parts(35, [30, "*", "*"]) == []
    # Not pinned: nothing to do.
    assert metrics.protect_partition(110, [100, "*", "*"], [99, 5, 6]) == [100, "*", "*"]
    assert metrics.protect_partition(20, [20, 0, "*"], [18, 0, 2]) == [20, 0, "*"]


def test_disclose_protects_a_partition_and_withholds_the_percentages_that_would_show_it():
    columns = [
        label("measure", "Measure", is_key=True),
        count("n", "Pairs"),
        count("up", "Improved"),
        count("same", "Unchanged"),
        rate("pct_same", "Unchanged %", numerator="same", denominator="n"),
        count("down", "Worsened"),
    ]
    raw = RawTable(
        "t",
        "T",
        columns,
        [{"measure": "a", "n": 36, "up": 30, "same": 9, "down": 1}],
        partitions=[("n", ["up", "same", "down"])],
    )

    assert disclose(raw).rows == [
        {
            "measure": "a",
            "n": 35,
            "up": 30,
            "same": "*",
            "pct_same": None,
            "down": "*",
            "note": "withheld: fewer than 8 people",
        }
    ]


def test_disclose_protects_a_column_down_to_its_total_row():
    columns = [label("theme", "Theme", is_key=True), count("n", "People"), label("note", "Note")]
    rows = [{"theme": "a", "n": 30}, {"theme": "b", "n": 9}, {"theme": "c", "n": 1}, {"theme": "All", "n": 40}]

    plain = disclose(RawTable("t", "T", columns, rows))
    protected = disclose(RawTable("t", "T", columns, rows, column_totals=["n"]))

    # 40 shown as 40 (38–42), 30 (28–32) and 10 (8–12): c could only be 38 − 32 − 12 … 42 − 28 − 8, at most 6,
    # so it is safe; with a total of 36 (shown 35, 33–37) it would be pinned to 1, and b is hidden too.
    assert [row["n"] for row in plain.rows] == [30, 10, "*", 40]
    assert [row["n"] for row in protected.rows] == [30, 10, "*", 40]
    rows[-1]["n"] = 36
    assert [row["n"] for row in disclose(RawTable("t", "T", columns, rows, column_totals=["n"])).rows] == [
        30,
        "*",
        "*",
        35,
    ]
