"""Many people accepting or cancelling at the same moment on PostgreSQL: capacity holds.

SQLite's shared-cache in-memory test database cannot hold two writers at once (its IMMEDIATE
transactions serialise writers by design), so these run on PostgreSQL, the production database.
"""

import pytest
from django.db import connection

from attendees import services
from attendees.enums import RegistrationStatus
from attendees.models import Invitation, Person, Registration
from summits.models import Session
from summits.services import SessionDetails
from tests import factories
from tests.summits.test_concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"),
]


def invitations(session, count: int) -> list[Invitation]:
    people = Person.objects.bulk_create(
        Person(first_name=f"P{n}", last_name="Race", email=f"p{n}@example.nhs.uk") for n in range(count)
    )
    return Invitation.objects.bulk_create(Invitation(person=p, session=session) for p in people)


def test_simultaneous_accepts_never_exceed_capacity():
    session = factories.published_session(capacity=10)

    outcomes = race([lambda i=i: services.accept_invitation(invitation=i) for i in invitations(session, 30)])

    assert outcomes == ["ok"] * 30
    counts = {
        status: Registration.objects.filter(session=session, status=status).count()
        for status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
    }
    assert counts == {"confirmed": 10, "waitlisted": 20}
    assert Session.objects.get(pk=session.pk).places_taken == 10


def test_simultaneous_cancels_promote_different_people_and_fill_every_place():
    session = factories.published_session(capacity=5)
    registrations = [services.accept_invitation(invitation=i) for i in invitations(session, 12)]
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]

    outcomes = race([lambda r=r: services.cancel_registration(registration=r) for r in confirmed[:4]])

    assert outcomes == ["ok"] * 4
    live = Registration.objects.filter(session=session).exclude(status=RegistrationStatus.CANCELLED)
    assert live.filter(status=RegistrationStatus.CONFIRMED).count() == 5
    assert live.filter(status=RegistrationStatus.WAITLISTED).count() == 3
    # The promoted are the four who waited longest, in order.
    waitlisted_first = [r.pk for r in registrations if r.status == RegistrationStatus.WAITLISTED][:4]
    assert set(live.filter(pk__in=waitlisted_first).values_list("status", flat=True)) == {"confirmed"}
    assert Session.objects.get(pk=session.pk).places_taken == 5


def test_one_person_accepting_twice_at_once_gets_one_registration():
    session = factories.published_session(capacity=10)
    (invitation,) = invitations(session, 1)
    person = invitation.person

    outcomes = race([lambda: services.register(person=person, session=session) for _ in range(4)])

    assert sorted(outcomes) == ["You already have a place on this session, or are on its waiting list."] * 3 + ["ok"]
    assert Registration.objects.filter(person=person).count() == 1
    assert Session.objects.get(pk=session.pk).places_taken == 1


def test_capacity_increase_racing_accepts_gives_the_new_places_to_the_first_waiting():
    organiser = factories.staff_user("organiser@example.nhs.uk", role="organiser")
    session = factories.published_session(capacity=3)
    early = [services.accept_invitation(invitation=i) for i in invitations(session, 9)]
    waiting = [r.pk for r in early if r.status == RegistrationStatus.WAITLISTED]
    newcomers = Invitation.objects.bulk_create(
        Invitation(person=p, session=session)
        for p in Person.objects.bulk_create(
            Person(first_name=f"N{n}", last_name="Late", email=f"n{n}@example.nhs.uk") for n in range(20)
        )
    )

    def raise_capacity():
        services.update_session(
            actor=organiser, session=session, details=SessionDetails.from_session(session, capacity=8)
        )

    outcomes = race([raise_capacity] + [lambda i=i: services.accept_invitation(invitation=i) for i in newcomers])

    assert outcomes == ["ok"] * 21
    status = dict(Registration.objects.filter(session=session).values_list("pk", "status"))
    # The five new places went to the first five waiting, never to a newcomer.
    assert [status[pk] for pk in waiting] == ["confirmed"] * 5 + ["waitlisted"]
    late = Registration.objects.filter(session=session, person__last_name="Late")
    assert sorted(late.values_list("status", flat=True)) == ["waitlisted"] * 20
    refreshed = Session.objects.get(pk=session.pk)
    assert (refreshed.capacity, refreshed.places_taken) == (8, 8)
