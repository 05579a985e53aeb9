"""Emails written elsewhere (allauth's sign-in codes) that go through the outbox as they are:
stored in the row's `content` when queued, rebuilt when sent."""

from django.core.mail import EmailMessage, EmailMultiAlternatives

from outbox import registry
from outbox import services as outbox
from outbox.enums import MessageKind
from outbox.models import Message


def queue_email(email: EmailMessage, *, kind: str = MessageKind.OTHER) -> int:
    """One outbox row per recipient of `email` (attachments are not supported)."""
    if email.attachments:
        raise ValueError("Emails with attachments cannot be stored in the outbox as written")
    content = {
        "subject": str(email.subject),
        "body": email.body,
        "from_email": email.from_email,
        "reply_to": list(email.reply_to),
        "headers": dict(email.extra_headers),
        "alternatives": [[str(body), mimetype] for body, mimetype in getattr(email, "alternatives", [])],
        "subtype": email.content_subtype,
    }
    recipients = [*email.to, *email.cc, *email.bcc]
    return outbox.enqueue(
        outbox.message(kind, recipient=address, content={**content, "to": [address]}) for address in recipients
    )


def write_stored(messages: list[Message]) -> dict[int, registry.Written]:
    written: dict[int, registry.Written] = {}
    for message in messages:
        content = message.content
        email = EmailMultiAlternatives(
            subject=content["subject"],
            body=content["body"],
            from_email=content["from_email"],
            to=content["to"],
            reply_to=content["reply_to"],
            headers=content["headers"],
            alternatives=[tuple(alternative) for alternative in content["alternatives"]],
        )
        email.content_subtype = content.get("subtype", "plain")
        written[message.pk] = email
    return written
