"""Restricting every frame to one selection (a phase, theme, session, group, region, focus area)."""

from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from ._common import as_values, isin
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
    theme, session, region, focus area; not group). Invitations (optional) keep those to the
    selected sessions, of people in the region when `region` is given and the invitations
    have a `region` column (the person's, as on registrations), and of group members when
    `group` is given: people invited but never registered still count as invited.
    Memberships keep the participants of the selected registrations and invitations, and only
    the chosen groups when `group` is given, so a breakdown by group stays inside the selection.
    """
    chosen_registrations = registrations
    chosen_sessions = sessions
    for column, value in (("phase", phase), ("theme", theme), ("session", session)):
        if value is not None:
            values = as_values(value)
            chosen_registrations = chosen_registrations[chosen_registrations[column].isin(values)]
            chosen_sessions = chosen_sessions[chosen_sessions[column].isin(values)]
    if focus_area is not None:
        areas = set(as_values(focus_area))
        covers = chosen_sessions["focus_areas"].map(lambda listed: bool(areas & set(listed or ())))
        chosen_sessions = chosen_sessions[covers.astype(bool)]
        chosen_registrations = chosen_registrations[isin(chosen_registrations["session"], chosen_sessions["session"])]
    # Invitations follow the sessions chosen so far, then the invitee's own region.
    invitation_sessions = chosen_sessions["session"]
    if region is not None:
        # A registration's region is its person's (else its session's); the sessions kept are
        # those in the region and those the region's people came to.
        values = as_values(region)
        chosen_registrations = chosen_registrations[chosen_registrations["region"].isin(values)]
        chosen_sessions = chosen_sessions[
            chosen_sessions["region"].isin(values) | isin(chosen_sessions["session"], chosen_registrations["session"])
        ]
    group_members = memberships
    if group is not None:
        group_members = memberships[memberships["group"].isin(as_values(group))]
        chosen_registrations = chosen_registrations[
            isin(chosen_registrations["participant"], group_members["participant"])
        ]
    if isinstance(answers, WideAnswers):
        chosen_answers = answers.restrict(chosen_registrations["registration"])
    else:
        chosen_answers = answers[isin(answers["registration"], chosen_registrations["registration"])]
    chosen_invitations = None
    if invitations is not None:
        chosen_invitations = invitations[invitations["session"].isin(invitation_sessions)]
        if region is not None and "region" in chosen_invitations:
            chosen_invitations = chosen_invitations[chosen_invitations["region"].isin(as_values(region))]
        if group is not None:
            chosen_invitations = chosen_invitations[
                isin(chosen_invitations["participant"], group_members["participant"])
            ]
    selected = isin(group_members["participant"], chosen_registrations["participant"])
    if chosen_invitations is not None:
        selected = selected | isin(group_members["participant"], chosen_invitations["participant"])
    chosen_memberships = group_members[selected]
    return Selection(chosen_answers, chosen_registrations, chosen_memberships, chosen_sessions, chosen_invitations)
