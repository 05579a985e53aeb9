"""Restricting every frame to one selection (a phase, theme, session, group, region, focus area)."""

from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from ._common import as_values
from .wide import Answers, WideAnswers


class Selection(NamedTuple):
    answers: Answers
    registrations: pd.DataFrame
    memberships: pd.DataFrame
    sessions: pd.DataFrame
    invitations: pd.DataFrame | None


def restrict(
    answers: Answers,
    registrations: pd.DataFrame,
    memberships: pd.DataFrame,
    sessions: pd.DataFrame,
    *,
    invitations: pd.DataFrame | None = None,
    phase: str | Iterable[str] | None = None,
    theme: str | Iterable[str] | None = None,
    session: str | Iterable[str] | None = None,
    group: str | Iterable[str] | None = None,
    region: str | Iterable[str] | None = None,
    focus_area: str | Iterable[str] | None = None,
) -> Selection:
    """The same frames narrowed to a selection, so every metric runs unchanged on it.

    Each filter takes one value or several (any of them matches); filters combine with AND.
    Registrations are kept when their phase / theme / session / region match, their session
    covers the focus area, and (for `group`) their participant is in the group. Answers
    follow their registration. Sessions are narrowed by the session-level filters (phase,
    theme, session, region, focus area; not group). Memberships keep the selected
    registrations' participants, and only the chosen groups when `group` is given, so a
    breakdown by group stays inside the selection. Invitations (optional) keep those to the
    selected sessions, and of group members when `group` is given: people invited but never
    registered still count as invited.
    """
    chosen_registrations = registrations
    chosen_sessions = sessions
    for column, value in (("phase", phase), ("theme", theme), ("session", session), ("region", region)):
        if value is not None:
            values = as_values(value)
            chosen_registrations = chosen_registrations[chosen_registrations[column].isin(values)]
            chosen_sessions = chosen_sessions[chosen_sessions[column].isin(values)]
    if focus_area is not None:
        areas = set(as_values(focus_area))
        covers = chosen_sessions["focus_areas"].map(lambda listed: bool(areas & set(listed or ())))
        chosen_sessions = chosen_sessions[covers.astype(bool)]
        chosen_registrations = chosen_registrations[chosen_registrations["session"].isin(chosen_sessions["session"])]
    group_members = memberships
    if group is not None:
        group_members = memberships[memberships["group"].isin(as_values(group))]
        chosen_registrations = chosen_registrations[
            chosen_registrations["participant"].isin(group_members["participant"])
        ]
    chosen_memberships = group_members[group_members["participant"].isin(chosen_registrations["participant"])]
    if isinstance(answers, WideAnswers):
        chosen_answers = answers.restrict(chosen_registrations["registration"])
    else:
        chosen_answers = answers[answers["registration"].isin(chosen_registrations["registration"])]
    chosen_invitations = None
    if invitations is not None:
        chosen_invitations = invitations[invitations["session"].isin(chosen_sessions["session"])]
        if group is not None:
            chosen_invitations = chosen_invitations[
                chosen_invitations["participant"].isin(group_members["participant"])
            ]
    return Selection(chosen_answers, chosen_registrations, chosen_memberships, chosen_sessions, chosen_invitations)
