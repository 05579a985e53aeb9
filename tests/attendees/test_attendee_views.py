"""A board member's own pages: invitation links, the cancel link from emails, My sessions,
the personal calendar feed, registering from a session's public page, and signing in by
emailed code without an account made beforehand. A person reaches only their own things."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from attendees import services
from attendees.enums import InvitationStatus, RegistrationStatus
from attendees.models import Invitation, Person, Registration
from outbox.sending import send_queued
from summits.enums import SessionAccess, SessionStatus
from summits.models import Session
from tests import factories

pytestmark = pytest.mark.django_db

GONE = 410


def delivered() -> list:
    """The emails sent once the outbox has sent what was queued (a test's transaction never
    commits, so the worker is not woken)."""
    send_queued()
    return mail.outbox


@pytest.fixture
def session():
    return factories.published_session(title="Assuring digital decisions", code="PIL-HOW-01", capacity=1)


@pytest.fixture
def jane(db):
    return factories.person(first_name="Jane", last_name="Smith", email="jane.smith@example.nhs.uk")


@pytest.fixture
def omar(db):
    return factories.person(first_name="Omar", last_name="Khan", email="omar.khan@example.nhs.uk")


def signed_in(client, person: Person):
    client.force_login(services.ensure_person_account(email=person.email))
    return client


def invitation_url(invitation: Invitation, name: str = "attendees:invitation", token: str | None = None) -> str:
    return reverse(name, kwargs={"pk": invitation.pk, "token": token or invitation.token})


def cancel_url(registration: Registration, token: str | None = None) -> str:
    return reverse(
        "attendees:registration-cancel-link", kwargs={"pk": registration.pk, "token": token or registration.token}
    )


def text(response) -> str:
    """The page's main content as words, without markup."""
    main = re.search(r"<main.*?</main>", response.content.decode(), flags=re.S).group(0)
    words = " ".join(re.sub(r"<[^>]+>", " ", main).split())
    return re.sub(r" ([.,:;])", r"\1", words)


def places_taken(session) -> int:
    return Session.objects.get(pk=session.pk).places_taken


# The invitation page --------------------------------------------------------------------------


def test_invitation_page_shows_the_session_and_both_answers(client, session, jane):
    invitation = Invitation.objects.create(person=jane, session=session)

    response = client.get(invitation_url(invitation))

    assert response.status_code == 200
    assert response.context["session"] == session
    page = text(response)
    assert page.startswith("Invitation for Jane Smith Assuring digital decisions")
    assert f'action="{invitation_url(invitation, "attendees:invitation-accept")}"' in response.content.decode()
    assert f'action="{invitation_url(invitation, "attendees:invitation-decline")}"' in response.content.decode()
    assert "Accept and take a place" in page


def test_invitation_page_when_full_says_accepting_joins_the_waiting_list(client, session, jane, omar):
    services.register(person=omar, session=session)
    invitation = Invitation.objects.create(person=jane, session=session)

    response = client.get(invitation_url(invitation))

    assert "Accept and join the waiting list" in text(response)


def test_invitation_page_wrong_token_is_404_with_a_clear_page(client, session, jane):
    invitation = Invitation.objects.create(person=jane, session=session)

    response = client.get(invitation_url(invitation, token="x" * 32))

    assert response.status_code == 404
    assert text(response).startswith(
        "This link does not work This link is not right. Check you copied the whole link from your email."
    )
    assert "Jane" not in text(response)


def test_invitation_page_unknown_id_is_404(client):
    response = client.get(reverse("attendees:invitation", kwargs={"pk": 987654, "token": "abc"}))

    assert response.status_code == 404
    assert response.templates[0].name == "attendees/attendee/link_problem.html"


def test_invitation_page_other_invitation_id_with_this_token_is_404_and_shows_nothing_of_it(
    client, session, jane, omar
):
    mine = Invitation.objects.create(person=jane, session=session)
    other_session = factories.published_session(title="Cyber risk for boards")
    theirs = Invitation.objects.create(person=omar, session=other_session)

    response = client.get(reverse("attendees:invitation", kwargs={"pk": theirs.pk, "token": mine.token}))

    assert response.status_code == 404
    assert "Omar" not in text(response)
    assert "Cyber risk" not in text(response)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (InvitationStatus.ACCEPTED, "You have already accepted this invitation."),
    ],
)
def test_invitation_page_already_answered_is_410(client, session, jane, status, message):
    invitation = Invitation.objects.create(person=jane, session=session, status=status)

    response = client.get(invitation_url(invitation))

    assert response.status_code == GONE
    assert text(response).startswith(f"This link can no longer be used {message}")


def test_declined_invitation_page_offers_to_accept_while_open(client, session, jane):
    invitation = Invitation.objects.create(person=jane, session=session, status=InvitationStatus.DECLINED)

    page = client.get(invitation_url(invitation))
    response = client.post(
        reverse("attendees:invitation-accept", kwargs={"pk": invitation.pk, "token": invitation.token})
    )

    assert page.status_code == 200
    assert "You declined this invitation. If you have changed your mind, you can still accept it" in text(page)
    assert "Decline" not in text(page)
    assert response.status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED
    assert Registration.objects.get(person=jane).status == "confirmed"


def test_invitation_page_registration_closed_is_410(client, session, jane):
    Session.objects.filter(pk=session.pk).update(registration_closes_at=timezone.now() - datetime.timedelta(hours=1))
    invitation = Invitation.objects.create(person=jane, session=session)

    response = client.get(invitation_url(invitation))

    assert response.status_code == GONE
    assert text(response).startswith("This link can no longer be used Registration for this session has closed.")


def test_invitation_page_cancelled_session_is_410(client, session, jane):
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED, cancellation_reason="Unwell")
    invitation = Invitation.objects.create(person=jane, session=session)

    response = client.get(invitation_url(invitation))

    assert response.status_code == GONE
    assert text(response).startswith("This link can no longer be used This session has been cancelled.")


def test_invitation_page_before_registration_opens_offers_no_accept(client, session, jane):
    opens = timezone.now() + datetime.timedelta(days=2)
    Session.objects.filter(pk=session.pk).update(registration_opens_at=opens)
    invitation = Invitation.objects.create(person=jane, session=session)

    response = client.get(invitation_url(invitation))

    assert response.status_code == 200
    assert f"Registration opens on {timezone.localtime(opens):%-d %B %Y at %H:%M}." in text(response)
    assert invitation_url(invitation, "attendees:invitation-accept") not in response.content.decode()


# Accepting ------------------------------------------------------------------------------------


def test_invitation_accept_confirms_a_place_and_shows_it(client, session, jane):
    invitation = Invitation.objects.create(person=jane, session=session)

    response = client.post(invitation_url(invitation, "attendees:invitation-accept"))

    assert response.status_code == 302
    assert response.url == invitation_url(invitation, "attendees:invitation-accepted")
    registration = Registration.objects.get(person=jane, session=session)
    assert (registration.status, registration.invitation) == (RegistrationStatus.CONFIRMED, invitation)
    page = client.get(response.url)
    assert page.status_code == 200
    assert text(page).startswith("You have a place Assuring digital decisions")
    content = page.content.decode()
    assert f'href="{reverse("summits:session-ics", kwargs={"code": "PIL-HOW-01"})}" download' in content
    assert f'href="{reverse("attendees:my-sessions")}"' in content


def test_invitation_accept_when_full_joins_the_waiting_list_with_position(client, session, jane, omar):
    services.register(person=omar, session=session)
    invitation = Invitation.objects.create(person=jane, session=session)

    response = client.post(invitation_url(invitation, "attendees:invitation-accept"), follow=True)

    assert Registration.objects.get(person=jane).status == RegistrationStatus.WAITLISTED
    assert text(response).startswith("You are number 1 on the waiting list Assuring digital decisions")
    assert places_taken(session) == 1


def test_invitation_accept_emails_the_confirmation(client, session, jane, django_capture_on_commit_callbacks):
    invitation = Invitation.objects.create(person=jane, session=session)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(invitation_url(invitation, "attendees:invitation-accept"))

    (message,) = mail.outbox
    assert message.to == ["jane.smith@example.nhs.uk"]
    assert message.subject.startswith("You have a place: Assuring digital decisions, ")


def test_invitation_accept_twice_is_410_and_keeps_one_place(client, session, jane):
    invitation = Invitation.objects.create(person=jane, session=session)
    client.post(invitation_url(invitation, "attendees:invitation-accept"))

    response = client.post(invitation_url(invitation, "attendees:invitation-accept"))

    assert response.status_code == GONE
    assert text(response).startswith("This link can no longer be used You have already accepted this invitation.")
    assert Registration.objects.filter(person=jane).count() == 1


def test_invitation_accept_wrong_token_is_404_and_registers_no_one(client, session, jane):
    invitation = Invitation.objects.create(person=jane, session=session)

    response = client.post(invitation_url(invitation, "attendees:invitation-accept", token="wrong"))

    assert response.status_code == 404
    assert Registration.objects.count() == 0


def test_invitation_accept_after_registration_closed_is_410(client, session, jane):
    invitation = Invitation.objects.create(person=jane, session=session)
    Session.objects.filter(pk=session.pk).update(registration_closes_at=timezone.now() - datetime.timedelta(minutes=1))

    response = client.post(invitation_url(invitation, "attendees:invitation-accept"))

    assert response.status_code == GONE
    assert Registration.objects.count() == 0
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_invitation_accept_when_already_registered_another_way_is_410(client, session, jane):
    services.register(person=jane, session=session)
    invitation = Invitation.objects.create(person=jane, session=session)

    response = client.post(invitation_url(invitation, "attendees:invitation-accept"))

    assert response.status_code == GONE
    assert text(response).startswith(
        "This link can no longer be used You already have a place on this session, or are on its waiting list."
    )


def test_invitation_accept_by_get_is_not_allowed(client, session, jane):
    invitation = Invitation.objects.create(person=jane, session=session)

    response = client.get(invitation_url(invitation, "attendees:invitation-accept"))

    assert response.status_code == 405
    assert Registration.objects.count() == 0


def test_invitation_accepted_page_before_accepting_goes_to_the_invitation(client, session, jane):
    invitation = Invitation.objects.create(person=jane, session=session)

    response = client.get(invitation_url(invitation, "attendees:invitation-accepted"))

    assert (response.status_code, response.url) == (302, invitation_url(invitation))


# Declining ------------------------------------------------------------------------------------


def test_invitation_decline_link_asks_to_confirm_and_changes_nothing(client, session, jane):
    invitation = Invitation.objects.create(person=jane, session=session)

    response = client.get(invitation_url(invitation, "attendees:invitation-decline"))

    assert response.status_code == 200
    assert "Decline the invitation" in text(response)
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_invitation_decline_post_declines_and_shows_it(client, session, jane):
    invitation = Invitation.objects.create(person=jane, session=session)

    response = client.post(invitation_url(invitation, "attendees:invitation-decline"), follow=True)

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert text(response).startswith("You have declined the invitation Assuring digital decisions")
    assert Registration.objects.count() == 0


def test_invitation_decline_wrong_token_is_404(client, session, jane):
    invitation = Invitation.objects.create(person=jane, session=session)

    response = client.post(invitation_url(invitation, "attendees:invitation-decline", token="wrong"))

    assert response.status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_invitation_decline_after_accepting_is_410(client, session, jane):
    invitation = Invitation.objects.create(person=jane, session=session)
    client.post(invitation_url(invitation, "attendees:invitation-accept"))

    response = client.post(invitation_url(invitation, "attendees:invitation-decline"))

    assert response.status_code == GONE
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED


# The cancel link from emails ------------------------------------------------------------------


def test_registration_cancel_link_asks_to_confirm(client, session, jane):
    registration = services.register(person=jane, session=session)

    response = client.get(cancel_url(registration))

    assert response.status_code == 200
    assert text(response).startswith("Assuring digital decisions Cancel your place")
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CONFIRMED


def test_registration_cancel_link_post_cancels_and_promotes_the_next_person(client, session, jane, omar):
    registration = services.register(person=jane, session=session)
    waiting = services.register(person=omar, session=session)

    response = client.post(cancel_url(registration), follow=True)

    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CANCELLED
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.CONFIRMED
    assert text(response).startswith("Your place has been cancelled Assuring digital decisions")


def test_registration_cancel_link_waitlisted_leaves_the_waiting_list(client, session, jane, omar):
    services.register(person=jane, session=session)
    waiting = services.register(person=omar, session=session)

    page = client.get(cancel_url(waiting))
    response = client.post(cancel_url(waiting), follow=True)

    assert "You are number 1 on the waiting list." in text(page)
    assert text(response).startswith("You have left the waiting list Assuring digital decisions")


def test_registration_cancel_link_wrong_token_is_404(client, session, jane):
    registration = services.register(person=jane, session=session)

    response = client.post(cancel_url(registration, token="wrong"))

    assert response.status_code == 404
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CONFIRMED


def test_registration_cancel_link_another_registration_with_this_token_is_404(client, session, jane, omar):
    mine = services.register(person=jane, session=session)
    theirs = services.register(person=omar, session=session)

    response = client.post(reverse("attendees:registration-cancel-link", kwargs={"pk": theirs.pk, "token": mine.token}))

    assert response.status_code == 404
    assert Registration.objects.get(pk=theirs.pk).status == RegistrationStatus.WAITLISTED


def test_registration_cancel_link_already_cancelled_is_410(client, session, jane):
    registration = services.register(person=jane, session=session)
    client.post(cancel_url(registration))

    response = client.get(cancel_url(registration))

    assert response.status_code == GONE
    assert text(response).startswith("This link can no longer be used This place has already been cancelled.")


def test_registration_cancel_link_after_the_start_is_410(client, jane):
    session = factories.published_session(starts_at=timezone.now() - datetime.timedelta(hours=1))
    registration = Registration.objects.create(person=jane, session=session, status=RegistrationStatus.CONFIRMED)

    response = client.post(cancel_url(registration))

    assert response.status_code == GONE
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CONFIRMED


# My sessions ----------------------------------------------------------------------------------


def test_my_sessions_asks_anonymous_people_to_sign_in(client):
    response = client.get(reverse("attendees:my-sessions"))

    assert response.status_code == 302
    assert response.url == "/accounts/login/code/?next=/my/sessions/"


def test_my_sessions_account_without_a_person_gets_a_friendly_page(client, organiser):
    client.force_login(organiser)

    response = client.get(reverse("attendees:my-sessions"))

    assert response.status_code == 200
    assert text(response).startswith("My sessions Information: There are no workshops for organiser@example.nhs.uk.")


def test_my_sessions_lists_upcoming_with_status_and_position(client, session, jane, omar):
    services.register(person=omar, session=session)
    services.register(person=jane, session=session)
    other = factories.published_session(title="Cyber risk for boards", capacity=5)
    services.register(person=jane, session=other)

    response = signed_in(client, jane).get(reverse("attendees:my-sessions"))

    upcoming = response.context["upcoming"]
    assert [(r.session.title, r.status, r.waitlist_position) for r in upcoming] == [
        ("Assuring digital decisions", RegistrationStatus.WAITLISTED, 1),
        ("Cyber risk for boards", RegistrationStatus.CONFIRMED, None),
    ]
    page = text(response)
    assert "Waiting list: number 1" in page
    assert "Place confirmed" in page


def test_my_sessions_past_most_recent_first(client, jane):
    older = factories.published_session(title="Older", starts_at=timezone.now() - datetime.timedelta(days=20))
    newer = factories.published_session(title="Newer", starts_at=timezone.now() - datetime.timedelta(days=5))
    for session, status in ((older, RegistrationStatus.ATTENDED), (newer, RegistrationStatus.NO_SHOW)):
        Registration.objects.create(person=jane, session=session, status=status)

    response = signed_in(client, jane).get(reverse("attendees:my-sessions"))

    assert [(r.session.title, r.status) for r in response.context["past"]] == [
        ("Newer", RegistrationStatus.NO_SHOW),
        ("Older", RegistrationStatus.ATTENDED),
    ]
    assert response.context["upcoming"] == []


def test_my_sessions_shows_the_latest_registration_per_session(client, session, jane):
    first = services.register(person=jane, session=session)
    services.cancel_registration(registration=first)
    again = services.register(person=jane, session=session)

    response = signed_in(client, jane).get(reverse("attendees:my-sessions"))

    assert [r.pk for r in response.context["upcoming"]] == [again.pk]


def test_my_sessions_waitlist_position_matches_the_service(client, jane):
    session = factories.published_session(capacity=1)
    people = [factories.person() for _ in range(3)]
    for person in people:
        services.register(person=person, session=session)
    mine = services.register(person=jane, session=session)

    response = signed_in(client, jane).get(reverse("attendees:my-sessions"))

    (shown,) = response.context["upcoming"]
    assert shown.waitlist_position == services.waitlist_position(mine) == 3


def test_my_sessions_never_lists_another_persons_registrations(client, session, jane, omar):
    services.register(person=omar, session=session)

    response = signed_in(client, jane).get(reverse("attendees:my-sessions"))

    assert (response.context["upcoming"], response.context["past"]) == ([], [])
    assert "Assuring digital decisions" not in text(response)


@pytest.mark.parametrize("size", [1, 3])
def test_my_sessions_query_count_does_not_grow(client, jane, django_assert_num_queries, size):
    for _ in range(size):
        services.register(person=jane, session=factories.published_session())
    Registration.objects.create(
        person=jane,
        session=factories.published_session(starts_at=timezone.now() - datetime.timedelta(days=3)),
        status=RegistrationStatus.ATTENDED,
    )
    signed_in(client, jane)

    # Session, user, the user's two permission lookups (header navigation), the person, and
    # the registrations with their sessions and waitlist positions in one query, and the
    # person's survey links (feedback's section, through settings.MY_SESSIONS_EXTRAS).
    with django_assert_num_queries(7):
        response = client.get(reverse("attendees:my-sessions"))

    assert len(response.context["upcoming"]) == size


def test_my_registration_cancel_own_place(client, session, jane):
    registration = services.register(person=jane, session=session)

    response = signed_in(client, jane).post(
        reverse("attendees:my-registration-cancel", kwargs={"pk": registration.pk}), follow=True
    )

    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CANCELLED
    assert [str(m) for m in response.context["messages"]] == [
        "Your place on Assuring digital decisions has been cancelled"
    ]
    assert places_taken(session) == 0


def test_my_registration_cancel_another_persons_place_is_404(client, session, jane, omar):
    theirs = services.register(person=omar, session=session)

    response = signed_in(client, jane).post(reverse("attendees:my-registration-cancel", kwargs={"pk": theirs.pk}))

    assert response.status_code == 404
    assert Registration.objects.get(pk=theirs.pk).status == RegistrationStatus.CONFIRMED


def test_my_registration_cancel_account_without_a_person_is_404(client, organiser, session, jane):
    registration = services.register(person=jane, session=session)
    client.force_login(organiser)

    response = client.post(reverse("attendees:my-registration-cancel", kwargs={"pk": registration.pk}))

    assert response.status_code == 404
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CONFIRMED


def test_my_registration_cancel_by_get_is_not_allowed(client, session, jane):
    registration = services.register(person=jane, session=session)

    response = signed_in(client, jane).get(reverse("attendees:my-registration-cancel", kwargs={"pk": registration.pk}))

    assert response.status_code == 405


# The personal calendar feed -------------------------------------------------------------------


def feed_url(person: Person) -> str:
    return reverse("attendees:person-feed", kwargs={"token": person.calendar_token})


def test_my_sessions_shows_the_feed_address(client, jane):
    response = signed_in(client, jane).get(reverse("attendees:my-sessions"))

    assert response.context["feed_url"] == f"https://workshops.example.nhs.uk/calendar/{jane.calendar_token}.ics"
    assert response.context["webcal_url"] == f"webcal://workshops.example.nhs.uk/calendar/{jane.calendar_token}.ics"
    page = text(response)
    for instructions in ("Add it to Outlook", "Add it to Google Calendar", "Add it to Apple Calendar"):
        assert instructions in page


def test_person_feed_holds_only_their_confirmed_and_attended_sessions(client, jane, omar):
    confirmed = factories.published_session(title="Confirmed one", capacity=5)
    services.register(person=jane, session=confirmed)
    attended = factories.published_session(title="Attended one", starts_at=timezone.now() - datetime.timedelta(days=9))
    Registration.objects.create(person=jane, session=attended, status=RegistrationStatus.ATTENDED)
    full = factories.published_session(title="Full one", capacity=1)
    services.register(person=omar, session=full)
    services.register(person=jane, session=full)  # waitlisted
    cancelled = factories.published_session(title="Cancelled place", capacity=5)
    services.cancel_registration(registration=services.register(person=jane, session=cancelled))

    response = client.get(feed_url(jane))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    ics = Calendar.from_ical(response.content)
    assert ics["METHOD"] == "PUBLISH"
    assert str(ics["X-WR-CALNAME"]) == "Digital Leadership Workshops: my sessions"
    summaries = sorted(str(event["SUMMARY"]) for event in ics.events)
    assert summaries == [f"Attended one ({attended.code})", f"Confirmed one ({confirmed.code})"]
    assert [event.get("ATTENDEE") for event in ics.events] == [None, None]
    assert jane.calendar_token not in response.content.decode()


def test_person_feed_keeps_a_cancelled_session_marked_cancelled(client, session, jane, organiser):
    services.register(person=jane, session=session)
    services.cancel_session(actor=organiser, session=session, reason="The facilitator is unwell.")

    response = client.get(feed_url(jane))

    (event,) = Calendar.from_ical(response.content).events
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", 1)


def test_person_feed_wrong_token_is_404(client, jane):
    response = client.get(reverse("attendees:person-feed", kwargs={"token": "not-a-real-token"}))

    assert response.status_code == 404


def test_person_feed_reset_changes_the_address_and_the_old_one_stops_working(client, session, jane):
    services.register(person=jane, session=session)
    old = feed_url(jane)

    response = signed_in(client, jane).post(reverse("attendees:person-feed-reset"))

    jane.refresh_from_db()
    assert response.status_code == 302
    assert response.url == "/my/sessions/#calendar-feed"
    assert feed_url(jane) != old
    assert client.get(old).status_code == 404
    assert client.get(feed_url(jane)).status_code == 200


def test_person_feed_reset_asks_to_confirm_first_and_changes_nothing(client, jane):
    before = jane.calendar_token

    response = signed_in(client, jane).get(reverse("attendees:person-feed-reset"))

    assert response.status_code == 200
    assert "Get a new calendar feed address What will happen Your calendar feed gets a new secret address." in text(
        response
    )
    jane.refresh_from_db()
    assert jane.calendar_token == before


def test_person_feed_reset_needs_a_signed_in_person(client, jane):
    before = jane.calendar_token

    anonymous = client.post(reverse("attendees:person-feed-reset"))

    assert anonymous.status_code == 302
    jane.refresh_from_db()
    assert jane.calendar_token == before


def test_person_feed_reset_account_without_a_person_is_404(client, organiser):
    client.force_login(organiser)

    response = client.post(reverse("attendees:person-feed-reset"))

    assert response.status_code == 404


@pytest.mark.parametrize("size", [1, 3])
def test_person_feed_query_count_does_not_grow(client, jane, django_assert_num_queries, size):
    for _ in range(size):
        services.register(person=jane, session=factories.published_session(focus_areas=[factories.focus_area(1)]))

    # The person, their sessions with venues, and the sessions' focus areas.
    with django_assert_num_queries(3):
        response = client.get(feed_url(jane))

    assert len(Calendar.from_ical(response.content).events) == size


# Registering from a session's public page -----------------------------------------------------


@pytest.fixture
def open_session(session, jane):
    group = factories.leadership_group(name="Acute trust boards")
    jane.groups.add(group)
    Session.objects.filter(pk=session.pk).update(access=SessionAccess.OPEN_TO_GROUPS)
    group.sessions.add(session)
    session.refresh_from_db()
    return session


def public_page(client, session):
    return client.get(reverse("summits:public-session-detail", kwargs={"code": session.code}))


def register_url(session) -> str:
    return reverse("attendees:session-register", kwargs={"code": session.code})


def test_public_page_offers_register_to_a_person_in_a_target_group(client, open_session, jane):
    response = public_page(signed_in(client, jane), open_session)

    assert f'action="{register_url(open_session)}"' in response.content.decode()


def test_public_page_no_register_button_for_invitation_only_session(client, session, jane):
    response = public_page(signed_in(client, jane), session)

    assert register_url(session) not in response.content.decode()


def test_public_page_no_register_button_outside_the_target_groups(client, open_session, omar):
    response = public_page(signed_in(client, omar), open_session)

    assert register_url(open_session) not in response.content.decode()


def test_public_page_anonymous_open_session_offers_sign_in(client, open_session):
    response = public_page(client, open_session)

    assert 'href="/accounts/login/code/?next=%2Fsessions%2FPIL-HOW-01%2F">Sign in to register</a>' in (
        response.content.decode()
    )


def test_public_page_shows_the_persons_place(client, open_session, jane):
    services.register(person=jane, session=open_session)

    response = public_page(signed_in(client, jane), open_session)

    assert "You have a place on this workshop. See it in My sessions." in text(response)
    assert register_url(open_session) not in response.content.decode()


def test_session_register_takes_a_place(client, open_session, jane, django_capture_on_commit_callbacks):
    signed_in(client, jane)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(open_session), follow=True)

    assert Registration.objects.get(person=jane, session=open_session).status == RegistrationStatus.CONFIRMED
    assert response.redirect_chain == [("/my/sessions/", 302)]
    assert [m.subject for m in mail.outbox] == [
        f"You have a place: Assuring digital decisions, {timezone.localtime(open_session.starts_at):%-d %B %Y}"
    ]


def test_session_register_when_full_joins_the_waiting_list(client, open_session, jane, omar):
    services.register(person=omar, session=open_session)

    response = signed_in(client, jane).post(register_url(open_session), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Assuring digital decisions is full. You are number 1 on the waiting list"
    ]


def test_session_register_outside_the_target_groups_is_refused(client, open_session, omar):
    response = signed_in(client, omar).post(register_url(open_session))

    assert response.status_code == 403
    assert Registration.objects.count() == 0


def test_session_register_twice_shows_the_error(client, open_session, jane):
    signed_in(client, jane).post(register_url(open_session), follow=True)

    response = client.post(register_url(open_session), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "You already have a place on this session, or are on its waiting list."
    ]
    assert Registration.objects.count() == 1


# Sign in by emailed code for invited people ---------------------------------------------------

REQUEST_CODE = "/accounts/login/code/"
CONFIRM_CODE = "/accounts/login/code/confirm/"


def code_in(body: str) -> str:
    (code,) = re.findall(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", body, flags=re.MULTILINE)
    return code


def test_sign_in_by_code_person_without_account_gets_one_and_a_code(client, jane):
    response = client.post(REQUEST_CODE, {"email": "Jane.Smith@Example.NHS.uk"})

    assert (response.status_code, response.url) == (302, CONFIRM_CODE)
    jane.refresh_from_db()
    user = jane.user
    assert (user.username, user.email, user.has_usable_password()) == (
        "jane.smith@example.nhs.uk",
        "jane.smith@example.nhs.uk",
        False,
    )
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("jane.smith@example.nhs.uk", True, True)
    ]
    (message,) = delivered()
    assert message.to == ["jane.smith@example.nhs.uk"]
    assert len(code_in(message.body)) == 9


def test_sign_in_by_code_person_signs_in_and_reaches_my_sessions(client, session, jane):
    services.register(person=jane, session=session)
    send_queued()
    mail.outbox.clear()
    asked = client.get(reverse("attendees:my-sessions"))
    requested = client.post(asked.url, {"email": "jane.smith@example.nhs.uk"})
    confirm_page = client.get(requested.url)

    response = client.post(
        CONFIRM_CODE, {"code": code_in(delivered()[0].body), "next": confirm_page.context["redirect_field_value"]}
    )

    assert (response.status_code, response.url) == (302, "/my/sessions/")
    jane.refresh_from_db()
    assert client.session["_auth_user_id"] == str(jane.user_id)
    assert [r.session for r in client.get(response.url).context["upcoming"]] == [session]


def test_sign_in_by_code_second_time_reuses_the_account(client, jane):
    client.post(REQUEST_CODE, {"email": "jane.smith@example.nhs.uk"})
    client.post(REQUEST_CODE, {"email": "jane.smith@example.nhs.uk"})

    assert get_user_model().objects.filter(email="jane.smith@example.nhs.uk").count() == 1


def test_sign_in_by_code_links_an_existing_account_with_that_email(client, jane):
    existing = factories.staff_user("jane.smith@example.nhs.uk", role="organiser")

    client.post(REQUEST_CODE, {"email": "jane.smith@example.nhs.uk"})

    jane.refresh_from_db()
    assert jane.user == existing
    assert get_user_model().objects.count() == 1


def test_sign_in_by_code_unknown_email_creates_no_account_and_sends_no_code(client, jane):
    response = client.post(REQUEST_CODE, {"email": "stranger@example.nhs.uk"})

    assert (response.status_code, response.url) == (302, CONFIRM_CODE)
    assert get_user_model().objects.count() == 0
    assert [re.findall(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", m.body) for m in delivered()] == [[]] * len(mail.outbox)
