"""How each kind of message is written: the app that sends a kind registers a writer for it in
its AppConfig.ready(), so the outbox stays at the bottom of the dependency chain.

A writer takes a batch of messages of its kind and returns, by message id, the EmailMessage to
send or a Skip saying why it is no longer wanted. It loads what it needs for the whole batch at
once, so a sender's queries do not grow with the batch.

Why emails are written when sent rather than when queued: queuing stays one bulk INSERT inside
the organiser's transaction (10,000 invitations would otherwise mean 30,000 template renders
while the transaction holds its locks); the email carries the session as it is when it goes
(an invitation queued before a move shows the new time, a REQUEST carries the current
SEQUENCE); and one that is no longer wanted can be skipped. What cannot be worked out again
later (what a change changed from and to, the reminder's day) is stored in the row's `context`.
Crash safety is the same either way: the row exists from the moment of the change, and a retry
writes the same email again from the same data.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.mail import EmailMessage

from outbox.models import Message


@dataclass(frozen=True)
class Skip:
    """The message's turn came when it was no longer wanted; `reason` says why."""

    reason: str


Written = EmailMessage | Skip
Writer = Callable[[list[Message]], dict[int, Written]]
SentHook = Callable[[Iterable[int]], None]


@dataclass(frozen=True)
class Kind:
    write: Writer
    # Told the `about_id`s of the messages just sent (e.g. to stamp Invitation.sent_at).
    on_sent: SentHook | None = None


_kinds: dict[str, Kind] = {}


def register(kind: str, *, write: Writer, on_sent: SentHook | None = None) -> None:
    _kinds[kind] = Kind(write=write, on_sent=on_sent)


def kind(name: str) -> Kind | None:
    return _kinds.get(name)
