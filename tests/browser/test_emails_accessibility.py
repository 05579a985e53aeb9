"""The organisers' email pages in a browser, with axe on each state: counts, failed emails with
reasons, retrying one and all, and the invitation's email state on the registrations page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outbox.models import Message
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.browser.test_page_accessibility import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_email_pages_are_accessible_and_retry_failed_emails(site, live_server):
    organiser = factories.staff_user("organiser@example.nhs.uk", role="organiser")
    sign_in(site, live_server, organiser)
    session = factories.published_session(code="ROL-HOW-01")
    invitation = factories.invitation(session=session, person=factories.person(email="gone@example.nhs.uk"))
    for n, (state, error) in enumerate(
        [
            ("failed", "The mail server refused the address: 550 5.1.1 No such user here"),
            ("failed", "Gave up after 8 attempts. Last error: Could not reach the mail server: timed out"),
            ("sent", ""),
            ("queued", ""),
        ]
    ):
        Message.objects.create(
            kind="invitation",
            recipient="gone@example.nhs.uk" if n == 0 else f"p{n}@example.nhs.uk",
            about_type="attendees.invitation",
            about_id=invitation.pk if n == 0 else None,
            session_id=session.pk,
            state=state,
            last_error=error,
            attempts=1,
            next_attempt_at=timezone.now() + datetime.timedelta(days=1),
            sent_at=timezone.now() if state == "sent" else None,
        )
    base = live_server.url

    site.goto(base + f"/organise/sessions/{session.pk}/registrations/")
    expect(site.get_by_text("Email failed:")).to_have_count(1)
    assert_accessible(site)
    site.goto(base + "/organise/emails/")
    assert_accessible(site)
    site.goto(base + f"/organise/sessions/{session.pk}/emails/")
    assert_accessible(site)

    site.get_by_role("button", name="Send again to gone@example.nhs.uk").click()
    expect(site.get_by_text("The email to gone@example.nhs.uk will be sent again")).to_be_visible()
    assert_accessible(site)
    site.get_by_role("button", name="Send every failed email again").click()
    expect(site.get_by_text("1 failed email will be sent again")).to_be_visible()
    assert_accessible(site)
    expect(site.get_by_text("No email has failed.")).to_be_visible()
