"""Reach, session fill, survey take-up and cost: the "results" level, and the denominators
every other figure needs. People are counted once per row (distinct participants); rates
are percentages (0–100), None when their denominator is 0.
"""

from typing import Any

import pandas as pd

from ._common import clean, distinct, isin, object_frame, pct
from .wide import Answers, prepare

HELD_PLACE = ("confirmed", "attended", "no_show")
# The counts behind reach's rates (invitations and registrations, not people).
REACH_COUNTS = [
    "accepted",
    "answered_invitations",
    "attended_registrations",
    "no_show_registrations",
    "recorded_registrations",
]
BY_REGISTRATION = ("phase", "theme", "region", "session")
ALL = "all"


def _key_column(by: str | None) -> str:
    return by or "selection"


def _check_by(by: str | None, allowed: tuple[str, ...]) -> None:
    if by is not None and by not in allowed:
        raise ValueError(f"by must be one of {', '.join(allowed)} or None, not {by!r}")


def reach(
    registrations: pd.DataFrame,
    memberships: pd.DataFrame,
    targets: pd.DataFrame,
    invitations: pd.DataFrame,
    *,
    by: str | None = None,
    sessions: pd.DataFrame | None = None,
    phases: list[str] | None = None,
) -> pd.DataFrame:
    """Who we reached, per leadership group (`by="group"`), per phase / theme / region /
    session, or one "all" row (`by=None`, key column `selection`).

    Columns: `target`, `invited` (people with any invitation), `registered` (people who held
    a place: confirmed, attended or no-show), `attended`, `waitlisted` (people currently
    waitlisted), `no_shows` (people), `pct_of_target` (attended people / target),
    `acceptance_rate` (accepted / (accepted + declined) invitations), `attendance_rate` and
    `no_show_rate` (attended or no-show registrations / (attended + no-show) registrations;
    confirmed places on past sessions are not known here), and the counts behind those rates
    (REACH_COUNTS).

    By group a person counts in each of their groups, so group rows do not add up to the
    "all" row. `target` is set by group and by phase only: the sum of the targets for the
    `phases` given, else the phases present in `registrations` (all phases when there are
    none). Invitations are placed in a phase / theme / region through `sessions` when given,
    else through the sessions' columns on `registrations`.
    """
    _check_by(by, ("group", *BY_REGISTRATION))
    if phases is None:
        phases = distinct(registrations["phase"]) or distinct(targets["phase"])
    targets = targets[targets["phase"].isin(phases)]

    session_columns = ["session", "phase", "theme", "region"]
    session_table = pd.concat(
        [
            sessions[session_columns] if sessions is not None else None,
            # (each session's first registration: a handful of rows, not every registration)
            registrations[session_columns].drop_duplicates("session"),
        ]
    ).drop_duplicates("session")
    # An invitation's region is the invitee's when the loader gives it (as on registrations).
    wanted = ["session", *(column for column in session_columns[1:] if column not in invitations)]
    invitations = invitations.merge(session_table[wanted], on="session", how="left")

    if by == "group":
        keys = sorted(set(distinct(memberships["group"])) | set(distinct(targets["group"])))
    elif by is not None:
        keys = sorted(
            {key for key in (*distinct(registrations[by]), *distinct(invitations[by])) if isinstance(key, str)}
        )
        if by == "phase":
            keys = sorted(set(keys) | set(phases))
    else:
        keys = [ALL]

    def keyed(frame: pd.DataFrame) -> pd.DataFrame:
        """participant, status and the row's key (a person counts under each of their groups)."""
        frame = frame[["participant", "status", *([by] if by not in (None, "group") else [])]]
        if by == "group":
            return frame.merge(memberships[["participant", "group"]], on="participant").rename(columns={"group": "key"})
        key = ALL if by is None else frame[by].astype(object)
        return frame.assign(key=key)[["participant", "status", "key"]]

    chosen, invited = keyed(registrations), keyed(invitations)

    def people_of(frame: pd.DataFrame) -> pd.Series:
        if by is None:  # one key: no grouping
            return pd.Series({ALL: frame["participant"].nunique()})
        return frame.groupby("key", observed=True)["participant"].nunique()

    status = chosen["status"]  # (categorical or not, compared to a scalar the same way)

    def people(mask) -> pd.Series:
        return people_of(chosen.loc[mask])

    def rows_of(frame: pd.DataFrame, mask) -> pd.Series:
        if by is None:
            return pd.Series({ALL: int(mask.sum())})
        return frame.loc[mask].groupby("key", observed=True).size()

    counted = {
        "invited": people_of(invited),
        "registered": people(status.isin(HELD_PLACE)),
        "attended": people(status == "attended"),
        "waitlisted": people(status == "waitlisted"),
        "no_shows": people(status == "no_show"),
        "attended_registrations": rows_of(chosen, status == "attended"),
        "no_show_registrations": rows_of(chosen, status == "no_show"),
        "accepted": rows_of(invited, invited["status"] == "accepted"),
        "declined": rows_of(invited, invited["status"] == "declined"),
    }
    rows = []
    for key in keys:
        n = {name: int(series.get(key, 0)) for name, series in counted.items()}
        if by == "group":
            target: Any = int(targets.loc[targets["group"] == key, "target"].sum())
        elif by == "phase":
            target = int(targets.loc[targets["phase"] == key, "target"].sum())
        else:
            target = None
        recorded = n["attended_registrations"] + n["no_show_registrations"]
        rows.append(
            {
                _key_column(by): key,
                "target": target,
                "invited": n["invited"],
                "registered": n["registered"],
                "attended": n["attended"],
                "waitlisted": n["waitlisted"],
                "no_shows": n["no_shows"],
                "pct_of_target": pct(n["attended"], target) if target else None,
                "acceptance_rate": pct(n["accepted"], n["accepted"] + n["declined"]),
                "attendance_rate": pct(n["attended_registrations"], recorded),
                "no_show_rate": pct(n["no_show_registrations"], recorded),
                "accepted": n["accepted"],
                "answered_invitations": n["accepted"] + n["declined"],
                "attended_registrations": n["attended_registrations"],
                "no_show_registrations": n["no_show_registrations"],
                "recorded_registrations": recorded,
            }
        )
    columns = [_key_column(by), "target", "invited", "registered", "attended", "waitlisted", "no_shows"]
    columns += ["pct_of_target", "acceptance_rate", "attendance_rate", "no_show_rate", *REACH_COUNTS]
    return object_frame(rows, columns)


def _held(sessions: pd.DataFrame) -> pd.Series:
    """Sessions already held: the `held` column when the loader gives it, else not cancelled."""
    if "held" in sessions:
        return sessions["held"].astype(bool)
    return sessions["status"] != "cancelled"


def session_fill(
    sessions: pd.DataFrame, *, by: str | None = None, registrations: pd.DataFrame | None = None
) -> pd.DataFrame:
    """How full the sessions were: one "all" row (`by=None`), or per session / phase / theme /
    region / focus_area (a session counts under each of its focus areas).

    Columns: `sessions`, `capacity`, `places_held` (confirmed_at_start), `fill_rate`
    (places held / capacity), `waitlisted`, `attended`, `no_shows`, `attendance_rate` and
    `no_show_rate` (of attended + no-shows), `cost` (£). Cancelled sessions are left out:
    they held no places. These count registrations (places), not people. With `registrations`
    (a selection's), places, waiting list, attended and no-shows are counted from those rows,
    so a group or region filter narrows them; capacity and cost stay the sessions' own.
    """
    _check_by(by, ("session", "phase", "theme", "region", "focus_area"))
    running = sessions[sessions["status"] != "cancelled"]
    if registrations is not None:
        statuses = registrations.groupby(["session", "status"]).size().unstack(fill_value=0)

        def counted(*wanted: str) -> pd.Series:
            present = [status for status in wanted if status in statuses.columns]
            total = statuses[present].sum(axis=1) if present else pd.Series(dtype=int)
            return running["session"].map(total).fillna(0).astype(int)

        running = running.assign(
            confirmed_at_start=counted(*HELD_PLACE),
            attended=counted("attended"),
            no_shows=counted("no_show"),
            waitlisted=counted("waitlisted"),
        )
    if by == "focus_area":
        running = running.assign(focus_area=running["focus_areas"]).explode("focus_area")
        running = running[running["focus_area"].notna()]
    # Every group's sums at once (a frame per group and a sum per column cost more than the counting).
    summed = ["capacity", "confirmed_at_start", "attended", "no_shows", "waitlisted", "cost"]
    if by is None:
        totals = running[summed].sum().to_frame().T.assign(sessions=len(running), key=ALL)
    else:
        grouped = running.groupby(by, sort=True, observed=True)
        totals = grouped[summed].sum().assign(sessions=grouped.size()).rename_axis("key").reset_index()
    rows = []
    for total in totals.to_dict("records"):
        capacity, held = int(total["capacity"]), int(total["confirmed_at_start"])
        attended, no_shows = int(total["attended"]), int(total["no_shows"])
        rows.append(
            {
                _key_column(by): total["key"],
                "sessions": int(total["sessions"]),
                "capacity": capacity,
                "places_held": held,
                "fill_rate": pct(held, capacity),
                "waitlisted": int(total["waitlisted"]),
                "attended": attended,
                "no_shows": no_shows,
                "attendance_rate": pct(attended, attended + no_shows),
                "no_show_rate": pct(no_shows, attended + no_shows),
                "cost": float(total["cost"]),
            }
        )
    columns = [_key_column(by), "sessions", "capacity", "places_held", "fill_rate", "waitlisted", "attended"]
    columns += ["no_shows", "attendance_rate", "no_show_rate", "cost"]
    return object_frame(rows, columns)


SURVEYS = ("pre", "post", "follow_up")


def survey_takeup(
    registrations: pd.DataFrame,
    answers: Answers,
    *,
    by: str | None = None,
    memberships: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Survey responses per phase / theme / region / session / group (group needs
    `memberships`), or one "all" row.

    For each survey: `<survey>_sent` (registrations sent it), `<survey>_responses`
    (registrations with at least one answer in it) and `<survey>_response_rate`
    (responses / sent). `attended`: attended registrations (so of sessions already held);
    `matched_pairs`: attended registrations that answered both pre and post; `match_rate`:
    matched pairs / attended. Only registrations in `registrations` count, and every figure
    counts registrations, not people.
    """
    _check_by(by, ("group", *BY_REGISTRATION))
    if by == "group" and memberships is None:
        raise ValueError("survey_takeup(by='group') needs memberships")
    answers = prepare(answers)
    ids = registrations["registration"]
    answered = {f"answered {survey}": ids.isin(answers.responded(survey)) for survey in SURVEYS}
    registrations = registrations.assign(**answered)
    if by is None:
        groups = [(ALL, registrations)]
    elif by == "group":
        groups = [
            (group, registrations[isin(registrations["participant"], members["participant"])])
            for group, members in memberships.groupby("group", sort=True)
        ]
    else:
        groups = list(registrations.groupby(by, sort=True))
    rows = []
    for key, chosen in groups:
        # Each registration once, however many rows it has.
        once = chosen[~chosen["registration"].duplicated()]
        row: dict[str, Any] = {_key_column(by): key, "registrations": len(once)}
        for survey in SURVEYS:
            sent = int(chosen[f"{survey}_sent"].astype(bool).sum())
            responses = int(once[f"answered {survey}"].sum())
            row[f"{survey}_sent"] = sent
            row[f"{survey}_responses"] = responses
            row[f"{survey}_response_rate"] = pct(responses, sent)
        came = once["status"] == "attended"
        row["attended"] = int(came.sum())
        row["matched_pairs"] = int((came & once["answered pre"] & once["answered post"]).sum())
        row["match_rate"] = pct(row["matched_pairs"], row["attended"])
        rows.append(row)
    columns = [_key_column(by), "registrations"]
    for survey in SURVEYS:
        columns += [f"{survey}_sent", f"{survey}_responses", f"{survey}_response_rate"]
    columns += ["attended", "matched_pairs", "match_rate"]
    return object_frame(rows, columns)


def cost(total_cost: float, attended: int, improved: int | None) -> dict[str, Any]:
    """Cost per attendee and per participant whose confidence reliably improved (see
    improved_count); None with the reason in `note` when nobody attended or improved."""
    total_cost, attended = clean(total_cost), int(attended)
    improved = None if improved is None else int(improved)
    reasons = []
    if not attended:
        reasons.append("no attendees")
    if improved is None:
        reasons.append("reliable change undefined")
    elif not improved:
        reasons.append("nobody reliably improved")
    return {
        "total": float(total_cost),
        "attended": attended,
        "improved": improved,
        "per_attendee": total_cost / attended if attended else None,
        "per_improved": total_cost / improved if improved else None,
        "note": "; ".join(reasons),
    }


COST_BY_PHASE_COLUMNS = ["phase", "held_sessions", "cost", "attended", "attendances", "per_attendee", "note"]


def cost_by_phase(
    sessions: pd.DataFrame, registrations: pd.DataFrame, *, phases: list[str] | None = None
) -> pd.DataFrame:
    """Cost per attendee in each phase, from that phase's HELD sessions only: their cost lines
    over the people who attended them (`attended`, each person once per phase; `attendances`
    counts registrations). Sessions not yet held, and their costs, are left out."""
    held = sessions[_held(sessions) & (sessions["status"] != "cancelled")]
    if phases is None:
        phases = distinct(sessions["phase"])
    rows = []
    for phase in phases:
        chosen = held[held["phase"] == phase]
        came = registrations[
            (registrations["status"] == "attended") & isin(registrations["session"], chosen["session"])
        ]
        total = float(chosen["cost"].sum())
        people = int(came["participant"].nunique())
        rows.append(
            {
                "phase": phase,
                "held_sessions": len(chosen),
                "cost": total,
                "attended": people,
                "attendances": len(came),
                "per_attendee": total / people if people else None,
                "note": "" if people else ("no sessions held yet" if chosen.empty else "no attendees"),
            }
        )
    return object_frame(rows, COST_BY_PHASE_COLUMNS)
