"""The NHS.UK date and time fields, the service-error mixin and combine_local."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError

from config.forms import NHSDateField, NHSDateWidget, NHSTimeField, NHSTimeWidget, ServiceErrorsMixin, combine_local


class WhenForm(forms.Form):
    day = NHSDateField(label="Date of the decision")
    starts = NHSTimeField(label="Start time")
    closes = NHSDateField(label="Closing date", required=False)


def when(**overrides) -> WhenForm:
    data = {
        "day_day": "5",
        "day_month": "3",
        "day_year": "2026",
        "starts_hour": "09",
        "starts_minute": "30",
    }
    data.update(overrides)
    return WhenForm(data)


def test_nhs_date_field_reads_day_month_and_year():
    form = when()

    assert form.errors == {}
    assert form.cleaned_data == {"day": datetime.date(2026, 3, 5), "starts": datetime.time(9, 30), "closes": None}


def test_nhs_date_field_accepts_spaces_around_numbers():
    form = when(day_day=" 05 ", day_month=" 03", day_year="2026 ")

    assert form.errors == {}
    assert form.cleaned_data["day"] == datetime.date(2026, 3, 5)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"day_day": ""}, "Date of the decision must include a day"),
        ({"day_month": ""}, "Date of the decision must include a month"),
        ({"day_year": ""}, "Date of the decision must include a year"),
        ({"day_day": "", "day_month": ""}, "Date of the decision must include a day and a month"),
        ({"day_month": "", "day_year": ""}, "Date of the decision must include a month and a year"),
    ],
)
def test_nhs_date_field_names_the_missing_parts(parts, message):
    form = when(**parts)

    assert form.errors == {"day": [message]}


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [("31", "2", "2026"), ("29", "2", "2026"), ("0", "1", "2026"), ("1", "13", "2026"), ("-1", "1", "2026")],
)
def test_nhs_date_field_refuses_a_date_that_does_not_exist(day, month, year):
    form = when(day_day=day, day_month=month, day_year=year)

    assert form.errors == {"day": ["Date of the decision must be a real date"]}


def test_nhs_date_field_accepts_29_february_in_a_leap_year():
    form = when(day_day="29", day_month="2", day_year="2028")

    assert form.is_valid() is True
    assert form.cleaned_data["day"] == datetime.date(2028, 2, 29)


def test_nhs_date_field_refuses_words():
    form = when(day_month="March")

    assert form.errors == {"day": ["Date of the decision must be real numbers"]}


def test_nhs_date_field_refuses_a_short_year():
    form = when(day_year="26")

    assert form.errors == {"day": ["Date of the decision year must include 4 numbers"]}


def test_nhs_date_field_required_and_empty_says_so():
    form = when(day_day="", day_month="", day_year="")

    assert form.errors == {"day": ["This field is required."]}


def test_nhs_date_field_optional_and_empty_is_none():
    form = when(closes_day="", closes_month="", closes_year="")

    assert form.errors == {}
    assert form.cleaned_data["closes"] is None


@pytest.mark.parametrize(
    ("hour", "minute", "message"),
    [
        ("25", "00", "Start time must be a real time on the 24-hour clock"),
        ("24", "00", "Start time must be a real time on the 24-hour clock"),
        ("12", "60", "Start time must be a real time on the 24-hour clock"),
        ("", "30", "Start time must include an hour"),
        ("9", "", "Start time must include a minute"),
        ("nine", "00", "Start time must be real numbers"),
    ],
)
def test_nhs_time_field_refuses_a_bad_time(hour, minute, message):
    form = when(starts_hour=hour, starts_minute=minute)

    assert form.errors == {"starts": [message]}


@pytest.mark.parametrize(
    ("hour", "minute", "expected"), [("0", "0", datetime.time(0, 0)), ("23", "59", datetime.time(23, 59))]
)
def test_nhs_time_field_accepts_the_ends_of_the_day(hour, minute, expected):
    form = when(starts_hour=hour, starts_minute=minute)

    assert form.is_valid() is True
    assert form.cleaned_data["starts"] == expected


def test_nhs_date_widget_splits_a_date_into_parts():
    assert NHSDateWidget().decompress(datetime.date(2026, 3, 5)) == [5, 3, 2026]
    assert NHSDateWidget().decompress(None) == [None, None, None]


def test_nhs_time_widget_splits_a_time_into_two_digit_parts():
    assert NHSTimeWidget().decompress(datetime.time(9, 5)) == ["09", "05"]
    assert NHSTimeWidget().decompress(None) == [None, None]


def test_nhs_date_widget_keeps_what_was_typed_when_redisplayed():
    form = when(day_day="31", day_month="2", day_year="2026")

    html = str(form["day"])

    assert 'name="day_day" value="31"' in html
    assert 'name="day_month" value="2"' in html
    assert 'name="day_year" value="2026"' in html


class SplitForm(ServiceErrorsMixin, forms.Form):
    date = forms.DateField()
    end_time = forms.TimeField()
    title = forms.CharField()
    service_field_map = {"starts_at": "date", "ends_at": "end_time", "venue": None}


def test_service_errors_mixin_maps_service_fields_to_form_fields():
    form = SplitForm({"date": "2026-03-05", "end_time": "10:00", "title": "A"})
    assert form.is_valid() is True

    form.add_service_error(
        ValidationError({"starts_at": ["Outside the phase"], "ends_at": ["Too late"], "title": ["Too short"]})
    )

    assert form.errors == {"date": ["Outside the phase"], "end_time": ["Too late"], "title": ["Too short"]}


def test_service_errors_mixin_puts_unknown_and_unmapped_fields_above_the_form():
    form = SplitForm({"date": "2026-03-05", "end_time": "10:00", "title": "A"})
    assert form.is_valid() is True

    form.add_service_error(ValidationError({"venue": ["Venue booked"], "capacity": ["Too small"]}))

    assert form.errors == {"__all__": ["Venue booked", "Too small"]}


def test_service_errors_mixin_puts_a_plain_error_above_the_form():
    form = SplitForm({"date": "2026-03-05", "end_time": "10:00", "title": "A"})
    assert form.is_valid() is True

    form.add_service_error(ValidationError("This session is already cancelled"))

    assert form.errors == {"__all__": ["This session is already cancelled"]}


def test_combine_local_reads_winter_times_as_gmt():
    assert combine_local(datetime.date(2026, 1, 12), datetime.time(9, 30)) == datetime.datetime(
        2026, 1, 12, 9, 30, tzinfo=datetime.UTC
    )


def test_combine_local_reads_summer_times_as_bst():
    assert combine_local(datetime.date(2026, 7, 14), datetime.time(9, 30)) == datetime.datetime(
        2026, 7, 14, 8, 30, tzinfo=datetime.UTC
    )


@pytest.mark.parametrize(("date", "time"), [(None, datetime.time(9)), (datetime.date(2026, 1, 1), None), (None, None)])
def test_combine_local_needs_both_parts(date, time):
    assert combine_local(date, time) is None
