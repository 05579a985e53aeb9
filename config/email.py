"""Renders an email from templates/emails/<name>_subject.txt, _body.txt and _body.html and
sends it. App `emails.py` modules call this; tasks call those."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_templated_email(
    *, name: str, to: list[str], context: dict, attachments: list[tuple[str, bytes, str]] = ()
) -> None:
    context = {"SERVICE_NAME": settings.SERVICE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{name}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(render_to_string(f"emails/{name}_body.html", context), "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
