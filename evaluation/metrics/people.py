"""People as the unit of analysis, and who is missing from the pairs.

A person who attended several sessions is one participant in the headline figures: their pair
comes from ONE registration, the earliest session in the selection (by start, then by
registration) at which they answered both surveys. `attrition` compares the pre-survey scores
of people who went on to answer the post survey with those who did not.
"""

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ._common import clean, confidence_items, isin, object_frame, sorted_intersection
from .wide import Answers, WideAnswers, prepare

PERSON_RULE = (
    "each person counts once: their pair comes from the earliest session in the selection at which they "
    "answered both surveys"
)
ATTRITION_COLUMNS = ["group", "n", "mean_pre", "sd_pre"]


def _in_session_order(registrations: pd.DataFrame, sessions: pd.DataFrame | None) -> pd.DataFrame:
    """registration and participant, sorted by session start (when known), then registration."""
    frame = registrations[["registration", "participant", "session"]]
    if sessions is not None and "starts_at" in sessions and len(frame):
        starts = sessions.drop_duplicates("session").set_index("session")["starts_at"]
        # Each session's place in start order (equal starts share it; an unknown start is last),
        # looked up per session rather than per registration.
        place = starts.rank(method="dense", na_option="bottom")
        when = frame["session"].map(place)
        when = np.array(when.astype(float), dtype=float)  # (a copy: pandas hands out read-only arrays)
        when[np.isnan(when)] = np.inf  # a session not among `sessions`: last, as an unknown start
        frame = frame.iloc[np.lexsort((frame["registration"].to_numpy(), when))]
    else:
        frame = frame.sort_values("registration", kind="stable")
    return frame[["registration", "participant"]]


def _earliest(
    registrations: pd.DataFrame, sessions: pd.DataFrame | None, chosen: np.ndarray, ordered: pd.DataFrame | None = None
) -> np.ndarray:
    """Of the registrations in `chosen`, each participant's earliest (session start, then id).
    `ordered` is `_in_session_order` of these registrations or of more (it is only filtered)."""
    if ordered is None:
        ordered = _in_session_order(registrations, sessions)
    kept = isin(ordered["registration"], chosen) & isin(ordered["registration"], registrations["registration"])
    return ordered.loc[kept].drop_duplicates("participant")["registration"].to_numpy()


def _session_order(answers: WideAnswers, registrations: pd.DataFrame, sessions: pd.DataFrame | None):
    """`_in_session_order` of these registrations or of more, or None: every selection orders the
    same registrations, so they are sorted once, on the first (widest) selection seen."""
    ordered = answers.shared(("session order", id(sessions)), lambda: _in_session_order(registrations, sessions))
    return ordered if isin(registrations["registration"], ordered["registration"]).all() else None


def one_per_person(
    answers: Answers,
    registrations: pd.DataFrame,
    sessions: pd.DataFrame | None = None,
    *,
    before: str = "pre",
    after: str = "post",
) -> WideAnswers:
    """The answers of one registration per person: the earliest session (in `sessions`' start
    order, else by registration) at which the person answered both `before` and `after`.
    Every paired metric run on the result counts people, not registrations."""
    answers = prepare(answers)

    def compute() -> WideAnswers:
        both = sorted_intersection(answers.responded(before), answers.responded(after))
        return answers.restrict(
            _earliest(registrations, sessions, both, _session_order(answers, registrations, sessions))
        )

    key = ("one_per_person", before, after, id(registrations), id(sessions))
    registrations_seen, result = answers.computed(key, lambda: (registrations, compute()))
    return result if registrations_seen is registrations else compute()


def people_count(registrations: pd.DataFrame, status: str | None = None) -> int:
    """Distinct participants among the registrations (of one status when given)."""
    if status is not None:
        registrations = registrations[registrations["status"] == status]
    return int(registrations["participant"].nunique())


def survey_response_people(registrations: pd.DataFrame, answers: Answers, survey: str = "post") -> tuple[int, int]:
    """(people who answered, people who were sent it): a survey's response rate in people. A
    person sent it for two sessions is one person, who answered if they answered either."""
    sent = registrations[registrations[f"{survey}_sent"].astype(bool)]
    answered = sent.loc[sent["registration"].isin(prepare(answers).responded(survey)), "participant"]
    return int(answered.nunique()), int(sent["participant"].nunique())


def attrition(
    answers: Answers,
    items: pd.DataFrame,
    registrations: pd.DataFrame,
    sessions: pd.DataFrame | None = None,
    *,
    confidence: float = 0.95,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Did the people who answered the post survey start out like those who did not?

    Among people who attended and answered the pre survey (each person once: their earliest such
    session), their pre-survey confidence scale score (the mean of the confidence items they
    answered) by whether they answered the post survey of that session. Returns the two rows
    (columns ATTRITION_COLUMNS: "answered post", "did not answer post") and the difference
    (answered − did not) with its Welch CI and p, or None and the reason in `note`.
    """
    answers = prepare(answers)
    attended = registrations.loc[registrations["status"] == "attended", "registration"].to_numpy()
    with_pre = sorted_intersection(answers.responded("pre"), attended)
    chosen = answers.restrict(
        _earliest(registrations, sessions, with_pre, _session_order(answers, registrations, sessions))
    )
    codes = list(confidence_items(items)["item"])
    values = chosen.matrix("pre", codes)
    answered_any = ~np.isnan(values).all(axis=1) if codes else np.zeros(len(values), dtype=bool)
    scores = np.full(len(values), np.nan)
    if answered_any.any():
        scores[answered_any] = np.nanmean(values[answered_any], axis=1)
    answered_post = pd.Index(chosen.registrations).isin(answers.responded("post"))
    groups = [
        ("answered post", scores[answered_any & answered_post]),
        ("did not answer post", scores[answered_any & ~answered_post]),
    ]
    rows = [
        {
            "group": label,
            "n": len(values_),
            "mean_pre": float(values_.mean()) if len(values_) else None,
            "sd_pre": float(np.std(values_, ddof=1)) if len(values_) > 1 else None,
        }
        for label, values_ in groups
    ]
    responded, missing = groups[0][1], groups[1][1]
    difference: dict[str, Any] = {
        "n_answered": len(responded),
        "n_missing": len(missing),
        "difference": None,
        "ci_low": None,
        "ci_high": None,
        "p_welch": None,
        "note": "",
    }
    if len(responded) and len(missing):
        difference["difference"] = float(responded.mean() - missing.mean())
    if len(responded) < 2 or len(missing) < 2:
        difference["note"] = "difference's CI undefined: fewer than 2 people in a group"
    elif np.std(responded) == 0 and np.std(missing) == 0:
        difference["note"] = "difference's CI undefined: no variation within either group"
    else:
        welch = stats.ttest_ind(responded, missing, equal_var=False)
        interval = welch.confidence_interval(confidence_level=confidence)
        difference.update(
            ci_low=clean(float(interval.low)), ci_high=clean(float(interval.high)), p_welch=clean(float(welch.pvalue))
        )
    return object_frame(rows, ATTRITION_COLUMNS), difference
