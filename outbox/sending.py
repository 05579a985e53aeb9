"""Sending the outbox.

A sender claims a batch of due rows (queued and due, or claimed by a sender whose lease has run
out) in one short transaction: on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`, so two senders
take different rows; on SQLite the IMMEDIATE transaction lets one claimer in at a time. The
claim marks the rows `sending`, counts the attempt and gives them a lease.

The batch is then written (outbox.registry) and sent over one SMTP connection, and each row is
marked sent the moment the relay accepts it. A sender that dies leaves at most the message in
flight unmarked; its other rows are queued or sending with a lease that runs out, and the next
sender takes them. So nothing is lost and at most that one message can go twice.

Failures are per message: a permanent refusal (an SMTP 5xx reply to that message) fails that
row with the relay's reason; anything temporary (a 4xx reply, a refused or dropped connection, a
timeout) queues the row again after an exponential back-off, until OUTBOX_MAX_ATTEMPTS.
"""

import datetime
import logging
import smtplib
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from outbox import registry
from outbox.enums import MessageState
from outbox.models import Message

logger = logging.getLogger(__name__)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def batch_size() -> int:
    return _setting("OUTBOX_BATCH_SIZE", 100)


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=_setting("OUTBOX_LEASE_SECONDS", 300))


def max_attempts() -> int:
    return _setting("OUTBOX_MAX_ATTEMPTS", 8)


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait before the next try after `attempts` tries: doubling from
    OUTBOX_RETRY_SECONDS, capped at OUTBOX_RETRY_MAX_SECONDS."""
    base = _setting("OUTBOX_RETRY_SECONDS", 60)
    cap = _setting("OUTBOX_RETRY_MAX_SECONDS", 3600)
    return datetime.timedelta(seconds=min(cap, base * 2 ** max(attempts - 1, 0)))


def due(now: datetime.datetime) -> Q:
    return Q(state=MessageState.QUEUED, next_attempt_at__lte=now) | Q(state=MessageState.SENDING, leased_until__lt=now)


@dataclass
class Batch:
    token: str
    messages: list[Message]


def claim(*, size: int | None = None, now: datetime.datetime | None = None) -> Batch:
    """Claims up to `size` due rows for this sender."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        locking = Message.objects.filter(due(now)).select_for_update(
            skip_locked=connection.features.has_select_for_update_skip_locked
        )
        ids = list(locking.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[: size or batch_size()])
        if ids:
            Message.objects.filter(pk__in=ids).update(
                state=MessageState.SENDING, lease_token=token, leased_until=now + lease(), attempts=F("attempts") + 1
            )
    messages = list(Message.objects.filter(pk__in=ids, lease_token=token).order_by("pk")) if ids else []
    return Batch(token=token, messages=messages)


# Outcomes --------------------------------------------------------------------------------------


def _mine(batch: Batch, message: Message):
    """The row, if this sender still holds its lease (a sender that overran its lease must not
    overwrite what the next sender did)."""
    return Message.objects.filter(pk=message.pk, lease_token=batch.token)


def _mark_sent(batch: Batch, message: Message, subject: str) -> None:
    _mine(batch, message).update(
        state=MessageState.SENT,
        sent_at=timezone.now(),
        subject=subject[:255],
        last_error="",
        lease_token="",
        leased_until=None,
        # An email stored as written (a sign-in code) is not kept once it has gone.
        content={},
    )


def _mark_failed(batch: Batch, message: Message, reason: str, subject: str = "") -> None:
    _mine(batch, message).update(
        state=MessageState.FAILED, last_error=reason, subject=subject[:255], lease_token="", leased_until=None
    )


def _mark_skipped(batch: Batch, message: Message, reason: str) -> None:
    _mine(batch, message).update(state=MessageState.SKIPPED, last_error=reason, lease_token="", leased_until=None)


def _retry_later(batch: Batch, message: Message, reason: str, subject: str = "") -> str:
    """Queues the row again after its back-off, or fails it after the last attempt; returns
    which ("retried" or "failed")."""
    if message.attempts >= max_attempts():
        _mark_failed(batch, message, f"Gave up after {message.attempts} attempts. Last error: {reason}", subject)
        return "failed"
    _mine(batch, message).update(
        state=MessageState.QUEUED,
        next_attempt_at=timezone.now() + backoff(message.attempts),
        last_error=reason,
        subject=subject[:255],
        lease_token="",
        leased_until=None,
    )
    return "retried"


# Errors --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    reason: str
    permanent: bool
    # The connection can no longer be used for the rest of the batch.
    broken: bool = False


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}".strip()


def classify(error: Exception) -> Failure:
    """What a sending error means for the message: permanent (a 5xx reply about it) or
    temporary (a 4xx reply, a dropped or refused connection, a timeout)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values()) or [(450, b"refused")]
        reason = "; ".join(_reply(code, text) for code, text in replies)
        return Failure(f"The mail server refused the address: {reason}", permanent=all(c >= 500 for c, _ in replies))
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return Failure(f"The mail server closed the connection: {error}", permanent=False, broken=True)
    if isinstance(error, smtplib.SMTPResponseException):
        return Failure(
            f"The mail server refused the message: {_reply(error.smtp_code, error.smtp_error)}",
            permanent=error.smtp_code >= 500,
            broken=error.smtp_code == 421,
        )
    if isinstance(error, OSError | smtplib.SMTPException):
        return Failure(f"Could not reach the mail server: {error or type(error).__name__}", False, broken=True)
    # A message that cannot be written or encoded will not be any better next time.
    return Failure(f"{type(error).__name__}: {error}", permanent=True)


# Sending -------------------------------------------------------------------------------------


def _write(messages: list[Message]) -> dict[int, registry.Written | Exception]:
    """Every message written by its kind's writer; a writer that fails is tried message by
    message, so one bad message does not hold back the rest of the batch."""
    by_kind: dict[str, list[Message]] = defaultdict(list)
    for message in messages:
        by_kind[message.kind].append(message)
    written: dict[int, registry.Written | Exception] = {}
    for kind, group in by_kind.items():
        handler = registry.kind(kind)
        if handler is None:
            for message in group:
                written[message.pk] = ValueError(f"No writer is registered for {kind!r} messages")
            continue
        try:
            written.update(handler.write(group))
        except Exception:
            logger.exception("Writing a batch of %s messages failed; writing them one by one", kind)
            for message in group:
                try:
                    written.update(handler.write([message]))
                except Exception as error:
                    written[message.pk] = error
    return written


def send_batch(batch: Batch) -> dict[str, int]:
    """Sends a claimed batch over one connection. Returns how many were sent, failed, retried
    and skipped."""
    counts = dict.fromkeys(("sent", "failed", "retried", "skipped"), 0)
    if not batch.messages:
        return counts
    written = _write(batch.messages)
    with _commits_without_waiting_for_disk():
        return _send(batch, written, counts)


@contextmanager
def _commits_without_waiting_for_disk():
    """On PostgreSQL, the batch's marks are committed without waiting for the disk: each is
    visible to every other sender at once and on disk a moment later, so only a crash of the
    database server itself in that moment could lose a mark (and that email would go twice);
    a worker's crash loses nothing. It saves a disk flush per email, a third of the time per
    email on this machine (benchmarks/email_fanout.py)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _send(batch: Batch, written: dict, counts: dict[str, int]) -> dict[str, int]:
    smtp = get_connection(fail_silently=False)
    opened = False
    broken: Failure | None = None
    sent_about: dict[str, list[int]] = defaultdict(list)
    try:
        for message in batch.messages:
            email = written.get(message.pk)
            if message.attempts > max_attempts():
                _mark_failed(batch, message, f"Not sent after {max_attempts()} attempts: a sender stopped each time")
                counts["failed"] += 1
                continue
            if isinstance(email, registry.Skip):
                _mark_skipped(batch, message, email.reason)
                counts["skipped"] += 1
                continue
            if not isinstance(email, EmailMessage):
                error = email if isinstance(email, Exception) else ValueError("The writer returned nothing")
                _mark_failed(batch, message, f"Could not be written: {type(error).__name__}: {error}")
                counts["failed"] += 1
                continue
            subject = str(email.subject)
            if broken is None and not opened:
                try:
                    smtp.open()
                    opened = True
                except Exception as error:
                    broken = classify(error)
            if broken is not None:
                # The relay cannot be reached: every remaining message waits for the next try.
                counts[_retry_later(batch, message, broken.reason, subject)] += 1
                continue
            try:
                if not smtp.send_messages([email]):
                    raise smtplib.SMTPRecipientsRefused({message.recipient: (550, b"the message has no recipient")})
            except Exception as error:
                failure = classify(error)
                if failure.permanent:
                    _mark_failed(batch, message, failure.reason, subject)
                    counts["failed"] += 1
                else:
                    counts[_retry_later(batch, message, failure.reason, subject)] += 1
                if failure.broken:
                    broken = failure
                logger.warning("Message %s (%s) not sent: %s", message.pk, message.kind, failure.reason)
                continue
            _mark_sent(batch, message, subject)
            counts["sent"] += 1
            if message.about_id is not None:
                sent_about[message.kind].append(message.about_id)
    finally:
        if opened:
            try:
                smtp.close()
            except Exception:
                logger.exception("Closing the mail server connection failed")
        for kind, about_ids in sent_about.items():
            handler = registry.kind(kind)
            if handler is not None and handler.on_sent is not None:
                handler.on_sent(about_ids)
    return counts


def send_queued(*, max_batches: int | None = None, now: datetime.datetime | None = None) -> dict[str, int]:
    """Claims and sends batches until nothing is due (or `max_batches` have gone). `now` is
    the moment that decides what is due (tests move it past a back-off or a lease)."""
    totals = dict.fromkeys(("sent", "failed", "retried", "skipped"), 0)
    done = 0
    while max_batches is None or done < max_batches:
        batch = claim(now=now)
        if not batch.messages:
            break
        for key, value in send_batch(batch).items():
            totals[key] += value
        done += 1
    return totals
