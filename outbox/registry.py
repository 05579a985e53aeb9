"""How each kind of message is written: the app that sends a kind registers a writer for it in
its AppConfig.ready(), so the outbox stays at the bottom of the dependency chain.

A writer takes a batch of messages of its kind and returns, by message id, the EmailMessage to
send or a Skip saying why it is no longer wanted. It loads what it needs for the whole batch at
once, so a sender's queries do not grow with the batch.
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
