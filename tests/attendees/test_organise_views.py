"""The organisers' invitation, registration, check-in and reach pages, end to end, with query
counts on every list. Who may open each page is checked with every other organiser page in
tests/summits/test_views.py (anonymous → sign-in, other roles → 403, organisers → 200)."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from attendees.enums import InvitationStatus, OrganisationType, RegistrationStatus
from attendees.models import GroupTarget, Invitation, Registration
from summits.calendar import session_uid
from summits.enums import PhaseKind, Region
from summits.models import AuditEntry, Session
from tests import factories
from tests.attendees.test_emails import calendar_part

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def assert_same_count_at_one_and_three(client, url: str, add_row) -> None:
    add_row(0)
    at_one = count_queries(client, url)
    add_row(1)
    add_row(2)
    at_three = count_queries(client, url)
    assert at_three == at_one


def status_of(registration: Registration) -> str:
    return Registration.objects.get(pk=registration.pk).status


@pytest.fixture
def session():
    return factories.published_session(code="ROL-HOW-01", capacity=2)


@pytest.fixture
def board():
    return factories.leadership_group(name="Acute trust boards")


# Inviting leadership groups -----------------------------------------------------------------


def invite_url(session) -> str:
    return reverse("attendees:session-invite", kwargs={"pk": session.pk})


@pytest.fixture
def board_members(session, board):
    """Five people in the group: one already invited, one registered without an invitation,
    three still to invite; and one person in another group."""
    people = [factories.person(groups=[board], last_name=f"Board{n}") for n in range(5)]
    factories.invitation(session=session, person=people[0])
    factories.registration(session=session, person=people[1])
    factories.person(groups=[factories.leadership_group(name="CIO/CCIO network")])
    return people


def test_invite_page_offers_groups_regions_and_organisation_types(organiser_client, session, board):
    response = organiser_client.get(invite_url(session))

    assert list(response.context["form"].fields) == ["groups", "regions", "organisation_types"]
    assert response.context["problem"] is None
    assertContains(response, "Acute trust boards")
    assertContains(response, '<form method="post" novalidate>', html=False)


def test_invite_preview_counts_only_people_not_yet_invited_or_registered(
    organiser_client, session, board, board_members
):
    response = organiser_client.post(invite_url(session), {"groups": [board.pk]})

    preview = response.context["preview"]
    assert (preview.to_invite, preview.left_out) == (3, 2)
    assertContains(response, "3 people will be invited")
    assertContains(response, "2 people are left out because they are already invited to or registered on this session")
    assertContains(response, "Send 3 invitations")
    assert Invitation.objects.count() == 1


def test_invite_preview_narrows_by_region_and_organisation_type(organiser_client, session, board):
    leeds_trust = factories.organisation(region=Region.NORTH_EAST_AND_YORKSHIRE, type=OrganisationType.ACUTE_TRUST)
    leeds_council = factories.organisation(
        region=Region.NORTH_EAST_AND_YORKSHIRE, type=OrganisationType.LOCAL_AUTHORITY
    )
    london_trust = factories.organisation(region=Region.LONDON, type=OrganisationType.ACUTE_TRUST)
    for organisation in (leeds_trust, leeds_trust, leeds_council, london_trust):
        factories.person(groups=[board], organisation=organisation)

    response = organiser_client.post(
        invite_url(session),
        {"groups": [board.pk], "regions": ["north_east_and_yorkshire"], "organisation_types": ["acute_trust"]},
    )

    assert (response.context["preview"].to_invite, response.context["preview"].left_out) == (2, 0)
    assertContains(response, "North East and Yorkshire")


def test_invite_preview_says_when_nobody_is_left_to_invite(organiser_client, session, board):
    person = factories.person(groups=[board])
    factories.invitation(session=session, person=person)

    response = organiser_client.post(invite_url(session), {"groups": [board.pk]})

    assertContains(
        response, "Nobody will be invited: all 1 person is already invited to or registered on this session."
    )
    assertNotContains(response, 'name="confirm"')


def test_invite_confirm_invites_the_group_and_says_how_many(organiser_client, organiser, session, board, board_members):
    response = organiser_client.post(invite_url(session), {"groups": [board.pk], "confirm": "1"})

    assert response.status_code == 302
    assert response.url == reverse("attendees:session-registrations", kwargs={"pk": session.pk})
    assert messages_of(response) == ["3 people invited to ROL-HOW-01: emails are on their way"]
    invited = Invitation.objects.filter(session=session).exclude(person=board_members[0])
    assert sorted(invited.values_list("person__last_name", flat=True)) == ["Board2", "Board3", "Board4"]
    assert set(invited.values_list("invited_by", flat=True)) == {organiser.pk}
    assert AuditEntry.objects.get().action == "invitation.invite_groups"


def test_invite_change_goes_back_to_the_choices_as_they_were(organiser_client, session, board):
    response = organiser_client.post(invite_url(session), {"groups": [board.pk], "change": "1"})

    assert response.templates[0].name == "attendees/organise/session_invite.html"
    assert response.context["form"].cleaned_data["groups"][0] == board
    assert Invitation.objects.count() == 0


def test_invite_without_a_group_shows_the_error(organiser_client, session):
    response = organiser_client.post(invite_url(session), {"regions": ["london"]})

    assert response.context["form"].errors == {"groups": ["Select at least one leadership group"]}
    assertContains(response, "There is a problem")


def test_invite_page_explains_that_a_draft_session_cannot_be_invited_to(organiser_client, board):
    draft = factories.session()

    response = organiser_client.get(invite_url(draft))

    assertContains(response, "Invitations can only be sent for published sessions. Publish the session first.")
    assertNotContains(response, 'name="preview"')


def test_invite_confirm_for_a_session_that_has_started_is_refused(organiser_client, board):
    started = factories.published_session(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    factories.person(groups=[board])

    response = organiser_client.post(invite_url(started), {"groups": [board.pk], "confirm": "1"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["This session has already started"]
    assertContains(response, "This session has already started, so nobody can be invited to it.")
    assert Invitation.objects.count() == 0


# Inviting one person and sending again -------------------------------------------------------


def test_invite_person_invites_the_person_with_that_email(organiser_client, session):
    person = factories.person(first_name="Asha", last_name="Patel", email="asha.patel@example.nhs.uk")

    response = organiser_client.post(
        reverse("attendees:invite-person", kwargs={"pk": session.pk}), {"email": " Asha.Patel@Example.NHS.uk "}
    )

    assert response.status_code == 302
    assert messages_of(response) == ["Asha Patel invited to ROL-HOW-01: the email is on its way"]
    assert list(Invitation.objects.values_list("person", "session")) == [(person.pk, session.pk)]


def test_invite_person_with_an_unknown_email_shows_the_error(organiser_client, session):
    response = organiser_client.post(
        reverse("attendees:invite-person", kwargs={"pk": session.pk}), {"email": "nobody@example.nhs.uk"}
    )

    assert response.context["form"].errors == {"email": ["Nobody in the people list has this email address"]}
    assert Invitation.objects.count() == 0


def test_invite_person_already_invited_shows_the_services_reason(organiser_client, session):
    person = factories.person(first_name="Asha", last_name="Patel")
    factories.invitation(session=session, person=person)

    response = organiser_client.post(
        reverse("attendees:invite-person", kwargs={"pk": session.pk}), {"email": person.email}
    )

    assert response.context["form"].errors == {"email": ["Asha Patel has already been invited to this session"]}


def test_invitation_resend_queues_the_same_invitation_again(organiser_client, session):
    person = factories.person(first_name="Asha", last_name="Patel")
    invitation = factories.invitation(session=session, person=person, sent_at=timezone.now())

    response = organiser_client.post(reverse("attendees:invitation-resend", kwargs={"pk": invitation.pk}))

    assert response.url == reverse("attendees:session-registrations", kwargs={"pk": session.pk}) + "#unanswered"
    assert messages_of(response) == ["Invitation sent to Asha Patel again"]
    assert Invitation.objects.get(pk=invitation.pk).sent_at is None
    assert AuditEntry.objects.get().action == "invitation.resend"


def test_invitation_resend_refuses_an_answered_invitation(organiser_client, session):
    invitation = factories.invitation(session=session, status=InvitationStatus.DECLINED)

    response = organiser_client.post(reverse("attendees:invitation-resend", kwargs={"pk": invitation.pk}))

    assert messages_of(response) == ["This invitation has already been answered"]
    assert AuditEntry.objects.count() == 0


# The registrations page ------------------------------------------------------------------------


def registrations_url(session) -> str:
    return reverse("attendees:session-registrations", kwargs={"pk": session.pk})


def test_registrations_page_lists_everyone_by_status(organiser_client, session):
    def person(name):
        return factories.person(first_name=name, last_name="Leader")

    zoe, adam = person("Zoe"), person("Adam")
    factories.registration(session=session, person=zoe)
    factories.registration(session=session, person=adam, status=RegistrationStatus.ATTENDED)
    first_waiting = factories.registration(session=session, person=person("Wendy"), status="waitlisted")
    second_waiting = factories.registration(session=session, person=person("Victor"), status="waitlisted")
    cancelled = factories.registration(session=session, person=person("Carl"), status="cancelled")
    declined = factories.invitation(session=session, person=person("Dora"), status=InvitationStatus.DECLINED)
    unanswered = factories.invitation(session=session, person=person("Una"))
    # Invited, then registered from the public page: not "no answer yet".
    factories.invitation(session=session, person=zoe)

    response = organiser_client.get(registrations_url(session))

    lists = response.context["lists"]
    assert [r.person.first_name for r in lists.places] == ["Adam", "Zoe"]
    assert [(position, r.pk) for position, r in lists.waitlist] == [(1, first_waiting.pk), (2, second_waiting.pk)]
    assert [r.pk for r in lists.cancelled] == [cancelled.pk]
    assert [i.pk for i in lists.declined] == [declined.pk]
    assert [i.pk for i in lists.unanswered] == [unanswered.pk]
    assertContains(response, '<h2 class="nhsuk-heading-l" id="waitlist">Waiting list (2)</h2>', html=True)
    assertContains(response, 'Cancel place<span class="nhsuk-u-visually-hidden"> of Zoe Leader</span>')
    assertNotContains(response, 'Cancel place<span class="nhsuk-u-visually-hidden"> of Adam Leader</span>')


def test_registration_cancel_page_says_what_happens_and_who_is_emailed(organiser_client, session):
    person = factories.person(first_name="Asha", last_name="Patel", email="asha@example.nhs.uk")
    confirmed = factories.registration(session=session, person=person)
    factories.registration(session=session)
    factories.registration(
        session=session,
        person=factories.person(first_name="Omar", last_name="Khan"),
        status=RegistrationStatus.WAITLISTED,
    )

    response = organiser_client.get(reverse("attendees:registration-cancel", kwargs={"pk": confirmed.pk}))

    assertContains(response, '<h1 class="nhsuk-heading-xl">Cancel Asha Patel’s place</h1>', html=True)
    assertContains(
        response, "Asha Patel (asha@example.nhs.uk) is emailed that their place was cancelled, with your reason."
    )
    assertContains(
        response,
        "The place goes to the first person on the waiting list, Omar Khan, who is emailed a calendar invitation.",
    )
    assert status_of(confirmed) == "confirmed"


def test_registration_cancel_page_for_the_waiting_list_speaks_of_the_waiting_list(organiser_client, session):
    person = factories.person(first_name="Asha", last_name="Patel", email="asha@example.nhs.uk")
    waiting = factories.registration(session=session, person=person, status=RegistrationStatus.WAITLISTED)

    response = organiser_client.get(reverse("attendees:registration-cancel", kwargs={"pk": waiting.pk}))

    assertContains(response, '<h1 class="nhsuk-heading-xl">Remove Asha Patel from the waiting list</h1>', html=True)
    assertContains(response, "is emailed that they are no longer on the waiting list, with your reason.")
    assertNotContains(response, "place was cancelled")


def test_registration_cancel_from_the_waiting_list_says_removed_not_cancelled(
    organiser_client, session, mailoutbox, django_capture_on_commit_callbacks
):
    person = factories.person(first_name="Asha", last_name="Patel", email="asha@example.nhs.uk")
    waiting = factories.registration(session=session, person=person, status=RegistrationStatus.WAITLISTED)

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            reverse("attendees:registration-cancel", kwargs={"pk": waiting.pk}), {"reason": "Asked to be removed"}
        )

    assert messages_of(response) == [
        "Asha Patel removed from the waiting list for ROL-HOW-01. They have been emailed your reason"
    ]
    [email] = mailoutbox
    assert "You are no longer on the waiting list for this workshop." in email.body
    assert "The organisers gave this reason: Asked to be removed" in email.body
    assert email.subject.startswith("You are no longer on the waiting list: ")


def test_registration_cancel_without_a_reason_is_refused(organiser_client, session):
    confirmed = factories.registration(session=session)

    response = organiser_client.post(reverse("attendees:registration-cancel", kwargs={"pk": confirmed.pk}), {})

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Enter the reason: the person is told it"]}
    assert status_of(confirmed) == "confirmed"


def test_registration_cancel_by_an_organiser_frees_the_place_for_the_waiting_list(
    organiser_client, organiser, session, mailoutbox, django_capture_on_commit_callbacks
):
    person = factories.person(first_name="Asha", last_name="Patel", email="asha@example.nhs.uk")
    confirmed = factories.registration(session=session, person=person)
    factories.registration(session=session)
    waiting = factories.registration(session=session, status=RegistrationStatus.WAITLISTED)

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            reverse("attendees:registration-cancel", kwargs={"pk": confirmed.pk}), {"reason": "Left the trust"}
        )

    assert response.url == registrations_url(session)
    assert messages_of(response) == ["Asha Patel’s place on ROL-HOW-01 cancelled. They have been emailed your reason"]
    assert [status_of(confirmed), status_of(waiting)] == ["cancelled", "confirmed"]
    assert Session.objects.get(pk=session.pk).places_taken == 2
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_email, entry.before, entry.after) == (
        "registration.cancel",
        organiser.email,
        {"person": "asha@example.nhs.uk", "status": "confirmed"},
        {"status": "cancelled", "reason": "Left the trust"},
    )
    to_asha = next(m for m in mailoutbox if m.to == ["asha@example.nhs.uk"])
    assert "The organisers gave this reason: Left the trust" in to_asha.body


def test_registration_cancel_of_a_cancelled_place_is_404(organiser_client, session):
    cancelled = factories.registration(session=session, status=RegistrationStatus.CANCELLED)

    response = organiser_client.post(
        reverse("attendees:registration-cancel", kwargs={"pk": cancelled.pk}), {"reason": "Twice"}
    )

    assert response.status_code == 404


def test_registration_offer_gives_the_chosen_person_a_place(organiser_client, organiser, session):
    factories.registration(session=session)
    factories.registration(session=session)
    first = factories.registration(session=session, status=RegistrationStatus.WAITLISTED)
    person = factories.person(first_name="Omar", last_name="Khan")
    chosen = factories.registration(session=session, person=person, status=RegistrationStatus.WAITLISTED)
    url = reverse("attendees:registration-offer", kwargs={"pk": chosen.pk})

    page = organiser_client.get(url)
    response = organiser_client.post(url)

    assertContains(page, "The session is full, so its capacity goes up by one, to 3.")
    assert response.url == registrations_url(session)
    assert messages_of(response) == ["Omar Khan has a place on ROL-HOW-01 and has been emailed"]
    assert [status_of(first), status_of(chosen)] == ["waitlisted", "confirmed"]
    assert AuditEntry.objects.get().action == "registration.offer_place"


def test_registration_offer_over_the_venue_shows_why_not(organiser_client):
    venue = factories.venue(name="Small Hall", town="York", capacity=1)
    session = factories.published_session(capacity=1, venue=venue)
    factories.registration(session=session)
    waiting = factories.registration(session=session, status=RegistrationStatus.WAITLISTED)

    response = organiser_client.post(reverse("attendees:registration-offer", kwargs={"pk": waiting.pk}))

    assert response.status_code == 200
    assert response.context["problem"] == (
        "Small Hall, York holds 1 people and the session is full. To offer another place, edit the session and "
        "raise its capacity with a reason for going over the venue’s capacity"
    )
    assert status_of(waiting) == "waitlisted"


# The attendee list as CSV -----------------------------------------------------------------------


def test_attendee_list_csv_has_places_then_the_waiting_list_with_formulas_defused(organiser_client, session):
    board = factories.leadership_group(name="Acute trust boards")
    network = factories.leadership_group(name="@CIO network")
    trust = factories.organisation(name="Leeds Teaching Hospitals, NHS Trust")
    people = {
        "zoe": factories.person(
            first_name="Zoe",
            last_name="O'Neill",
            email="zoe@example.nhs.uk",
            job_title='Chair, "interim"',
            organisation=trust,
            groups=[board, network],
        ),
        "adam": factories.person(
            first_name="Adam",
            last_name="Baker",
            email="adam@example.nhs.uk",
            job_title='=HYPERLINK("http://evil.example")',
            organisation=factories.organisation(name="+44 Care"),
        ),
        "wendy": factories.person(
            first_name="Wendy", last_name="Able", email="wendy@example.nhs.uk", job_title="-CIO", organisation=None
        ),
        "carl": factories.person(first_name="Carl", last_name="Gone", email="carl@example.nhs.uk"),
    }
    at = factories.london(2026, 5, 1, 9, 5)
    for key, status in [("zoe", "confirmed"), ("adam", "attended"), ("wendy", "waitlisted"), ("carl", "cancelled")]:
        registration = factories.registration(session=session, person=people[key], status=status)
        Registration.objects.filter(pk=registration.pk).update(created_at=at)

    response = organiser_client.get(reverse("attendees:session-registrations-csv", kwargs={"pk": session.pk}))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ROL-HOW-01-attendees.csv"'
    assert response.content.decode() == (
        "Name,Email,Job title,Organisation,Leadership groups,Status,Registered at\r\n"
        'Adam Baker,adam@example.nhs.uk,"\'=HYPERLINK(""http://evil.example"")",'
        "'+44 Care,,Attended,2026-05-01 09:05\r\n"
        'Zoe O\'Neill,zoe@example.nhs.uk,"Chair, ""interim""","Leeds Teaching Hospitals, NHS Trust",'
        "'@CIO network; Acute trust boards,Confirmed,2026-05-01 09:05\r\n"
        "Wendy Able,wendy@example.nhs.uk,'-CIO,,,Waiting list,2026-05-01 09:05\r\n"
    )


# Check-in --------------------------------------------------------------------------------------


@pytest.fixture
def running():
    return factories.published_session(
        code="PIL-POS-01", starts_at=timezone.now() - datetime.timedelta(hours=1), hours=3, capacity=10
    )


def check_in_url(session) -> str:
    return reverse("attendees:check-in", kwargs={"pk": session.pk})


def test_check_in_page_searches_by_name(organiser_client, running):
    for first, last in [("Asha", "Patel"), ("Tom", "Baxter"), ("Ashok", "Kumar")]:
        factories.registration(session=running, person=factories.person(first_name=first, last_name=last))
    factories.registration(session=running, person=factories.person(first_name="Ashley"), status="waitlisted")

    everyone = organiser_client.get(check_in_url(running))
    asha = organiser_client.get(check_in_url(running) + "?q=ash")
    two_words = organiser_client.get(check_in_url(running) + "?q=ash+pat")

    assert [r.person.full_name for r in everyone.context["registrations"]] == [
        "Tom Baxter",
        "Ashok Kumar",
        "Asha Patel",
    ]
    assert [r.person.full_name for r in asha.context["registrations"]] == ["Ashok Kumar", "Asha Patel"]
    assert [r.person.full_name for r in two_words.context["registrations"]] == ["Asha Patel"]
    assert everyone.context["counts"] == {"places": 3, "attended": 0, "unmarked": 3, "no_shows": 0}


def test_check_in_marks_one_person_and_keeps_the_search(organiser_client, running):
    person = factories.person(first_name="Asha", last_name="Patel")
    registration = factories.registration(session=running, person=person)

    response = organiser_client.post(
        reverse("attendees:check-in-mark", kwargs={"pk": running.pk}),
        {"registration": str(registration.pk), "registrations": ["999"], "q": "asha"},
    )

    assert response.url == check_in_url(running) + "?q=asha"
    assert messages_of(response) == ["Asha Patel checked in"]
    assert status_of(registration) == RegistrationStatus.ATTENDED


def test_check_in_marks_the_ticked_people_in_bulk(organiser_client, running):
    registrations = [factories.registration(session=running) for _ in range(3)]

    response = organiser_client.post(
        reverse("attendees:check-in-mark", kwargs={"pk": running.pk}),
        {"registrations": [str(r.pk) for r in registrations[:2]], "q": ""},
    )

    assert response.url == check_in_url(running)
    assert messages_of(response) == ["2 people checked in"]
    assert [status_of(r) for r in registrations] == ["attended", "attended", "confirmed"]


def test_check_in_with_nobody_ticked_says_so(organiser_client, running):
    response = organiser_client.post(reverse("attendees:check-in-mark", kwargs={"pk": running.pk}), {})

    assert messages_of(response) == ["Select the people who attended"]


def test_check_in_undo_makes_the_person_confirmed_again(organiser_client, running):
    person = factories.person(first_name="Asha", last_name="Patel")
    registration = factories.registration(session=running, person=person, status=RegistrationStatus.ATTENDED)

    response = organiser_client.post(reverse("attendees:check-in-undo", kwargs={"pk": registration.pk}), {"q": "pat"})

    assert response.url == check_in_url(running) + "?q=pat"
    assert messages_of(response) == ["Asha Patel is now marked as confirmed"]
    assert status_of(registration) == RegistrationStatus.CONFIRMED


def test_check_in_page_before_the_day_explains_and_offers_no_buttons(organiser_client, session):
    factories.registration(session=session)

    response = organiser_client.get(check_in_url(session))

    assertContains(response, "Check-in opens on the day of the session")
    assertNotContains(response, 'name="registration"')
    assertNotContains(response, 'name="registrations"')


def test_check_in_page_after_the_session_offers_to_finalise(organiser_client):
    ended = factories.published_session(starts_at=timezone.now() - datetime.timedelta(days=1))
    factories.registration(session=ended)

    response = organiser_client.get(check_in_url(ended))

    assert (response.context["ended"], response.context["finalised"]) == (True, False)
    assertContains(response, "Finalise attendance")


def test_attendance_finalise_marks_the_rest_as_no_shows_then_allows_corrections(organiser_client):
    ended = factories.published_session(starts_at=timezone.now() - datetime.timedelta(days=1))
    attended = factories.registration(session=ended, status=RegistrationStatus.ATTENDED)
    unmarked = factories.registration(session=ended, person=factories.person(first_name="Tom", last_name="Baxter"))

    response = organiser_client.post(reverse("attendees:attendance-finalise", kwargs={"pk": ended.pk}))

    assert response.url == check_in_url(ended)
    assert messages_of(response) == ["Attendance finalised: 1 person marked as did not attend"]
    assert [status_of(attended), status_of(unmarked)] == ["attended", "no_show"]
    page = organiser_client.get(check_in_url(ended))
    assert page.context["finalised"] is True
    assertContains(page, "Mark as did not attend")

    organiser_client.post(reverse("attendees:check-in-mark", kwargs={"pk": ended.pk}), {"registration": unmarked.pk})
    organiser_client.post(reverse("attendees:check-in-undo", kwargs={"pk": attended.pk}))

    assert [status_of(attended), status_of(unmarked)] == ["no_show", "attended"]


def test_attendance_finalise_asks_to_confirm_first(organiser_client):
    ended = factories.published_session(starts_at=timezone.now() - datetime.timedelta(days=1))
    unmarked = factories.registration(session=ended)

    response = organiser_client.get(reverse("attendees:attendance-finalise", kwargs={"pk": ended.pk}))

    assertContains(response, "The 1 person with a place who are not checked in will be marked as did not attend.")
    assert status_of(unmarked) == "confirmed"


def test_attendance_finalise_before_the_end_says_why_not(organiser_client, running):
    response = organiser_client.post(reverse("attendees:attendance-finalise", kwargs={"pk": running.pk}))

    assert messages_of(response) == ["Attendance can be finalised once the session has ended"]


# Reach -------------------------------------------------------------------------------------------


def test_reach_counts_people_per_group_and_phase(organiser_client, programme):
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)
    rollout = factories.phase(
        programme=programme,
        kind=PhaseKind.ROLLOUT,
        starts_on=pilot.ends_on + datetime.timedelta(days=1),
        ends_on=pilot.ends_on + datetime.timedelta(days=100),
    )
    boards = factories.leadership_group(name="Acute trust boards")
    network = factories.leadership_group(name="CIO/CCIO network")
    GroupTarget.objects.create(group=boards, phase=pilot, target=10)
    GroupTarget.objects.create(group=network, phase=pilot, target=4)
    GroupTarget.objects.create(group=boards, phase=rollout, target=100)
    first, second = factories.published_session(phase=pilot), factories.published_session(phase=pilot)
    both = factories.person(groups=[boards, network])
    board_member = factories.person(groups=[boards])
    cio = factories.person(groups=[network])
    for session in (first, second):  # invited twice, counted once
        factories.invitation(session=session, person=both)
    factories.registration(session=first, person=both, status=RegistrationStatus.ATTENDED)
    factories.registration(session=second, person=both, status=RegistrationStatus.NO_SHOW)
    factories.invitation(session=first, person=board_member, status=InvitationStatus.ACCEPTED)
    factories.registration(session=first, person=board_member)
    factories.invitation(session=first, person=cio, status=InvitationStatus.DECLINED)

    response = organiser_client.get(reverse("attendees:reach") + f"?programme={programme.slug}")

    pilot_reach, rollout_reach = response.context["reach"]
    rows = [(r.label, r.target, r.invited, r.registered, r.attended, r.percent_of_target) for r in pilot_reach.rows]
    assert rows == [
        ("Acute trust boards", 10, 2, 2, 1, 20),
        ("CIO/CCIO network", 4, 2, 1, 1, 25),
    ]
    total = pilot_reach.total
    assert (total.target, total.invited, total.registered, total.attended, total.percent_of_target) == (
        14,
        3,
        2,
        1,
        14,
    )
    assert [(r.target, r.invited, r.percent_of_target) for r in rollout_reach.rows] == [(100, 0, 0), (0, 0, None)]
    assertContains(response, "No target")


def test_reach_does_not_count_places_on_cancelled_sessions_as_registered(organiser_client, programme):
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)
    boards = factories.leadership_group(name="Acute trust boards")
    held = factories.published_session(phase=pilot)
    cancelled = factories.published_session(phase=pilot)
    factories.registration(session=held, person=factories.person(groups=[boards]))
    factories.registration(session=cancelled, person=factories.person(groups=[boards]))
    Session.objects.filter(pk=cancelled.pk).update(status="cancelled", cancellation_reason="Venue closed")

    response = organiser_client.get(reverse("attendees:reach") + f"?programme={programme.slug}")

    (pilot_reach,) = response.context["reach"]
    assert [(r.label, r.registered) for r in pilot_reach.rows] == [("Acute trust boards", 1)]
    assert pilot_reach.total.registered == 1


def test_reach_page_without_a_programme_says_so(organiser_client):
    response = organiser_client.get(reverse("attendees:reach"))

    assertContains(response, "There is no programme yet.")


# Query counts on every list page ----------------------------------------------------------------


def test_registrations_page_queries_do_not_grow_with_people(organiser_client):
    session = factories.published_session(capacity=3)
    group = factories.leadership_group()

    def add_row(n):
        for status in ("confirmed", "waitlisted", "cancelled"):
            factories.registration(session=session, person=factories.person(groups=[group]), status=status)
        factories.invitation(session=session, person=factories.person(groups=[group]))
        factories.invitation(session=session, status=InvitationStatus.DECLINED)

    assert_same_count_at_one_and_three(organiser_client, registrations_url(session), add_row)


def test_attendee_list_csv_queries_do_not_grow_with_people(organiser_client):
    session = factories.published_session(capacity=3)

    def add_row(n):
        groups = [factories.leadership_group(), factories.leadership_group()]
        factories.registration(session=session, person=factories.person(groups=groups))
        factories.registration(session=session, person=factories.person(groups=groups), status="waitlisted")

    url = reverse("attendees:session-registrations-csv", kwargs={"pk": session.pk})
    assert_same_count_at_one_and_three(organiser_client, url, add_row)


def test_check_in_page_queries_do_not_grow_with_people(organiser_client, running):
    def add_row(n):
        factories.registration(session=running)
        factories.registration(session=running, status=RegistrationStatus.ATTENDED)

    assert_same_count_at_one_and_three(organiser_client, check_in_url(running), add_row)


def test_check_in_page_after_finalising_queries_do_not_grow_with_people(organiser_client):
    ended = factories.published_session(starts_at=timezone.now() - datetime.timedelta(days=1))

    def add_row(n):
        factories.registration(session=ended, status=RegistrationStatus.NO_SHOW)
        factories.registration(session=ended, status=RegistrationStatus.ATTENDED)

    assert_same_count_at_one_and_three(organiser_client, check_in_url(ended), add_row)


def test_reach_page_queries_do_not_grow_with_groups_and_people(organiser_client, programme):
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)
    session = factories.published_session(phase=pilot, capacity=10)

    def add_row(n):
        group = factories.leadership_group()
        GroupTarget.objects.create(group=group, phase=pilot, target=10)
        person = factories.person(groups=[group])
        factories.invitation(session=session, person=person)
        factories.registration(session=session, person=person, status=RegistrationStatus.ATTENDED)

    assert_same_count_at_one_and_three(organiser_client, reverse("attendees:reach"), add_row)


def test_invite_page_queries_do_not_grow_with_groups(organiser_client, session):
    assert_same_count_at_one_and_three(organiser_client, invite_url(session), lambda n: factories.leadership_group())


def test_invite_preview_queries_do_not_grow_with_people(organiser_client, session, board):
    def add_row(n):
        factories.person(groups=[board])
        factories.invitation(session=session, person=factories.person(groups=[board]))

    def count_preview():
        with CaptureQueriesContext(connection) as context:
            response = organiser_client.post(invite_url(session), {"groups": [board.pk]})
        assert response.status_code == 200
        return len(context.captured_queries)

    add_row(0)
    at_one = count_preview()
    add_row(1)
    add_row(2)
    assert count_preview() == at_one


# A "stop" pilot decision takes the rollout down ----------------------------------------------


def stop_post(**extra) -> dict:
    today = timezone.localdate()
    return {
        "outcome": "stop",
        "rationale": "Confidence did not improve",
        "decided_on_day": str(today.day),
        "decided_on_month": str(today.month),
        "decided_on_year": str(today.year),
        **extra,
    }


@pytest.fixture
def published_rollout(programme):
    factories.pilot_decision(programme=programme)
    rollout = factories.phase(programme=programme, kind=PhaseKind.ROLLOUT)
    session = factories.published_session(phase=rollout, code="ROL-POS-01", capacity=1)
    factories.registration(session=session, person=factories.person(email="asha@example.nhs.uk"))
    factories.registration(session=session, status=RegistrationStatus.WAITLISTED)
    return session


def decision_url(programme) -> str:
    return reverse("attendees:pilot-decision") + f"?programme={programme.slug}"


def test_stop_shows_the_published_rollout_sessions_and_their_registrations_first(
    organiser_client, programme, published_rollout
):
    response = organiser_client.post(decision_url(programme), stop_post())

    assert response.status_code == 200
    assert [(s.code, s.confirmed, s.waiting) for s in response.context["sessions"]] == [("ROL-POS-01", 1, 1)]
    assertContains(response, "1 rollout session is published")
    assert response.context["form"].errors == {}
    assert programme.pilot_decision.outcome == "go"
    assert Session.objects.get(pk=published_rollout.pk).status == "published"


def test_stop_confirmed_without_a_choice_says_to_choose(organiser_client, programme, published_rollout):
    response = organiser_client.post(decision_url(programme), stop_post(confirm="1"))

    assert response.context["form"].errors == {
        "rollout_sessions": ["Choose what happens to the 1 published rollout session"]
    }


def test_stop_with_unpublish_makes_the_rollout_drafts_again_and_withdraws_every_place(
    organiser_client, programme, published_rollout, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(decision_url(programme), stop_post(confirm="1", rollout_sessions="unpublish"))

    assert response.url == decision_url(programme)
    session = Session.objects.get(pk=published_rollout.pk)
    assert (session.status, session.places_taken) == ("draft", 0)
    reason = "The programme will not go ahead to the rollout after the pilot evaluation."
    assert sorted(session.registrations.values_list("person__email", "status", "cancellation_reason")) == sorted(
        [
            ("asha@example.nhs.uk", "cancelled", reason),
            (
                session.registrations.exclude(person__email="asha@example.nhs.uk").get().person.email,
                "cancelled",
                reason,
            ),
        ]
    )
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["pilot_decision.change", "session.unpublish", "session.places_withdrawn"]
    # Each person is told; the one who held a place gets the calendar's CANCEL, nobody is promoted.
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert len(mailoutbox) == 2
    held = by_recipient["asha@example.nhs.uk"]
    assert held.subject.startswith("Your place has been cancelled: ")
    assert reason in held.body
    content_type, calendar = calendar_part(held)
    assert (content_type, calendar["METHOD"], calendar.walk("VEVENT")[0]["UID"]) == (
        'text/calendar; charset="utf-8"; method=CANCEL',
        "CANCEL",
        session_uid(session),
    )
    waiting = next(message for email, message in by_recipient.items() if email != "asha@example.nhs.uk")
    assert waiting.subject.startswith("You are no longer on the waiting list: ")
    assert calendar_part(waiting) == (None, None)


def test_stop_with_cancel_cancels_the_rollout_and_emails_everyone_registered(
    organiser_client, programme, published_rollout, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(decision_url(programme), stop_post(confirm="1", rollout_sessions="cancel"))

    session = Session.objects.get(pk=published_rollout.pk)
    assert (session.status, session.cancellation_reason) == (
        "cancelled",
        "The programme will not go ahead to the rollout after the pilot evaluation.",
    )
    assert len(mailoutbox) == 2
    assert "asha@example.nhs.uk" in [m.to[0] for m in mailoutbox]
    public = organiser_client.get(reverse("summits:public-session-detail", kwargs={"code": "ROL-POS-01"}))
    assertNotContains(public, "Register", status_code=public.status_code)
