"""Reach, sessions, survey take-up and cost: the "results" level."""

from evaluation import metrics
from evaluation.report import RawTable, count, label, planning, rate
from summits.enums import PhaseKind

from .context import Context, records

NOTE = label("note", "Note")
ALL_GROUPS = "All leadership groups"


def _registration_counts(ctx: Context, group: str | None) -> dict[str, int]:
    """Invitations answered and registrations with attendance recorded, for a group's rates
    (metrics.reach gives the rates only; a rate is shown from disclosed counts)."""
    sel = ctx.selection
    registrations, invitations = sel.registrations, sel.invitations
    if group is not None:
        members = sel.memberships.loc[sel.memberships["group"] == group, "participant"]
        registrations = registrations[registrations["participant"].isin(members)]
        invitations = invitations[invitations["participant"].isin(members)]
    attended = int((registrations["status"] == "attended").sum())
    no_shows = int((registrations["status"] == "no_show").sum())
    accepted = int((invitations["status"] == "accepted").sum())
    declined = int((invitations["status"] == "declined").sum())
    return {
        "accepted": accepted,
        "answered_invitations": accepted + declined,
        "attended_registrations": attended,
        "no_show_registrations": no_shows,
        "recorded_registrations": attended + no_shows,
    }


def reach_rows(ctx: Context) -> list[dict]:
    sel = ctx.selection
    phases = [ctx.filters.phase] if ctx.filters.phase else None
    args = (sel.registrations, sel.memberships, ctx.frames.targets, sel.invitations)
    by_group = metrics.reach(*args, by="group", sessions=sel.sessions, phases=phases)
    overall = metrics.reach(*args, by=None, sessions=sel.sessions, phases=phases)
    rows = [row | _registration_counts(ctx, row["group"]) for row in records(by_group)]
    rows += [row | {"group": ALL_GROUPS} | _registration_counts(ctx, None) for row in records(overall)]
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
    rows = []
    for row in records(metrics.session_fill(ctx.selection.sessions, by="session")):
        row["recorded"] = (row["attended"] or 0) + (row["no_shows"] or 0)
        rows.append(row)
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
        note="Registrations. Cancelled sessions are left out. Capacity and cost are settings, not counts of people. "
        "Attendance %: attended / (attended + no-shows).",
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
TAKEUP_COUNTS = ["registrations", "matched_pairs", "pre_sent", "pre_responses", "post_sent", "post_responses"]


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
                count("matched_pairs", "Matched pairs"),
                rate("match_rate", "Match rate %", numerator="matched_pairs", denominator="pre_responses"),
            ],
            rows,
            note="Registrations. Response rate: answered / sent. Match rate: registrations with both a pre and a post "
            "survey / pre responses.",
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


def cost_row(ctx: Context) -> dict:
    sel = ctx.selection
    total = float(sel.sessions["cost"].sum()) if len(sel.sessions) else 0.0
    attended = int((sel.registrations["status"] == "attended").sum())
    improved = metrics.improved_count(sel.answers, ctx.frames.items)
    return {"selection": "Cost", "total": total, "attended": attended, "improved": improved}


COST_COLUMNS = [
    label("selection", "Cost", is_key=True),
    planning("total", "Total cost", format="money"),
    count("attended", "Attended"),
    rate("per_attendee", "Per attendee", numerator="total", denominator="attended", scale=1, format="money"),
    count("improved", "Confidence improved"),
    rate(
        "per_improved",
        "Per participant who improved",
        numerator="total",
        denominator="improved",
        scale=1,
        format="money",
    ),
    NOTE,
]


def cost_table(ctx: Context) -> RawTable:
    return RawTable(
        "cost",
        "Cost",
        COST_COLUMNS,
        [cost_row(ctx)],
        note="Costs are the sessions' cost lines. Per attendee and per participant whose confidence scale score "
        "rose divide by the counts as shown (rounded), so that they give no count away.",
    )
