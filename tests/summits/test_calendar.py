"""The .ics files: parsed back with icalendar and checked field by field."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from summits import calendar
from summits.enums import Region, SessionStatus, Theme
from summits.models import Session, Venue
from tests import factories

LONDON = ZoneInfo("Europe/London")
PAGE_URL = "https://workshops.example.nhs.uk/sessions/PIL-HOW-01/"


def _venue() -> Venue:
    venue, _ = Venue.objects.get_or_create(
        name="Leeds Civic Hall",
        town="Leeds",
        defaults={
            "address": "Portland Crescent\nCivic Quarter",
            "postcode": "LS1 1UR",
            "region": Region.NORTH_EAST_AND_YORKSHIRE,
        },
    )
    return venue


def _session(**overrides) -> Session:
    values = {
        "venue": _venue() if "venue" not in overrides else None,
        "code": "PIL-HOW-01",
        "theme": Theme.HOW_TO,
        "title": "Assuring digital decisions",
        "summary": "How boards assure themselves that decisions about data are safe.",
        "starts_at": factories.london(2026, 6, 10, 9, 30),
        "ends_at": factories.london(2026, 6, 10, 12, 30),
        "online_url": "",
        "status": SessionStatus.PUBLISHED,
        "sequence": 2,
        "focus_areas": [factories.focus_area(4), factories.focus_area(5)],
    }
    values.update(overrides)
    return factories.session(**values)


def _cancelled(session: Session) -> Session:
    session.status = SessionStatus.CANCELLED
    session.cancellation_reason = "The facilitator is unwell."
    session.cancelled_at = timezone.now()
    session.sequence += 1
    session.save()
    return session


def _parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def _only_event(data: bytes):
    (event,) = _parse(data).events
    return event


def _unfolded_lines(data: bytes) -> list[str]:
    return data.decode().replace("\r\n ", "").split("\r\n")


def _request(session: Session) -> bytes:
    return calendar.session_request_ics(session, attendee_email="jane.smith@nhs.net", attendee_name="Smith, Jane")


def _cancel(session: Session) -> bytes:
    return calendar.session_cancel_ics(session, attendee_email="jane.smith@nhs.net", attendee_name="Smith, Jane")


# UID -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_session_uid_is_id_at_site_domain():
    session = _session()

    assert calendar.session_uid(session) == f"session-{session.pk}@workshops.example.nhs.uk"


@pytest.mark.django_db
def test_session_uid_stable_across_calls_edits_and_outputs():
    session = _session()
    first = str(_only_event(calendar.session_ics(session))["UID"])
    session.title = "Assuring digital decisions, revised"
    session.starts_at += datetime.timedelta(days=7)
    session.ends_at += datetime.timedelta(days=7)
    session.sequence += 1
    session.save()

    uids = {
        str(_only_event(calendar.session_ics(session))["UID"]),
        str(_only_event(_request(session))["UID"]),
        str(_only_event(_cancel(session))["UID"]),
    }

    assert first == f"session-{session.pk}@workshops.example.nhs.uk"
    assert uids == {first}


# The download (METHOD:PUBLISH) -----------------------------------------------------------


@pytest.mark.django_db
def test_session_ics_calendar_properties_published_download():
    ical = _parse(calendar.session_ics(_session()))

    assert str(ical["METHOD"]) == "PUBLISH"
    assert str(ical["VERSION"]) == "2.0"
    assert str(ical["PRODID"]) == "-//workshops.example.nhs.uk//Digital Leadership Workshops//EN"
    assert str(ical["CALSCALE"]) == "GREGORIAN"
    assert len(ical.events) == 1


@pytest.mark.django_db
def test_session_ics_dtstamp_is_utc_now():
    before = timezone.now().replace(microsecond=0)
    data = calendar.session_ics(_session())
    after = timezone.now()

    stamp = _only_event(data).DTSTAMP
    (line,) = [line for line in _unfolded_lines(data) if line.startswith("DTSTAMP")]
    assert stamp.utcoffset() == datetime.timedelta(0)
    assert line == f"DTSTAMP:{stamp:%Y%m%dT%H%M%S}Z"
    assert before <= stamp <= after


@pytest.mark.django_db
def test_session_ics_summer_session_london_wall_clock_time():
    session = _session(starts_at=factories.london(2026, 6, 10, 9, 30), ends_at=factories.london(2026, 6, 10, 12, 30))

    data = calendar.session_ics(session)

    event = _only_event(data)
    lines = _unfolded_lines(data)
    assert "DTSTART;TZID=Europe/London:20260610T093000" in lines
    assert "DTEND;TZID=Europe/London:20260610T123000" in lines
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTEND"].params["TZID"] == "Europe/London"
    assert event.start == session.starts_at
    assert event.end == session.ends_at
    assert event.start.utcoffset() == datetime.timedelta(hours=1)


@pytest.mark.django_db
def test_session_ics_winter_session_london_wall_clock_time():
    session = _session(starts_at=factories.london(2027, 1, 13, 14, 0), ends_at=factories.london(2027, 1, 13, 16, 30))

    data = calendar.session_ics(session)

    event = _only_event(data)
    lines = _unfolded_lines(data)
    assert "DTSTART;TZID=Europe/London:20270113T140000" in lines
    assert "DTEND;TZID=Europe/London:20270113T163000" in lines
    assert event.start == session.starts_at
    assert event.end == session.ends_at
    assert event.start.utcoffset() == datetime.timedelta(0)


@pytest.mark.django_db
def test_session_ics_one_london_vtimezone_with_standard_and_daylight():
    ical = _parse(calendar.session_ics(_session()))

    (vtimezone,) = ical.timezones
    assert str(vtimezone["TZID"]) == "Europe/London"
    assert [component.name for component in vtimezone.subcomponents] == ["DAYLIGHT", "STANDARD"]
    assert ical.get_missing_tzids() == set()
    assert "TZID=GMT" not in calendar.session_ics(_session(code="PIL-HOW-02")).decode()


@pytest.mark.django_db
def test_session_ics_vtimezone_agrees_with_tzdata_2000_to_2037():
    (vtimezone,) = _parse(calendar.session_ics(_session())).timezones
    # Built from the VTIMEZONE's own rules, not looked up by name.
    from_file = vtimezone.to_tz(lookup_tzid=False)

    moments = []
    for year in range(2000, 2038):
        moments += [datetime.datetime(year, month, 15, 12, tzinfo=datetime.UTC) for month in range(1, 13)]
        for month in (3, 10):
            last_week = datetime.datetime(year, month, 24, tzinfo=datetime.UTC)
            moments += [last_week + datetime.timedelta(hours=hours) for hours in range(8 * 24)]
    disagreements = [m for m in moments if m.astimezone(from_file).utcoffset() != m.astimezone(LONDON).utcoffset()]

    assert disagreements == []


@pytest.mark.django_db
def test_session_ics_event_fields_published_at_venue():
    session = _session()

    event = _only_event(calendar.session_ics(session))

    assert str(event["SUMMARY"]) == "Assuring digital decisions (PIL-HOW-01)"
    assert event["SEQUENCE"] == 2
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == PAGE_URL
    assert event.categories == ["How to"]
    assert str(event["LOCATION"]) == "Leeds Civic Hall, Portland Crescent, Civic Quarter, Leeds, LS1 1UR"
    assert str(event["DESCRIPTION"]) == (
        "How boards assure themselves that decisions about data are safe.\n"
        "\n"
        "Theme: How to\n"
        "Focus areas: The scale of information and technology threats and risks; "
        "Making good technical and information decisions, and the support available to leaders\n"
        "Where: Leeds Civic Hall, Leeds\n"
        f"Details: {PAGE_URL}"
    )


@pytest.mark.django_db
def test_session_ics_location_online_only_without_the_joining_link():
    session = _session(venue=None, online_url="https://meet.example.nhs.uk/j/123456")

    data = calendar.session_ics(session)

    event = _only_event(data)
    assert str(event["LOCATION"]) == "Online"
    assert str(event["DESCRIPTION"]).splitlines()[-2:] == ["Where: Online", f"Details: {PAGE_URL}"]
    assert b"meet.example.nhs.uk" not in data


@pytest.mark.django_db
def test_session_ics_location_venue_when_also_online_without_the_joining_link():
    session = _session(online_url="https://meet.example.nhs.uk/j/123456")

    data = calendar.session_ics(session)

    event = _only_event(data)
    assert str(event["LOCATION"]) == "Leeds Civic Hall, Portland Crescent, Civic Quarter, Leeds, LS1 1UR"
    assert str(event["DESCRIPTION"]).splitlines()[-2:] == [
        "Where: Leeds Civic Hall, Leeds, and online",
        f"Details: {PAGE_URL}",
    ]
    assert b"meet.example.nhs.uk" not in data


@pytest.mark.django_db
def test_session_request_ics_gives_the_joining_link_to_the_person_with_a_place():
    session = _session(venue=None, online_url="https://meet.example.nhs.uk/j/123456")

    event = _only_event(_request(session))

    assert str(event["LOCATION"]) == "Online: https://meet.example.nhs.uk/j/123456"
    assert str(event["DESCRIPTION"]).splitlines()[-3:] == [
        "Where: Online",
        "Joining link: https://meet.example.nhs.uk/j/123456",
        f"Details: {PAGE_URL}",
    ]


@pytest.mark.django_db
def test_personal_feed_with_joining_link_and_programme_feed_without():
    session = _session(venue=None, online_url="https://meet.example.nhs.uk/j/123456")

    mine = _only_event(calendar.sessions_feed_ics("Mine", [session], joining_link=True))
    everyone = calendar.sessions_feed_ics("Everyone", [session])

    assert "Joining link: https://meet.example.nhs.uk/j/123456" in str(mine["DESCRIPTION"]).splitlines()
    assert str(mine["LOCATION"]) == "Online: https://meet.example.nhs.uk/j/123456"
    assert b"meet.example.nhs.uk" not in everyone


@pytest.mark.django_db
def test_session_ics_status_cancelled_when_cancelled():
    session = _cancelled(_session())

    event = _only_event(calendar.session_ics(session))

    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 3
    assert str(event["DESCRIPTION"]).splitlines()[0] == "This session is cancelled: The facilitator is unwell."


@pytest.mark.django_db
def test_session_ics_no_attendee_and_no_token():
    data = calendar.session_ics(_session())

    event = _only_event(data)
    assert "ATTENDEE" not in event
    assert b"ATTENDEE" not in data
    assert b"token" not in data.lower()


@pytest.mark.django_db
def test_session_ics_organizer_is_monitored_address(settings):
    settings.CALENDAR_ORGANIZER_EMAIL = "dlw.workshops@example.nhs.uk"

    event = _only_event(calendar.session_ics(_session()))

    assert str(event["ORGANIZER"]) == "mailto:dlw.workshops@example.nhs.uk"
    assert event["ORGANIZER"].params["CN"] == "Digital Leadership Workshops"


@pytest.mark.django_db
def test_session_ics_special_characters_round_trip_through_icalendar():
    session = _session(
        title='Café "data"; risk, and \\ backslashes – a title long enough to be folded twice over the limit',
        summary="Line one\nLine two; with, punctuation\\ and ünïcödé " + "x" * 150,
    )

    data = calendar.session_ics(session)

    event = _only_event(data)
    assert str(event["SUMMARY"]) == f"{session.title} (PIL-HOW-01)"
    assert str(event["DESCRIPTION"]).splitlines()[:2] == [
        "Line one",
        "Line two; with, punctuation\\ and ünïcödé " + "x" * 150,
    ]
    # icalendar writes the same bytes when it serialises what it read: escaping and folding agree.
    assert _parse(data).to_ical(sorted=False) == data
    assert max(len(line) for line in data.split(b"\r\n")) == 75


@pytest.mark.django_db
def test_session_ics_fold_never_splits_an_escape():
    # "SUMMARY:" and 65 letters fill 73 octets, so the comma's backslash would end the line.
    session = _session(title="A" * 65 + ", and the rest of a long title")

    data = calendar.session_ics(session)

    lines = data.decode().split("\r\n")
    start = lines.index("SUMMARY:" + "A" * 65)
    assert lines[start + 1] == " \\, and the rest of a long title (PIL-HOW-01)"
    assert str(_only_event(data)["SUMMARY"]) == f"{session.title} (PIL-HOW-01)"
    assert _parse(data).to_ical(sorted=False) == data


@pytest.mark.django_db
def test_session_ics_short_non_ascii_line_folded_by_octets():
    # 71 characters but 121 octets: folding counts octets.
    session = _session(title="é" * 50)

    data = calendar.session_ics(session)

    assert max(len(line) for line in data.split(b"\r\n")) <= 75
    assert str(_only_event(data)["SUMMARY"]) == "é" * 50 + " (PIL-HOW-01)"
    assert _parse(data).to_ical(sorted=False) == data


# Emailed invites --------------------------------------------------------------------


@pytest.mark.django_db
def test_session_request_ics_method_organizer_and_one_attendee(settings):
    settings.CALENDAR_ORGANIZER_EMAIL = "dlw.workshops@example.nhs.uk"
    session = _session()

    data = _request(session)

    ical = _parse(data)
    (event,) = ical.events
    (attendee_line,) = [line for line in _unfolded_lines(data) if line.startswith("ATTENDEE")]
    assert str(ical["METHOD"]) == "REQUEST"
    assert str(event["ORGANIZER"]) == "mailto:dlw.workshops@example.nhs.uk"
    assert event["ORGANIZER"].params["CN"] == "Digital Leadership Workshops"
    assert attendee_line == (
        'ATTENDEE;CN="Smith, Jane";RSVP=TRUE;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT:mailto:jane.smith@nhs.net'
    )
    assert [str(attendee) for attendee in event.attendees] == ["mailto:jane.smith@nhs.net"]
    assert str(event["UID"]) == calendar.session_uid(session)
    assert event["SEQUENCE"] == 2
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.start == session.starts_at


@pytest.mark.django_db
def test_session_cancel_ics_method_status_uid_and_raised_sequence():
    session = _session()
    uid = str(_only_event(_request(session))["UID"])
    session = _cancelled(session)

    data = _cancel(session)

    ical = _parse(data)
    (event,) = ical.events
    assert str(ical["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == uid
    assert event["SEQUENCE"] == 3
    assert [str(attendee) for attendee in event.attendees] == ["mailto:jane.smith@nhs.net"]
    # Nothing to answer: a CANCEL asks for no reply.
    (attendee_line,) = [line for line in _unfolded_lines(data) if line.startswith("ATTENDEE")]
    assert attendee_line == 'ATTENDEE;CN="Smith, Jane";ROLE=REQ-PARTICIPANT:mailto:jane.smith@nhs.net'
    assert str(event["ORGANIZER"]) == "mailto:workshops@example.nhs.uk"


def test_invite_content_type_request_and_cancel():
    assert calendar.invite_content_type("REQUEST") == "text/calendar; charset=utf-8; method=REQUEST"
    assert calendar.invite_content_type("CANCEL") == "text/calendar; charset=utf-8; method=CANCEL"
    assert calendar.REQUEST_CONTENT_TYPE == "text/calendar; charset=utf-8; method=REQUEST"
    assert calendar.CANCEL_CONTENT_TYPE == "text/calendar; charset=utf-8; method=CANCEL"


# The programme feed ----------------------------------------------------------------------


def _feed_queryset(programme):
    return (
        Session.objects.listed()
        .filter(phase__programme=programme)
        .select_related("venue", "phase")
        .prefetch_related("focus_areas")
    )


@pytest.mark.django_db
def test_programme_feed_ics_keeps_cancelled_session_marked_cancelled(programme):
    phase = factories.phase(programme=programme)
    published = _session(phase=phase)
    cancelled = _cancelled(
        _session(
            phase=phase,
            code="PIL-HOW-02",
            starts_at=factories.london(2027, 1, 13, 14, 0),
            ends_at=factories.london(2027, 1, 13, 16, 30),
        )
    )
    _session(phase=phase, code="PIL-HOW-03", status=SessionStatus.DRAFT)

    data = calendar.programme_feed_ics(programme, _feed_queryset(programme).order_by("starts_at"))

    ical = _parse(data)
    assert str(ical["METHOD"]) == "PUBLISH"
    assert str(ical["X-WR-CALNAME"]) == programme.name
    assert str(ical["X-WR-TIMEZONE"]) == "Europe/London"
    assert [str(vtimezone["TZID"]) for vtimezone in ical.timezones] == ["Europe/London"]
    assert [(str(event["UID"]), str(event["STATUS"]), event["SEQUENCE"]) for event in ical.events] == [
        (calendar.session_uid(published), "CONFIRMED", 2),
        (calendar.session_uid(cancelled), "CANCELLED", 3),
    ]
    assert [event.start for event in ical.events] == [published.starts_at, cancelled.starts_at]
    assert b"ATTENDEE" not in data
    assert b"token" not in data.lower()
    assert _parse(data).to_ical(sorted=False) == data


@pytest.mark.django_db
def test_programme_feed_ics_event_matches_download(programme):
    session = _session(phase=factories.phase(programme=programme))

    (feed_event,) = _parse(calendar.programme_feed_ics(programme, _feed_queryset(programme))).events
    download_event = _only_event(calendar.session_ics(session))

    for name in ("UID", "SUMMARY", "DESCRIPTION", "LOCATION", "URL", "STATUS", "CATEGORIES", "ORGANIZER"):
        assert feed_event[name].to_ical() == download_event[name].to_ical()
    assert (feed_event.start, feed_event.end, feed_event["SEQUENCE"]) == (
        download_event.start,
        download_event.end,
        download_event["SEQUENCE"],
    )


@pytest.mark.django_db
def test_programme_feed_ics_empty_programme_has_no_events(programme):
    ical = _parse(calendar.programme_feed_ics(programme, _feed_queryset(programme)))

    assert ical.events == []
    assert str(ical["X-WR-CALNAME"]) == programme.name


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 3])
def test_programme_feed_ics_query_count_does_not_grow(programme, django_assert_num_queries, size):
    phase = factories.phase(programme=programme)
    for number in range(size):
        _session(
            phase=phase,
            code=f"PIL-HOW-{number:02d}",
            venue=None if number == 1 else _venue(),
            online_url="https://meet.example.nhs.uk/j/1" if number == 1 else "",
        )

    # One query for the sessions with their venues, one for all their focus areas.
    with django_assert_num_queries(2):
        data = calendar.programme_feed_ics(programme, _feed_queryset(programme))

    assert len(_parse(data).events) == size


@pytest.mark.django_db
def test_sessions_feed_ics_named_feed_of_given_sessions_escaped_name():
    first = _session()
    _session(
        code="PIL-HOW-02", starts_at=factories.london(2026, 7, 1, 9, 0), ends_at=factories.london(2026, 7, 1, 12, 0)
    )
    cancelled = _cancelled(
        _session(
            code="PIL-HOW-03", starts_at=factories.london(2026, 8, 1, 9, 0), ends_at=factories.london(2026, 8, 1, 12, 0)
        )
    )

    data = calendar.sessions_feed_ics("Jane's workshops; 2026, all", [first, cancelled])

    ical = _parse(data)
    assert str(ical["METHOD"]) == "PUBLISH"
    assert "X-WR-CALNAME:Jane's workshops\\; 2026\\, all" in _unfolded_lines(data)
    assert [(str(event["UID"]), str(event["STATUS"])) for event in ical.events] == [
        (calendar.session_uid(first), "CONFIRMED"),
        (calendar.session_uid(cancelled), "CANCELLED"),
    ]
    assert b"ATTENDEE" not in data
    assert _parse(data).to_ical(sorted=False) == data
