"""Reads for the organisers' email pages: counts by state and the failed emails with their
reasons, for the whole service or one session (outbox.queries does the counting)."""

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from attendees.models import Invitation
from outbox import queries as outbox_queries
from outbox.enums import MessageState
from outbox.models import Message
from summits.models import Session


@dataclass
class EmailCounts:
    waiting: int  # queued, or being sent
    sent: int
    failed: int
    skipped: int

    @classmethod
    def of(cls, messages: QuerySet) -> "EmailCounts":
        counts = outbox_queries.state_counts(messages)
        return cls(
            waiting=counts[MessageState.QUEUED] + counts[MessageState.SENDING],
            sent=counts[MessageState.SENT],
            failed=counts[MessageState.FAILED],
            skipped=counts[MessageState.SKIPPED],
        )


def messages_of(session: Session | None) -> QuerySet:
    return Message.objects.all() if session is None else outbox_queries.for_session(session.pk)


def failed_messages(session: Session | None) -> QuerySet:
    return outbox_queries.failed(messages_of(session))


def with_session_codes(messages: list[Message]) -> list[Message]:
    """Gives each message its session's code (`session_code`, "" for none): one query."""
    codes = dict(
        Session.objects.filter(pk__in={m.session_id for m in messages if m.session_id}).values_list("pk", "code")
    )
    for message in messages:
        message.session_code = codes.get(message.session_id, "")
    return messages


def with_email_state(invitations: QuerySet) -> QuerySet:
    """Annotates each invitation with its latest email's state, error and time sent
    (`email_state`, `email_error`, `email_sent_at`), in the same query."""
    latest = Message.objects.filter(about_type=Invitation._meta.label_lower, about_id=OuterRef("pk")).order_by("-pk")
    return invitations.annotate(
        email_state=Subquery(latest.values("state")[:1]),
        email_error=Subquery(latest.values("last_error")[:1]),
        email_sent_at=Subquery(latest.values("sent_at")[:1]),
    )
