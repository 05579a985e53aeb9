"""Organisers' retries of failed emails, audit-logged."""

from django.db import transaction

from attendees.queries.messages import failed_messages
from outbox import services as outbox
from outbox.models import Message
from summits import audit
from summits.models import Session


@transaction.atomic
def retry_email(*, actor, message: Message) -> int:
    """Queues one failed email again (a fresh count of attempts). Returns 1, or 0 if it had
    not failed (someone retried it a moment ago)."""
    retried = outbox.retry(Message.objects.filter(pk=message.pk))
    if retried:
        audit.record(
            actor=actor,
            action="email.retry",
            object_type="email",
            object_repr=f"{message.get_kind_display()} to {message.recipient}",
            before={"state": message.state, "last_error": message.last_error},
            after={"state": "queued"},
        )
    return retried


@transaction.atomic
def retry_failed_emails(*, actor, session: Session | None = None) -> int:
    """Queues every failed email (of one session, or all) again. Returns how many."""
    retried = outbox.retry(failed_messages(session))
    if retried:
        audit.record(
            actor=actor,
            action="email.retry_failed",
            obj=session,
            object_type="email",
            object_repr="Every failed email",
            after={"retried": retried},
        )
    return retried
