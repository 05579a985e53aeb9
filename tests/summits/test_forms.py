"""Organiser forms: what they accept, the NHS.UK-style messages they give, and how a
service's ValidationError lands on their fields."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from summits import services
from summits.enums import PhaseKind, Region
from summits.forms import (
    CancelForm,
    CostLineForm,
    DuplicateForm,
    PilotDecisionForm,
    RescheduleForm,
    SessionFilterForm,
    SessionForm,
    VenueForm,
)
from summits.services import SessionDetails
from tests import factories
from tests.factories import london

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year + 1


@pytest.fixture
def pilot(programme):
    return factories.phase(
        programme=programme,
        kind=PhaseKind.PILOT,
        starts_on=datetime.date(YEAR, 1, 1),
        ends_on=datetime.date(YEAR, 12, 31),
    )


def session_data(phase, **overrides) -> dict:
    data = {
        "phase": str(phase.pk),
        "code": "PIL-POS-01",
        "title": "The art of the possible",
        "theme": "possible",
        "summary": "What leaders will take away",
        "date_day": "12",
        "date_month": "1",
        "date_year": str(YEAR),
        "start_time_hour": "09",
        "start_time_minute": "30",
        "end_time_hour": "12",
        "end_time_minute": "30",
        "venue": "",
        "online_url": "https://meet.example.nhs.uk/pil-pos-01",
        "region": "",
        "capacity": "40",
    }
    data.update(overrides)
    return data


# SessionForm ---------------------------------------------------------------------------


def test_session_form_valid_gives_the_service_its_details(pilot):
    venue = factories.venue()
    asha = factories.facilitator(name="Dr Asha Patel")
    form = SessionForm(
        session_data(
            pilot,
            venue=str(venue.pk),
            online_url="",
            region=Region.LONDON,
            focus_areas=[str(factories.focus_area(1).pk), str(factories.focus_area(4).pk)],
            facilitators=[str(asha.pk)],
            registration_opens_date_day="1",
            registration_opens_date_month="12",
            registration_opens_date_year=str(YEAR - 1),
            registration_opens_time_hour="10",
            registration_opens_time_minute="00",
            registration_closes_date_day="10",
            registration_closes_date_month="1",
            registration_closes_date_year=str(YEAR),
            registration_closes_time_hour="17",
            registration_closes_time_minute="00",
        )
    )

    assert form.errors == {}
    assert form.details() == SessionDetails(
        phase=pilot,
        code="PIL-POS-01",
        theme="possible",
        title="The art of the possible",
        summary="What leaders will take away",
        focus_areas=[factories.focus_area(1), factories.focus_area(4)],
        starts_at=london(YEAR, 1, 12, 9, 30),
        ends_at=london(YEAR, 1, 12, 12, 30),
        venue=venue,
        online_url="",
        region="london",
        capacity=40,
        registration_opens_at=london(YEAR - 1, 12, 1, 10),
        registration_closes_at=london(YEAR, 1, 10, 17),
        facilitators=[asha],
    )


def test_session_form_reads_times_as_uk_summer_time(pilot):
    form = SessionForm(session_data(pilot, date_day="14", date_month="7"))

    assert form.errors == {}
    assert form.cleaned_data["starts_at"] == datetime.datetime(YEAR, 7, 14, 8, 30, tzinfo=datetime.UTC)
    assert form.cleaned_data["ends_at"] == datetime.datetime(YEAR, 7, 14, 11, 30, tzinfo=datetime.UTC)


def test_session_form_uppercases_a_lowercase_code(pilot):
    form = SessionForm(session_data(pilot, code="pil-pos-01"))

    assert form.errors == {}
    assert form.cleaned_data["code"] == "PIL-POS-01"


def test_session_form_refuses_a_code_with_spaces(pilot):
    form = SessionForm(session_data(pilot, code="PIL POS 01"))

    assert form.errors == {
        "code": ["Enter a code of capital letters and numbers separated by hyphens, like PIL-POS-01."]
    }


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        pytest.param({"date_month": ""}, "Date must include a month", id="month"),
        pytest.param({"date_day": ""}, "Date must include a day", id="day"),
        pytest.param({"date_year": ""}, "Date must include a year", id="year"),
        pytest.param({"date_day": "", "date_year": ""}, "Date must include a day and a year", id="day and year"),
    ],
)
def test_session_form_names_the_missing_part_of_the_date(pilot, parts, message):
    form = SessionForm(session_data(pilot, **parts))

    assert form.errors == {"date": [message]}


def test_session_form_refuses_an_impossible_date(pilot):
    form = SessionForm(session_data(pilot, date_day="31", date_month="2", date_year="2026"))

    assert form.errors == {"date": ["Date must be a real date"]}


def test_session_form_refuses_a_two_digit_year(pilot):
    form = SessionForm(session_data(pilot, date_year="27"))

    assert form.errors == {"date": ["Date year must include 4 numbers"]}


def test_session_form_refuses_letters_in_the_date(pilot):
    form = SessionForm(session_data(pilot, date_month="Jan"))

    assert form.errors == {"date": ["Date must be real numbers"]}


def test_session_form_requires_the_date(pilot):
    form = SessionForm(session_data(pilot, date_day="", date_month="", date_year=""))

    assert form.errors == {"date": ["Enter the date of the session"]}


def test_session_form_refuses_hour_25(pilot):
    form = SessionForm(session_data(pilot, start_time_hour="25", start_time_minute="00"))

    assert form.errors == {"start_time": ["Start time must be a real time on the 24-hour clock"]}


def test_session_form_refuses_minute_60(pilot):
    form = SessionForm(session_data(pilot, end_time_minute="60"))

    assert form.errors == {"end_time": ["End time must be a real time on the 24-hour clock"]}


def test_session_form_names_the_missing_minute(pilot):
    form = SessionForm(session_data(pilot, start_time_minute=""))

    assert form.errors == {"start_time": ["Start time must include a minute"]}


def test_session_form_requires_the_times(pilot):
    form = SessionForm(
        session_data(pilot, start_time_hour="", start_time_minute="", end_time_hour="", end_time_minute="")
    )

    assert form.errors == {"start_time": ["Enter the start time"], "end_time": ["Enter the end time"]}


@pytest.mark.parametrize(("hour", "minute"), [("08", "00"), ("09", "30")])
def test_session_form_refuses_end_not_after_start(pilot, hour, minute):
    form = SessionForm(session_data(pilot, end_time_hour=hour, end_time_minute=minute))

    assert form.errors == {"end_time": ["The end time must be after the start time"]}


def test_session_form_requires_a_venue_or_an_online_link(pilot):
    form = SessionForm(session_data(pilot, online_url=""))

    assert form.errors == {"venue": ["Choose a venue or enter an online joining link"]}


def test_session_form_refuses_a_malformed_online_link(pilot):
    form = SessionForm(session_data(pilot, online_url="not a link"))

    assert form.errors == {
        "online_url": ["Enter the joining link in the correct format, like https://meet.example.nhs.uk/abc"]
    }


@pytest.mark.parametrize(
    ("capacity", "message"),
    [
        ("0", "Capacity must be at least 1"),
        ("forty", "Capacity must be a whole number, like 40"),
        ("", "Enter the capacity"),
        ("10001", "Capacity must be 10,000 or fewer"),
    ],
)
def test_session_form_checks_capacity(pilot, capacity, message):
    form = SessionForm(session_data(pilot, capacity=capacity))

    assert form.errors == {"capacity": [message]}


def test_session_form_asks_for_the_time_registration_closes(pilot):
    form = SessionForm(
        session_data(
            pilot,
            registration_closes_date_day="10",
            registration_closes_date_month="1",
            registration_closes_date_year=str(YEAR),
        )
    )

    assert form.errors == {"registration_closes_time": ["Enter the time registration closes"]}


def test_session_form_asks_for_the_date_registration_opens(pilot):
    form = SessionForm(session_data(pilot, registration_opens_time_hour="10", registration_opens_time_minute="00"))

    assert form.errors == {"registration_opens_date": ["Enter the date registration opens"]}


def test_session_form_requires_title_theme_and_code(pilot):
    form = SessionForm(session_data(pilot, title="", theme="", code=""))

    assert form.errors == {
        "code": ["Enter a session code"],
        "title": ["Enter a title"],
        "theme": ["Choose the theme"],
    }


def test_session_form_shows_a_duplicate_code_from_the_service(organiser, pilot):
    factories.session(phase=pilot, code="PIL-POS-01")
    form = SessionForm(session_data(pilot, date_month="3"))
    assert form.is_valid() is True

    with pytest.raises(ValidationError) as excinfo:
        services.create_session(actor=organiser, details=form.details())
    form.add_service_error(excinfo.value)

    assert form.errors == {"code": ["Session code PIL-POS-01 is already used. Enter a different code"]}


def test_session_form_puts_service_errors_on_the_inputs_that_hold_them(organiser, pilot):
    form = SessionForm(session_data(pilot))
    assert form.is_valid() is True

    form.add_service_error(
        ValidationError(
            {
                "starts_at": ["Outside the phase"],
                "ends_at": ["Too late"],
                "registration_closes_at": ["Too late to close"],
                "registration_opens_at": ["Too late to open"],
                "venue": ["Venue booked"],
                "facilitators": ["Facilitator busy"],
            }
        )
    )

    assert form.errors == {
        "date": ["Outside the phase"],
        "end_time": ["Too late"],
        "registration_closes_date": ["Too late to close"],
        "registration_opens_date": ["Too late to open"],
        "venue": ["Venue booked"],
        "facilitators": ["Facilitator busy"],
    }


def test_session_form_initial_from_a_session_shows_local_times(pilot):
    venue = factories.venue()
    session = factories.session(
        phase=pilot,
        code="PIL-POS-01",
        starts_at=london(YEAR, 7, 14, 9, 30),
        hours=3,
        venue=venue,
        online_url="",
        registration_closes_at=london(YEAR, 7, 12, 17),
        focus_areas=[factories.focus_area(2)],
    )

    initial = SessionForm.initial_from(session)

    assert initial == {
        "date": datetime.date(YEAR, 7, 14),
        "start_time": datetime.time(9, 30),
        "end_time": datetime.time(12, 30),
        "registration_closes_date": datetime.date(YEAR, 7, 12),
        "registration_closes_time": datetime.time(17, 0),
        "phase": pilot.pk,
        "code": "PIL-POS-01",
        "theme": "possible",
        "title": session.title,
        "summary": "",
        "focus_areas": [factories.focus_area(2)],
        "venue": venue.pk,
        "online_url": "",
        "region": "",
        "capacity": 30,
        "capacity_override_reason": "",
        "facilitators": [],
        "registration_opens_date": None,
        "registration_opens_time": None,
    }


# The other session forms ---------------------------------------------------------------


def test_reschedule_form_gives_new_times_and_place(pilot):
    form = RescheduleForm(
        {
            "date_day": "3",
            "date_month": "2",
            "date_year": str(YEAR),
            "start_time_hour": "13",
            "start_time_minute": "00",
            "end_time_hour": "16",
            "end_time_minute": "00",
            "venue": "",
            "online_url": "meet.example.nhs.uk/moved",
        }
    )

    assert form.errors == {}
    data = form.cleaned_data
    assert (data["starts_at"], data["ends_at"], data["venue"], data["online_url"], data["registration_closes_at"]) == (
        london(YEAR, 2, 3, 13),
        london(YEAR, 2, 3, 16),
        None,
        "https://meet.example.nhs.uk/moved",
        None,
    )


def test_reschedule_form_refuses_end_before_start():
    form = RescheduleForm(
        {
            "date_day": "3",
            "date_month": "2",
            "date_year": str(YEAR),
            "start_time_hour": "13",
            "start_time_minute": "00",
            "end_time_hour": "12",
            "end_time_minute": "00",
            "online_url": "https://meet.example.nhs.uk/moved",
        }
    )

    assert form.errors == {"end_time": ["The end time must be after the start time"]}


def duplicate_data(**overrides) -> dict:
    data = {
        "code": "ROL-POS-07",
        "date_day": "2",
        "date_month": "3",
        "date_year": str(YEAR),
        "start_time_hour": "09",
        "start_time_minute": "00",
        "end_time_hour": "12",
        "end_time_minute": "00",
    }
    data.update(overrides)
    return data


def test_duplicate_form_gives_code_and_times():
    form = DuplicateForm(duplicate_data())

    assert form.errors == {}
    assert (form.cleaned_data["code"], form.cleaned_data["starts_at"], form.cleaned_data["ends_at"]) == (
        "ROL-POS-07",
        london(YEAR, 3, 2, 9),
        london(YEAR, 3, 2, 12),
    )


def test_duplicate_form_uppercases_a_lowercase_code():
    form = DuplicateForm(duplicate_data(code="rol-pos-07"))

    assert form.errors == {}
    assert form.cleaned_data["code"] == "ROL-POS-07"


def test_duplicate_form_refuses_an_impossible_date():
    form = DuplicateForm(duplicate_data(date_day="31", date_month="2", date_year="2026"))

    assert form.errors == {"date": ["Date must be a real date"]}


def test_duplicate_form_shows_clashes_it_has_no_input_for_above_the_form():
    form = DuplicateForm(duplicate_data())
    assert form.is_valid() is True

    form.add_service_error(
        ValidationError({"venue": ["Venue booked"], "facilitators": ["Facilitator busy"], "starts_at": ["Outside"]})
    )

    assert form.errors == {"__all__": ["Venue booked", "Facilitator busy"], "date": ["Outside"]}


def test_cancel_form_requires_a_reason():
    form = CancelForm({"reason": ""})

    assert form.errors == {"reason": ["Enter the reason for cancelling"]}


@pytest.mark.parametrize(
    ("amount", "errors"),
    [
        ("450.00", {}),
        ("0", {}),
        ("-1", {"amount": ["The amount must be £0 or more"]}),
        ("four hundred", {"amount": ["Enter the amount in pounds, like 250.00 or £1,200.50"]}),
        ("12.345", {"amount": ["Enter the amount to the nearest penny"]}),
        ("", {"amount": ["Enter the amount"]}),
    ],
)
def test_cost_line_form_checks_the_amount(amount, errors):
    form = CostLineForm({"category": "venue", "description": "Room hire", "amount": amount})

    assert form.errors == errors


def test_cost_line_form_gives_a_decimal_amount():
    form = CostLineForm({"category": "catering", "description": "Lunch", "amount": "320.5"})

    assert form.is_valid() is True
    assert form.cleaned_data == {"category": "catering", "description": "Lunch", "amount": Decimal("320.5")}


def test_pilot_decision_form_requires_every_answer():
    form = PilotDecisionForm({})

    assert form.errors == {
        "outcome": ["Choose the decision"],
        "rationale": ["Enter the rationale for the decision"],
        "decided_on": ["Enter the date of the decision"],
    }


def test_pilot_decision_form_gives_the_decision():
    form = PilotDecisionForm(
        {
            "outcome": "go_with_changes",
            "rationale": "Shorter pre-reading",
            "decided_on_day": "5",
            "decided_on_month": "3",
            "decided_on_year": "2026",
        }
    )

    assert form.errors == {}
    assert form.cleaned_data == {
        "outcome": "go_with_changes",
        "rationale": "Shorter pre-reading",
        "decided_on": datetime.date(2026, 3, 5),
    }


def test_venue_form_requires_name_town_and_region():
    form = VenueForm({})

    assert form.errors == {
        "name": ["Enter the venue name"],
        "town": ["Enter the town or city"],
        "region": ["Choose the region"],
    }


def test_session_filter_form_reads_a_month():
    form = SessionFilterForm({"month": "2026-03", "theme": "how_to"})

    assert form.errors == {}
    assert form.cleaned_data["month"] == datetime.date(2026, 3, 1)
    assert form.cleaned_data["theme"] == "how_to"


def test_session_filter_form_refuses_a_bad_month():
    form = SessionFilterForm({"month": "March"})

    assert form.errors == {"month": ["Enter the month as year and month, like 2026-03"]}
