"""Emails to staff, through the outbox: queued by the service, written when sent."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from config.email import render_templated_email
from outbox import registry
from outbox import services as outbox
from outbox.enums import MessageKind
from outbox.models import Message


def send_staff_welcome(*, user, role: str) -> None:
    """Queues the email telling a new organiser or evaluator how to sign in."""
    outbox.enqueue(
        [outbox.message(MessageKind.STAFF_WELCOME, recipient=user.email, about=user, context={"role": role})]
    )


def write_staff_welcome(messages: list[Message]) -> dict[int, registry.Written]:
    users = get_user_model().objects.in_bulk([m.about_id for m in messages])
    sign_in_url = settings.SITE_URL + reverse("account_request_login_code")
    written: dict[int, registry.Written] = {}
    for message in messages:
        if message.about_id not in users:
            written[message.pk] = registry.Skip("The account no longer exists")
            continue
        written[message.pk] = render_templated_email(
            name="staff_welcome",
            to=[message.recipient],
            context={"role": message.context.get("role", ""), "sign_in_url": sign_in_url, "email": message.recipient},
        )
    return written
