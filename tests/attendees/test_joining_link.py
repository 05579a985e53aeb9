"""An online session's joining link is for people with a place only (DOMAIN.md rule 8): never
on a public page, a public .ics or the programme feed; in a confirmed person's REQUEST and
personal feed."""

import email

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from attendees import services
from outbox.sending import send_queued
from tests import factories

pytestmark = pytest.mark.django_db

JOIN = "https://meet.example.nhs.uk/j/4242"


@pytest.fixture
def session():
    programme = factories.programme(slug="dlw")
    return factories.published_session(
        phase=factories.phase(programme=programme), code="PIL-HOW-01", venue=None, online_url=JOIN
    )


def test_joining_link_is_on_no_public_page_ics_or_feed(client, session):
    pages = [
        reverse("summits:programme"),
        reverse("summits:public-session-detail", kwargs={"code": session.code}),
        reverse("summits:session-ics", kwargs={"code": session.code}),
        reverse("summits:programme-feed", kwargs={"slug": "dlw"}),
    ]

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"PIL-HOW-01" in response.content, url
        assert b"meet.example.nhs.uk" not in response.content, url


def test_joining_link_is_in_a_confirmed_persons_request_and_personal_feed(client, session):
    person = factories.person(email="asha@example.nhs.uk")
    services.register(person=person, session=session)
    send_queued()

    (message,) = mail.outbox
    parsed = email.message_from_bytes(message.message().as_bytes(linesep="\r\n"))
    (part,) = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    (event,) = Calendar.from_ical(part.get_payload(decode=True)).events
    assert str(event["LOCATION"]) == f"Online: {JOIN}"
    assert f"Joining link: {JOIN}" in str(event["DESCRIPTION"]).splitlines()
    assert f"Joining link: {JOIN}" in message.body.splitlines()

    feed = client.get(reverse("attendees:person-feed", kwargs={"token": person.calendar_token}))
    (event,) = Calendar.from_ical(feed.content).events
    assert str(event["LOCATION"]) == f"Online: {JOIN}"


def test_joining_link_is_not_in_the_waiting_list_email_nor_in_its_feed(client, session):
    session.capacity = 1
    session.save()
    services.register(person=factories.person(), session=session)
    waiting = factories.person(email="omar@example.nhs.uk")
    services.register(person=waiting, session=session)
    send_queued()

    (message,) = [m for m in mail.outbox if m.to == ["omar@example.nhs.uk"]]
    assert JOIN not in message.body
    assert JOIN not in message.alternatives[0][0]
    feed = client.get(reverse("attendees:person-feed", kwargs={"token": waiting.calendar_token}))
    assert b"meet.example.nhs.uk" not in feed.content
