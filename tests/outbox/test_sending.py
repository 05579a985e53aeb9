"""Sending the outbox to a real SMTP server (aiosmtpd): per-message failures, retries with
back-off, leases that run out, and two senders at once."""

import datetime

import pytest
from django.core.mail import EmailMessage
from django.db import connection
from django.utils import timezone

from outbox import registry, sending
from outbox.enums import MessageState
from outbox.mail import queue_email
from outbox.models import Message
from outbox.sending import send_queued
from tests.smtp_server import free_port
from tests.summits.test_concurrency import race

pytestmark = pytest.mark.django_db

NOTHING = {"sent": 0, "failed": 0, "retried": 0, "skipped": 0}


def queue(*addresses: str) -> None:
    for address in addresses:
        queue_email(EmailMessage(subject=f"Hello {address}", body="Body", to=[address]))


def row(address: str) -> Message:
    return Message.objects.get(recipient=address)


def test_a_refused_connection_is_retried_after_the_back_off_and_then_sent_once(settings, smtp_server):
    queue("asha@example.nhs.uk")
    settings.EMAIL_PORT = free_port()  # nothing listens there
    before = timezone.now()

    assert send_queued() == {**NOTHING, "retried": 1}

    message = row("asha@example.nhs.uk")
    assert (message.state, message.attempts) == (MessageState.QUEUED, 1)
    assert message.last_error.startswith("Could not reach the mail server: ")
    assert before + datetime.timedelta(seconds=60) <= message.next_attempt_at
    assert message.next_attempt_at <= timezone.now() + datetime.timedelta(seconds=60)
    assert send_queued() == NOTHING  # not due before the back-off has passed

    settings.EMAIL_PORT = smtp_server.port
    later = timezone.now() + datetime.timedelta(seconds=61)
    assert send_queued(now=later) == {**NOTHING, "sent": 1}
    assert send_queued(now=later) == NOTHING

    assert smtp_server.recorder.recipients() == ["asha@example.nhs.uk"]
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (MessageState.SENT, 2, "")
    assert message.subject == "Hello asha@example.nhs.uk"


def test_a_550_for_one_recipient_fails_only_that_row_and_the_batch_uses_one_connection(smtp_server):
    smtp_server.recorder.refuse["gone@example.nhs.uk"] = "550 5.1.1 No such user here"
    queue("asha@example.nhs.uk", "gone@example.nhs.uk", "omar@example.nhs.uk")

    assert send_queued() == {**NOTHING, "sent": 2, "failed": 1}

    assert smtp_server.recorder.recipients() == ["asha@example.nhs.uk", "omar@example.nhs.uk"]
    assert smtp_server.recorder.connections == 1
    gone = row("gone@example.nhs.uk")
    assert (gone.state, gone.attempts) == (MessageState.FAILED, 1)
    assert gone.last_error == "The mail server refused the address: 550 5.1.1 No such user here"
    assert [row(a).state for a in ("asha@example.nhs.uk", "omar@example.nhs.uk")] == ["sent", "sent"]
    assert send_queued() == NOTHING


def test_a_4xx_reply_is_temporary_and_retried(smtp_server):
    smtp_server.recorder.refuse["busy@example.nhs.uk"] = "451 4.7.1 Try again later"
    queue("busy@example.nhs.uk")

    assert send_queued() == {**NOTHING, "retried": 1}
    busy = row("busy@example.nhs.uk")
    assert (busy.state, busy.last_error) == ("queued", "The mail server refused the address: 451 4.7.1 Try again later")

    del smtp_server.recorder.refuse["busy@example.nhs.uk"]
    assert send_queued(now=timezone.now() + datetime.timedelta(minutes=2)) == {**NOTHING, "sent": 1}
    assert smtp_server.recorder.recipients() == ["busy@example.nhs.uk"]


def test_temporary_failures_give_up_after_the_last_attempt(settings, smtp_server):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    settings.EMAIL_PORT = free_port()
    queue("asha@example.nhs.uk")

    assert send_queued() == {**NOTHING, "retried": 1}
    assert send_queued(now=timezone.now() + datetime.timedelta(hours=2)) == {**NOTHING, "failed": 1}

    message = row("asha@example.nhs.uk")
    assert (message.state, message.attempts) == (MessageState.FAILED, 2)
    assert message.last_error.startswith("Gave up after 2 attempts. Last error: Could not reach the mail server: ")


def test_back_off_doubles_up_to_the_cap(settings):
    settings.OUTBOX_RETRY_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600

    assert [sending.backoff(n).total_seconds() for n in (1, 2, 3, 6, 7, 12)] == [60, 120, 240, 1920, 3600, 3600]


def test_a_sender_that_abandons_its_batch_leaves_rows_another_sender_completes(smtp_server):
    queue("a@example.nhs.uk", "b@example.nhs.uk", "c@example.nhs.uk")
    abandoned = sending.claim()  # ... and the sender dies before sending anything
    assert [m.state for m in abandoned.messages] == ["sending"] * 3

    assert send_queued() == NOTHING  # the lease still holds
    after_lease = timezone.now() + sending.lease() + datetime.timedelta(seconds=1)
    assert send_queued(now=after_lease) == {**NOTHING, "sent": 3}

    assert sorted(smtp_server.recorder.recipients()) == ["a@example.nhs.uk", "b@example.nhs.uk", "c@example.nhs.uk"]
    assert set(Message.objects.values_list("state", "attempts")) == {("sent", 2)}
    # The first sender, had it woken up, could no longer touch the rows.
    sending._mark_failed(abandoned, abandoned.messages[0], "too late")
    assert set(Message.objects.values_list("state", flat=True)) == {"sent"}


def test_a_message_that_cannot_be_written_fails_alone(smtp_server, monkeypatch):
    def write(messages):
        if len(messages) > 1:
            raise ValueError("one of these is bad")
        (message,) = messages
        if message.recipient == "bad@example.nhs.uk":
            raise ValueError("no such template")
        return {message.pk: EmailMessage(subject="Hi", body="Body", to=[message.recipient])}

    monkeypatch.setitem(registry._kinds, "test_kind", registry.Kind(write=write))
    Message.objects.bulk_create(
        Message(kind="test_kind", recipient=address, next_attempt_at=timezone.now())
        for address in ("good@example.nhs.uk", "bad@example.nhs.uk")
    )

    assert send_queued() == {**NOTHING, "sent": 1, "failed": 1}

    assert smtp_server.recorder.recipients() == ["good@example.nhs.uk"]
    assert row("bad@example.nhs.uk").last_error == "Could not be written: ValueError: no such template"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions")
def test_two_senders_at_once_send_each_message_once(settings, smtp_server):
    settings.OUTBOX_BATCH_SIZE = 10
    addresses = [f"p{n:03}@example.nhs.uk" for n in range(200)]
    queue(*addresses)

    outcomes = race([send_queued, send_queued])

    assert outcomes == ["ok", "ok"]
    assert sorted(smtp_server.recorder.recipients()) == addresses
    assert set(Message.objects.values_list("state", "attempts")) == {("sent", 1)}


def test_an_email_stored_as_written_goes_as_it_was_and_is_not_kept_once_sent():
    from django.core import mail
    from django.core.mail import EmailMultiAlternatives

    email = EmailMultiAlternatives(subject="Your code", body="ABCD-EFGH", to=["asha@example.nhs.uk"])
    email.attach_alternative("<p>ABCD-EFGH</p>", "text/html")
    queue_email(email)
    assert row("asha@example.nhs.uk").content["body"] == "ABCD-EFGH"

    assert send_queued() == {**NOTHING, "sent": 1}

    (sent,) = mail.outbox
    assert (sent.subject, sent.body, sent.to, sent.alternatives) == (
        "Your code",
        "ABCD-EFGH",
        ["asha@example.nhs.uk"],
        [("<p>ABCD-EFGH</p>", "text/html")],
    )
    assert row("asha@example.nhs.uk").content == {}
