"""The organisers' email pages: counts by state, failed emails with their reasons, retrying
one or all (audit-logged), and an invitation's email state on the registrations page. Who may
open them is checked with every organiser page in tests/summits/test_views.py."""

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from attendees.models import Invitation
from outbox.models import Message
from summits.models import AuditEntry
from tests import factories
from tests.attendees.test_organise_views import assert_same_count_at_one_and_three, messages_of

pytestmark = pytest.mark.django_db

EMAILS = reverse("attendees:emails")


@pytest.fixture
def session():
    return factories.published_session(code="ROL-HOW-01", capacity=2)


def message(state: str = "failed", *, session=None, recipient: str = "asha@example.nhs.uk", **fields) -> Message:
    return Message.objects.create(
        kind="invitation",
        recipient=recipient,
        session_id=session.pk if session else None,
        state=state,
        next_attempt_at=timezone.now(),
        sent_at=timezone.now() if state == "sent" else None,
        attempts=1,
        last_error="The mail server refused the address: 550 5.1.1 No such user here" if state == "failed" else "",
        **fields,
    )


def test_emails_page_counts_every_state_and_lists_failures_with_their_reasons(organiser_client, session):
    for state in ("queued", "sending", "sent", "sent", "failed", "skipped"):
        message(state, session=session)

    response = organiser_client.get(EMAILS)

    counts = response.context["counts"]
    assert (counts.waiting, counts.sent, counts.failed, counts.skipped) == (2, 2, 1, 1)
    assertContains(response, '<h2 class="nhsuk-heading-l" id="failed">Failed (1)</h2>', html=True)
    assertContains(response, "The mail server refused the address: 550 5.1.1 No such user here")
    assertContains(response, f'href="{reverse("attendees:session-emails", kwargs={"pk": session.pk})}">ROL-HOW-01</a>')


def test_session_emails_page_shows_only_that_sessions_emails(organiser_client, session):
    other = factories.published_session(code="ROL-HOW-02")
    message("failed", session=session, recipient="mine@example.nhs.uk")
    message("failed", session=other, recipient="theirs@example.nhs.uk")
    message("sent", session=session)

    response = organiser_client.get(reverse("attendees:session-emails", kwargs={"pk": session.pk}))

    counts = response.context["counts"]
    assert (counts.waiting, counts.sent, counts.failed, counts.skipped) == (0, 1, 1, 0)
    assertContains(response, "mine@example.nhs.uk")
    assertNotContains(response, "theirs@example.nhs.uk")


def test_emails_page_without_failures_says_so(organiser_client):
    assertContains(organiser_client.get(EMAILS), "<p>No email has failed.</p>", html=True)


def test_emails_page_with_a_bad_page_number_shows_the_first_page(organiser_client, session):
    message("failed", session=session)

    response = organiser_client.get(EMAILS, {"page": "nine"})

    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_emails_page_query_count_does_not_grow_with_failures(organiser_client, session):
    def add(n):
        message("failed", session=factories.published_session(code=f"ROL-POS-0{n}"), recipient=f"p{n}@example.nhs.uk")

    assert_same_count_at_one_and_three(organiser_client, EMAILS, add)


def test_session_emails_page_query_count_does_not_grow_with_failures(organiser_client, session):
    url = reverse("attendees:session-emails", kwargs={"pk": session.pk})

    assert_same_count_at_one_and_three(
        organiser_client, url, lambda n: message("failed", session=session, recipient=f"p{n}@example.nhs.uk")
    )


def test_retrying_one_failed_email_queues_it_again_and_records_it(organiser_client, organiser, session):
    failed = message("failed", session=session)

    response = organiser_client.post(reverse("attendees:email-retry", kwargs={"pk": failed.pk}), {"from": "session"})

    assert response.url == reverse("attendees:session-emails", kwargs={"pk": session.pk})
    assert messages_of(response) == ["The email to asha@example.nhs.uk will be sent again"]
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == ("queued", 0)
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_repr) == (
        organiser,
        "email.retry",
        "Invitation to asha@example.nhs.uk",
    )
    assert entry.before == {
        "state": "failed",
        "last_error": "The mail server refused the address: 550 5.1.1 No such user here",
    }
    assert entry.after == {"state": "queued"}


def test_retrying_an_email_that_has_not_failed_changes_nothing(organiser_client, session):
    sent = message("sent", session=session)

    response = organiser_client.post(reverse("attendees:email-retry", kwargs={"pk": sent.pk}))

    assert response.url == EMAILS
    assert messages_of(response) == ["The email to asha@example.nhs.uk had not failed, so it was not sent again"]
    assert Message.objects.get().state == "sent"
    assert AuditEntry.objects.count() == 0


def test_retrying_an_unknown_email_is_a_404(organiser_client):
    assert organiser_client.post(reverse("attendees:email-retry", kwargs={"pk": 987654})).status_code == 404


def test_retrying_every_failed_email_of_a_session(organiser_client, session):
    other = factories.published_session(code="ROL-HOW-02")
    for n in range(2):
        message("failed", session=session, recipient=f"p{n}@example.nhs.uk")
    message("failed", session=other)

    response = organiser_client.post(reverse("attendees:session-emails-retry-failed", kwargs={"pk": session.pk}))

    assert messages_of(response) == ["2 failed emails will be sent again"]
    assert sorted(Message.objects.values_list("session_id", "state")) == sorted(
        [(session.pk, "queued"), (session.pk, "queued"), (other.pk, "failed")]
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id, entry.after) == ("email.retry_failed", str(session.pk), {"retried": 2})


def test_retrying_every_failed_email_overall(organiser_client, session):
    message("failed", session=session)
    message("failed")

    response = organiser_client.post(reverse("attendees:emails-retry-failed"))

    assert messages_of(response) == ["2 failed emails will be sent again"]
    assert set(Message.objects.values_list("state", flat=True)) == {"queued"}
    assert AuditEntry.objects.get().object_repr == "Every failed email"


def test_retrying_when_nothing_failed_says_so(organiser_client):
    response = organiser_client.post(reverse("attendees:emails-retry-failed"))

    assert messages_of(response) == ["There were no failed emails to send again"]
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("state", "error", "shown"),
    [
        ("queued", "", "Email waiting to be sent"),
        ("queued", "Could not reach the mail server: refused", "Email waiting to be sent (tried, will try again: "),
        ("sent", "", "Emailed "),
        ("failed", "The mail server refused the address: 550 No such user", "<strong>Email failed:</strong> The mail"),
        ("skipped", "The session is no longer open (cancelled or unpublished)", "Email not sent: The session is no"),
    ],
)
def test_registrations_page_shows_each_invitations_email_state(organiser_client, session, state, error, shown):
    invitation = Invitation.objects.create(person=factories.person(), session=session)
    message(state, session=session, about_type="attendees.invitation", about_id=invitation.pk)
    Message.objects.update(last_error=error)

    response = organiser_client.get(reverse("attendees:session-registrations", kwargs={"pk": session.pk}))

    assertContains(response, shown)
    assertContains(response, f'href="{reverse("attendees:session-emails", kwargs={"pk": session.pk})}"')
