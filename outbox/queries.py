"""Reads of the outbox: counts by state, failed messages, and the age of the oldest message
still waiting (for /healthz)."""

import datetime

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from outbox.enums import MessageState
from outbox.models import Message

WAITING = (MessageState.QUEUED, MessageState.SENDING)


def oldest_queued_age(now: datetime.datetime | None = None) -> datetime.timedelta | None:
    """How long the oldest message not yet sent (queued, or claimed by a sender) has waited;
    None when nothing waits. A growing age means no worker is sending."""
    oldest = Message.objects.filter(state__in=WAITING).aggregate(oldest=Min("created_at"))["oldest"]
    if oldest is None:
        return None
    return (now or timezone.now()) - oldest


def state_counts(messages: QuerySet | None = None) -> dict[str, int]:
    """How many messages are in each state, every state present (0 when none): one query."""
    messages = Message.objects.all() if messages is None else messages
    counts = messages.aggregate(**{state: Count("pk", filter=Q(state=state)) for state in MessageState.values})
    return {state: counts[state] for state in MessageState.values}


def for_session(session_id: int) -> QuerySet:
    return Message.objects.filter(session_id=session_id)


def failed(messages: QuerySet | None = None) -> QuerySet:
    """Failed messages, newest first, with their reasons."""
    messages = Message.objects.all() if messages is None else messages
    return messages.filter(state=MessageState.FAILED).order_by("-created_at", "-pk")


def for_recipient(email: str) -> QuerySet:
    """Every message to one address (subject access, erasure)."""
    return Message.objects.filter(recipient__iexact=email.strip()).order_by("created_at", "pk")
