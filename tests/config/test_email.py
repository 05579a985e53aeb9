"""Templated emails, and the calendar invite they can carry: the MIME structure Outlook and
Gmail recognise as an invitation (DOMAIN.md rule 4), checked on the bytes that go on the wire."""

import email

import pytest
from django.core import mail

from config.email import CalendarInvite, send_templated_email

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:{method}\r\nBEGIN:VEVENT\r\nUID:session-1@workshops.example.nhs.uk\r\n"
    "SUMMARY:Café society: data (PIL-01)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _ics(method: str) -> bytes:
    return ICS.format(method=method).encode()


def _send(invite: CalendarInvite | None = None) -> None:
    send_templated_email(
        name="staff_welcome",
        to=["jane.smith@example.nhs.uk"],
        context={"role": "organiser", "sign_in_url": "https://x/accounts/login/code/", "email": "jane@x"},
        invite=invite,
    )


def _wire(message) -> email.message.Message:
    """The message as the SMTP backend sends it, parsed back."""
    return email.message_from_bytes(message.message().as_bytes(linesep="\r\n"))


def _structure(parsed) -> list[str]:
    return [part.get_content_type() for part in parsed.walk()]


def test_send_templated_email_without_invite_is_text_and_html():
    _send()

    (message,) = mail.outbox
    assert message.subject == "You can now sign in to Digital Leadership Workshops as an organiser"
    assert message.to == ["jane.smith@example.nhs.uk"]
    assert _structure(_wire(message)) == ["multipart/alternative", "text/plain", "text/html"]


def test_send_templated_email_request_invite_inline_and_as_attachment():
    _send(CalendarInvite(ics=_ics("REQUEST"), method="REQUEST"))

    parsed = _wire(mail.outbox[0])
    assert _structure(parsed) == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]


def test_send_templated_email_calendar_part_content_type_carries_method():
    _send(CalendarInvite(ics=_ics("REQUEST"), method="REQUEST"))

    part = next(p for p in _wire(mail.outbox[0]).walk() if p.get_content_type() == "text/calendar")
    assert part["Content-Type"] == 'text/calendar; charset="utf-8"; method=REQUEST'
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    assert part["Content-Disposition"] is None


def test_send_templated_email_calendar_part_reaches_the_calendar_byte_for_byte():
    _send(CalendarInvite(ics=_ics("REQUEST"), method="REQUEST"))

    part = next(p for p in _wire(mail.outbox[0]).walk() if p.get_content_type() == "text/calendar")
    assert part["Content-Transfer-Encoding"] == "base64"
    assert part.get_payload(decode=True) == _ics("REQUEST")


def test_send_templated_email_invite_ics_attachment():
    _send(CalendarInvite(ics=_ics("REQUEST"), method="REQUEST"))

    part = next(p for p in _wire(mail.outbox[0]).walk() if p.get_content_type() == "application/ics")
    assert part["Content-Type"] == 'application/ics; name="invite.ics"'
    assert part["Content-Disposition"] == 'attachment; filename="invite.ics"'
    assert part.get_filename() == "invite.ics"
    assert part.get_payload(decode=True) == _ics("REQUEST")


def test_send_templated_email_cancel_invite_method_cancel():
    _send(CalendarInvite(ics=_ics("CANCEL"), method="CANCEL"))

    part = next(p for p in _wire(mail.outbox[0]).walk() if p.get_content_type() == "text/calendar")
    assert part["Content-Type"] == 'text/calendar; charset="utf-8"; method=CANCEL'
    assert part.get_payload(decode=True) == _ics("CANCEL")


def test_send_templated_email_text_and_html_bodies_kept_with_invite():
    _send(CalendarInvite(ics=_ics("REQUEST"), method="REQUEST"))

    message = mail.outbox[0]
    parsed = _wire(message)
    text = next(p for p in parsed.walk() if p.get_content_type() == "text/plain")
    html = next(p for p in parsed.walk() if p.get_content_type() == "text/html")
    assert text.get_payload(decode=True).decode() == message.body.replace("\n", "\r\n")
    assert html.get_payload(decode=True).decode().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("method", ["PUBLISH", "request", ""])
def test_calendar_invite_refuses_other_methods(method):
    with pytest.raises(ValueError, match="^An emailed invite's method is REQUEST or CANCEL, not ") as error:
        CalendarInvite(ics=_ics("PUBLISH"), method=method)

    assert str(error.value) == f"An emailed invite's method is REQUEST or CANCEL, not {method!r}"
