"""The attack: what an evaluator can work out from the exports of the demo programme.

For every filter view the dashboard offers (phase, theme, leadership group, region, session and
combinations), read the CSV export and, for every percentage shown, list the integer numerators
consistent with it given its shown (or rounded) denominator, as someone who assumes it was computed
from exact counts would. It fails if any consistent set lies wholly in 1–7, or if a percentage is
shown beside a suppressed count. The same on the XLSX, whose cells hold every digit. Then
subtraction: where a view's count is the sum of the same count over a partition (phases, themes,
regions of the whole programme; the sessions of a view), no part may be pinned to one value in
1–7 by the others and the whole (using everything the percentages gave away too).
"""

import csv
import io
import itertools
from dataclasses import dataclass, field

import openpyxl
import pytest

from attendees.demo import seed_people
from evaluation.data import load_frames
from evaluation.metrics import wilson_interval
from evaluation.reporting import Filters, build_report
from evaluation.reports.csv import render_csv
from evaluation.reports.xlsx import render_xlsx
from feedback.demo import seed_responses
from summits.demo import seed_schedule

pytestmark = pytest.mark.django_db

# A percentage's numerator and denominator, by the labels the exports give them (the tables'
# labels before and after the split into main and detail tables).
PERCENTAGES = {
    "Reliably improved %": (["Reliably improved"], ["People with a pair"]),
    "Any rise %": (["Any rise"], ["People with a pair"]),
    "No change %": (["No change"], ["People with a pair"]),
    "Any fall %": (["Any fall"], ["People with a pair"]),
    "Improved %": (["Improved"], ["Matched pairs"]),
    "Unchanged %": (["Unchanged"], ["Matched pairs"]),
    "Worsened %": (["Worsened"], ["Matched pairs"]),
    "Attended % of target": (["Attended"], ["Target"]),
    "Acceptance %": (["Invitations accepted"], ["Invitations answered"]),
    "Attendance %": (["Attendances", "Attended"], ["Attendance recorded"]),
    "No-show %": (["No-shows"], ["Attendance recorded"]),
    "Fill %": (["Places held"], ["Capacity"]),
    "Pre response %": (["Pre answered"], ["Pre sent"]),
    "Post response %": (["Post answered"], ["Post sent"]),
    "Follow-up response %": (["Follow-up answered"], ["Follow-up sent"]),
    "Match rate %": (["With both surveys", "Matched pairs"], ["Attended", "Pre answered"]),
    "Good or very good %": (["Good or very good"], ["Rated the experience", "Answered"]),
}
# Wilson 95% interval bounds of the percentage beside them: computed from the shown counts.
WILSON_BOUNDS = {"95% CI low": "low", "95% CI high": "high"}
WILSON_OF = "Reliably improved %"
SMALL = range(1, 8)
# Counts that add up over a partition of registrations (per registration, not per person).
ADDITIVE = [
    ("survey_takeup", "Total", label)
    for label in ("Registrations", "Pre sent", "Pre answered", "Post sent", "Post answered", "With both surveys")
] + [("survey_takeup", "Total", "Attended")]
# Counts in one row that add up to another count of the same row.
ROW_PARTITIONS = [
    ("People with a pair", ["Any rise", "No change", "Any fall"]),
    ("People with a pair", ["Reliably improved", "No reliable change", "Reliably worsened"]),
    ("Answered", ["Very good", "Good", "Neither good nor poor", "Poor", "Very poor"]),
]


@dataclass
class View:
    name: str
    filters: Filters
    cells: dict[tuple[str, str, str], tuple[str, str]] = field(default_factory=dict)  # → (value, unit)
    known: dict[tuple[str, str, str], set[int]] = field(default_factory=dict)  # what the attacker knows of a count


def _shown_set(value: str, unit: str) -> set[int] | None:
    """The exact counts consistent with a shown count."""
    if value in ("", None):
        return None
    if value == "*":
        return set(SMALL)
    number = float(value)
    if unit in ("integer", "number"):  # a planning figure: exact
        return {int(number)}
    whole = int(number)
    return {0} if whole == 0 else set(range(max(whole - 2, 8), whole + 3))


def _consistent(percent: float, numerators: set[int] | None, denominators: set[int], digits: int | None):
    """(numerator, denominator) pairs that give `percent`, if it was computed from exact counts."""
    pairs = set()
    for d in denominators:
        if d <= 0:
            continue
        for k in numerators if numerators is not None else range(0, d + 1):
            value = 100 * k / d
            if (round(value, digits) == percent) if digits is not None else abs(value - percent) < 1e-9:
                pairs.add((k, d))
    return pairs


def attack_percentages(view: View, digits: int | None) -> tuple[list[str], int]:
    """Findings (what is given away) and the number of percentages attacked."""
    findings, attacked = [], 0
    groups: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
    for (section, measure, metric), cell in view.cells.items():
        groups.setdefault((section, measure), {})[metric] = cell
    for (section, measure), metrics in groups.items():
        for metric, (value, unit) in metrics.items():
            if unit != "percent" or value in ("", None):
                continue
            if metric in WILSON_BOUNDS and WILSON_OF in metrics:
                num_shown, den_shown = metrics["Reliably improved"][0], metrics["People with a pair"][0]
                bound = wilson_interval(int(float(num_shown)), int(float(den_shown)))
                expected = bound[0 if WILSON_BOUNDS[metric] == "low" else 1]
                if abs(float(value) - expected) > (0.05 + 1e-9 if digits is not None else 1e-9):
                    findings.append(f"{view.name}: {section}/{measure}: {metric} {value} is not from the shown counts")
                continue
            if metric not in PERCENTAGES:
                findings.append(f"{view.name}: {section}/{measure}: no known numerator for {metric}")
                continue
            attacked += 1
            percent = float(value)
            num_labels, den_labels = PERCENTAGES[metric]
            num = next((label for label in num_labels if label in metrics), None)
            den = next((label for label in den_labels if label in metrics), None)
            for part in (num, den):
                if part is not None and metrics[part][0] == "*":
                    findings.append(f"{view.name}: {section}/{measure}: {metric} {value} beside {part} *")
            if den is None or metrics[den][0] in ("", "*"):
                continue
            num_shown = metrics[num][0] if num else ""
            numerators = _shown_set(*metrics[num]) if num_shown not in ("", "*") else None
            denominators = _shown_set(*metrics[den])
            pairs = _consistent(percent, numerators, denominators, digits)
            ks = {k for k, _ in pairs}
            if ks and ks <= set(SMALL):
                findings.append(
                    f"{view.name}: {section}/{measure}: {metric} {value} of {metrics[den][0]} → {sorted(ks)}"
                )
            # What the percentage adds to the counts, unless it is only the ratio of the shown counts.
            tolerance = 0.05 + 1e-9 if digits is not None else 1e-9
            shown_ratio = (
                numerators is not None
                and float(metrics[den][0]) > 0
                and abs(100 * float(num_shown) / float(metrics[den][0]) - percent) <= tolerance
            )
            if pairs and not shown_ratio:
                for key, values in (((section, measure, num), ks), ((section, measure, den), {d for _, d in pairs})):
                    if key[2] is not None:
                        view.known[key] = (view.known.get(key, values) & values) or values
    return findings, attacked


def _known(view: View, key: tuple[str, str, str]) -> set[int] | None:
    if key not in view.cells:
        return None
    shown = _shown_set(*view.cells[key])
    if shown is None:
        return None
    derived = view.known.get(key)
    return (shown & derived) or shown if derived else shown


def attack_partition(whole: set[int], parts: list[set[int]], labels: list[str], where: str) -> list[str]:
    findings = []
    for index, part in enumerate(parts):
        others = [p for i, p in enumerate(parts) if i != index]
        low = min(whole) - sum(max(p) for p in others)
        high = max(whole) - sum(min(p) for p in others)
        feasible = {value for value in part if low <= value <= high}
        if len(feasible) == 1 and feasible <= set(SMALL):
            findings.append(f"{where}: {labels[index]} pinned to {feasible}")
    return findings


def read_csv(content: str) -> dict:
    cells = {}
    for row in csv.DictReader(io.StringIO(content)):
        if row["section"] in ("summary", "criteria"):
            continue  # headlines repeat table figures; criteria are checked in test_views
        cells[(row["section"], row["measure"].lstrip("'"), row["metric"])] = (row["value"], row["unit"])
    return cells


XLSX_UNITS = {'0.0"%"': "percent", "0": "count", "#,##0": "integer"}


def read_xlsx(content: bytes, csv_cells: dict) -> dict:
    """The XLSX's table cells at full precision, keyed like the CSV's: a sheet is the CSV section
    with the same column labels and first row."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sections: dict[str, tuple[set[str], set[str]]] = {}
    for section, measure, metric in csv_cells:
        labels, measures = sections.setdefault(section, (set(), set()))
        labels.add(metric)
        measures.add(measure)
    cells = {}
    for sheet in workbook.worksheets[2:]:
        rows = [row for row in sheet.iter_rows()]
        if len(rows) < 2 or rows[0][0].value is None:
            continue
        header = [cell.value for cell in rows[0]]
        section = next(
            (
                name
                for name, (labels, measures) in sections.items()
                if labels - {"Note"} == set(header[1:]) - {"Note"} and str(rows[1][0].value) in measures
            ),
            None,
        )
        if section is None:
            continue
        for row in rows[1:]:
            if row[0].value is None:
                break
            for text, cell in zip(header[1:], row[1:], strict=False):
                if cell.value == "*":
                    cells[(section, str(row[0].value), text)] = ("*", "count")
                elif cell.value is None or isinstance(cell.value, str):
                    cells[(section, str(row[0].value), text)] = ("", "text")
                else:
                    unit = XLSX_UNITS.get(cell.number_format, "number")
                    cells[(section, str(row[0].value), text)] = (repr(cell.value), unit)
    return cells


def demo_views(frames) -> list[View]:
    sessions = frames.sessions
    groups = sorted(set(frames.memberships["group"]))
    regions = sorted(region for region in set(frames.registrations["region"]) if region)
    views = [View("whole programme", Filters())]
    views += [View(phase, Filters(phase=phase)) for phase in ("pilot", "rollout")]
    views += [View(theme, Filters(theme=theme)) for theme in ("possible", "how_to", "how_did")]
    views += [View(region, Filters(region=region)) for region in regions]
    views += [View(group, Filters(group=group)) for group in groups]
    pilot_sessions = list(sessions.loc[sessions["phase"] == "pilot", "session"])
    views += [View(session, Filters(session=session)) for session in pilot_sessions[:6]]
    views += [
        View(f"{phase} {theme}", Filters(phase=phase, theme=theme))
        for phase, theme in itertools.product(("pilot", "rollout"), ("possible", "how_to", "how_did"))
    ]
    views += [
        View(f"{session} {group}", Filters(session=session, group=group))
        for session, group in itertools.product(pilot_sessions[:2], groups[:2])
    ]
    return views


def test_no_figure_in_the_exports_gives_a_count_of_1_to_7_away():
    programme = seed_schedule()["programme"]
    seed_people(programme)
    seed_responses(programme)
    frames = load_frames(programme)
    views = demo_views(frames)

    findings, attacked, cells = [], 0, 0
    xlsx_findings, xlsx_attacked = [], 0
    for view in views:
        report = build_report(programme, view.filters, frames=frames)
        view.cells = read_csv(render_csv(report))
        cells += len(view.cells)
        found, count = attack_percentages(view, digits=1)
        findings += found
        attacked += count
        xlsx_view = View(view.name, view.filters, read_xlsx(render_xlsx(report), view.cells))
        found, count = attack_percentages(xlsx_view, digits=None)
        xlsx_findings += found
        xlsx_attacked += count

    by_name = {view.name: view for view in views}
    partitions = {
        "phases": ["pilot", "rollout"],
        "themes": ["possible", "how_to", "how_did"],
        "regions": [view.name for view in views if view.filters.region],
    }
    assert set(frames.registrations["region"]) <= set(partitions["regions"])  # every registration has a region
    subtractions = 0
    for name, parts in partitions.items():
        for key in ADDITIVE:
            whole = _known(by_name["whole programme"], key)
            known = [_known(by_name[part], key) or {0} for part in parts]
            if whole is not None:
                subtractions += 1
                findings += attack_partition(whole, known, parts, f"{name} {key}")
    for view in views:  # the sessions of a view add up to its attendances (registrations)
        sessions = sorted({measure for section, measure, _ in view.cells if section == "sessions"})
        whole = _known(view, ("survey_takeup", "Total", "Attended"))
        parts = [_known(view, ("sessions", session, "Attended")) for session in sessions]
        if whole is not None and sessions and all(part is not None for part in parts):
            subtractions += 1
            findings += attack_partition(whole, parts, sessions, f"{view.name} sessions")

    # (The themes' people do not add up to the scale's: a person who came to sessions of two themes
    # is one person in the whole and one in each theme, so there is no partition to subtract.)
    for view in views:  # within a row: the people who improved, stayed the same or worsened; the five ratings
        measures = {(section, measure) for section, measure, _ in view.cells}
        for (section, measure), (whole_label, part_labels) in itertools.product(measures, ROW_PARTITIONS):
            whole = _known(view, (section, measure, whole_label))
            parts = [_known(view, (section, measure, label)) for label in part_labels]
            if whole is not None and all(part is not None for part in parts):
                subtractions += 1
                findings += attack_partition(whole, parts, part_labels, f"{view.name} {section}/{measure}")

    assert len(views) >= 30
    print(
        f"attack: {len(views)} views, {cells} CSV cells, {attacked} CSV and {xlsx_attacked} XLSX percentages, "
        f"{subtractions} partitions"
    )
    kinds = {kind: sum(kind in finding for finding in findings) for kind in (" beside ", " → ", " pinned ")}
    print(f"CSV findings by kind: {kinds}; XLSX findings: {len(xlsx_findings)}")
    assert findings == []
    assert xlsx_findings == []
    assert (attacked > 300, xlsx_attacked == attacked) == (True, True)
