"""Attendance: check-in on the day, undo, finalising after the session, corrections."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from attendees import attendance
from attendees.enums import RegistrationStatus
from attendees.models import Registration
from summits.enums import SessionStatus
from summits.models import AuditEntry, Session
from tests import factories

pytestmark = pytest.mark.django_db


def running_session(**overrides) -> Session:
    """A published session that started an hour ago and ends in two hours."""
    return factories.published_session(starts_at=timezone.now() - datetime.timedelta(hours=1), hours=3, **overrides)


def ended_session(**overrides) -> Session:
    return factories.published_session(starts_at=timezone.now() - datetime.timedelta(days=2), hours=3, **overrides)


def status_of(registration: Registration) -> str:
    return Registration.objects.get(pk=registration.pk).status


def places(session: Session) -> int:
    return Session.objects.get(pk=session.pk).places_taken


@pytest.fixture
def session():
    return running_session()


# Marking people as attended -----------------------------------------------------------------


def test_mark_attended_checks_a_confirmed_person_in(organiser, session):
    registration = factories.registration(session=session)
    before = timezone.now()

    attendance.mark_attended(actor=organiser, registration=registration)

    saved = Registration.objects.get(pk=registration.pk)
    assert saved.status == RegistrationStatus.ATTENDED
    assert before <= saved.checked_in_at <= timezone.now()
    assert places(session) == 1


def test_mark_attended_records_who_was_checked_in(organiser, session):
    person = factories.person(email="asha.patel@example.nhs.uk")
    registration = factories.registration(session=session, person=person)

    attendance.mark_attended(actor=organiser, registration=registration)

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id, entry.actor_email) == (
        "attendance.mark_attended",
        str(session.pk),
        "organiser@example.nhs.uk",
    )
    assert entry.before == {"people": {"asha.patel@example.nhs.uk": "confirmed"}}
    assert entry.after == {"status": "attended", "count": 1}


def test_mark_attended_refuses_before_the_day_of_the_session(organiser):
    session = factories.published_session(starts_at=timezone.now() + datetime.timedelta(days=3))
    registration = factories.registration(session=session)

    with pytest.raises(ValidationError) as error:
        attendance.mark_attended(actor=organiser, registration=registration)

    day = timezone.localtime(session.starts_at)
    assert error.value.messages == [f"Check-in opens on the day of the session, {day:%-d %B %Y}."]
    assert status_of(registration) == RegistrationStatus.CONFIRMED


def test_mark_attended_refuses_a_cancelled_session(organiser):
    session = running_session()
    registration = factories.registration(session=session)
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED, cancellation_reason="Snow")
    session.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        attendance.mark_attended(actor=organiser, registration=registration)

    assert error.value.messages == ["This session was cancelled, so there is no attendance to record."]


def test_mark_attended_refuses_someone_on_the_waiting_list(organiser, session):
    registration = factories.registration(session=session, status=RegistrationStatus.WAITLISTED)

    with pytest.raises(ValidationError) as error:
        attendance.mark_attended(actor=organiser, registration=registration)

    assert error.value.messages == [
        "Nobody selected can be marked as attended: they are already checked in or have no place"
    ]
    assert status_of(registration) == RegistrationStatus.WAITLISTED
    assert AuditEntry.objects.count() == 0


def test_mark_attended_in_bulk_marks_only_places_on_this_session(organiser, session):
    confirmed = [factories.registration(session=session) for _ in range(3)]
    waitlisted = factories.registration(session=session, status=RegistrationStatus.WAITLISTED)
    elsewhere = factories.registration(session=running_session())

    marked = attendance.mark_attended_in_bulk(
        actor=organiser,
        session=session,
        registration_ids=[r.pk for r in confirmed[:2]] + [waitlisted.pk, elsewhere.pk],
    )

    assert [r.pk for r in marked] == [r.pk for r in confirmed[:2]]
    assert [status_of(r) for r in confirmed] == ["attended", "attended", "confirmed"]
    assert status_of(waitlisted) == RegistrationStatus.WAITLISTED
    assert status_of(elsewhere) == RegistrationStatus.CONFIRMED
    assert AuditEntry.objects.get().after == {"status": "attended", "count": 2}


def test_mark_attended_in_bulk_leaves_people_already_checked_in_alone(organiser, session):
    first, second = factories.registration(session=session), factories.registration(session=session)
    attendance.mark_attended(actor=organiser, registration=first)
    checked_in_at = Registration.objects.get(pk=first.pk).checked_in_at

    marked = attendance.mark_attended_in_bulk(actor=organiser, session=session, registration_ids=[first.pk, second.pk])

    assert [r.pk for r in marked] == [second.pk]
    assert Registration.objects.get(pk=first.pk).checked_in_at == checked_in_at


def test_mark_attended_in_bulk_refuses_an_empty_selection(organiser, session):
    with pytest.raises(ValidationError) as error:
        attendance.mark_attended_in_bulk(actor=organiser, session=session, registration_ids=[])

    assert error.value.messages == ["Select the people who attended"]


# Undo ----------------------------------------------------------------------------------------


def test_undo_attended_before_finalising_makes_the_person_confirmed_again(organiser, session):
    registration = factories.registration(session=session)
    attendance.mark_attended(actor=organiser, registration=registration)

    attendance.undo_attended(actor=organiser, registration=registration)

    saved = Registration.objects.get(pk=registration.pk)
    assert (saved.status, saved.checked_in_at) == (RegistrationStatus.CONFIRMED, None)
    assert AuditEntry.objects.order_by("id").last().after == {"status": "confirmed"}


def test_undo_attended_refuses_someone_not_checked_in(organiser, session):
    registration = factories.registration(
        session=session, person=factories.person(first_name="Ruth", last_name="Okafor")
    )

    with pytest.raises(ValidationError) as error:
        attendance.undo_attended(actor=organiser, registration=registration)

    assert error.value.messages == ["Ruth Okafor is not checked in"]


# Finalising and corrections ------------------------------------------------------------------


def test_finalise_attendance_makes_people_not_checked_in_no_shows(organiser):
    session = ended_session()
    attended = factories.registration(session=session, status=RegistrationStatus.ATTENDED)
    unmarked = [factories.registration(session=session) for _ in range(2)]
    waitlisted = factories.registration(session=session, status=RegistrationStatus.WAITLISTED)
    cancelled = factories.registration(session=session, status=RegistrationStatus.CANCELLED)

    no_shows = attendance.finalise_attendance(actor=organiser, session=session)

    assert no_shows == 2
    assert [status_of(r) for r in unmarked] == ["no_show", "no_show"]
    assert status_of(attended) == RegistrationStatus.ATTENDED
    assert status_of(waitlisted) == RegistrationStatus.WAITLISTED
    assert status_of(cancelled) == RegistrationStatus.CANCELLED
    assert places(session) == 3
    assert attendance.is_finalised(session) is True


def test_finalise_attendance_records_the_no_shows(organiser):
    session = ended_session()
    factories.registration(session=session, person=factories.person(email="b@example.nhs.uk"))
    factories.registration(session=session, person=factories.person(email="a@example.nhs.uk"))

    attendance.finalise_attendance(actor=organiser, session=session)

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id) == ("attendance.finalise", str(session.pk))
    assert entry.after == {"no_shows": 2, "people": ["a@example.nhs.uk", "b@example.nhs.uk"]}


def test_finalise_attendance_refuses_before_the_session_ends(organiser, session):
    registration = factories.registration(session=session)

    with pytest.raises(ValidationError) as error:
        attendance.finalise_attendance(actor=organiser, session=session)

    assert error.value.messages == ["Attendance can be finalised once the session has ended"]
    assert status_of(registration) == RegistrationStatus.CONFIRMED


def test_finalise_attendance_a_second_time_finds_nobody_left(organiser):
    session = ended_session()
    factories.registration(session=session)
    attendance.finalise_attendance(actor=organiser, session=session)

    assert attendance.finalise_attendance(actor=organiser, session=session) == 0


def test_no_show_can_be_corrected_to_attended_after_finalising(organiser):
    session = ended_session()
    registration = factories.registration(session=session)
    attendance.finalise_attendance(actor=organiser, session=session)

    attendance.mark_attended(actor=organiser, registration=registration)

    assert status_of(registration) == RegistrationStatus.ATTENDED
    assert places(session) == 1


def test_undo_attended_after_finalising_makes_a_no_show(organiser):
    session = ended_session()
    registration = factories.registration(session=session)
    attendance.mark_attended(actor=organiser, registration=registration)
    attendance.finalise_attendance(actor=organiser, session=session)

    attendance.undo_attended(actor=organiser, registration=registration)

    saved = Registration.objects.get(pk=registration.pk)
    assert (saved.status, saved.checked_in_at) == (RegistrationStatus.NO_SHOW, None)
    assert places(session) == 1


def test_undo_attended_after_the_session_but_before_finalising_keeps_the_register_open(organiser):
    session = ended_session()
    registration, other = factories.registration(session=session), factories.registration(session=session)
    attendance.mark_attended(actor=organiser, registration=registration)

    attendance.undo_attended(actor=organiser, registration=registration)

    assert [status_of(registration), status_of(other)] == ["confirmed", "confirmed"]
    assert attendance.is_finalised(session) is False


def test_is_finalised_is_false_while_the_session_is_running(organiser, session):
    registration = factories.registration(session=session)
    attendance.mark_attended(actor=organiser, registration=registration)

    assert attendance.is_finalised(session) is False
