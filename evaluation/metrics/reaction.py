"""Reaction (Kirkpatrick level 1): how the post survey rated the session."""

from typing import Any

import numpy as np
import pandas as pd

from ._common import object_frame, pct
from .wide import Answers, WideAnswers, prepare

EXPERIENCE_LABELS = {1: "Very poor", 2: "Poor", 3: "Neither good nor poor", 4: "Good", 5: "Very good"}
RELEVANCE_LABELS = {
    1: "Not at all relevant",
    2: "Slightly relevant",
    3: "Somewhat relevant",
    4: "Relevant",
    5: "Very relevant",
}
GOOD = 4  # "good or very good" is 4 or 5
PROMOTER = 9  # NPS: 9–10 promoters, 7–8 passives, 0–6 detractors
DETRACTOR = 6

REACTION_COLUMNS = [
    "n_experience",
    *(f"experience_{point}" for point in EXPERIENCE_LABELS),
    "experience_mean",
    "pct_good_or_very_good",
    "n_relevance",
    *(f"relevance_{point}" for point in RELEVANCE_LABELS),
    "relevance_mean",
    "n_recommend",
    "n_promoters",
    "n_passives",
    "n_detractors",
    "pct_promoters",
    "pct_detractors",
    "nps",
]


def _first_item(items: pd.DataFrame, kind: str) -> str | None:
    chosen = items[items["kind"] == kind].sort_values("order", kind="stable")
    return chosen["item"].iloc[0] if len(chosen) else None


def _values(answers: WideAnswers, survey: str, code: str | None, chosen: np.ndarray | None) -> pd.Series:
    if code is None:
        return pd.Series([], dtype=float)
    values = answers.matrix(survey, [code])[:, 0]
    keep = ~np.isnan(values)
    if chosen is not None:
        keep &= chosen
    return pd.Series(values[keep])


def _reaction_row(
    answers: WideAnswers, survey: str, codes: dict[str, str | None], chosen: np.ndarray | None = None
) -> dict[str, Any]:
    experience = _values(answers, survey, codes["experience"], chosen)
    relevance = _values(answers, survey, codes["relevance"], chosen)
    recommend = _values(answers, survey, codes["recommend"], chosen)
    row: dict[str, Any] = {"n_experience": len(experience)}
    for point in EXPERIENCE_LABELS:
        row[f"experience_{point}"] = int((experience.round() == point).sum())
    row["experience_mean"] = float(experience.mean()) if len(experience) else None
    row["pct_good_or_very_good"] = pct(int((experience >= GOOD).sum()), len(experience))
    row["n_relevance"] = len(relevance)
    for point in RELEVANCE_LABELS:
        row[f"relevance_{point}"] = int((relevance.round() == point).sum())
    row["relevance_mean"] = float(relevance.mean()) if len(relevance) else None
    promoters = int((recommend >= PROMOTER).sum())
    detractors = int((recommend <= DETRACTOR).sum())
    pct_promoters, pct_detractors = pct(promoters, len(recommend)), pct(detractors, len(recommend))
    row.update(
        n_recommend=len(recommend),
        n_promoters=promoters,
        n_passives=len(recommend) - promoters - detractors,
        n_detractors=detractors,
        pct_promoters=pct_promoters,
        pct_detractors=pct_detractors,
        nps=None if pct_promoters is None else pct_promoters - pct_detractors,
    )
    return row


def reaction(
    answers: Answers,
    items: pd.DataFrame,
    *,
    by_frame: pd.DataFrame | None = None,
    by: str | None = None,
    survey: str = "post",
) -> pd.DataFrame:
    """Satisfaction, relevance and likelihood to recommend: one "all" row (key column
    `selection`), or one row per value of `by` in `by_frame` (a frame with `registration`
    and `by`, e.g. registrations for theme, or registrations merged with memberships for
    group: a registration counts under every value it has). Columns: REACTION_COLUMNS.

    Each kind reads the first item of that kind (by `order`). Experience and relevance are
    counted per point 1–5 (EXPERIENCE_LABELS, RELEVANCE_LABELS); "good or very good" is 4 or
    5. NPS = % promoters (9–10) − % detractors (0–6), in points. Each kind has its own n,
    since people skip items: disclose each with its own n.
    """
    codes = {kind: _first_item(items, kind) for kind in ("experience", "relevance", "recommend")}
    answers = prepare(answers)
    if by is None:
        row = _reaction_row(answers, survey, codes)
        return object_frame([{"selection": "all", **row}], ["selection", *REACTION_COLUMNS])
    if by_frame is None:
        raise ValueError("reaction(by=...) needs by_frame with registration and the by column")
    pairs = by_frame[["registration", by]].dropna().drop_duplicates()
    rows = []
    registrations = pd.Index(answers.registrations)
    for key in sorted(set(pairs[by])):
        chosen = registrations.isin(pairs.loc[pairs[by] == key, "registration"])
        rows.append({by: key, **_reaction_row(answers, survey, codes, chosen)})
    return object_frame(rows, [by, *REACTION_COLUMNS])
