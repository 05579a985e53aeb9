"""What every table builder gets: the frames, the evaluator's filters, the selection they make,
and a cache for figures several tables share."""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from evaluation import metrics
from evaluation.data import Frames
from summits.enums import PhaseKind, Region, Theme


@dataclass
class Filters:
    """The selection an evaluator chose. Empty strings mean "all"."""

    phase: str = ""
    theme: str = ""
    group: str = ""
    region: str = ""
    session: str = ""
    focus_area: str = ""  # "focus_<number>"

    def describe(self, sessions_titles: dict[str, str] | None = None) -> str:
        parts = [PhaseKind(self.phase).label if self.phase else "Whole programme"]
        if self.theme:
            parts.append(Theme(self.theme).label)
        if self.group:
            parts.append(self.group)
        if self.region:
            parts.append(Region(self.region).label)
        if self.session:
            parts.append(f"session {self.session}")
        if self.focus_area:
            parts.append(f"focus area {self.focus_area.removeprefix('focus_')}")
        return ", ".join(parts)

    def as_kwargs(self) -> dict[str, str | None]:
        names = ("phase", "theme", "group", "region", "session", "focus_area")
        return {name: getattr(self, name) or None for name in names}

    @property
    def splits_costs(self) -> bool:
        """Costs are recorded per session, not per leadership group or person's region."""
        return bool(self.group or self.region)


@dataclass
class Context:
    frames: Frames
    filters: Filters
    selection: metrics.Selection
    domain_labels: dict[str, str]
    # Screens free text (evaluation.screening); loaded only when there is free text to show.
    screen: Callable[[], Callable[[str], str]] | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    def people(self, selection: metrics.Selection | None = None, before: str = "pre", after: str = "post"):
        """The selection's answers, one registration per person (metrics.one_per_person), so
        every paired figure counts people."""
        selection = selection or self.selection
        return metrics.one_per_person(
            selection.answers, selection.registrations, self.frames.sessions, before=before, after=after
        )

    def group_people(self, group: str):
        """`people(within(group=group))`, without narrowing every frame: a group is a set of
        people, each with all their registrations in the selection, so a member's earliest
        session in the group's selection is their earliest in the whole selection, and the
        group's pairs are the members' pairs among the selection's."""
        sel = self.selection
        members = sel.memberships.loc[sel.memberships["group"] == group, "participant"]
        chosen = sel.registrations.loc[metrics.isin(sel.registrations["participant"], members), "registration"]
        return self.people().restrict(chosen.to_numpy())

    def paired(self, before: str = "pre", after: str = "post"):
        key = f"paired:{before}:{after}"
        if key not in self.cache:
            self.cache[key] = metrics.paired_outcomes(
                self.people(before=before, after=after), self.frames.items, before=before, after=after
            )
        return self.cache[key]

    def within(self, **filters: str) -> metrics.Selection:
        """The selection narrowed further (a group, a theme, a phase); each narrowing is made
        once, however many tables ask for it."""
        key = ("within", *sorted(filters.items()))
        if key not in self.cache:
            sel = self.selection
            self.cache[key] = metrics.restrict(
                sel.answers, sel.registrations, sel.memberships, sel.sessions, invitations=sel.invitations, **filters
            )
        return self.cache[key]

    def phase_selections(self) -> dict:
        """The selection and each phase's narrowing of it made so far, by (phase, None): None
        for the selection itself (criteria.judge's keys)."""
        selections = {(None, None): self.selection}
        for key, selection in self.cache.items():
            if isinstance(key, tuple) and key[0] == "within" and len(key) == 2 and key[1][0] == "phase":
                selections[(key[1][1], None)] = selection
        return selections

    def measure_labels(self) -> dict[str, str]:
        if "labels" not in self.cache:
            labels = {"scale": "Confidence scale (all confidence questions)"}
            for row in self.frames.items.to_dict("records"):
                labels[row["item"]] = row["label"]
            for domain, text in self.domain_labels.items():
                labels[f"domain:{domain}"] = f"Domain: {text}"
            self.cache["labels"] = labels
        return self.cache["labels"]


def clean(value: Any) -> Any:
    """None for NaN / inf (never shown as such), plain floats and ints otherwise."""
    if value is None:
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def records(frame) -> list[dict[str, Any]]:
    return [{key: clean(value) for key, value in row.items()} for row in frame.to_dict("records")]
