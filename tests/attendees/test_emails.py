"""Board members' emails (mail.outbox): the details in the body, the links, and the calendar
invite for the one recipient, parsed back from the bytes that go on the wire."""

import datetime
import email

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from icalendar import Calendar

from attendees import emails, services
from attendees.enums import InvitationStatus, RegistrationStatus
from attendees.models import Invitation, Registration
from outbox import services as outbox
from outbox.models import Message
from outbox.sending import send_queued
from summits.enums import Region, SessionStatus, Theme
from summits.models import Session
from tests import factories

pytestmark = pytest.mark.django_db

SITE = "https://workshops.example.nhs.uk"
REQUEST_TYPE = 'text/calendar; charset="utf-8"; method=REQUEST'
CANCEL_TYPE = 'text/calendar; charset="utf-8"; method=CANCEL'


@pytest.fixture
def session():
    """A published session on Tuesday 10 June 2031, 09:30 to 12:30 London summer time."""
    phase = factories.phase(starts_on=datetime.date(2030, 1, 1), ends_on=datetime.date(2032, 12, 31))
    venue = factories.venue(
        name="Leeds Civic Hall",
        address="Portland Crescent",
        town="Leeds",
        postcode="LS1 1UR",
        region=Region.NORTH_EAST_AND_YORKSHIRE,
    )
    return factories.published_session(
        phase=phase,
        code="PIL-HOW-01",
        title="Assuring digital decisions",
        theme=Theme.HOW_TO,
        starts_at=factories.london(2031, 6, 10, 9, 30),
        venue=venue,
        online_url="",
        capacity=1,
        focus_areas=[factories.focus_area(5)],
    )


def jane():
    return factories.person(first_name="Jane", last_name="Smith", email="jane.smith@example.nhs.uk")


def omar():
    return factories.person(first_name="Omar", last_name="Khan", email="omar.khan@example.nhs.uk")


DETAILS = [
    "Assuring digital decisions (PIL-HOW-01)",
    "Date: Tuesday 10 June 2031",
    "Time: 09:30 to 12:30 (UK time)",
    "Where: Leeds Civic Hall, Portland Crescent, Leeds LS1 1UR",
    "Theme: How to",
    f"More about this workshop: {SITE}/sessions/PIL-HOW-01/",
]


def details_in(body: str) -> list[str]:
    lines = body.splitlines()
    start = lines.index(DETAILS[0])
    return lines[start : start + len(DETAILS)]


def calendar_part(message):
    """The inline text/calendar part as the SMTP backend sends it: (Content-Type, Calendar)."""
    parsed = email.message_from_bytes(message.message().as_bytes(linesep="\r\n"))
    parts = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    if not parts:
        return None, None
    (part,) = parts
    return part["Content-Type"], Calendar.from_ical(part.get_payload(decode=True))


def attached_ics(message) -> bytes | None:
    parsed = email.message_from_bytes(message.message().as_bytes(linesep="\r\n"))
    files = [part.get_payload(decode=True) for part in parsed.walk() if part.get_filename() == "invite.ics"]
    return files[0] if files else None


def attendee_line(message) -> str:
    parsed = email.message_from_bytes(message.message().as_bytes(linesep="\r\n"))
    part = next(part for part in parsed.walk() if part.get_content_type() == "text/calendar")
    lines = part.get_payload(decode=True).decode().replace("\r\n ", "").split("\r\n")
    (line,) = [line for line in lines if line.startswith("ATTENDEE")]
    return line


def html(message) -> str:
    (content, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return content


def invite(person, session) -> Invitation:
    return Invitation.objects.create(person=person, session=session)


def to(message) -> str:
    (address,) = message.to
    return address


# Invitations ----------------------------------------------------------------------------------


def send_invitations(invitation_ids: list[int]) -> dict[str, int]:
    """Queues the invitations as a service does, then lets the outbox send them."""
    emails.send_invitations(invitations=Invitation.objects.filter(pk__in=invitation_ids))
    return send_queued()


def test_send_invitations_one_email_per_person():
    session = factories.published_session()
    people = [factories.person() for _ in range(3)]
    invitations = [invite(person, session) for person in people]

    send_invitations([i.pk for i in invitations])

    assert [to(message) for message in mail.outbox] == [person.email for person in people]


def test_send_invitations_subject_and_details_in_the_body(session):
    invitation = invite(jane(), session)

    send_invitations([invitation.pk])

    (message,) = mail.outbox
    assert message.subject == "Invitation: Assuring digital decisions, 10 June 2031"
    assert message.to == ["jane.smith@example.nhs.uk"]
    assert message.body.splitlines()[0] == "Dear Jane,"
    assert details_in(message.body) == DETAILS


def test_send_invitations_accept_and_decline_links(session):
    invitation = invite(jane(), session)

    send_invitations([invitation.pk])

    lines = mail.outbox[0].body.splitlines()
    accept = f"{SITE}/i/{invitation.pk}/{invitation.token}/"
    decline = f"{SITE}/i/{invitation.pk}/{invitation.token}/decline/"
    assert lines[lines.index("To take a place, accept the invitation:") + 1] == accept
    assert lines[lines.index("If you cannot come, decline the invitation:") + 1] == decline
    assert f'<a href="{accept}" style="' in html(mail.outbox[0])
    assert f'<a href="{decline}" style="color: #005eb8;">decline the invitation</a>' in html(mail.outbox[0])


def test_send_invitations_carry_no_calendar_part_only_a_link_to_the_public_ics(session):
    invitation = invite(jane(), session)

    send_invitations([invitation.pk])

    message = mail.outbox[0]
    assert calendar_part(message) == (None, None)
    assert attached_ics(message) is None
    lines = message.body.splitlines()
    note = (
        "When you have a place we will send you a calendar invitation. To note the date before then, "
        "add it to your calendar (this does not book a place):"
    )
    assert lines[lines.index(note) + 1] == f"{SITE}/sessions/PIL-HOW-01/calendar.ics"


def test_send_invitations_marks_the_invitation_and_its_message_sent(session):
    invitation = invite(jane(), session)

    assert send_invitations([invitation.pk]) == {"sent": 1, "failed": 0, "retried": 0, "skipped": 0}

    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    message = Message.objects.get()
    assert (message.kind, message.state, message.attempts) == ("invitation", "sent", 1)
    assert (message.about_type, message.about_id, message.session_id) == (
        "attendees.invitation",
        invitation.pk,
        session.pk,
    )
    assert message.subject == "Invitation: Assuring digital decisions, 10 June 2031"
    assert send_queued() == {"sent": 0, "failed": 0, "retried": 0, "skipped": 0}
    assert len(mail.outbox) == 1


def test_send_invitations_after_resend_sends_again(session, organiser, django_capture_on_commit_callbacks):
    invitation = invite(jane(), session)
    send_invitations([invitation.pk])

    with django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(actor=organiser, invitation=invitation)

    assert [to(message) for message in mail.outbox] == ["jane.smith@example.nhs.uk", "jane.smith@example.nhs.uk"]
    assert mail.outbox[0].body == mail.outbox[1].body


def skipped_reason() -> tuple[str, str]:
    (message,) = Message.objects.all()
    return message.state, message.last_error


def test_send_invitations_skips_cancelled_session(session):
    invitation = invite(jane(), session)
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED, cancellation_reason="Unwell")

    send_invitations([invitation.pk])

    assert mail.outbox == []
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    assert skipped_reason() == ("skipped", "The session is no longer open (cancelled or unpublished)")


def test_send_invitations_skips_past_session():
    session = factories.published_session(starts_at=timezone.now() - datetime.timedelta(days=1))
    invitation = invite(jane(), session)

    send_invitations([invitation.pk])

    assert mail.outbox == []
    assert skipped_reason() == ("skipped", "Registration for the session closed before this email went out")


def test_send_invitations_skips_session_whose_registration_has_closed(session):
    Session.objects.filter(pk=session.pk).update(registration_closes_at=timezone.now() - datetime.timedelta(hours=1))
    invitation = invite(jane(), session)

    send_invitations([invitation.pk])

    assert mail.outbox == []


def test_send_invitations_skips_answered_invitation(session):
    invitation = invite(jane(), session)
    Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.DECLINED)

    send_invitations([invitation.pk])

    assert mail.outbox == []
    assert skipped_reason() == ("skipped", "The invitation was declined before this email went out")


@pytest.mark.parametrize("size", [1, 3])
def test_send_invitations_queries_to_queue_do_not_grow(session, django_assert_num_queries, size):
    ids = [invite(factories.person(), session).pk for _ in range(size)]

    # One INSERT … SELECT of the outbox rows.
    with django_assert_num_queries(1):
        emails.send_invitations(invitations=Invitation.objects.filter(pk__in=ids))

    assert Message.objects.filter(state="queued").count() == size


@pytest.mark.parametrize("size", [1, 3])
def test_send_invitations_queries_to_send_grow_only_by_one_update_per_message(session, django_assert_num_queries, size):
    ids = [invite(factories.person(), session).pk for _ in range(size)]
    emails.send_invitations(invitations=Invitation.objects.filter(pk__in=ids))

    # Claim (select, update, read back), the invitations with person and session, their focus
    # areas, one UPDATE per message as the relay accepts it, stamping the invitations sent, and
    # the claim that finds nothing more; each claim in a transaction (a savepoint in a test).
    # PostgreSQL adds setting and resetting synchronous_commit around the batch.
    with django_assert_num_queries(11 + size + (2 if connection.vendor == "postgresql" else 0)):
        send_queued()

    assert len(mail.outbox) == size


def test_send_invitations_through_the_outbox_after_invite_person(
    session, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_person(actor=organiser, session=session, person=jane())

    (message,) = mail.outbox
    assert message.subject == "Invitation: Assuring digital decisions, 10 June 2031"
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


def test_send_invitations_text_is_not_html_escaped_but_html_is(session):
    Session.objects.filter(pk=session.pk).update(title="Data & decisions <for boards>")
    invitation = invite(jane(), session)

    send_invitations([invitation.pk])

    message = mail.outbox[0]
    assert message.subject == "Invitation: Data & decisions <for boards>, 10 June 2031"
    assert "Data & decisions <for boards> (PIL-HOW-01)" in message.body.splitlines()
    assert "Data &amp; decisions &lt;for boards&gt; (PIL-HOW-01)</h2>" in html(message)


def test_send_invitations_online_session_has_no_joining_link():
    session = factories.published_session(venue=None, online_url="https://meet.example.nhs.uk/pil-01")
    invitation = invite(jane(), session)

    send_invitations([invitation.pk])

    message = mail.outbox[0]
    assert "Where: Online" in message.body.splitlines()
    assert "meet.example.nhs.uk" not in message.body
    assert "meet.example.nhs.uk" not in html(message)


# Registration -------------------------------------------------------------------------------


def register(person, session, capture) -> Registration:
    with capture(execute=True):
        return services.register(person=person, session=session)


def test_send_registration_confirmed_place_with_request_invite(session, django_capture_on_commit_callbacks):
    registration = register(jane(), session, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.subject == "You have a place: Assuring digital decisions, 10 June 2031"
    assert message.body.splitlines()[2] == "You have a place on this workshop."
    assert details_in(message.body) == DETAILS
    content_type, ics = calendar_part(message)
    assert content_type == REQUEST_TYPE
    assert ics["METHOD"] == "REQUEST"
    (event,) = ics.events
    assert str(event["UID"]) == f"session-{session.pk}@workshops.example.nhs.uk"
    assert event["SEQUENCE"] == 0
    assert str(event["ORGANIZER"]) == "mailto:workshops@example.nhs.uk"
    assert registration.status == RegistrationStatus.CONFIRMED
    assert attendee_line(message) == (
        'ATTENDEE;CN="Jane Smith";RSVP=TRUE;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT:mailto:jane.smith@example.nhs.uk'
    )
    attached = Calendar.from_ical(attached_ics(message))
    assert attached["METHOD"] == "REQUEST"
    assert str(attached.events[0]["ATTENDEE"]) == "mailto:jane.smith@example.nhs.uk"


def test_send_registration_confirmed_links_to_cancel_and_my_sessions(session, django_capture_on_commit_callbacks):
    registration = register(jane(), session, django_capture_on_commit_callbacks)

    lines = mail.outbox[0].body.splitlines()
    cancel = lines.index("If you can no longer come, cancel your place so someone on the waiting list can have it:")
    assert lines[cancel + 1] == f"{SITE}/r/{registration.pk}/{registration.token}/cancel/"
    assert lines[lines.index("See all your workshops in My sessions:") + 1] == f"{SITE}/my/sessions/"


def test_send_registration_waitlisted_gives_position_and_no_invite(session, django_capture_on_commit_callbacks):
    register(jane(), session, django_capture_on_commit_callbacks)
    register(omar(), session, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    third = factories.person(first_name="Ana", email="ana@example.nhs.uk")
    registration = register(third, session, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert registration.status == RegistrationStatus.WAITLISTED
    assert message.subject == "You are on the waiting list: Assuring digital decisions, 10 June 2031"
    assert message.body.splitlines()[2] == "This workshop is full. You are number 2 on the waiting list."
    assert details_in(message.body) == DETAILS
    assert calendar_part(message) == (None, None)
    assert attached_ics(message) is None


def test_registering_then_cancelling_before_sending_skips_the_confirmation_and_sends_the_cancel(session):
    registration = services.register(person=jane(), session=session)
    services.cancel_registration(registration=registration)

    send_queued()

    methods = [(str(calendar_part(m)[1]["METHOD"]), calendar_part(m)[1].events[0]["SEQUENCE"]) for m in mail.outbox]
    assert methods == [("CANCEL", 1)]
    assert list(Message.objects.order_by("pk").values_list("kind", "state", "last_error")) == [
        ("registration_confirmed", "skipped", emails.SUPERSEDED),
        ("registration_cancelled", "sent", ""),
    ]


def test_a_message_about_a_registration_that_no_longer_exists_is_skipped():
    outbox.enqueue([outbox.message("registration_confirmed", recipient="a@example.nhs.uk", about=("x", 987654))])

    send_queued()

    assert mail.outbox == []
    assert skipped_reason() == ("skipped", "The registration no longer exists")


# Cancelling and the waiting list ------------------------------------------------------------


def test_cancelling_emails_cancel_to_canceller_and_request_to_the_promoted_person(
    session, django_capture_on_commit_callbacks
):
    first = register(jane(), session, django_capture_on_commit_callbacks)
    register(omar(), session, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration=first)

    by_recipient = {to(message): message for message in mail.outbox}
    assert sorted(by_recipient) == ["jane.smith@example.nhs.uk", "omar.khan@example.nhs.uk"]
    promoted = by_recipient["omar.khan@example.nhs.uk"]
    assert promoted.subject == "A place has come up for you: Assuring digital decisions, 10 June 2031"
    assert details_in(promoted.body) == DETAILS
    content_type, ics = calendar_part(promoted)
    assert (content_type, ics["METHOD"]) == (REQUEST_TYPE, "REQUEST")
    assert str(ics.events[0]["ATTENDEE"]) == "mailto:omar.khan@example.nhs.uk"
    cancelled = by_recipient["jane.smith@example.nhs.uk"]
    assert cancelled.subject == "Your place has been cancelled: Assuring digital decisions, 10 June 2031"
    assert cancelled.body.splitlines()[2] == (
        "Your place on this workshop has been cancelled. This email removes it from your calendar."
    )
    content_type, ics = calendar_part(cancelled)
    assert (content_type, ics["METHOD"]) == (CANCEL_TYPE, "CANCEL")
    (event,) = ics.events
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"session-{session.pk}@workshops.example.nhs.uk"
    assert str(event["ATTENDEE"]) == "mailto:jane.smith@example.nhs.uk"


def test_send_cancellation_leaving_the_waiting_list_has_no_invite(session, django_capture_on_commit_callbacks):
    register(jane(), session, django_capture_on_commit_callbacks)
    waiting = register(omar(), session, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration=waiting)

    (message,) = mail.outbox
    assert message.subject == "You are no longer on the waiting list: Assuring digital decisions, 10 June 2031"
    assert message.body.splitlines()[2] == "You are no longer on the waiting list for this workshop."
    assert calendar_part(message) == (None, None)


# Changes to the session ---------------------------------------------------------------------


def test_reschedule_emails_request_with_new_sequence_to_confirmed_and_notice_to_waitlisted(
    session, organiser, django_capture_on_commit_callbacks
):
    register(jane(), session, django_capture_on_commit_callbacks)
    register(omar(), session, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_session(
            actor=organiser,
            session=session,
            starts_at=factories.london(2031, 6, 12, 13, 0),
            ends_at=factories.london(2031, 6, 12, 16, 0),
        )

    by_recipient = {to(message): message for message in mail.outbox}
    confirmed = by_recipient["jane.smith@example.nhs.uk"]
    assert confirmed.subject == (
        "Changed: new time for Assuring digital decisions: time now Thursday 12 June 2031, 13:00 to 16:00 "
        "(was Tuesday 10 June 2031, 09:30 to 12:30)"
    )
    lines = confirmed.body.splitlines()
    assert lines[2] == "This workshop has a new time."
    assert lines[4] == "Time: was Tuesday 10 June 2031, 09:30 to 12:30, now Thursday 12 June 2031, 13:00 to 16:00"
    assert "Date: Thursday 12 June 2031" in lines
    assert "Time: 13:00 to 16:00 (UK time)" in lines
    assert "You still have a place. This email updates the workshop in your calendar." in lines
    content_type, ics = calendar_part(confirmed)
    assert (content_type, ics["METHOD"]) == (REQUEST_TYPE, "REQUEST")
    (event,) = ics.events
    assert str(event["UID"]) == f"session-{session.pk}@workshops.example.nhs.uk"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == factories.london(2031, 6, 12, 13, 0)
    waitlisted = by_recipient["omar.khan@example.nhs.uk"]
    assert "Date: Thursday 12 June 2031" in waitlisted.body.splitlines()
    assert calendar_part(waitlisted) == (None, None)


@pytest.mark.parametrize("size", [1, 3])
def test_send_session_update_query_count_does_not_grow(session, django_assert_num_queries, size):
    Session.objects.filter(pk=session.pk).update(capacity=10)
    for _ in range(size):
        services.register(person=factories.person(), session=session)

    # One INSERT … SELECT for those with a place, one for the waiting list.
    with django_assert_num_queries(2):
        emails.send_session_update(session=session, changes=[])

    assert Message.objects.filter(kind="session_changed").count() == size


def test_cancel_session_emails_cancel_and_reason_to_confirmed_and_notice_to_waitlisted(
    session, organiser, django_capture_on_commit_callbacks
):
    register(jane(), session, django_capture_on_commit_callbacks)
    register(omar(), session, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(actor=organiser, session=session, reason="The facilitator is unwell.")

    by_recipient = {to(message): message for message in mail.outbox}
    confirmed = by_recipient["jane.smith@example.nhs.uk"]
    assert confirmed.subject == "Cancelled: Assuring digital decisions, 10 June 2031"
    assert "Reason: The facilitator is unwell." in confirmed.body.splitlines()
    content_type, ics = calendar_part(confirmed)
    assert (content_type, ics["METHOD"]) == (CANCEL_TYPE, "CANCEL")
    (event,) = ics.events
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", 1)
    assert str(event["UID"]) == f"session-{session.pk}@workshops.example.nhs.uk"
    waitlisted = by_recipient["omar.khan@example.nhs.uk"]
    assert "Reason: The facilitator is unwell." in waitlisted.body.splitlines()
    assert calendar_part(waitlisted) == (None, None)


@pytest.mark.parametrize("size", [1, 3])
def test_send_session_cancelled_query_count_does_not_grow(session, django_assert_num_queries, size):
    Session.objects.filter(pk=session.pk).update(capacity=10)
    for _ in range(size):
        services.register(person=factories.person(), session=session)
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED, cancellation_reason="Unwell")

    with django_assert_num_queries(2):
        emails.send_session_cancelled(session=session)

    assert Message.objects.filter(kind="session_cancelled").count() == size


# Reminders ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_before", "subject", "opening"),
    [
        (7, "Reminder: your workshop is in 7 days: Assuring digital decisions", "Your workshop is in 7 days."),
        (1, "Reminder: your workshop is tomorrow: Assuring digital decisions", "Your workshop is tomorrow."),
    ],
)
def test_send_reminder_subject_details_and_cancel_link(session, days_before, subject, opening):
    registration = services.register(person=jane(), session=session)
    Message.objects.all().delete()

    emails.send_reminders(registrations=Registration.objects.filter(pk=registration.pk), days_before=days_before)
    send_queued()

    (message,) = mail.outbox
    assert message.subject == subject
    lines = message.body.splitlines()
    assert lines[2] == opening
    assert details_in(message.body) == DETAILS
    assert f"{SITE}/r/{registration.pk}/{registration.token}/cancel/" in lines
    assert calendar_part(message) == (None, None)


def test_send_reminder_not_for_a_waitlisted_place(session):
    services.register(person=jane(), session=session)
    waiting = services.register(person=omar(), session=session)
    Message.objects.all().delete()

    emails.send_reminders(registrations=Registration.objects.filter(pk=waiting.pk), days_before=7)
    send_queued()

    assert mail.outbox == []
    assert skipped_reason()[0] == "skipped"


def test_send_reminder_not_for_a_cancelled_session(session):
    registration = services.register(person=jane(), session=session)
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED, cancellation_reason="Unwell")
    Message.objects.all().delete()

    emails.send_reminders(registrations=Registration.objects.filter(pk=registration.pk), days_before=1)
    send_queued()

    assert mail.outbox == []
    assert skipped_reason() == (
        "skipped",
        "The place or the session was gone, or the session had started, when this was due",
    )
