"""Calendar files (.ics) for sessions: downloads, the programme feed and emailed invites.

The only module that imports icalendar (STYLE.md). Every output is assembled from
`_event_lines`, so a download, a feed entry and an emailed invite for one session always
agree on UID, times, place and SEQUENCE (DOMAIN.md, "Calendar invites that real calendars
accept").

Why lines and not icalendar's Event component: icalendar serialises a component property by
property and folds long lines one character at a time, so a 500-session feed with
descriptions took three times as long as 500 bare events (benchmarks/calendar_feed.py).
Here icalendar still escapes every text value (vText, vCategory), formats every
parameterised line (ORGANIZER, ATTENDEE) and the VTIMEZONE, and folds any non-ASCII line;
only date-times, integers and the folding of ASCII lines are done directly, to the same
bytes icalendar writes (tests/summits/test_calendar.py re-serialises the output with
icalendar and compares).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vCategory, vDuration, vText
from icalendar.parser import Contentline

from summits.enums import SessionStatus, Theme

if TYPE_CHECKING:
    from summits.models import Programme, Session

TZID = "Europe/London"
LONDON = ZoneInfo(TZID)

PUBLISH = "PUBLISH"
REQUEST = "REQUEST"
CANCEL = "CANCEL"

# Downloads and feeds.
ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
# Emailed invites carry the method in the MIME type too, or Outlook shows a file to open
# instead of an invitation to accept (DOMAIN.md rule 4).
REQUEST_CONTENT_TYPE = "text/calendar; charset=utf-8; method=REQUEST"
CANCEL_CONTENT_TYPE = "text/calendar; charset=utf-8; method=CANCEL"

# How often subscribed calendars should fetch the feed again: REFRESH-INTERVAL (RFC 7986)
# for Apple, X-PUBLISHED-TTL for Outlook. Google keeps its own schedule.
FEED_REFRESH_INTERVAL = timedelta(hours=6)

_FOLD_AT = 74  # octets before a fold, as icalendar folds; continuation lines add one space


def invite_content_type(method: str) -> str:
    """The MIME type of an emailed invite's text/calendar part: REQUEST or CANCEL."""
    return {REQUEST: REQUEST_CONTENT_TYPE, CANCEL: CANCEL_CONTENT_TYPE}[method]


def session_uid(session: Session) -> str:
    """Stable through edits, reschedules and cancellation, so calendars update one event."""
    return f"session-{session.pk}@{settings.SITE_DOMAIN}"


def session_ics(session: Session) -> bytes:
    """One session as a download: METHOD:PUBLISH, no attendees, no secrets, no joining link
    (DOMAIN.md rule 8: that is for people with a place)."""
    return _calendar(PUBLISH, [session])


def programme_feed_ics(programme: Programme, sessions: Iterable[Session]) -> bytes:
    """A programme's subscribable feed. Cancelled sessions stay in it, marked CANCELLED, so
    subscribed calendars learn of the cancellation instead of silently losing the event.

    Reads only plain fields, `session.venue` and `session.focus_areas.all()`: pass sessions
    with select_related("venue") and prefetch_related("focus_areas") and nothing queries.
    """
    return sessions_feed_ics(programme.name, sessions)


def sessions_feed_ics(name: str, sessions: Iterable[Session], *, joining_link: bool = False) -> bytes:
    """A subscribable feed of any sessions under a calendar name, e.g. one person's own
    sessions. Built as the programme feed is: METHOD:PUBLISH, no attendees, cancelled
    sessions kept and marked CANCELLED; the same query advice applies. `joining_link` only
    for a person's own feed of the sessions they have a place on."""
    name = _text(name)
    refresh = vDuration(FEED_REFRESH_INTERVAL).to_ical().decode()
    feed_lines = [
        f"NAME:{name}",
        f"X-WR-CALNAME:{name}",
        f"X-WR-TIMEZONE:{TZID}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}",
        f"X-PUBLISHED-TTL:{refresh}",
    ]
    return _calendar(PUBLISH, sessions, calendar_lines=feed_lines, joining_link=joining_link)


def session_request_ics(
    session: Session, *, attendee_email: str, attendee_name: str, sequence: int | None = None
) -> bytes:
    """The invite emailed to one person with a place (METHOD:REQUEST, with the joining link).
    Sent again, with a higher SEQUENCE, when the time, place or title changes. `sequence`
    defaults to the session's."""
    attendee = _attendee_line(attendee_email, attendee_name, rsvp=True)
    return _calendar(REQUEST, [session], attendee=attendee, joining_link=True, sequence=sequence)


def session_cancel_ics(
    session: Session, *, attendee_email: str, attendee_name: str, sequence: int | None = None
) -> bytes:
    """Withdraws one person's invite (METHOD:CANCEL, STATUS:CANCELLED, no RSVP asked for):
    `sequence` must be above that of the last REQUEST they were sent."""
    attendee = _attendee_line(attendee_email, attendee_name, rsvp=False)
    return _calendar(CANCEL, [session], attendee=attendee, sequence=sequence)


def _calendar(
    method: str,
    sessions: Iterable[Session],
    *,
    calendar_lines: Iterable[str] = (),
    attendee: str = "",
    joining_link: bool = False,
    sequence: int | None = None,
) -> bytes:
    stamp = timezone.now().astimezone(UTC)
    shared = _SharedLines(
        stamp=f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
        organizer=_organizer_line(),
        page_url=_public_url_builder(),
        joining_link=joining_link,
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_text(f'-//{settings.SITE_DOMAIN}//{settings.SERVICE_NAME}//EN')}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        *calendar_lines,
        *_vtimezone_lines(),
    ]
    for session in sessions:
        lines += _event_lines(session, method=method, shared=shared, attendee=attendee, sequence=sequence)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(map(_fold, lines)) + "\r\n").encode()


@dataclass(frozen=True, slots=True)
class _SharedLines:
    """What every event in one file shares, worked out once per file rather than per event."""

    stamp: str
    organizer: str
    page_url: Callable[[str], str]
    joining_link: bool


def _event_lines(
    session: Session, *, method: str, shared: _SharedLines, attendee: str, sequence: int | None = None
) -> list[str]:
    """One session's VEVENT as unfolded content lines: the one place every output is built."""
    page_url = shared.page_url(session.code)
    theme = Theme(session.theme).label
    cancelled = method == CANCEL or session.status == SessionStatus.CANCELLED
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_text(session_uid(session))}",
        shared.stamp,
        f"DTSTART;TZID={TZID}:{session.starts_at.astimezone(LONDON):%Y%m%dT%H%M%S}",
        f"DTEND;TZID={TZID}:{session.ends_at.astimezone(LONDON):%Y%m%dT%H%M%S}",
        f"SEQUENCE:{int(session.sequence if sequence is None else sequence)}",
        "STATUS:CANCELLED" if cancelled else "STATUS:CONFIRMED",
        f"SUMMARY:{_text(f'{session.title} ({session.code})')}",
        f"DESCRIPTION:{_text(_description(session, theme=theme, page_url=page_url, link=shared.joining_link))}",
        f"LOCATION:{_text(_location(session, link=shared.joining_link))}",
        f"URL:{page_url}",
        f"CATEGORIES:{vCategory([theme]).to_ical().decode()}",
        # RFC 5546 requires ORGANIZER in PUBLISH as well as REQUEST and CANCEL; with no
        # ATTENDEE, calendars import a PUBLISH event as a plain entry, not an invitation.
        shared.organizer,
    ]
    if attendee:
        lines.append(attendee)
    lines.append("END:VEVENT")
    return lines


def _text(value: str) -> str:
    """A TEXT value escaped by icalendar (backslash, semicolon, comma, newline)."""
    return vText(value).to_ical().decode()


def _description(session: Session, *, theme: str, page_url: str, link: bool) -> str:
    lines = []
    if session.status == SessionStatus.CANCELLED:
        lines += [f"This session is cancelled: {session.cancellation_reason}", ""]
    if session.summary:
        lines += [session.summary, ""]
    lines.append(f"Theme: {theme}")
    focus_areas = [area.name for area in session.focus_areas.all()]
    if focus_areas:
        lines.append("Focus areas: " + "; ".join(focus_areas))
    lines.append(f"Where: {_place(session)}")
    if link and session.online_url:
        lines.append(f"Joining link: {session.online_url}")
    lines.append(f"Details: {page_url}")
    return "\n".join(lines)


def _place(session: Session) -> str:
    venue = session.venue
    if venue is None:
        return "Online"
    if session.online_url:
        return f"{venue.name}, {venue.town}, and online"
    return f"{venue.name}, {venue.town}"


def _location(session: Session, *, link: bool) -> str:
    venue = session.venue
    if venue is None:
        return f"Online: {session.online_url}" if link else "Online"
    parts = [venue.name, *venue.address.splitlines(), venue.town, venue.postcode]
    return ", ".join(stripped for part in parts if (stripped := part.strip()))


def _public_url_builder() -> Callable[[str], str]:
    """Absolute public page URL by session code, reversing the URL pattern once per file."""
    marker = "SESSIONCODE"
    head, tail = reverse("summits:public-session-detail", kwargs={"code": marker}).split(marker)
    head = settings.SITE_URL + head
    return lambda code: f"{head}{quote(code, safe='')}{tail}"


def _organizer_line() -> str:
    organizer = vCalAddress.new(settings.CALENDAR_ORGANIZER_EMAIL, cn=settings.SERVICE_NAME)
    return str(Contentline.from_parts("ORGANIZER", organizer.params, organizer))


def _attendee_line(email: str, name: str, *, rsvp: bool) -> str:
    attendee = vCalAddress.new(email)
    # The order real invites use; calendars do not depend on it.
    attendee.params["CN"] = name
    if rsvp:
        attendee.params["RSVP"] = "TRUE"
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    return str(Contentline.from_parts("ATTENDEE", attendee.params, attendee, sorted=False))


def _fold(line: str) -> str:
    """Fold a content line as icalendar does (RFC 5545 section 3.1), quickly for ASCII lines.

    Like icalendar, a fold never falls straight after a backslash or caret, so no client
    sees an escape split across lines.
    """
    if not line.isascii():  # folds count octets, and must not split a UTF-8 character
        return Contentline(line).to_ical().decode()
    if len(line) <= _FOLD_AT:
        return line
    chunks = []
    start = 0
    while len(line) - start > _FOLD_AT:
        end = start + _FOLD_AT
        if line[end - 1] in "\\^":
            end -= 1
        chunks.append(line[start:end])
        start = end
    chunks.append(line[start:])
    return "\r\n ".join(chunks)


@functools.cache
def _vtimezone_lines() -> tuple[str, ...]:
    """Europe/London as one yearly DAYLIGHT and one yearly STANDARD rule, built once.

    icalendar's generated VTIMEZONE (Timezone.from_tzid, add_missing_timezones) lists each
    change as an RDATE and repeats STANDARD; Outlook misreads that form and moves summer
    events by an hour. This is the RRULE form Google Calendar and tzurl's zoneinfo-outlook
    publish; a test checks it against tzdata around every clock change from 2000 to 2037.
    """
    daylight = TimezoneDaylight()
    daylight.add("DTSTART", datetime(1970, 3, 29, 1, 0))
    daylight.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "-1SU"})
    daylight.add("TZNAME", "BST")
    daylight.add("TZOFFSETFROM", timedelta(0))
    daylight.add("TZOFFSETTO", timedelta(hours=1))
    standard = TimezoneStandard()
    standard.add("DTSTART", datetime(1970, 10, 25, 2, 0))
    standard.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": 10, "BYDAY": "-1SU"})
    standard.add("TZNAME", "GMT")
    standard.add("TZOFFSETFROM", timedelta(hours=1))
    standard.add("TZOFFSETTO", timedelta(0))
    vtimezone = Timezone()
    vtimezone.add("TZID", TZID)
    vtimezone.add_component(daylight)
    vtimezone.add_component(standard)
    return tuple(vtimezone.to_ical().decode().split("\r\n")[:-1])
