"""Renders an email from templates/emails/<name>_subject.txt, _body.txt and _body.html and
builds the message, optionally with a calendar invite. App `emails.py` modules write their
messages with it when the outbox sends them (outbox/registry.py).

A calendar invite travels twice, as Google Calendar sends its own (DOMAIN.md rule 4):

    multipart/mixed
      multipart/alternative
        text/plain
        text/html
        text/calendar; charset="utf-8"; method=REQUEST   <- Outlook and Gmail show Accept/Decline
      application/ics; name="invite.ics" (attachment)    <- clients that ignore the inline part

Outlook treats the inline part as a meeting request only when the MIME type carries the same
method as the calendar's METHOD line. Django's attach_alternative() splits a text/* MIME type
at the slash and passes "calendar; method=REQUEST" on as the subtype, which produces a broken
header, so the calendar part is built here with the email package.
"""

from dataclasses import dataclass
from email import encoders
from email.mime.base import MIMEBase
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart
from django.template.loader import render_to_string

CALENDAR_METHODS = ("REQUEST", "CANCEL")
INVITE_FILENAME = "invite.ics"


@dataclass(frozen=True)
class CalendarInvite:
    """An iTIP message for one recipient: the .ics bytes and their METHOD (REQUEST or CANCEL)."""

    ics: bytes
    method: str

    def __post_init__(self):
        if self.method not in CALENDAR_METHODS:
            raise ValueError(f"An emailed invite's method is REQUEST or CANCEL, not {self.method!r}")


def calendar_part(invite: CalendarInvite) -> MIMEText:
    """The inline text/calendar alternative, base64-encoded so the CRLF line ends and folds of
    the .ics reach the calendar byte for byte."""
    part = MIMEText(invite.ics.decode(), "calendar", "utf-8")
    # Unquoted, as Google and Outlook write it; both forms are valid MIME.
    part.set_param("method", invite.method, requote=False)
    del part["MIME-Version"]
    return part


def calendar_attachment(invite: CalendarInvite) -> MIMEBase:
    """The same .ics as an `invite.ics` file, for clients that read only attachments."""
    part = MIMEBase("application", "ics", name=INVITE_FILENAME)
    part.set_payload(invite.ics)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=INVITE_FILENAME)
    return part


class InviteEmail(EmailMultiAlternatives):
    """An email whose alternatives may include the calendar invite."""

    def __init__(self, *args, invite: CalendarInvite | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.invite = invite
        if invite is not None:
            self.attach(calendar_attachment(invite))

    def _create_alternatives(self, msg):
        alternatives = super()._create_alternatives(msg)
        if self.invite is None:
            return alternatives
        if alternatives is msg:  # no HTML alternative: the text and the invite are the choices
            alternatives = SafeMIMEMultipart(
                _subtype=self.alternative_subtype, encoding=self.encoding or settings.DEFAULT_CHARSET
            )
            alternatives.attach(msg)
        alternatives.attach(calendar_part(self.invite))
        return alternatives


def render_templated_email(
    *,
    name: str,
    to: list[str],
    context: dict,
    attachments: list[tuple[str, bytes, str]] = (),
    invite: CalendarInvite | None = None,
) -> InviteEmail:
    """The email, written and ready to send (the outbox's writers return these)."""
    context = {"SERVICE_NAME": settings.SERVICE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    message = InviteEmail(
        subject=subject,
        body=render_to_string(f"emails/{name}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        invite=invite,
    )
    # The HTML alternative comes first: the calendar part is added after every alternative.
    message.attach_alternative(render_to_string(f"emails/{name}_body.html", context), "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def send_templated_email(**kwargs) -> None:
    """Renders and sends at once, outside the outbox: only for tests of the message format."""
    render_templated_email(**kwargs).send()
