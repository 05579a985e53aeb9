"""Tests for evaluation.metrics reach, session fill, survey take-up, cost and restrict.
Expected values are counted by hand from the small frames built here."""

import pandas as pd
import pytest

from evaluation import metrics


def registration(number, participant, session, status, *, phase="pilot", theme="possible", **sent):
    return {
        "registration": number,
        "participant": participant,
        "session": session,
        "phase": phase,
        "theme": theme,
        "region": "london",
        "status": status,
        "invited": True,
        "pre_sent": sent.get("pre_sent", True),
        "post_sent": sent.get("post_sent", True),
        "follow_up_sent": sent.get("follow_up_sent", False),
    }


def session(code, *, phase="pilot", theme="possible", focus_areas=("focus_1",), capacity=20, held=10, **counts):
    return {
        "session": code,
        "phase": phase,
        "theme": theme,
        "region": "london",
        "focus_areas": list(focus_areas),
        "capacity": capacity,
        "confirmed_at_start": held,
        "attended": counts.get("attended", 8),
        "no_shows": counts.get("no_shows", 2),
        "waitlisted": counts.get("waitlisted", 0),
        "cost": counts.get("cost", 1000.0),
        "status": counts.get("status", "published"),
    }


REGISTRATIONS = pd.DataFrame(
    [
        registration(1, "ann", "PIL-1", "attended"),
        registration(2, "bob", "PIL-1", "no_show"),
        registration(3, "cat", "PIL-1", "waitlisted"),
        registration(4, "dan", "PIL-1", "cancelled"),
        registration(5, "ann", "ROL-1", "attended", phase="rollout", theme="how_to"),
        registration(6, "eve", "ROL-1", "confirmed", phase="rollout", theme="how_to"),
    ]
)
MEMBERSHIPS = pd.DataFrame(
    {"participant": ["ann", "ann", "bob", "eve", "fay"], "group": ["acute", "ccg", "ccg", "acute", "acute"]}
)
TARGETS = pd.DataFrame(
    {
        "group": ["acute", "acute", "ccg", "ccg"],
        "phase": ["pilot", "rollout", "pilot", "rollout"],
        "target": [4, 10, 2, 8],
    }
)
INVITATIONS = pd.DataFrame(
    {
        "participant": ["ann", "bob", "cat", "fay", "ann", "eve"],
        "session": ["PIL-1", "PIL-1", "PIL-1", "PIL-1", "ROL-1", "ROL-1"],
        "status": ["accepted", "accepted", "accepted", "declined", "accepted", "pending"],
    }
)


def reach_row(frame, key_column, key):
    rows = frame[frame[key_column] == key]
    assert len(rows) == 1
    return rows.iloc[0].to_dict()


def test_reach_all():
    row = reach_row(metrics.reach(REGISTRATIONS, MEMBERSHIPS, TARGETS, INVITATIONS), "selection", "all")
    assert row["target"] is None
    assert row["invited"] == 5  # ann, bob, cat, fay, eve
    assert row["registered"] == 3  # ann, bob (no-show), eve (confirmed); cat waitlisted, dan cancelled
    assert row["attended"] == 1  # ann, twice
    assert row["waitlisted"] == 1
    assert row["acceptance_rate"] == pytest.approx(4 / 5 * 100)  # the pending one is not decided
    assert row["attendance_rate"] == pytest.approx(2 / 3 * 100)  # 2 attended of 2 attended + 1 no-show
    assert row["no_show_rate"] == pytest.approx(1 / 3 * 100)


def test_reach_by_group_counts_a_person_in_each_group():
    frame = metrics.reach(REGISTRATIONS, MEMBERSHIPS, TARGETS, INVITATIONS, by="group")
    acute = reach_row(frame, "group", "acute")  # ann, eve, fay
    ccg = reach_row(frame, "group", "ccg")  # ann, bob
    assert acute["target"] == 14  # both phases are in the registrations
    assert acute["invited"] == 3
    assert acute["registered"] == 2
    assert acute["attended"] == 1
    assert acute["pct_of_target"] == pytest.approx(1 / 14 * 100)
    assert acute["acceptance_rate"] == pytest.approx(2 / 3 * 100)  # ann ×2 accepted, fay declined
    assert ccg["attended"] == 1
    assert ccg["pct_of_target"] == pytest.approx(1 / 10 * 100)
    assert ccg["no_show_rate"] == pytest.approx(1 / 3 * 100)


def test_reach_by_phase_uses_phase_targets():
    frame = metrics.reach(REGISTRATIONS, MEMBERSHIPS, TARGETS, INVITATIONS, by="phase")
    pilot = reach_row(frame, "phase", "pilot")
    assert pilot["target"] == 6
    assert pilot["invited"] == 4
    assert pilot["attended"] == 1
    assert pilot["pct_of_target"] == pytest.approx(1 / 6 * 100)
    assert reach_row(frame, "phase", "rollout")["target"] == 18


def test_reach_by_theme_has_no_target():
    frame = metrics.reach(REGISTRATIONS, MEMBERSHIPS, TARGETS, INVITATIONS, by="theme")
    assert frame["theme"].tolist() == ["how_to", "possible"]
    assert frame["target"].tolist() == [None, None]
    assert frame["pct_of_target"].tolist() == [None, None]


def test_reach_rejects_unknown_breakdown():
    with pytest.raises(ValueError, match="by must be one of"):
        metrics.reach(REGISTRATIONS, MEMBERSHIPS, TARGETS, INVITATIONS, by="colour")


def test_session_fill_all_and_by_focus_area():
    sessions = pd.DataFrame(
        [
            session(
                "S1", capacity=20, held=15, attended=12, no_shows=3, waitlisted=4, focus_areas=("focus_1", "focus_2")
            ),
            session("S2", capacity=30, held=15, attended=15, no_shows=0, focus_areas=("focus_2",)),
            session("S3", capacity=50, held=0, attended=0, no_shows=0, status="cancelled"),
        ]
    )
    row = metrics.session_fill(sessions).iloc[0]
    assert row["sessions"] == 2  # the cancelled one is left out
    assert row["fill_rate"] == pytest.approx(30 / 50 * 100)
    assert row["waitlisted"] == 4
    assert row["attendance_rate"] == pytest.approx(27 / 30 * 100)
    assert row["no_show_rate"] == pytest.approx(3 / 30 * 100)
    assert row["cost"] == 2000.0
    by_area = metrics.session_fill(sessions, by="focus_area")
    assert by_area["focus_area"].tolist() == ["focus_1", "focus_2"]
    assert by_area["sessions"].tolist() == [1, 2]
    assert by_area["fill_rate"].tolist() == pytest.approx([75.0, 60.0])


def test_session_fill_empty_capacity_gives_none():
    row = metrics.session_fill(pd.DataFrame([session("S1", capacity=0, held=0, attended=0, no_shows=0)])).iloc[0]
    assert row["fill_rate"] is None
    assert row["attendance_rate"] is None


def answers_for(*rows):
    """rows: (registration, survey)."""
    return pd.DataFrame(
        [{"registration": r, "participant": "", "survey": s, "item": "c1", "value": 3.0, "text": ""} for r, s in rows],
        columns=["registration", "participant", "survey", "item", "value", "text"],
    )


def test_survey_takeup_response_and_match_rates():
    registrations = pd.DataFrame(
        [registration(number, f"p{number}", "S1", "attended") for number in range(1, 5)]
        + [registration(5, "p5", "S1", "no_show", pre_sent=True, post_sent=False)]
    )
    answers = answers_for((1, "pre"), (1, "post"), (2, "pre"), (2, "post"), (3, "pre"), (4, "post"), (9, "pre"))
    row = metrics.survey_takeup(registrations, answers).iloc[0]
    assert row["pre_sent"] == 5
    assert row["pre_responses"] == 3  # registration 9 is outside the selection
    assert row["pre_response_rate"] == pytest.approx(3 / 5 * 100)
    assert row["post_sent"] == 4
    assert row["post_response_rate"] == pytest.approx(3 / 4 * 100)
    assert row["follow_up_response_rate"] is None  # none sent
    # Match rate: attended registrations with both surveys (1, 2) / attended registrations (1–4);
    # the no-show's pre answer does not count.
    assert row["attended"] == 4
    assert row["matched_pairs"] == 2
    assert row["match_rate"] == pytest.approx(2 / 4 * 100)


def test_survey_takeup_by_group():
    answers = answers_for((1, "pre"), (1, "post"), (2, "pre"))
    frame = metrics.survey_takeup(REGISTRATIONS, answers, by="group", memberships=MEMBERSHIPS)
    assert frame["group"].tolist() == ["acute", "ccg"]
    assert frame["registrations"].tolist() == [3, 3]  # acute: 1, 5, 6; ccg: 1, 5, 2
    assert frame["matched_pairs"].tolist() == [1, 1]
    assert frame["attended"].tolist() == [2, 2]  # acute: 1, 5; ccg: 1, 5 (2 is a no-show)
    assert frame["match_rate"].tolist() == pytest.approx([50.0, 50.0])


def test_cost_per_attendee_and_per_improved():
    assert metrics.cost(1200.0, 8, 3) == {
        "total": 1200.0,
        "attended": 8,
        "improved": 3,
        "per_attendee": 150.0,
        "per_improved": 400.0,
        "note": "",
    }


def test_cost_with_nobody_attending():
    result = metrics.cost(500.0, 0, 0)
    assert result["per_attendee"] is None
    assert result["per_improved"] is None
    assert result["note"] == "no attendees; nobody reliably improved"
    assert metrics.cost(500.0, 4, None)["note"] == "reliable change undefined"


def test_restrict_by_phase_and_group():
    sessions = pd.DataFrame(
        [session("PIL-1"), session("ROL-1", phase="rollout", theme="how_to", focus_areas=("focus_3",))]
    )
    answers = answers_for((1, "pre"), (2, "pre"), (5, "pre"))
    chosen = metrics.restrict(
        answers, REGISTRATIONS, MEMBERSHIPS, sessions, invitations=INVITATIONS, phase="pilot", group="acute"
    )
    assert chosen.registrations["registration"].tolist() == [1]  # ann is the only acute member in the pilot
    assert chosen.answers["registration"].tolist() == [1]
    assert chosen.sessions["session"].tolist() == ["PIL-1"]
    # fay was invited and never registered: she is in the selection's group (as invited).
    assert chosen.memberships.to_dict("records") == [
        {"participant": "ann", "group": "acute"},
        {"participant": "fay", "group": "acute"},
    ]
    assert chosen.invitations["participant"].tolist() == ["ann", "fay"]


def test_restrict_by_focus_area_and_several_themes():
    sessions = pd.DataFrame(
        [session("PIL-1"), session("ROL-1", phase="rollout", theme="how_to", focus_areas=("focus_3",))]
    )
    chosen = metrics.restrict(answers_for(), REGISTRATIONS, MEMBERSHIPS, sessions, focus_area="focus_3")
    assert chosen.registrations["registration"].tolist() == [5, 6]
    assert chosen.invitations is None
    both = metrics.restrict(answers_for(), REGISTRATIONS, MEMBERSHIPS, sessions, theme=["possible", "how_to"])
    assert len(both.registrations) == 6
