"""Writes to the outbox: queueing messages, and organisers' retries.

Callers queue messages inside the transaction that makes the change the message is about, so
both commit or neither does. After commit the worker is woken to send them at once; the
periodic outbox job (every minute) catches anything a wake-up missed and the retries.
"""

import logging
from collections.abc import Iterable

from django.db import connections, models, transaction
from django.utils import timezone

from outbox.enums import MessageState
from outbox.models import Message

logger = logging.getLogger(__name__)
INSERT_BATCH = 1000


def message(
    kind: str,
    *,
    recipient: str,
    about: models.Model | tuple[str, int] | None = None,
    session_id: int | None = None,
    context: dict | None = None,
    content: dict | None = None,
) -> Message:
    """An unsaved outbox row; `about` is a model instance or (model label, id)."""
    if isinstance(about, models.Model):
        about_type, about_id = about._meta.label_lower, about.pk
    elif about is not None:
        about_type, about_id = about
    else:
        about_type, about_id = "", None
    return Message(
        kind=kind,
        recipient=recipient,
        about_type=about_type,
        about_id=about_id,
        session_id=session_id,
        context=context or {},
        content=content or {},
    )


def enqueue(messages: Iterable[Message]) -> int:
    """Queues the messages (one INSERT per thousand) and wakes the worker after commit.
    Returns how many were queued."""
    now = timezone.now()
    rows = []
    for row in messages:
        row.state = MessageState.QUEUED
        row.next_attempt_at = now
        rows.append(row)
    if not rows:
        return 0
    Message.objects.bulk_create(rows, batch_size=INSERT_BATCH)
    transaction.on_commit(wake)
    return len(rows)


def enqueue_rows(kind: str, rows: models.QuerySet, *, about_type: str, context: dict | None = None) -> int:
    """Queues one `kind` message per row of `rows`, a values_list of (about id, recipient,
    session id), with a single INSERT … SELECT: no Python per row, so queuing 10,000
    invitations costs one statement inside the organiser's transaction. Wakes the worker after
    commit; returns how many were queued."""
    now = timezone.now()
    constants = {
        "kind": kind,
        "about_type": about_type,
        "context": context or {},
        "content": {},
        "state": MessageState.QUEUED,
        "attempts": 0,
        "last_error": "",
        "next_attempt_at": now,
        "lease_token": "",
        "subject": "",
        "created_at": now,
    }
    connection = connections[rows.db]
    fields = {field.name: field for field in Message._meta.concrete_fields}
    params = [fields[name].get_db_prep_save(value, connection) for name, value in constants.items()]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(fields[name].column) for name in ("about_id", "recipient", "session_id", *constants))
    select, select_params = rows.query.sql_with_params()
    sql = (
        f"INSERT INTO {quote(Message._meta.db_table)} ({columns}) "
        f"SELECT rows.*, {', '.join(['%s'] * len(params))} FROM ({select}) rows"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *select_params])  # the constants come first in the text
        count = cursor.rowcount
    if count:
        transaction.on_commit(wake, using=rows.db)
    return count


def wake() -> None:
    """Asks the worker to send what is queued now. A failure here loses nothing: the
    periodic outbox job sends the rows within a minute."""
    from outbox.tasks import send_queued_messages

    try:
        send_queued_messages.enqueue()
    except Exception:
        logger.exception("Could not wake the worker to send queued messages")


def retry(messages: models.QuerySet) -> int:
    """Queues failed messages again, now, with a fresh count of attempts. Returns how many."""
    count = messages.filter(state=MessageState.FAILED).update(
        state=MessageState.QUEUED, attempts=0, next_attempt_at=timezone.now(), lease_token="", leased_until=None
    )
    if count:
        transaction.on_commit(wake)
    return count
