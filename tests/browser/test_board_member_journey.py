"""A board member opens their invitation link, accepts, downloads the .ics, signs in by
emailed code, finds the session in My sessions and cancels; the next person on the waiting
list is promoted and emailed. axe-core runs on every page visited."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attendees import services
from attendees.enums import InvitationStatus, RegistrationStatus
from attendees.models import Invitation, Registration
from summits.enums import SessionAccess
from tests import factories
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Assuring digital decisions at board level"


def test_board_member_accepts_downloads_signs_in_cancels_and_next_person_is_promoted(site, live_server):
    base = live_server.url
    venue = factories.venue(name="Quarry House Learning Centre", town="Leeds")
    session = factories.published_session(code="PIL-HOW-01", title=TITLE, capacity=1, venue=venue, online_url="")
    jane = factories.person(first_name="Jane", last_name="Smith", email="jane.smith@example.nhs.uk")
    omar = factories.person(first_name="Omar", last_name="Khan", email="omar.khan@example.nhs.uk")
    invitation = Invitation.objects.create(person=jane, session=session)
    link = reverse("attendees:invitation", kwargs={"pk": invitation.pk, "token": invitation.token})

    # The invitation link from the email: no sign-in needed.
    site.goto(base + link)
    assert site.get_by_role("heading", level=1).inner_text() == TITLE
    assert_accessible(site)

    site.get_by_role("button", name="Accept and take a place").click()
    site.wait_for_url(base + link + "accepted/")
    assert site.get_by_role("heading", level=1).inner_text() == "You have a place"
    assert_accessible(site)
    assert Registration.objects.get(person=jane).status == RegistrationStatus.CONFIRMED

    with site.expect_download() as download_info:
        site.get_by_role("link", name="Add to your calendar (.ics file)").click()
    download = download_info.value
    assert download.suggested_filename == "PIL-HOW-01.ics"
    ics = Path(download.path()).read_bytes().decode()
    assert ics.startswith("BEGIN:VCALENDAR\r\n")
    assert "METHOD:PUBLISH" in ics.split("\r\n")

    # The session is now full: the next person joins the waiting list.
    waiting = services.register(person=omar, session=session)
    assert waiting.status == RegistrationStatus.WAITLISTED

    # My sessions needs signing in: by a code emailed to the invited address.
    site.get_by_role("link", name="My sessions").click()
    site.wait_for_url(re.compile(r".*/accounts/login/code/\?next=.*"))
    assert_accessible(site)
    site.fill("input[name=email]", "jane.smith@example.nhs.uk")
    site.get_by_role("button", name="Send sign-in code").click()
    site.wait_for_url(re.compile(r".*/accounts/login/code/confirm/.*"))
    assert_accessible(site)
    (code,) = [
        match.group(0)
        for message in mail.outbox
        if message.to == ["jane.smith@example.nhs.uk"]
        and (match := re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", message.body))
    ]
    site.fill("input[name=code]", code)
    site.locator("main button[type=submit]").first.click()
    site.wait_for_url(base + "/my/sessions/")
    assert site.get_by_role("heading", level=1).inner_text() == "My sessions"
    card = site.locator(".nhsuk-card", has_text=TITLE)
    assert card.get_by_role("link", name=TITLE, exact=True).is_visible()
    assert card.get_by_role("link", name=f"Download calendar file for {TITLE}").is_visible()
    assert "Place confirmed" in card.inner_text()
    assert_accessible(site)

    site.get_by_role("button", name=f"Cancel my place for {TITLE}").click()
    site.wait_for_url(base + "/my/sessions/")
    assert f"Your place on {TITLE} has been cancelled" in site.locator("main").inner_text()
    assert_accessible(site)

    assert Registration.objects.get(person=jane).status == RegistrationStatus.CANCELLED
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    promotions = [message.subject for message in mail.outbox if message.to == ["omar.khan@example.nhs.uk"]]
    assert promotions[-1].startswith(f"A place has come up for you: {TITLE}, ")


def sign_in(page, live_server, user) -> None:
    """Django's own login in the browser: the sign-in journey is tested above."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_board_member_pages_have_no_accessibility_violations(site, live_server):
    """Every other page a board member can meet: answers, problems, the waiting list, past
    workshops, the calendar feed instructions opened, and registering on an open session."""
    base = live_server.url
    full = factories.published_session(code="PIL-HOW-01", title=TITLE, capacity=1)
    jane = factories.person(first_name="Jane", last_name="Smith", email="jane.smith@example.nhs.uk")
    omar = factories.person(first_name="Omar", last_name="Khan", email="omar.khan@example.nhs.uk")
    services.register(person=omar, session=full)
    waiting = services.accept_invitation(invitation=Invitation.objects.create(person=jane, session=full))
    declined = Invitation.objects.create(
        person=jane, session=factories.published_session(code="PIL-POS-02", title="The art of the possible")
    )
    past = factories.published_session(code="PIL-DID-01", starts_at=timezone.now() - datetime.timedelta(days=20))
    Registration.objects.create(person=jane, session=past, status=RegistrationStatus.ATTENDED)
    group = factories.leadership_group(name="Acute trust boards")
    jane.groups.add(group)
    open_session = factories.published_session(code="OPEN-01", access=SessionAccess.OPEN_TO_GROUPS)
    group.sessions.add(open_session)

    def link(name, obj, token=None):
        return reverse(name, kwargs={"pk": obj.pk, "token": token or obj.token})

    anonymous_pages = [
        (link("attendees:invitation", declined), 200),
        (link("attendees:invitation-decline", declined), 200),
        (link("attendees:invitation-accepted", waiting.invitation), 200),  # number 1 on the waiting list
        (link("attendees:registration-cancel-link", waiting), 200),  # leave the waiting list
        (link("attendees:invitation", declined, token="wrong"), 404),
        (link("attendees:invitation", waiting.invitation), 410),  # already accepted
        ("/sessions/OPEN-01/", 200),  # sign in to register
    ]
    for path, status in anonymous_pages:
        response = site.goto(base + path)
        assert (path, response.status) == (path, status)
        assert_accessible(site)

    site.goto(base + link("attendees:invitation-decline", declined))
    site.get_by_role("button", name="Decline the invitation").click()
    site.wait_for_url(base + link("attendees:invitation-declined", declined))
    assert Invitation.objects.get(pk=declined.pk).status == InvitationStatus.DECLINED
    assert_accessible(site)

    site.goto(base + link("attendees:registration-cancel-link", waiting))
    site.get_by_role("button", name="Leave the waiting list").click()
    site.wait_for_url(base + link("attendees:registration-cancelled-link", waiting))
    assert_accessible(site)

    sign_in(site, live_server, services.ensure_person_account(email=jane.email))
    site.goto(base + "/sessions/OPEN-01/")
    assert_accessible(site)
    site.get_by_role("button", name="Register").click()
    site.wait_for_url(base + "/my/sessions/")
    for summary in ("Add it to Outlook", "Add it to Google Calendar", "Add it to Apple Calendar"):
        site.get_by_text(summary).click()
    assert_accessible(site)

    site.get_by_role("link", name="Get a new calendar feed address").click()
    site.wait_for_url(base + "/my/calendar/reset/")
    assert_accessible(site)
    site.get_by_role("button", name="Get a new address").click()
    site.wait_for_url(base + "/my/sessions/#calendar-feed")
    assert_accessible(site)

    site.context.clear_cookies()
    sign_in(site, live_server, factories.staff_user("organiser@example.nhs.uk", role="organiser"))
    site.goto(base + "/my/sessions/")  # an account with no workshops
    assert_accessible(site)
