"""Calendar invites follow the place, not the invitation (DOMAIN.md rules 4-6), through the
services and the outbox, as each recipient's calendar sees them: who gets which METHOD with
which SEQUENCE, parsed with icalendar. The joining link goes only to people with a place."""

import datetime
import email

import pytest
from django.core import mail
from icalendar import Calendar

from attendees import services
from outbox.sending import send_queued
from tests import factories

pytestmark = pytest.mark.django_db

JOIN = "https://meet.example.nhs.uk/j/4242"


def calendar_of(message) -> Calendar | None:
    parsed = email.message_from_bytes(message.message().as_bytes(linesep="\r\n"))
    parts = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    return Calendar.from_ical(parts[0].get_payload(decode=True)) if parts else None


class Inboxes:
    """What each person has received so far, as (subject's first word, METHOD, SEQUENCE)."""

    def __init__(self):
        self.seen = 0
        self.by_person: dict[str, list] = {}
        self.messages: dict[str, list] = {}

    def deliver(self) -> None:
        send_queued()
        for message in mail.outbox[self.seen :]:
            (to,) = message.to
            ics = calendar_of(message)
            entry = (message.subject.split(":")[0], None, None)
            if ics is not None:
                (event,) = ics.events
                entry = (entry[0], str(ics["METHOD"]), int(event["SEQUENCE"]))
            self.by_person.setdefault(to, []).append(entry)
            self.messages.setdefault(to, []).append(message)
        self.seen = len(mail.outbox)

    def of(self, name: str) -> list:
        return self.by_person.get(f"{name}@example.nhs.uk", [])


def test_calendar_lifecycle_for_everyone_invited(organiser):
    phase = factories.phase()
    session = factories.published_session(phase=phase, capacity=2, online_url=JOIN, title="Assuring decisions")
    people = {
        name: factories.person(email=f"{name}@example.nhs.uk") for name in ("never", "decliner", "a", "b", "w", "x")
    }
    inboxes = Inboxes()

    def step(action):
        result = action()
        inboxes.deliver()
        return result

    invitations = {
        name: step(lambda person=person: services.invite_person(actor=organiser, session=session, person=person))
        for name, person in people.items()
    }
    step(lambda: services.decline_invitation(invitation=invitations["decliner"]))
    first_a = step(lambda: services.accept_invitation(invitation=invitations["a"]))
    place_b = step(lambda: services.accept_invitation(invitation=invitations["b"]))
    step(lambda: services.accept_invitation(invitation=invitations["w"]))  # full: the waiting list
    step(lambda: services.cancel_registration(registration=first_a))  # w is promoted
    step(lambda: services.cancel_registration(registration=place_b, actor=organiser))
    step(lambda: services.register(person=people["a"], session=session))  # a takes a place again
    step(lambda: services.accept_invitation(invitation=invitations["x"]))  # full again: waiting list
    step(
        lambda: services.reschedule_session(
            actor=organiser,
            session=session,
            starts_at=session.starts_at + datetime.timedelta(hours=2),
            ends_at=session.ends_at + datetime.timedelta(hours=2),
        )
    )
    session.refresh_from_db()
    step(lambda: services.update_session(actor=organiser, session=session, details=_retitled(session)))
    session.refresh_from_db()
    step(lambda: services.cancel_session(actor=organiser, session=session, reason="The venue flooded."))

    assert inboxes.of("never") == [("Invitation", None, None)]
    assert inboxes.of("decliner") == [("Invitation", None, None)]
    assert inboxes.of("a") == [
        ("Invitation", None, None),
        ("You have a place", "REQUEST", 0),
        ("Your place has been cancelled", "CANCEL", 1),
        ("You have a place", "REQUEST", 2),  # above the CANCEL: the calendar takes it again
        ("Changed", "REQUEST", 3),  # moved
        ("Changed", "REQUEST", 4),  # retitled
        ("Cancelled", "CANCEL", 5),
    ]
    assert inboxes.of("b") == [
        ("Invitation", None, None),
        ("You have a place", "REQUEST", 0),
        ("Your place has been cancelled", "CANCEL", 1),  # by the organiser
    ]
    assert inboxes.of("w") == [
        ("Invitation", None, None),
        ("You are on the waiting list", None, None),
        ("A place has come up for you", "REQUEST", 0),
        ("Changed", "REQUEST", 1),
        ("Changed", "REQUEST", 2),
        ("Cancelled", "CANCEL", 3),
    ]
    assert inboxes.of("x") == [
        ("Invitation", None, None),
        ("You are on the waiting list", None, None),
        ("Changed", None, None),
        ("Changed", None, None),
        ("Cancelled", None, None),
    ]

    # Every REQUEST asks the one recipient to answer; a CANCEL asks nothing and says CANCELLED.
    for name in ("a", "b", "w"):
        for message in inboxes.messages[f"{name}@example.nhs.uk"]:
            ics = calendar_of(message)
            if ics is None:
                continue
            (event,) = ics.events
            assert str(event["UID"]) == f"session-{session.pk}@workshops.example.nhs.uk"
            assert str(event["ATTENDEE"]) == f"mailto:{name}@example.nhs.uk"
            if ics["METHOD"] == "REQUEST":
                assert (event["ATTENDEE"].params["RSVP"], event["ATTENDEE"].params["PARTSTAT"]) == (
                    "TRUE",
                    "NEEDS-ACTION",
                )
                assert str(event["STATUS"]) == "CONFIRMED"
                assert f"Joining link: {JOIN}" in str(event["DESCRIPTION"]).splitlines()
            else:
                assert "RSVP" not in event["ATTENDEE"].params
                assert "PARTSTAT" not in event["ATTENDEE"].params
                assert str(event["STATUS"]) == "CANCELLED"
                assert JOIN not in ics.to_ical().decode()

    # The joining link only in emails to people who then had a place.
    with_place = {("a", 1), ("a", 3), ("a", 4), ("a", 5), ("b", 1), ("w", 2), ("w", 3), ("w", 4)}
    for address, received in inboxes.messages.items():
        name = address.split("@")[0]
        for index, message in enumerate(received):
            html = message.alternatives[0][0]
            carries = JOIN in message.body or JOIN in html
            assert carries == ((name, index) in with_place), (name, index, message.subject)


def _retitled(session):
    from summits.services import SessionDetails

    return SessionDetails.from_session(session, title="Assuring digital decisions safely")


def test_change_emails_say_what_changed_from_what_to_what(organiser):
    session = factories.published_session(capacity=5, title="Assuring decisions", venue=None, online_url=JOIN)
    services.register(person=factories.person(email="a@example.nhs.uk"), session=session)
    send_queued()
    mail.outbox.clear()

    from summits.services import SessionDetails

    services.update_session(
        actor=organiser, session=session, details=SessionDetails.from_session(session, title="Assuring data decisions")
    )
    send_queued()

    (message,) = mail.outbox
    assert message.subject == (
        "Changed: new title for Assuring data decisions: title now Assuring data decisions (was Assuring decisions)"
    )
    lines = message.body.splitlines()
    assert lines[2:5] == [
        "This workshop has a new title.",
        "",
        "Title: was Assuring decisions, now Assuring data decisions",
    ]
