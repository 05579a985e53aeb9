"""Tests for evaluation.metrics people (one pair per person, attrition) and the cost and reach
figures that must follow the unit of analysis and every filter. Expected values by hand."""

import datetime

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaluation import metrics
from tests.evaluation.test_metrics import ONE_ITEM, answers_frame, pre_post
from tests.evaluation.test_metrics_participation import INVITATIONS, MEMBERSHIPS, TARGETS, registration, session

DAY = datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC)


def _sessions(*codes_and_days):
    return pd.DataFrame(
        [session(code) | {"starts_at": DAY + datetime.timedelta(days=days)} for code, days in codes_and_days]
    )


def test_a_person_with_two_sessions_is_counted_once_from_their_earliest_session():
    # ann answered both surveys at S2 (registration 1, later) and S1 (registration 3, earlier);
    # bob at S1 only. ann's pair is from S1, her earlier session, whatever the registration order.
    registrations = pd.DataFrame(
        [
            registration(1, "ann", "S2", "attended"),
            registration(2, "bob", "S1", "attended"),
            registration(3, "ann", "S1", "attended"),
        ]
    )
    answers = answers_frame(*pre_post("c1", [1, 2, 4], [5, 3, 4]))
    sessions = _sessions(("S1", 0), ("S2", 7))

    people = metrics.one_per_person(answers, registrations, sessions)

    assert people.registrations.tolist() == [2, 3]
    row = metrics.paired_outcome(people, ONE_ITEM, "c1").iloc[0]
    assert row["n_pairs"] == 2  # two people, not three registrations
    assert row["mean_change"] == pytest.approx(((3 - 2) + (4 - 4)) / 2)


def test_one_per_person_skips_a_session_without_both_surveys():
    registrations = pd.DataFrame([registration(1, "ann", "S1", "attended"), registration(2, "ann", "S2", "attended")])
    # ann answered only the pre survey at S1 (earlier), both at S2.
    answers = answers_frame((1, "pre", "c1", 2), *pre_post("c1", [3], [4], start=2))

    people = metrics.one_per_person(answers, registrations, _sessions(("S1", 0), ("S2", 7)))

    assert people.registrations.tolist() == [2]


def test_attrition_compares_pre_scores_of_people_who_did_and_did_not_answer_post():
    # Five people attended and answered the pre survey; 1–3 answered the post survey too.
    # Registration 6 answered the pre survey but did not attend: not in the table.
    registrations = pd.DataFrame(
        [registration(number, f"p{number}", "S1", "attended") for number in range(1, 6)]
        + [registration(6, "p6", "S1", "no_show")]
    )
    pre = {1: 2, 2: 3, 3: 4, 4: 1, 5: 2, 6: 5}
    rows = [(number, "pre", "c1", value) for number, value in pre.items()]
    rows += [(number, "post", "c1", 4) for number in (1, 2, 3)]

    table, difference = metrics.attrition(answers_frame(*rows), ONE_ITEM, registrations)

    assert table.to_dict("records") == [
        {"group": "answered post", "n": 3, "mean_pre": 3.0, "sd_pre": 1.0},
        {"group": "did not answer post", "n": 2, "mean_pre": 1.5, "sd_pre": pytest.approx(np.sqrt(0.5))},
    ]
    welch = stats.ttest_ind([2, 3, 4], [1, 2], equal_var=False)
    interval = welch.confidence_interval()
    assert difference["difference"] == 1.5
    assert (difference["n_answered"], difference["n_missing"]) == (3, 2)
    assert difference["ci_low"] == pytest.approx(interval.low)
    assert difference["ci_high"] == pytest.approx(interval.high)
    assert difference["p_welch"] == pytest.approx(welch.pvalue)
    assert difference["note"] == ""


def test_attrition_without_non_respondents_has_no_interval():
    registrations = pd.DataFrame([registration(1, "p1", "S1", "attended")])
    answers = answers_frame(*pre_post("c1", [2], [3]))

    table, difference = metrics.attrition(answers, ONE_ITEM, registrations)

    assert table["n"].tolist() == [1, 0]
    assert difference["difference"] is None
    assert difference["note"] == "difference's CI undefined: fewer than 2 people in a group"


def test_cost_by_phase_uses_only_held_sessions_and_counts_people():
    sessions = pd.DataFrame(
        [
            session("PIL-1", cost=1000.0) | {"held": True},
            session("PIL-2", cost=600.0) | {"held": True},
            session("PIL-3", cost=9000.0) | {"held": False},  # not yet held
            session("ROL-1", phase="rollout", cost=4000.0) | {"held": False},
        ]
    )
    registrations = pd.DataFrame(
        [
            registration(1, "ann", "PIL-1", "attended"),
            registration(2, "bob", "PIL-1", "attended"),
            registration(3, "ann", "PIL-2", "attended"),  # ann again: one person
            registration(4, "cat", "PIL-2", "no_show"),
            registration(5, "dan", "PIL-3", "confirmed"),
        ]
    )

    table = metrics.cost_by_phase(sessions, registrations)

    assert table.to_dict("records") == [
        {
            "phase": "pilot",
            "held_sessions": 2,
            "cost": 1600.0,
            "attended": 2,
            "attendances": 3,
            "per_attendee": 800.0,
            "note": "",
        },
        {
            "phase": "rollout",
            "held_sessions": 0,
            "cost": 0.0,
            "attended": 0,
            "attendances": 0,
            "per_attendee": None,
            "note": "no sessions held yet",
        },
    ]


REGISTRATIONS = pd.DataFrame(
    [
        registration(1, "ann", "PIL-1", "attended"),
        registration(2, "bob", "PIL-1", "no_show"),
        registration(3, "cat", "PIL-1", "waitlisted"),
        registration(5, "ann", "ROL-1", "attended", phase="rollout", theme="how_to"),
        registration(6, "eve", "ROL-1", "confirmed", phase="rollout", theme="how_to"),
    ]
)
SESSIONS = pd.DataFrame([session("PIL-1"), session("ROL-1", phase="rollout", theme="how_to")])


def test_reach_under_a_session_filter_counts_people_invited_to_that_session():
    chosen = metrics.restrict(
        answers_frame(), REGISTRATIONS, MEMBERSHIPS, SESSIONS, invitations=INVITATIONS, session="PIL-1"
    )

    frame = metrics.reach(
        chosen.registrations, chosen.memberships, TARGETS, chosen.invitations, by="group", sessions=chosen.sessions
    )

    # PIL-1 invited ann, bob, cat and fay (declined, never registered). acute: ann, fay; ccg:
    # ann, bob. Held a place: ann and bob; cat is waiting.
    rows = {row["group"]: row for row in frame.to_dict("records")}
    assert (rows["acute"]["invited"], rows["acute"]["registered"], rows["acute"]["attended"]) == (2, 1, 1)
    assert (rows["ccg"]["invited"], rows["ccg"]["registered"], rows["ccg"]["attended"]) == (2, 2, 1)
    for row in rows.values():
        assert row["invited"] >= row["registered"]


def test_reach_under_a_region_filter_uses_the_invitees_region():
    registrations = REGISTRATIONS.assign(region=["london", "north_west", "london", "london", "london"])
    invitations = INVITATIONS.assign(region=["london", "north_west", "london", "london", "london", "london"])

    chosen = metrics.restrict(
        answers_frame(), registrations, MEMBERSHIPS, SESSIONS, invitations=invitations, region="north_west"
    )

    overall = metrics.reach(chosen.registrations, chosen.memberships, TARGETS, chosen.invitations).iloc[0]
    assert (overall["invited"], overall["registered"]) == (1, 1)  # bob only
    assert chosen.sessions["session"].tolist() == ["PIL-1"]  # the session bob was on


def test_session_fill_from_registrations_follows_a_group_filter():
    chosen = metrics.restrict(answers_frame(), REGISTRATIONS, MEMBERSHIPS, SESSIONS, group="ccg")

    frame = metrics.session_fill(chosen.sessions, by="session", registrations=chosen.registrations)

    # ccg: ann (PIL-1 attended, ROL-1 attended) and bob (PIL-1 no-show).
    rows = {row["session"]: row for row in frame.to_dict("records")}
    assert (rows["PIL-1"]["places_held"], rows["PIL-1"]["attended"], rows["PIL-1"]["no_shows"]) == (2, 1, 1)
    assert (rows["ROL-1"]["places_held"], rows["ROL-1"]["attended"], rows["ROL-1"]["waitlisted"]) == (1, 1, 0)
    assert rows["PIL-1"]["capacity"] == 20  # the session's own setting
