"""Reach, sessions, survey take-up and cost: the "results" level."""

from evaluation import metrics
from evaluation.report import RawTable, count, label, planning, rate
from summits.enums import PhaseKind

from .context import Context, records

NOTE = label("note", "Note")
ALL_GROUPS = "All leadership groups"


def reach_rows(ctx: Context) -> list[dict]:
    sel = ctx.selection
    phases = [ctx.filters.phase] if ctx.filters.phase else None
    args = (sel.registrations, sel.memberships, ctx.frames.targets, sel.invitations)
    by_group = metrics.reach(*args, by="group", sessions=sel.sessions, phases=phases)
    overall = metrics.reach(*args, by=None, sessions=sel.sessions, phases=phases)
    rows = records(by_group)
    rows += [row | {"group": ALL_GROUPS} for row in records(overall)]
    return rows


def reach_tables(rows: list[dict]) -> list[RawTable]:
    group = label("group", "Leadership group", is_key=True)
    return [
        RawTable(
            "reach",
            "Reach against target, by leadership group",
            [
                group,
                planning("target", "Target"),
                count("invited", "Invited"),
                count("registered", "Held a place"),
                count("attended", "Attended"),
                rate("pct_of_target", "Attended % of target", numerator="attended", denominator="target"),
                count("waitlisted", "Waiting list"),
                NOTE,
            ],
            rows,
            note="People, not registrations. A person in several leadership groups counts in each, so the groups add "
            "up to more than the total. Targets are the prospective numbers for the phase; they are planning "
            "figures, not counts of people, and are shown unrounded.",
        ),
        RawTable(
            "reach_rates",
            "Invitations accepted and attendance, by leadership group",
            [
                group,
                count("accepted", "Invitations accepted"),
                count("answered_invitations", "Invitations answered"),
                rate("acceptance_rate", "Acceptance %", numerator="accepted", denominator="answered_invitations"),
                count("attended_registrations", "Attendances"),
                count("no_show_registrations", "No-shows"),
                count("recorded_registrations", "Attendance recorded"),
                rate(
                    "attendance_rate",
                    "Attendance %",
                    numerator="attended_registrations",
                    denominator="recorded_registrations",
                ),
                NOTE,
            ],
            rows,
            note="Registrations and invitations, not people: a person on two sessions counts twice. Acceptance: "
            "accepted / (accepted + declined) invitations. Attendance: attended / (attended + no-show) "
            "registrations.",
        ),
    ]


def sessions_table(ctx: Context) -> RawTable:
    sel = ctx.selection
    rows = []
    for row in records(metrics.session_fill(sel.sessions, by="session", registrations=sel.registrations)):
        row["recorded"] = (row["attended"] or 0) + (row["no_shows"] or 0)
        rows.append(row)
    narrowed = " Places, waiting list and attendance count only the registrations in this selection" + (
        " (its leadership group or region); capacity and cost are the whole session's."
        if ctx.filters.splits_costs
        else "."
    )
    return RawTable(
        "sessions",
        "Sessions: fill, waiting lists and attendance",
        [
            label("session", "Session", is_key=True),
            planning("capacity", "Capacity"),
            count("places_held", "Places held"),
            rate("fill_rate", "Fill %", numerator="places_held", denominator="capacity"),
            count("waitlisted", "Waiting list"),
            count("attended", "Attended"),
            count("recorded", "Attendance recorded", hidden=True),
            rate("attendance_rate", "Attendance %", numerator="attended", denominator="recorded"),
            planning("cost", "Cost", format="money"),
        ],
        rows,
        note="Registrations, not people. Cancelled sessions are left out. Capacity and cost are settings, not counts "
        "of people. Attendance %: attended / (attended + no-shows)." + narrowed,
    )


def takeup_rows(ctx: Context) -> list[dict]:
    sel = ctx.selection
    frame = metrics.survey_takeup(sel.registrations, sel.answers, by="phase")
    total = metrics.survey_takeup(sel.registrations, sel.answers)
    rows = [row | {"phase": PhaseKind(row["phase"]).label} for row in records(frame)]
    return rows + [row | {"phase": "Total"} for row in records(total)]


def _survey_columns(survey: str, text: str) -> list:
    return [
        count(f"{survey}_sent", f"{text} sent"),
        count(f"{survey}_responses", f"{text} answered"),
        rate(
            f"{survey}_response_rate",
            f"{text} response %",
            numerator=f"{survey}_responses",
            denominator=f"{survey}_sent",
        ),
    ]


# Each registration is in one phase, so the Total row adds up the phases' rows.
TAKEUP_COUNTS = [
    "registrations",
    "attended",
    "matched_pairs",
    "pre_sent",
    "pre_responses",
    "post_sent",
    "post_responses",
]


def takeup_tables(rows: list[dict]) -> list[RawTable]:
    phase = label("phase", "Phase", is_key=True)
    return [
        RawTable(
            "survey_takeup",
            "Survey take-up",
            [
                phase,
                count("registrations", "Registrations"),
                *_survey_columns("pre", "Pre"),
                *_survey_columns("post", "Post"),
                count("attended", "Attended"),
                count("matched_pairs", "With both surveys"),
                rate("match_rate", "Match rate %", numerator="matched_pairs", denominator="attended"),
            ],
            rows,
            note="Registrations, not people: a person on two sessions counts twice. Response rate: answered / sent. "
            "Match rate: attended registrations with both a pre and a post survey / attended registrations (so only "
            "sessions already held count).",
            column_totals=TAKEUP_COUNTS,
        ),
        RawTable(
            "follow_up_takeup",
            "Follow-up survey take-up",
            [phase, *_survey_columns("follow_up", "Follow-up")],
            rows,
            note="Registrations. Response rate: answered / sent.",
            column_totals=["follow_up_sent", "follow_up_responses"],
        ),
    ]


COST_OMITTED = (
    "Costs are recorded per session, not per leadership group or region, so cost figures are not shown under a "
    "leadership group or region filter."
)


def cost_rows(ctx: Context) -> list[dict]:
    """Per phase in the selection, then the whole selection: the cost lines of sessions already
    held, the people who attended them, and those whose confidence reliably improved."""
    if "cost_rows" in ctx.cache:
        return ctx.cache["cost_rows"]
    sel = ctx.selection
    phases = sorted(set(sel.sessions["phase"]), key=lambda phase: list(PhaseKind).index(phase))
    by_phase = metrics.cost_by_phase(sel.sessions, sel.registrations, phases=phases)
    rows = []
    parts = [(r, ctx.within(phase=r["phase"])) for r in records(by_phase)]
    if len(parts) != 1:  # one phase is the whole selection already
        parts.append((_selection_cost(ctx), sel))
    for row, within in parts:
        improved = metrics.improved_count(ctx.people(within), ctx.frames.items)
        text = PhaseKind(row["phase"]).label if row["phase"] in PhaseKind.values else row["phase"]
        rows.append(
            {
                "selection": text,
                "held_sessions": row["held_sessions"],
                "total": row["cost"],
                "attended": row["attended"],
                "improved": improved,
                "note": row["note"],
            }
        )
    if ctx.filters.splits_costs:
        for row in rows:
            row.update(total=None, note=COST_OMITTED)
    ctx.cache["cost_rows"] = rows
    return rows


def _selection_cost(ctx: Context) -> dict:
    sel = ctx.selection
    held = sel.sessions[sel.sessions["held"].astype(bool)] if "held" in sel.sessions else sel.sessions
    held = held[held["status"] != "cancelled"]
    came = sel.registrations[
        (sel.registrations["status"] == "attended") & sel.registrations["session"].isin(held["session"])
    ]
    people = int(came["participant"].nunique())
    return {
        "phase": "All phases",
        "held_sessions": len(held),
        "cost": float(held["cost"].sum()),
        "attended": people,
        "note": "" if people else ("no sessions held yet" if held.empty else "no attendees"),
    }


def cost_row(ctx: Context) -> dict:
    """The whole selection's cost row (the last of cost_rows), for the headline."""
    return cost_rows(ctx)[-1]


COST_COLUMNS = [
    label("selection", "Phase", is_key=True),
    planning("held_sessions", "Sessions held"),
    planning("total", "Cost of sessions held", format="money"),
    count("attended", "People who attended"),
    rate("per_attendee", "Per attendee", numerator="total", denominator="attended", scale=1, format="money"),
    count("improved", "People reliably improved"),
    rate(
        "per_improved",
        "Per person reliably improved",
        numerator="total",
        denominator="improved",
        scale=1,
        format="money",
    ),
    NOTE,
]


def cost_table(ctx: Context) -> RawTable:
    rows = cost_rows(ctx)
    return RawTable(
        "cost",
        "Cost per attendee, by phase",
        COST_COLUMNS,
        rows,
        note="Only sessions already held: their cost lines, over the people who attended them (each person once). "
        "Sessions not yet held, and their costs, are left out. Per attendee and per person reliably improved "
        "divide by the counts as shown (rounded), so that they give no count away.",
    )
