"""The core attendee services: places, the waiting list, invitations and links."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from attendees import services
from attendees.enums import InvitationStatus, RegistrationStatus
from attendees.models import Invitation, LeadershipGroup, Organisation, Person, Registration
from outbox.sending import send_queued
from summits.enums import Region, SessionStatus
from summits.models import AuditEntry, Session
from summits.services import SessionDetails
from tests import factories

pytestmark = pytest.mark.django_db


def make_person(n: int, *, groups=(), organisation=None) -> Person:
    person = Person.objects.create(
        first_name=f"First{n}", last_name=f"Last{n}", email=f"Person{n}@Example.nhs.uk", organisation=organisation
    )
    person.groups.set(groups)
    return person


@pytest.fixture
def session():
    return factories.published_session(capacity=2)


def places(session: Session) -> int:
    return Session.objects.get(pk=session.pk).places_taken


# Places and the waiting list ------------------------------------------------------------


def test_register_confirms_while_places_are_free_then_waitlists(session):
    people = [make_person(n) for n in range(4)]

    statuses = [services.register(person=p, session=session).status for p in people]

    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert places(session) == 2


def test_register_gives_waitlist_positions_first_come_first_served(session):
    people = [make_person(n) for n in range(5)]
    registrations = [services.register(person=p, session=session) for p in people]

    assert [services.waitlist_position(r) for r in registrations] == [None, None, 1, 2, 3]


def test_register_refuses_a_second_live_registration(session):
    person = make_person(1)
    services.register(person=person, session=session)

    with pytest.raises(ValidationError) as error:
        services.register(person=person, session=session)

    assert error.value.messages == ["You already have a place on this session, or are on its waiting list."]
    assert places(session) == 1


def test_register_after_cancelling_is_allowed(session):
    person = make_person(1)
    first = services.register(person=person, session=session)
    services.cancel_registration(registration=first)

    again = services.register(person=person, session=session)

    assert again.status == RegistrationStatus.CONFIRMED
    assert Registration.objects.filter(person=person, session=session).count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": SessionStatus.DRAFT}, "This session is not open for registration."),
        ({"status": SessionStatus.CANCELLED, "cancellation_reason": "x"}, "This session has been cancelled."),
    ],
)
def test_register_refuses_sessions_not_open(session, changes, message):
    Session.objects.filter(pk=session.pk).update(**changes)

    with pytest.raises(ValidationError) as error:
        services.register(person=make_person(1), session=session)

    assert error.value.messages == [message]


def test_register_refuses_after_registration_closes(session):
    Session.objects.filter(pk=session.pk).update(registration_closes_at=timezone.now() - datetime.timedelta(minutes=1))

    with pytest.raises(ValidationError) as error:
        services.register(person=make_person(1), session=session)

    assert error.value.messages == ["Registration for this session has closed."]


def test_register_refuses_before_registration_opens(session):
    opens = timezone.make_aware(datetime.datetime(2099, 1, 2, 9, 0))
    Session.objects.filter(pk=session.pk).update(
        registration_opens_at=opens,
        starts_at=opens + datetime.timedelta(days=9),
        ends_at=opens + datetime.timedelta(days=10),
    )

    with pytest.raises(ValidationError) as error:
        services.register(person=make_person(1), session=session)

    assert error.value.messages == ["Registration opens on 2 January 2099 at 09:00."]


def test_cancel_of_a_confirmed_place_promotes_the_first_waitlisted(session):
    people = [make_person(n) for n in range(4)]
    first, _, third, fourth = [services.register(person=p, session=session) for p in people]

    services.cancel_registration(registration=first)

    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: "cancelled",
        first.pk + 1: "confirmed",
        third.pk: "confirmed",
        fourth.pk: "waitlisted",
    }
    assert services.waitlist_position(Registration.objects.get(pk=fourth.pk)) == 1
    assert places(session) == 2


def test_cancel_of_a_waitlisted_place_promotes_nobody(session):
    people = [make_person(n) for n in range(4)]
    registrations = [services.register(person=p, session=session) for p in people]

    services.cancel_registration(registration=registrations[2])

    assert list(Registration.objects.order_by("pk").values_list("status", flat=True)) == [
        "confirmed",
        "confirmed",
        "cancelled",
        "waitlisted",
    ]
    assert places(session) == 2


def test_cancel_twice_is_refused(session):
    registration = services.register(person=make_person(1), session=session)
    services.cancel_registration(registration=registration)

    with pytest.raises(ValidationError) as error:
        services.cancel_registration(registration=registration)

    assert error.value.messages == ["This place has already been cancelled or the session has taken place."]
    assert places(session) == 0


def test_cancel_by_an_organiser_is_audited(session, organiser):
    registration = services.register(person=make_person(1), session=session)

    services.cancel_registration(registration=registration, actor=organiser)

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.before, entry.after) == (
        "registration.cancel",
        organiser,
        {"person": "person1@example.nhs.uk", "status": "confirmed"},
        {"status": "cancelled", "reason": ""},
    )


def test_cancel_by_an_organiser_keeps_the_reason_for_the_person(session, organiser):
    registration = services.register(person=make_person(1), session=session)

    services.cancel_registration(registration=registration, actor=organiser, reason="  Double-booked by mistake ")

    assert Registration.objects.get(pk=registration.pk).cancellation_reason == "Double-booked by mistake"
    assert AuditEntry.objects.get().after == {"status": "cancelled", "reason": "Double-booked by mistake"}


# One way to fill free places: the waiting list first ---------------------------------------


def full_with_waiting(session, waiting: int) -> list[Registration]:
    """Fills the session (capacity 2) and puts `waiting` people on its waiting list."""
    return [services.register(person=make_person(n), session=session) for n in range(2 + waiting)]


def raise_capacity(session, organiser, capacity: int) -> Session:
    return services.update_session(
        actor=organiser, session=session, details=SessionDetails.from_session(session, capacity=capacity)
    )


def test_raising_capacity_promotes_the_people_waiting_in_queue_order(session, organiser):
    registrations = full_with_waiting(session, 3)

    updated = raise_capacity(session, organiser, 4)

    statuses = [Registration.objects.get(pk=r.pk).status for r in registrations]
    assert statuses == ["confirmed", "confirmed", "confirmed", "confirmed", "waitlisted"]
    assert (updated.capacity, updated.places_taken, places(session)) == (4, 4, 4)
    assert services.waitlist_position(Registration.objects.get(pk=registrations[4].pk)) == 1


def test_raising_capacity_emails_each_promoted_person_a_calendar_invite(
    session, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    full_with_waiting(session, 2)
    send_queued()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        raise_capacity(session, organiser, 3)
    send_queued()

    assert [m.to for m in mailoutbox] == [["person2@example.nhs.uk"]]
    assert mailoutbox[0].subject.split(":")[0] == "A place has come up for you"


def test_a_newcomer_joins_the_queue_while_anyone_waits_even_with_a_free_place(session):
    registrations = full_with_waiting(session, 1)
    # A place is free with someone waiting only if something bypassed the services; even then
    # the newcomer must not take it.
    Session.objects.filter(pk=session.pk).update(capacity=3)

    newcomer = services.register(person=make_person(10), session=session)

    assert newcomer.status == "waitlisted"
    assert services.waitlist_position(newcomer) == 2
    assert Registration.objects.get(pk=registrations[2].pk).status == "waitlisted"


def test_a_newcomer_takes_a_raised_place_only_when_nobody_waits(session, organiser):
    full_with_waiting(session, 0)
    raise_capacity(session, organiser, 3)

    newcomer = services.register(person=make_person(10), session=session)

    assert newcomer.status == "confirmed"
    assert places(session) == 3


def test_an_organisers_removal_gives_the_place_to_the_first_waiting(session, organiser):
    registrations = full_with_waiting(session, 2)

    services.cancel_registration(registration=registrations[0], actor=organiser, reason="Left the trust")

    statuses = [Registration.objects.get(pk=r.pk).status for r in registrations]
    assert statuses == ["cancelled", "confirmed", "confirmed", "waitlisted"]
    assert places(session) == 2


def test_fill_places_gives_nothing_on_a_session_that_has_started():
    session = factories.published_session(capacity=2, starts_at=timezone.now() + datetime.timedelta(hours=1))
    registrations = full_with_waiting(session, 1)
    Session.objects.filter(pk=session.pk).update(capacity=3, starts_at=timezone.now() - datetime.timedelta(minutes=5))

    promoted = services.fill_places_from_waiting_list(session_id=session.pk)

    assert promoted == []
    assert Registration.objects.get(pk=registrations[2].pk).status == "waitlisted"


# Offering a place to a chosen waiting person ------------------------------------------------


def test_offer_place_confirms_the_chosen_person_adding_a_place_and_is_audited(session, organiser):
    registrations = full_with_waiting(session, 2)
    chosen = registrations[3]

    offered = services.offer_place(actor=organiser, registration=chosen)

    assert offered.status == "confirmed"
    assert Registration.objects.get(pk=registrations[2].pk).status == "waitlisted"
    refreshed = Session.objects.get(pk=session.pk)
    assert (refreshed.capacity, refreshed.places_taken) == (3, 3)
    entry = AuditEntry.objects.get(action="registration.offer_place")
    assert (entry.actor, entry.before, entry.after) == (
        organiser,
        {"person": "person3@example.nhs.uk", "status": "waitlisted", "capacity": 2},
        {"status": "confirmed", "capacity": 3},
    )


def test_offer_place_refuses_going_over_the_venue_without_an_override(organiser):
    venue = factories.venue(capacity=2)
    session = factories.published_session(capacity=2, venue=venue)
    registrations = full_with_waiting(session, 1)

    with pytest.raises(ValidationError) as error:
        services.offer_place(actor=organiser, registration=registrations[2])

    assert error.value.messages == [
        f"{venue} holds 2 people and the session is full. To offer another place, edit the session and raise its "
        "capacity with a reason for going over the venue’s capacity"
    ]
    assert Registration.objects.get(pk=registrations[2].pk).status == "waitlisted"


def test_offer_place_refuses_someone_not_waiting(session, organiser):
    registration = services.register(person=make_person(1), session=session)

    with pytest.raises(ValidationError) as error:
        services.offer_place(actor=organiser, registration=registration)

    assert error.value.messages == ["First1 Last1 is not on the waiting list"]


def test_places_taken_can_never_exceed_capacity_in_the_database(session):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(places_taken=3)


def test_active_registrations_are_unique_per_person_and_session_in_the_database(session):
    person = make_person(1)
    Registration.objects.create(person=person, session=session, status=RegistrationStatus.WAITLISTED)

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(person=person, session=session, status=RegistrationStatus.CONFIRMED)


def test_person_email_is_unique_without_regard_to_case():
    make_person(1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.bulk_create([Person(first_name="A", last_name="B", email="PERSON1@example.NHS.uk")])


def test_capacity_cannot_be_reduced_below_confirmed_places(session, organiser):
    for n in range(2):
        services.register(person=make_person(n), session=session)
    session.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        services.update_session(
            actor=organiser, session=session, details=SessionDetails.from_session(session, capacity=1)
        )

    assert error.value.message_dict == {
        "capacity": ["2 people have confirmed places, so the capacity cannot be less than 2"]
    }


# Invitations -----------------------------------------------------------------------------


def test_invitation_from_link_finds_the_invitation_with_its_token(session):
    invitation = Invitation.objects.create(person=make_person(1), session=session)

    assert services.invitation_from_link(invitation.pk, invitation.token) == invitation


@pytest.mark.parametrize("token", ["", "wrong", "x" * 32])
def test_invitation_from_link_refuses_a_wrong_token(session, token):
    invitation = Invitation.objects.create(person=make_person(1), session=session)

    with pytest.raises(services.LinkError) as error:
        services.invitation_from_link(invitation.pk, token)

    assert str(error.value) == "This link is not right. Check you copied the whole link from your email."


def test_invitation_from_link_refuses_another_invitations_token(session):
    mine = Invitation.objects.create(person=make_person(1), session=session)
    other = Invitation.objects.create(person=make_person(2), session=factories.published_session())

    with pytest.raises(services.LinkError):
        services.invitation_from_link(mine.pk, other.token)


def test_accept_invitation_registers_and_marks_it_accepted(session):
    invitation = Invitation.objects.create(person=make_person(1), session=session)

    registration = services.accept_invitation(invitation=invitation)

    invitation.refresh_from_db()
    assert (registration.status, registration.invitation, invitation.status) == (
        "confirmed",
        invitation,
        InvitationStatus.ACCEPTED,
    )


def test_accept_invitation_twice_is_a_used_link(session):
    invitation = Invitation.objects.create(person=make_person(1), session=session)
    services.accept_invitation(invitation=invitation)

    with pytest.raises(services.LinkError) as error:
        services.accept_invitation(invitation=invitation)

    assert str(error.value) == "You have already accepted this invitation."
    assert Registration.objects.count() == 1


def test_accept_invitation_after_registration_closed_is_refused(session):
    invitation = Invitation.objects.create(person=make_person(1), session=session)
    Session.objects.filter(pk=session.pk).update(registration_closes_at=timezone.now() - datetime.timedelta(hours=1))

    with pytest.raises(services.LinkError) as error:
        services.accept_invitation(invitation=invitation)

    assert str(error.value) == "Registration for this session has closed."
    assert Invitation.objects.get().status == InvitationStatus.PENDING


def test_a_decline_can_be_changed_to_an_accept_while_the_invitation_is_open(session):
    invitation = Invitation.objects.create(person=make_person(1), session=session)
    services.decline_invitation(invitation=invitation)

    registration = services.accept_invitation(invitation=invitation)

    assert registration.status == "confirmed"
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED


def test_accept_after_accept_is_refused(session):
    invitation = Invitation.objects.create(person=make_person(1), session=session)
    services.accept_invitation(invitation=invitation)

    with pytest.raises(services.LinkError) as error:
        services.accept_invitation(invitation=invitation)

    assert str(error.value) == "You have already accepted this invitation."


def test_invite_groups_invites_members_once_leaving_out_invited_and_registered(session, organiser):
    boards = LeadershipGroup.objects.create(name="Acute trust boards")
    nurses = LeadershipGroup.objects.create(name="Chief nurses")
    both = make_person(1, groups=[boards, nurses])
    already_invited = make_person(2, groups=[boards])
    registered = make_person(3, groups=[nurses])
    outsider = make_person(4)
    fresh = make_person(5, groups=[nurses])
    Invitation.objects.create(person=already_invited, session=session)
    services.register(person=registered, session=session)

    count = services.invite_groups(actor=organiser, session=session, groups=[boards, nurses])

    assert count == 2
    assert set(Invitation.objects.filter(invited_by=organiser).values_list("person", flat=True)) == {
        both.pk,
        fresh.pk,
    }
    assert Invitation.objects.filter(person=outsider).count() == 0


def test_invite_groups_narrows_by_region_and_organisation_type(session, organiser):
    group = LeadershipGroup.objects.create(name="Boards")
    london_trust = Organisation.objects.create(name="Trust A", type="acute_trust", region=Region.LONDON)
    leeds_trust = Organisation.objects.create(
        name="Trust B", type="acute_trust", region=Region.NORTH_EAST_AND_YORKSHIRE
    )
    london_council = Organisation.objects.create(name="Council", type="local_authority", region=Region.LONDON)
    wanted = make_person(1, groups=[group], organisation=london_trust)
    make_person(2, groups=[group], organisation=leeds_trust)
    make_person(3, groups=[group], organisation=london_council)

    count = services.invite_groups(
        actor=organiser, session=session, groups=[group], regions=[Region.LONDON], organisation_types=["acute_trust"]
    )

    assert count == 1
    assert list(Invitation.objects.values_list("person", flat=True)) == [wanted.pk]


def test_invite_groups_refuses_a_draft_session(organiser):
    draft = factories.session()

    with pytest.raises(ValidationError) as error:
        services.invite_groups(actor=organiser, session=draft, groups=[])

    assert error.value.messages == ["Only published sessions can have invitations sent"]


def test_invite_person_refuses_someone_already_invited(session, organiser):
    person = make_person(1)
    services.invite_person(actor=organiser, session=session, person=person)

    with pytest.raises(ValidationError) as error:
        services.invite_person(actor=organiser, session=session, person=person)

    assert error.value.message_dict == {"person": ["First1 Last1 has already been invited to this session"]}


def test_can_self_register_only_for_open_sessions_in_the_persons_groups(session):
    group = LeadershipGroup.objects.create(name="Boards")
    member, outsider = make_person(1, groups=[group]), make_person(2)
    group.sessions.add(session)

    assert services.can_self_register(member, session) is False  # invitation only
    Session.objects.filter(pk=session.pk).update(access="open_to_groups")
    session.refresh_from_db()
    assert (services.can_self_register(member, session), services.can_self_register(outsider, session)) == (True, False)
    assert services.can_self_register(None, session) is False


def test_set_session_audience_opens_the_session_to_its_groups_and_audits(session, organiser):
    boards = LeadershipGroup.objects.create(name="Acute trust boards")

    services.set_session_audience(actor=organiser, session=session, access="open_to_groups", groups=[boards])

    session.refresh_from_db()
    entry = AuditEntry.objects.get()
    assert (session.access, list(session.target_groups.all())) == ("open_to_groups", [boards])
    assert (entry.action, entry.before, entry.after) == (
        "session.audience",
        {"access": "invitation_only", "groups": []},
        {"access": "open_to_groups", "groups": ["Acute trust boards"]},
    )


def test_set_session_audience_open_without_groups_is_refused(session, organiser):
    with pytest.raises(ValidationError) as error:
        services.set_session_audience(actor=organiser, session=session, access="open_to_groups", groups=[])

    assert error.value.message_dict == {"groups": ["Choose the leadership groups that may register"]}
