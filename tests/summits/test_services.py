"""Scheduling services: every rule, the calendar SEQUENCE, duplication, publishing against the
pilot decision, cancelling without deleting, and the audit entry each action writes."""

import datetime
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from summits import services
from summits.enums import PhaseKind, PilotDecisionOutcome, Region, SessionStatus, Theme
from summits.models import AuditEntry, CostLine, Facilitator, PilotDecision, Session, Venue
from summits.services import SessionDetails
from tests import factories
from tests.factories import london

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year + 1


@pytest.fixture
def pilot(programme):
    """A pilot phase in the first half of next year: every date in it is in the future."""
    return factories.phase(
        programme=programme,
        kind=PhaseKind.PILOT,
        starts_on=datetime.date(YEAR, 1, 1),
        ends_on=datetime.date(YEAR, 6, 30),
    )


@pytest.fixture
def rollout(programme):
    return factories.phase(
        programme=programme,
        kind=PhaseKind.ROLLOUT,
        starts_on=datetime.date(YEAR, 7, 1),
        ends_on=datetime.date(YEAR, 12, 31),
    )


@pytest.fixture
def leeds(db):
    return factories.venue(name="Quarry House", town="Leeds")


def details(phase, **overrides) -> SessionDetails:
    values = {
        "phase": phase,
        "code": "PIL-POS-01",
        "theme": Theme.POSSIBLE,
        "title": "The art of the possible",
        "starts_at": london(YEAR, 1, 12, 9),
        "ends_at": london(YEAR, 1, 12, 12),
        "capacity": 40,
        "online_url": "https://meet.example.nhs.uk/pil-pos-01",
    }
    values.update(overrides)
    return SessionDetails(**values)


def error_messages(excinfo) -> dict:
    return excinfo.value.message_dict


def only_entry(**filters) -> AuditEntry:
    return AuditEntry.objects.get(**filters)


# create_session ------------------------------------------------------------------------


def test_create_session_saves_a_draft_with_its_focus_areas_and_facilitators(organiser, pilot, leeds):
    asha = factories.facilitator(name="Dr Asha Patel")
    session = services.create_session(
        actor=organiser,
        details=details(
            pilot,
            venue=leeds,
            online_url="",
            region=Region.NORTH_EAST_AND_YORKSHIRE,
            focus_areas=[factories.focus_area(1), factories.focus_area(2)],
            facilitators=[asha],
        ),
    )

    session.refresh_from_db()
    assert session.status == SessionStatus.DRAFT
    assert session.sequence == 0
    assert session.published_at is None
    assert session.venue == leeds
    assert session.starts_at == london(YEAR, 1, 12, 9)
    assert session.ends_at == london(YEAR, 1, 12, 12)
    assert list(session.focus_areas.values_list("number", flat=True)) == [1, 2]
    assert list(session.facilitators.all()) == [asha]


def test_create_session_records_who_created_it_and_every_field(organiser, pilot, leeds):
    asha = factories.facilitator(name="Dr Asha Patel")
    session = services.create_session(
        actor=organiser,
        details=details(
            pilot,
            venue=leeds,
            region=Region.NORTH_EAST_AND_YORKSHIRE,
            summary="What leaders will take away",
            focus_areas=[factories.focus_area(2), factories.focus_area(1)],
            facilitators=[asha],
            registration_closes_at=london(YEAR, 1, 10, 17),
        ),
    )

    entry = only_entry()
    assert entry.actor == organiser
    assert entry.actor_email == "organiser@example.nhs.uk"
    assert entry.action == "session.create"
    assert entry.object_type == "session"
    assert entry.object_id == str(session.pk)
    assert entry.object_repr == "PIL-POS-01: The art of the possible"
    assert entry.before == {}
    assert entry.after == {
        "phase": f"{pilot.programme.name}: Pilot",
        "code": "PIL-POS-01",
        "theme": "possible",
        "title": "The art of the possible",
        "summary": "What leaders will take away",
        "focus_areas": ["Services now and emerging", "Transformative technology"],
        "starts_at": f"{YEAR}-01-12T09:00:00+00:00",
        "ends_at": f"{YEAR}-01-12T12:00:00+00:00",
        "venue": "Quarry House, Leeds",
        "online_url": "https://meet.example.nhs.uk/pil-pos-01",
        "region": "north_east_and_yorkshire",
        "capacity": 40,
        "capacity_override_reason": "",
        "registration_opens_at": None,
        "registration_closes_at": f"{YEAR}-01-10T17:00:00+00:00",
        "facilitators": ["Dr Asha Patel"],
        "status": "draft",
        "cancellation_reason": "",
        "sequence": 0,
    }


def test_create_session_refuses_end_before_start(organiser, pilot):
    with pytest.raises(ValidationError) as excinfo:
        services.create_session(actor=organiser, details=details(pilot, ends_at=london(YEAR, 1, 12, 8)))

    assert error_messages(excinfo) == {"ends_at": ["The end time must be after the start time"]}
    assert Session.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_create_session_refuses_end_equal_to_start(organiser, pilot):
    with pytest.raises(ValidationError) as excinfo:
        services.create_session(actor=organiser, details=details(pilot, ends_at=london(YEAR, 1, 12, 9)))

    assert error_messages(excinfo) == {"ends_at": ["The end time must be after the start time"]}


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        pytest.param((YEAR - 1, 12, 31, 9), (YEAR - 1, 12, 31, 12), id="before the window"),
        pytest.param((YEAR, 7, 1, 9), (YEAR, 7, 1, 12), id="after the window"),
        pytest.param((YEAR, 6, 30, 22), (YEAR, 7, 1, 1), id="running past the last day"),
    ],
)
def test_create_session_refuses_session_outside_its_phase(organiser, pilot, starts_at, ends_at):
    with pytest.raises(ValidationError) as excinfo:
        services.create_session(
            actor=organiser, details=details(pilot, starts_at=london(*starts_at), ends_at=london(*ends_at))
        )

    assert error_messages(excinfo) == {
        "starts_at": [f"The session must take place within the pilot phase, 1 January {YEAR} to 30 June {YEAR}"]
    }


def test_create_session_allows_the_first_and_last_day_of_its_phase(organiser, pilot):
    first = services.create_session(
        actor=organiser,
        details=details(pilot, code="FIRST", starts_at=london(YEAR, 1, 1, 9), ends_at=london(YEAR, 1, 1, 12)),
    )
    last = services.create_session(
        actor=organiser,
        details=details(pilot, code="LAST", starts_at=london(YEAR, 6, 30, 9), ends_at=london(YEAR, 6, 30, 12)),
    )

    assert [first.code, last.code] == ["FIRST", "LAST"]


def test_create_session_refuses_registration_closing_after_start(organiser, pilot):
    with pytest.raises(ValidationError) as excinfo:
        services.create_session(
            actor=organiser, details=details(pilot, registration_closes_at=london(YEAR, 1, 12, 9, 1))
        )

    assert error_messages(excinfo) == {
        "registration_closes_at": ["Registration must close no later than the start of the session"]
    }


def test_create_session_allows_registration_closing_at_the_start(organiser, pilot):
    session = services.create_session(
        actor=organiser, details=details(pilot, registration_closes_at=london(YEAR, 1, 12, 9))
    )

    assert session.registration_closes_at == london(YEAR, 1, 12, 9)


def test_create_session_refuses_registration_opening_after_it_closes(organiser, pilot):
    with pytest.raises(ValidationError) as excinfo:
        services.create_session(
            actor=organiser,
            details=details(
                pilot, registration_opens_at=london(YEAR, 1, 11, 9), registration_closes_at=london(YEAR, 1, 10, 9)
            ),
        )

    assert error_messages(excinfo) == {"registration_opens_at": ["Registration must open before it closes"]}


def test_create_session_refuses_registration_opening_after_start(organiser, pilot):
    with pytest.raises(ValidationError) as excinfo:
        services.create_session(actor=organiser, details=details(pilot, registration_opens_at=london(YEAR, 1, 12, 10)))

    assert error_messages(excinfo) == {"registration_opens_at": ["Registration must open before it closes"]}


@pytest.mark.parametrize("capacity", [0, -5])
def test_create_session_refuses_capacity_below_one(organiser, pilot, capacity):
    with pytest.raises(ValidationError) as excinfo:
        services.create_session(actor=organiser, details=details(pilot, capacity=capacity))

    assert error_messages(excinfo) == {"capacity": ["Capacity must be at least 1"]}


def test_create_session_allows_capacity_of_one(organiser, pilot):
    session = services.create_session(actor=organiser, details=details(pilot, capacity=1))

    assert session.capacity == 1


def test_create_session_refuses_neither_venue_nor_online_link(organiser, pilot):
    with pytest.raises(ValidationError) as excinfo:
        services.create_session(actor=organiser, details=details(pilot, online_url="", venue=None))

    assert error_messages(excinfo) == {"venue": ["Choose a venue or enter an online joining link"]}


def test_create_session_refuses_a_code_already_used(organiser, pilot):
    services.create_session(actor=organiser, details=details(pilot))

    with pytest.raises(ValidationError) as excinfo:
        services.create_session(
            actor=organiser,
            details=details(pilot, starts_at=london(YEAR, 2, 2, 9), ends_at=london(YEAR, 2, 2, 12)),
        )

    assert error_messages(excinfo) == {"code": ["Session code PIL-POS-01 is already used. Enter a different code"]}


def test_create_session_reports_every_broken_rule_at_once(organiser, pilot):
    services.create_session(actor=organiser, details=details(pilot))

    with pytest.raises(ValidationError) as excinfo:
        services.create_session(
            actor=organiser, details=details(pilot, capacity=0, online_url="", ends_at=london(YEAR, 1, 12, 8))
        )

    assert error_messages(excinfo) == {
        "ends_at": ["The end time must be after the start time"],
        "capacity": ["Capacity must be at least 1"],
        "venue": ["Choose a venue or enter an online joining link"],
        "code": ["Session code PIL-POS-01 is already used. Enter a different code"],
    }


# Clashes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param((10, 0), (11, 0), id="inside"),
        pytest.param((8, 0), (9, 30), id="overlapping the start"),
        pytest.param((11, 30), (13, 0), id="overlapping the end"),
        pytest.param((8, 0), (13, 0), id="around"),
        pytest.param((9, 0), (12, 0), id="same times"),
    ],
)
def test_create_session_refuses_venue_clash(organiser, pilot, leeds, start, end):
    booked = factories.session(phase=pilot, code="PIL-POS-01", venue=leeds, starts_at=london(YEAR, 1, 12, 9), hours=3)

    with pytest.raises(ValidationError) as excinfo:
        services.create_session(
            actor=organiser,
            details=details(
                pilot,
                code="PIL-HOW-01",
                venue=leeds,
                starts_at=london(YEAR, 1, 12, *start),
                ends_at=london(YEAR, 1, 12, *end),
            ),
        )

    assert error_messages(excinfo) == {
        "venue": [
            f"Quarry House, Leeds is already booked for {booked.code} (12 January {YEAR}, 09:00 to 12:00). "
            "Choose another venue or time"
        ]
    }
    assert Session.objects.count() == 1


def test_create_session_refuses_venue_clash_with_a_draft(organiser, pilot, leeds):
    services.create_session(actor=organiser, details=details(pilot, venue=leeds))

    with pytest.raises(ValidationError) as excinfo:
        services.create_session(actor=organiser, details=details(pilot, code="PIL-HOW-01", venue=leeds))

    assert list(error_messages(excinfo)) == ["venue"]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param((12, 0), (14, 0), id="starting as the other ends"),
        pytest.param((7, 0), (9, 0), id="ending as the other starts"),
    ],
)
def test_create_session_allows_venue_booked_end_to_start(organiser, pilot, leeds, start, end):
    factories.session(phase=pilot, venue=leeds, starts_at=london(YEAR, 1, 12, 9), hours=3)

    session = services.create_session(
        actor=organiser,
        details=details(pilot, venue=leeds, starts_at=london(YEAR, 1, 12, *start), ends_at=london(YEAR, 1, 12, *end)),
    )

    assert session.venue == leeds


def test_create_session_allows_venue_freed_by_a_cancelled_session(organiser, pilot, leeds):
    factories.session(
        phase=pilot,
        venue=leeds,
        starts_at=london(YEAR, 1, 12, 9),
        status=SessionStatus.CANCELLED,
        cancellation_reason="Speaker unwell",
    )

    session = services.create_session(actor=organiser, details=details(pilot, venue=leeds))

    assert session.venue == leeds


def test_create_session_allows_another_venue_at_the_same_time(organiser, pilot, leeds):
    factories.session(phase=pilot, venue=leeds, starts_at=london(YEAR, 1, 12, 9))

    session = services.create_session(
        actor=organiser, details=details(pilot, venue=factories.venue(name="Etihad Campus", town="Manchester"))
    )

    assert session.venue.name == "Etihad Campus"


def test_create_session_refuses_facilitator_clash(organiser, pilot):
    asha = factories.facilitator(name="Dr Asha Patel")
    mark = factories.facilitator(name="Mark Jennings")
    booked = factories.session(phase=pilot, starts_at=london(YEAR, 1, 12, 9), hours=3, facilitators=[asha])

    with pytest.raises(ValidationError) as excinfo:
        services.create_session(
            actor=organiser,
            details=details(
                pilot, starts_at=london(YEAR, 1, 12, 11), ends_at=london(YEAR, 1, 12, 14), facilitators=[mark, asha]
            ),
        )

    assert error_messages(excinfo) == {
        "facilitators": [
            f"Dr Asha Patel is already facilitating {booked.code} (12 January {YEAR}, 09:00 to 12:00). "
            "Choose another facilitator or time"
        ]
    }


def test_create_session_reports_each_busy_facilitator_once(organiser, pilot):
    asha = factories.facilitator(name="Dr Asha Patel")
    mark = factories.facilitator(name="Mark Jennings")
    first = factories.session(phase=pilot, starts_at=london(YEAR, 1, 12, 9), hours=2, facilitators=[asha, mark])
    factories.session(phase=pilot, starts_at=london(YEAR, 1, 12, 11), hours=2, facilitators=[asha])

    with pytest.raises(ValidationError) as excinfo:
        services.create_session(
            actor=organiser,
            details=details(
                pilot, starts_at=london(YEAR, 1, 12, 9), ends_at=london(YEAR, 1, 12, 13), facilitators=[asha, mark]
            ),
        )

    assert error_messages(excinfo) == {
        "facilitators": [
            f"Dr Asha Patel is already facilitating {first.code} (12 January {YEAR}, 09:00 to 11:00). "
            "Choose another facilitator or time",
            f"Mark Jennings is already facilitating {first.code} (12 January {YEAR}, 09:00 to 11:00). "
            "Choose another facilitator or time",
        ]
    }


def test_create_session_allows_facilitator_booked_end_to_start(organiser, pilot):
    asha = factories.facilitator(name="Dr Asha Patel")
    factories.session(phase=pilot, starts_at=london(YEAR, 1, 12, 9), hours=3, facilitators=[asha])

    session = services.create_session(
        actor=organiser,
        details=details(pilot, starts_at=london(YEAR, 1, 12, 12), ends_at=london(YEAR, 1, 12, 15), facilitators=[asha]),
    )

    assert list(session.facilitators.all()) == [asha]


def test_create_session_allows_facilitator_freed_by_a_cancelled_session(organiser, pilot):
    asha = factories.facilitator(name="Dr Asha Patel")
    factories.session(
        phase=pilot,
        starts_at=london(YEAR, 1, 12, 9),
        facilitators=[asha],
        status=SessionStatus.CANCELLED,
        cancellation_reason="Speaker unwell",
    )

    session = services.create_session(actor=organiser, details=details(pilot, facilitators=[asha]))

    assert list(session.facilitators.all()) == [asha]


def test_check_session_rules_ignores_the_session_being_edited(pilot, leeds):
    session = factories.session(phase=pilot, code="PIL-POS-01", venue=leeds, starts_at=london(YEAR, 1, 12, 9))

    services.check_session_rules(details(pilot, venue=leeds), exclude=session)

    with pytest.raises(ValidationError) as excinfo:
        services.check_session_rules(details(pilot, venue=leeds))
    assert sorted(error_messages(excinfo)) == ["code", "venue"]


# update_session and reschedule_session -------------------------------------------------


@pytest.fixture
def published(pilot, leeds):
    return factories.published_session(
        phase=pilot,
        code="PIL-POS-01",
        title="The art of the possible",
        venue=leeds,
        online_url="",
        starts_at=london(YEAR, 1, 12, 9),
        hours=3,
    )


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"starts_at": london(YEAR, 1, 12, 10)}, id="start"),
        pytest.param({"ends_at": london(YEAR, 1, 12, 13)}, id="end"),
        pytest.param({"venue": "other"}, id="venue"),
        pytest.param({"online_url": "https://meet.example.nhs.uk/new"}, id="online link"),
        pytest.param(
            {"starts_at": london(YEAR, 2, 2, 10), "ends_at": london(YEAR, 2, 2, 13), "venue": "other"},
            id="time and place together",
        ),
    ],
)
def test_update_session_of_published_session_raises_sequence_by_one_when_time_or_place_changes(
    organiser, published, change
):
    if change.get("venue") == "other":
        change = {**change, "venue": factories.venue(name="Etihad Campus", town="Manchester")}

    services.update_session(
        actor=organiser, session=published, details=SessionDetails.from_session(published, **change)
    )

    published.refresh_from_db()
    assert published.sequence == 1


def test_update_session_of_published_session_raises_sequence_when_only_title_changes(organiser, published):
    services.update_session(
        actor=organiser, session=published, details=SessionDetails.from_session(published, title="A new title")
    )

    published.refresh_from_db()
    assert published.title == "A new title"
    assert published.sequence == 1


def test_update_session_of_published_session_keeps_sequence_when_only_capacity_changes(organiser, published):
    services.update_session(
        actor=organiser, session=published, details=SessionDetails.from_session(published, capacity=99)
    )

    published.refresh_from_db()
    assert published.capacity == 99
    assert published.sequence == 0


def test_update_session_of_draft_keeps_sequence_when_time_changes(organiser, pilot):
    draft = factories.session(phase=pilot, starts_at=london(YEAR, 1, 12, 9))

    services.update_session(
        actor=organiser,
        session=draft,
        details=SessionDetails.from_session(draft, starts_at=london(YEAR, 1, 13, 9), ends_at=london(YEAR, 1, 13, 12)),
    )

    draft.refresh_from_db()
    assert draft.starts_at == london(YEAR, 1, 13, 9)
    assert draft.sequence == 0


def test_update_session_raises_sequence_again_on_each_move(organiser, published):
    for hour in (10, 11):
        session = Session.objects.get(pk=published.pk)
        services.update_session(
            actor=organiser,
            session=session,
            details=SessionDetails.from_session(
                session, starts_at=london(YEAR, 1, 12, hour), ends_at=london(YEAR, 1, 12, hour + 2)
            ),
        )

    published.refresh_from_db()
    assert published.sequence == 2


def test_update_session_records_only_the_changed_fields(organiser, published):
    services.update_session(
        actor=organiser, session=published, details=SessionDetails.from_session(published, title="A new title")
    )

    entry = only_entry(action="session.update")
    assert entry.actor == organiser
    assert entry.object_id == str(published.pk)
    assert entry.before == {"title": "The art of the possible", "sequence": 0}
    assert entry.after == {"title": "A new title", "sequence": 1}


def test_update_session_records_time_venue_and_sequence_before_and_after(organiser, published):
    manchester = factories.venue(name="Etihad Campus", town="Manchester")

    services.update_session(
        actor=organiser,
        session=published,
        details=SessionDetails.from_session(
            published, starts_at=london(YEAR, 1, 19, 10), ends_at=london(YEAR, 1, 19, 13), venue=manchester
        ),
    )

    entry = only_entry(action="session.update")
    assert entry.before == {
        "starts_at": f"{YEAR}-01-12T09:00:00+00:00",
        "ends_at": f"{YEAR}-01-12T12:00:00+00:00",
        "venue": "Quarry House, Leeds",
        "sequence": 0,
    }
    assert entry.after == {
        "starts_at": f"{YEAR}-01-19T10:00:00+00:00",
        "ends_at": f"{YEAR}-01-19T13:00:00+00:00",
        "venue": "Etihad Campus, Manchester",
        "sequence": 1,
    }


def test_update_session_in_summer_time_records_only_the_changed_fields(organiser, programme):
    """A session in British Summer Time: the form gives Europe/London times, the database
    gives them back in UTC. An unchanged time is still the same instant and not a change."""
    summer = factories.phase(
        programme=programme,
        kind=PhaseKind.ROLLOUT,
        starts_on=datetime.date(YEAR, 7, 1),
        ends_on=datetime.date(YEAR, 7, 31),
    )
    session = factories.session(phase=summer, title="Old title", starts_at=london(YEAR, 7, 14, 9), hours=3)
    session = Session.objects.get(pk=session.pk)  # as a view loads it: times in UTC

    services.update_session(
        actor=organiser,
        session=session,
        details=SessionDetails.from_session(
            session, title="New title", starts_at=london(YEAR, 7, 14, 9), ends_at=london(YEAR, 7, 14, 12)
        ),
    )

    entry = only_entry(action="session.update")
    assert entry.before == {"title": "Old title"}
    assert entry.after == {"title": "New title"}


def test_update_session_with_no_change_records_nothing(organiser, published):
    services.update_session(actor=organiser, session=published, details=SessionDetails.from_session(published))

    assert AuditEntry.objects.count() == 0


def test_update_session_refuses_a_clash_and_keeps_the_session(organiser, pilot, published):
    other = factories.session(
        phase=pilot,
        starts_at=london(YEAR, 2, 2, 9),
        venue=factories.venue(name="Etihad Campus", town="Manchester"),
        online_url="",
    )

    with pytest.raises(ValidationError) as excinfo:
        services.update_session(
            actor=organiser,
            session=published,
            details=SessionDetails.from_session(
                published, venue=other.venue, starts_at=other.starts_at, ends_at=other.ends_at
            ),
        )

    assert list(error_messages(excinfo)) == ["venue"]
    published.refresh_from_db()
    assert published.venue.name == "Quarry House"
    assert published.sequence == 0
    assert AuditEntry.objects.count() == 0


def test_update_session_refuses_a_cancelled_session(organiser, pilot):
    cancelled = factories.session(phase=pilot, status=SessionStatus.CANCELLED, cancellation_reason="Venue closed")

    with pytest.raises(ValidationError) as excinfo:
        services.update_session(
            actor=organiser, session=cancelled, details=SessionDetails.from_session(cancelled, title="Revived")
        )

    assert excinfo.value.messages == ["This session has been cancelled and can no longer be changed"]


def test_reschedule_session_moves_a_published_session_and_raises_sequence(organiser, published):
    services.reschedule_session(
        actor=organiser,
        session=published,
        starts_at=london(YEAR, 2, 3, 13),
        ends_at=london(YEAR, 2, 3, 16),
        venue=None,
        online_url="https://meet.example.nhs.uk/moved",
        registration_closes_at=london(YEAR, 2, 1, 17),
    )

    published.refresh_from_db()
    assert (published.starts_at, published.ends_at) == (london(YEAR, 2, 3, 13), london(YEAR, 2, 3, 16))
    assert published.venue is None
    assert published.online_url == "https://meet.example.nhs.uk/moved"
    assert published.registration_closes_at == london(YEAR, 2, 1, 17)
    assert published.status == SessionStatus.PUBLISHED
    assert published.sequence == 1
    entry = only_entry(action="session.update")
    assert entry.after == {
        "starts_at": f"{YEAR}-02-03T13:00:00+00:00",
        "ends_at": f"{YEAR}-02-03T16:00:00+00:00",
        "venue": None,
        "online_url": "https://meet.example.nhs.uk/moved",
        "registration_closes_at": f"{YEAR}-02-01T17:00:00+00:00",
        "sequence": 1,
    }


def test_reschedule_session_refuses_a_facilitator_clash(organiser, pilot, published):
    asha = factories.facilitator(name="Dr Asha Patel")
    published.facilitators.set([asha])
    factories.session(phase=pilot, starts_at=london(YEAR, 2, 3, 9), hours=3, facilitators=[asha])

    with pytest.raises(ValidationError) as excinfo:
        services.reschedule_session(
            actor=organiser,
            session=published,
            starts_at=london(YEAR, 2, 3, 10),
            ends_at=london(YEAR, 2, 3, 12),
            venue=published.venue,
            online_url="",
            registration_closes_at=None,
        )

    assert list(error_messages(excinfo)) == ["facilitators"]
    published.refresh_from_db()
    assert published.starts_at == london(YEAR, 1, 12, 9)


# duplicate_session ---------------------------------------------------------------------


def test_duplicate_session_copies_content_into_a_new_draft(organiser, pilot, published):
    asha = factories.facilitator(name="Dr Asha Patel")
    published.focus_areas.set([factories.focus_area(3), factories.focus_area(5)])
    published.facilitators.set([asha])
    published.summary = "Practical decisions"
    published.region = Region.NORTH_EAST_AND_YORKSHIRE
    published.registration_closes_at = london(YEAR, 1, 10, 17)
    published.save()
    factories.cost_line(session=published, category="venue", description="Room hire", amount="450.00")
    factories.cost_line(session=published, category="catering", description="Lunch", amount="320.00")

    copy = services.duplicate_session(
        actor=organiser,
        session=published,
        code="PIL-POS-02",
        starts_at=london(YEAR, 3, 2, 9),
        ends_at=london(YEAR, 3, 2, 12),
    )

    copy.refresh_from_db()
    assert copy.pk != published.pk
    assert copy.code == "PIL-POS-02"
    assert copy.status == SessionStatus.DRAFT
    assert copy.sequence == 0
    assert copy.published_at is None
    assert (copy.starts_at, copy.ends_at) == (london(YEAR, 3, 2, 9), london(YEAR, 3, 2, 12))
    assert (copy.phase, copy.theme, copy.title, copy.summary) == (
        pilot,
        published.theme,
        "The art of the possible",
        "Practical decisions",
    )
    assert (copy.venue, copy.online_url, copy.region, copy.capacity) == (
        published.venue,
        "",
        "north_east_and_yorkshire",
        published.capacity,
    )
    assert copy.registration_closes_at is None
    assert list(copy.focus_areas.values_list("number", flat=True)) == [3, 5]
    assert list(copy.facilitators.all()) == [asha]
    assert list(copy.cost_lines.values_list("category", "description", "amount")) == [
        ("catering", "Lunch", Decimal("320.00")),
        ("venue", "Room hire", Decimal("450.00")),
    ]
    assert CostLine.objects.filter(session=published).count() == 2
    published.refresh_from_db()
    assert published.status == SessionStatus.PUBLISHED


def test_duplicate_session_records_the_copy_and_its_source(organiser, published):
    copy = services.duplicate_session(
        actor=organiser,
        session=published,
        code="PIL-POS-02",
        starts_at=london(YEAR, 3, 2, 9),
        ends_at=london(YEAR, 3, 2, 12),
    )

    entries = AuditEntry.objects.filter(object_id=str(copy.pk)).order_by("id")
    assert [(entry.action, entry.actor) for entry in entries] == [
        ("session.create", organiser),
        ("session.duplicate", organiser),
    ]
    assert entries[1].before == {"copied_from": "PIL-POS-01"}
    assert entries[1].after == {}


def test_duplicate_session_at_the_same_time_and_place_is_a_clash(organiser, published):
    with pytest.raises(ValidationError) as excinfo:
        services.duplicate_session(
            actor=organiser,
            session=published,
            code="PIL-POS-02",
            starts_at=published.starts_at,
            ends_at=published.ends_at,
        )

    assert list(error_messages(excinfo)) == ["venue"]
    assert Session.objects.count() == 1


def test_duplicate_session_of_a_cancelled_session_is_a_draft(organiser, pilot):
    cancelled = factories.session(
        phase=pilot, starts_at=london(YEAR, 1, 12, 9), status=SessionStatus.CANCELLED, cancellation_reason="Snow"
    )

    copy = services.duplicate_session(
        actor=organiser,
        session=cancelled,
        code="AGAIN-01",
        starts_at=london(YEAR, 2, 2, 9),
        ends_at=london(YEAR, 2, 2, 12),
    )

    assert (copy.status, copy.cancellation_reason, copy.cancelled_at) == (SessionStatus.DRAFT, "", None)


# publish_session -----------------------------------------------------------------------


def test_publish_session_publishes_a_pilot_draft(organiser, pilot):
    draft = factories.session(phase=pilot, starts_at=london(YEAR, 1, 12, 9))

    services.publish_session(actor=organiser, session=draft)

    draft.refresh_from_db()
    assert draft.status == SessionStatus.PUBLISHED
    assert draft.published_at is not None
    assert draft.sequence == 0
    entry = only_entry(action="session.publish")
    assert (entry.actor, entry.object_id) == (organiser, str(draft.pk))
    assert entry.before == {"status": "draft"}
    assert entry.after == {"status": "published"}


ROLLOUT_REFUSED = (
    "Rollout sessions can be published only after the pilot decision is recorded as “go” or “go with changes”"
)


def test_publish_session_refuses_rollout_before_any_pilot_decision(organiser, rollout):
    draft = factories.session(phase=rollout, starts_at=london(YEAR, 9, 8, 9))

    with pytest.raises(ValidationError) as excinfo:
        services.publish_session(actor=organiser, session=draft)

    assert excinfo.value.messages == [ROLLOUT_REFUSED]
    draft.refresh_from_db()
    assert draft.status == SessionStatus.DRAFT
    assert AuditEntry.objects.count() == 0


def test_publish_session_refuses_rollout_after_a_stop_decision(organiser, programme, rollout):
    factories.pilot_decision(programme=programme, outcome=PilotDecisionOutcome.STOP)
    draft = factories.session(phase=rollout, starts_at=london(YEAR, 9, 8, 9))

    with pytest.raises(ValidationError) as excinfo:
        services.publish_session(actor=organiser, session=draft)

    assert excinfo.value.messages == [ROLLOUT_REFUSED]
    draft.refresh_from_db()
    assert draft.status == SessionStatus.DRAFT


@pytest.mark.parametrize("outcome", [PilotDecisionOutcome.GO, PilotDecisionOutcome.GO_WITH_CHANGES])
def test_publish_session_allows_rollout_after_go_or_go_with_changes(organiser, programme, rollout, outcome):
    factories.pilot_decision(programme=programme, outcome=outcome)
    draft = factories.session(phase=rollout, starts_at=london(YEAR, 9, 8, 9))

    services.publish_session(actor=organiser, session=draft)

    draft.refresh_from_db()
    assert draft.status == SessionStatus.PUBLISHED


def test_publish_session_checks_the_decision_of_its_own_programme(organiser, rollout):
    factories.pilot_decision(programme=factories.programme(), outcome=PilotDecisionOutcome.GO)
    draft = factories.session(phase=rollout, starts_at=london(YEAR, 9, 8, 9))

    with pytest.raises(ValidationError) as excinfo:
        services.publish_session(actor=organiser, session=draft)

    assert excinfo.value.messages == [ROLLOUT_REFUSED]


def test_publish_session_refuses_an_already_published_session(organiser, published):
    with pytest.raises(ValidationError) as excinfo:
        services.publish_session(actor=organiser, session=published)

    assert excinfo.value.messages == ["This session is already published"]


def test_publish_session_refuses_a_cancelled_session(organiser, pilot):
    cancelled = factories.session(phase=pilot, status=SessionStatus.CANCELLED, cancellation_reason="Snow")

    with pytest.raises(ValidationError) as excinfo:
        services.publish_session(actor=organiser, session=cancelled)

    assert excinfo.value.messages == ["A cancelled session cannot be published. Duplicate it to run it again"]


def test_publish_session_refuses_a_session_that_has_started(organiser):
    past = factories.session(starts_at=timezone.now().replace(microsecond=0) - datetime.timedelta(days=2))

    with pytest.raises(ValidationError) as excinfo:
        services.publish_session(actor=organiser, session=past)

    assert excinfo.value.messages == ["This session has already started, so it cannot be published"]


# cancel_session ------------------------------------------------------------------------


def test_cancel_session_keeps_the_session_with_status_and_reason(organiser, published):
    services.cancel_session(actor=organiser, session=published, reason="  The venue flooded  ")

    published.refresh_from_db()
    assert Session.objects.filter(pk=published.pk).count() == 1
    assert published.status == SessionStatus.CANCELLED
    assert published.cancellation_reason == "The venue flooded"
    assert published.cancelled_at is not None
    assert published.title == "The art of the possible"
    assert published.published_at is not None


def test_cancel_session_of_published_session_raises_sequence(organiser, published):
    services.cancel_session(actor=organiser, session=published, reason="The venue flooded")

    published.refresh_from_db()
    assert published.sequence == 1
    entry = only_entry(action="session.cancel")
    assert entry.actor == organiser
    assert entry.before == {"status": "published", "sequence": 0}
    assert entry.after == {"status": "cancelled", "sequence": 1, "cancellation_reason": "The venue flooded"}


def test_cancel_session_of_draft_keeps_sequence(organiser, pilot):
    draft = factories.session(phase=pilot)

    services.cancel_session(actor=organiser, session=draft, reason="Not needed")

    draft.refresh_from_db()
    assert (draft.status, draft.sequence) == (SessionStatus.CANCELLED, 0)


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancel_session_refuses_a_blank_reason(organiser, published, reason):
    with pytest.raises(ValidationError) as excinfo:
        services.cancel_session(actor=organiser, session=published, reason=reason)

    assert error_messages(excinfo) == {"reason": ["Enter the reason for cancelling"]}
    published.refresh_from_db()
    assert published.status == SessionStatus.PUBLISHED


def test_cancel_session_refuses_an_already_cancelled_session(organiser, published):
    services.cancel_session(actor=organiser, session=published, reason="The venue flooded")

    with pytest.raises(ValidationError) as excinfo:
        services.cancel_session(actor=organiser, session=published, reason="Again")

    assert excinfo.value.messages == ["This session is already cancelled"]
    published.refresh_from_db()
    assert (published.sequence, published.cancellation_reason) == (1, "The venue flooded")


# Cost lines ----------------------------------------------------------------------------


def test_add_cost_line_saves_and_records_it(organiser, published):
    line = services.add_cost_line(
        actor=organiser, session=published, category="venue", description="Room hire", amount=Decimal("450.00")
    )

    assert list(published.cost_lines.all()) == [line]
    entry = only_entry(action="cost_line.add")
    assert (entry.actor, entry.object_type, entry.object_id) == (organiser, "session", str(published.pk))
    assert entry.before == {}
    assert entry.after == {"category": "venue", "description": "Room hire", "amount": "450.00"}


def test_add_cost_line_refuses_a_negative_amount(organiser, published):
    with pytest.raises(ValidationError) as excinfo:
        services.add_cost_line(
            actor=organiser, session=published, category="venue", description="Refund", amount=Decimal("-1")
        )

    assert error_messages(excinfo) == {"amount": ["The amount must be £0 or more"]}
    assert CostLine.objects.count() == 0


def test_remove_cost_line_deletes_and_records_it(organiser, published):
    line = factories.cost_line(session=published, category="catering", description="Lunch", amount="320.00")

    services.remove_cost_line(actor=organiser, cost_line=line)

    assert CostLine.objects.count() == 0
    entry = only_entry(action="cost_line.remove")
    assert (entry.actor, entry.object_id) == (organiser, str(published.pk))
    assert entry.before == {"category": "catering", "description": "Lunch", "amount": "320.00"}
    assert entry.after == {}


# Venues and facilitators ---------------------------------------------------------------


def test_save_venue_creates_and_records_every_field(organiser):
    venue = services.save_venue(
        actor=organiser,
        name="Quarry House",
        address="Quarry Hill",
        town="Leeds",
        postcode="LS2 7UE",
        region=Region.NORTH_EAST_AND_YORKSHIRE,
        capacity=50,
        accessibility="Step-free access",
    )

    assert Venue.objects.get().pk == venue.pk
    entry = only_entry()
    assert (entry.actor, entry.action, entry.object_type, entry.object_repr) == (
        organiser,
        "venue.create",
        "venue",
        "Quarry House, Leeds",
    )
    assert entry.before == {}
    assert entry.after == {
        "name": "Quarry House",
        "address": "Quarry Hill",
        "town": "Leeds",
        "postcode": "LS2 7UE",
        "region": "north_east_and_yorkshire",
        "capacity": 50,
        "accessibility": "Step-free access",
    }


def test_save_venue_update_records_only_the_changes(organiser, leeds):
    services.save_venue(actor=organiser, venue=leeds, name="Quarry House", town="Leeds", capacity=80)

    entry = only_entry()
    assert entry.action == "venue.update"
    assert entry.before == {"capacity": None}
    assert entry.after == {"capacity": 80}


def test_save_venue_without_changes_records_nothing(organiser, leeds):
    services.save_venue(actor=organiser, venue=leeds, name="Quarry House", town="Leeds")

    assert AuditEntry.objects.count() == 0


def test_save_venue_refuses_a_second_venue_with_the_same_name_and_town(organiser, leeds):
    with pytest.raises(ValidationError):
        services.save_venue(actor=organiser, name="Quarry House", town="Leeds", region=Region.NORTH_EAST_AND_YORKSHIRE)

    assert Venue.objects.count() == 1
    assert AuditEntry.objects.count() == 0


def test_save_venue_refuses_missing_town(organiser):
    with pytest.raises(ValidationError) as excinfo:
        services.save_venue(actor=organiser, name="Quarry House", town="", region=Region.LONDON)

    assert list(error_messages(excinfo)) == ["town"]
    assert Venue.objects.count() == 0


def test_save_facilitator_creates_and_updates_with_audit(organiser):
    asha = services.save_facilitator(
        actor=organiser, name="Dr Asha Patel", job_title="CCIO", network="CCIO network", email="asha@example.nhs.uk"
    )
    services.save_facilitator(actor=organiser, facilitator=asha, job_title="Chief Clinical Information Officer")

    assert Facilitator.objects.get().job_title == "Chief Clinical Information Officer"
    created, updated = AuditEntry.objects.order_by("id")
    assert (created.action, created.actor, created.before) == ("facilitator.create", organiser, {})
    assert created.after == {
        "name": "Dr Asha Patel",
        "job_title": "CCIO",
        "organisation": "",
        "network": "CCIO network",
        "email": "asha@example.nhs.uk",
        "biography": "",
    }
    assert (updated.action, updated.actor) == ("facilitator.update", organiser)
    assert updated.before == {"job_title": "CCIO"}
    assert updated.after == {"job_title": "Chief Clinical Information Officer"}


def test_save_facilitator_refuses_a_bad_email(organiser):
    with pytest.raises(ValidationError) as excinfo:
        services.save_facilitator(actor=organiser, name="Dr Asha Patel", email="not an email")

    assert list(error_messages(excinfo)) == ["email"]
    assert Facilitator.objects.count() == 0


# The pilot decision --------------------------------------------------------------------


def test_record_pilot_decision_saves_and_records_it(organiser, programme):
    decided_on = timezone.localdate() - datetime.timedelta(days=3)

    decision = services.record_pilot_decision(
        actor=organiser,
        programme=programme,
        outcome=PilotDecisionOutcome.GO_WITH_CHANGES,
        rationale="  Confidence rose; shorter pre-reading  ",
        decided_on=decided_on,
    )

    decision.refresh_from_db()
    assert (decision.outcome, decision.rationale, decision.decided_on, decision.decided_by) == (
        "go_with_changes",
        "Confidence rose; shorter pre-reading",
        decided_on,
        organiser,
    )
    entry = only_entry()
    assert (entry.actor, entry.action, entry.object_type) == (organiser, "pilot_decision.record", "pilotdecision")
    assert entry.before == {}
    assert entry.after == {
        "outcome": "go_with_changes",
        "rationale": "Confidence rose; shorter pre-reading",
        "decided_on": decided_on.isoformat(),
        "decided_by": "organiser@example.nhs.uk",
    }


def test_record_pilot_decision_revises_the_one_decision(organiser, programme):
    today = timezone.localdate()
    services.record_pilot_decision(
        actor=organiser, programme=programme, outcome=PilotDecisionOutcome.STOP, rationale="Too few", decided_on=today
    )
    services.record_pilot_decision(
        actor=organiser, programme=programme, outcome=PilotDecisionOutcome.GO, rationale="Too few", decided_on=today
    )

    assert PilotDecision.objects.get(programme=programme).outcome == "go"
    latest = AuditEntry.objects.order_by("-id").first()
    assert latest.before == {"outcome": "stop"}
    assert latest.after == {"outcome": "go"}


def test_record_pilot_decision_refuses_a_future_date(organiser, programme):
    with pytest.raises(ValidationError) as excinfo:
        services.record_pilot_decision(
            actor=organiser,
            programme=programme,
            outcome=PilotDecisionOutcome.GO,
            rationale="Good",
            decided_on=timezone.localdate() + datetime.timedelta(days=1),
        )

    assert error_messages(excinfo) == {"decided_on": ["The decision date must be today or in the past"]}
    assert PilotDecision.objects.count() == 0


def test_record_pilot_decision_refuses_a_blank_rationale(organiser, programme):
    with pytest.raises(ValidationError) as excinfo:
        services.record_pilot_decision(
            actor=organiser, programme=programme, outcome="go", rationale="  ", decided_on=timezone.localdate()
        )

    assert error_messages(excinfo) == {"rationale": ["Enter the rationale for the decision"]}


def test_record_pilot_decision_go_opens_the_rollout(organiser, programme, rollout):
    draft = factories.session(phase=rollout, starts_at=london(YEAR, 9, 8, 9))
    services.record_pilot_decision(
        actor=organiser, programme=programme, outcome="go", rationale="Good", decided_on=timezone.localdate()
    )

    services.publish_session(actor=organiser, session=draft)

    draft.refresh_from_db()
    assert draft.status == SessionStatus.PUBLISHED


# Staff roles ---------------------------------------------------------------------------


def test_grant_staff_role_creates_a_passwordless_account_with_a_verified_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user, granted = services.grant_staff_role(email=" New.Organiser@Example.NHS.uk ", role="organiser")

    assert granted is True
    assert (user.username, user.email) == ("new.organiser@example.nhs.uk", "new.organiser@example.nhs.uk")
    assert user.has_usable_password() is False
    assert list(user.groups.values_list("name", flat=True)) == ["Organiser"]
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("new.organiser@example.nhs.uk", True, True)
    ]
    entry = only_entry(action="staff.grant_role")
    assert (entry.actor, entry.actor_email) == (None, "")
    assert entry.after == {"email": "new.organiser@example.nhs.uk", "role": "organiser"}
    assert [message.to for message in mail.outbox] == [["new.organiser@example.nhs.uk"]]


def test_grant_staff_role_twice_changes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = services.grant_staff_role(email="evaluator@example.nhs.uk", role="evaluator")
    with django_capture_on_commit_callbacks(execute=True):
        again, granted = services.grant_staff_role(email="EVALUATOR@example.nhs.uk", role="evaluator")

    assert granted is False
    assert again.pk == first.pk
    assert get_user_model().objects.count() == 1
    assert EmailAddress.objects.count() == 1
    assert AuditEntry.objects.count() == 1
    assert len(mail.outbox) == 1


def test_grant_staff_role_adds_a_second_role_to_an_existing_account(organiser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user, granted = services.grant_staff_role(email="organiser@example.nhs.uk", role="evaluator", actor=organiser)

    assert (user.pk, granted) == (organiser.pk, True)
    assert sorted(user.groups.values_list("name", flat=True)) == ["Evaluator", "Organiser"]
    assert only_entry(action="staff.grant_role").actor == organiser
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("email", "role", "expected"),
    [
        ("not-an-email", "organiser", {"email": ["'not-an-email' is not a valid email address"]}),
        ("someone@example.nhs.uk", "attendee", {"role": ["Role must be one of: evaluator, organiser"]}),
    ],
)
def test_grant_staff_role_refuses_bad_email_or_role(db, email, role, expected):
    with pytest.raises(ValidationError) as excinfo:
        services.grant_staff_role(email=email, role=role)

    assert error_messages(excinfo) == expected
    assert get_user_model().objects.count() == 0


# Phases --------------------------------------------------------------------------------


def test_update_phase_changes_dates_and_target_and_records_them(organiser, pilot):
    services.update_phase(
        actor=organiser,
        phase=pilot,
        starts_on=datetime.date(YEAR, 1, 15),
        ends_on=datetime.date(YEAR, 5, 31),
        target_attendees=150,
    )

    pilot.refresh_from_db()
    assert (pilot.starts_on, pilot.ends_on, pilot.target_attendees) == (
        datetime.date(YEAR, 1, 15),
        datetime.date(YEAR, 5, 31),
        150,
    )
    entry = only_entry(action="phase.update")
    assert (entry.actor, entry.object_type, entry.object_id) == (organiser, "phase", str(pilot.pk))
    assert entry.before == {"starts_on": f"{YEAR}-01-01", "ends_on": f"{YEAR}-06-30", "target_attendees": 120}
    assert entry.after == {"starts_on": f"{YEAR}-01-15", "ends_on": f"{YEAR}-05-31", "target_attendees": 150}


def test_update_phase_refuses_to_leave_a_session_outside(organiser, pilot):
    factories.session(phase=pilot, code="PIL-POS-01", starts_at=london(YEAR, 6, 20, 9))
    factories.session(
        phase=pilot,
        code="GONE",
        starts_at=london(YEAR, 6, 25, 9),
        status=SessionStatus.CANCELLED,
        cancellation_reason="x",
    )

    with pytest.raises(ValidationError) as excinfo:
        services.update_phase(
            actor=organiser,
            phase=pilot,
            starts_on=datetime.date(YEAR, 1, 1),
            ends_on=datetime.date(YEAR, 5, 31),
            target_attendees=120,
        )

    assert error_messages(excinfo) == {
        "starts_on": ["These sessions would fall outside the new dates: PIL-POS-01. Move them first"]
    }
    pilot.refresh_from_db()
    assert pilot.ends_on == datetime.date(YEAR, 6, 30)


def test_update_phase_refuses_end_before_start(organiser, pilot):
    with pytest.raises(ValidationError) as excinfo:
        services.update_phase(
            actor=organiser,
            phase=pilot,
            starts_on=datetime.date(YEAR, 6, 1),
            ends_on=datetime.date(YEAR, 5, 31),
            target_attendees=120,
        )

    assert error_messages(excinfo) == {"ends_on": ["The end date must be the same as or after the start date"]}


def test_update_phase_refuses_overlapping_another_phase(organiser, pilot, rollout):
    with pytest.raises(ValidationError) as excinfo:
        services.update_phase(
            actor=organiser,
            phase=rollout,
            starts_on=datetime.date(YEAR, 6, 1),
            ends_on=datetime.date(YEAR, 12, 31),
            target_attendees=600,
        )

    assert error_messages(excinfo) == {
        "starts_on": [
            f"The dates overlap the pilot phase (1 January {YEAR} to 30 June {YEAR}). "
            "Phases of one programme cannot overlap"
        ]
    }


# Starting in the past, on every path ----------------------------------------------------


def in_the_past() -> dict:
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=2)
    return {"starts_at": start, "ends_at": start + datetime.timedelta(hours=3)}


def test_create_session_refuses_a_start_in_the_past(organiser):
    phase = factories.phase()  # its window runs from 400 days ago to 400 days ahead

    with pytest.raises(ValidationError) as excinfo:
        services.create_session(actor=organiser, details=details(phase, **in_the_past()))

    assert error_messages(excinfo) == {"starts_at": ["The session must start in the future"]}
    assert Session.objects.count() == 0


def test_update_session_refuses_moving_the_start_into_the_past(organiser):
    session = factories.published_session()

    with pytest.raises(ValidationError) as excinfo:
        services.update_session(
            actor=organiser, session=session, details=SessionDetails.from_session(session, **in_the_past())
        )

    assert error_messages(excinfo) == {"starts_at": ["The session must start in the future"]}


def test_update_session_of_a_past_session_keeping_its_start_is_allowed(organiser):
    session = factories.session(**in_the_past())

    services.update_session(
        actor=organiser, session=session, details=SessionDetails.from_session(session, summary="Slides attached")
    )

    assert Session.objects.get(pk=session.pk).summary == "Slides attached"


def test_reschedule_session_refuses_a_start_in_the_past(organiser):
    session = factories.published_session()

    with pytest.raises(ValidationError) as excinfo:
        services.reschedule_session(
            actor=organiser,
            session=session,
            venue=None,
            online_url=session.online_url,
            registration_closes_at=None,
            **in_the_past(),
        )

    assert error_messages(excinfo) == {"starts_at": ["The session must start in the future"]}


def test_duplicate_session_refuses_a_start_in_the_past(organiser):
    session = factories.published_session()

    with pytest.raises(ValidationError) as excinfo:
        services.duplicate_session(actor=organiser, session=session, code="COPY-01", **in_the_past())

    assert error_messages(excinfo) == {"starts_at": ["The session must start in the future"]}
    assert Session.objects.count() == 1


# Capacity over the venue's --------------------------------------------------------------


def test_create_session_over_the_venue_capacity_needs_a_reason(organiser, pilot):
    hall = factories.venue(name="Small Hall", town="York", capacity=40)

    with pytest.raises(ValidationError) as excinfo:
        services.create_session(actor=organiser, details=details(pilot, venue=hall, capacity=500))

    assert error_messages(excinfo) == {
        "capacity": [
            "Small Hall, York holds 40 people. Enter a capacity of 40 or fewer, or give the reason for going over "
            "the venue’s capacity"
        ]
    }


def test_create_session_over_the_venue_capacity_with_a_reason_keeps_it(organiser, pilot):
    hall = factories.venue(name="Small Hall", town="York", capacity=40)

    session = services.create_session(
        actor=organiser,
        details=details(pilot, venue=hall, capacity=45, capacity_override_reason=" Overflow room booked "),
    )

    assert (session.capacity, session.capacity_override_reason) == (45, "Overflow room booked")
    assert only_entry().after["capacity_override_reason"] == "Overflow room booked"


def test_a_capacity_within_the_venue_drops_the_override_reason(organiser, pilot):
    hall = factories.venue(name="Small Hall", town="York", capacity=40)
    session = services.create_session(
        actor=organiser, details=details(pilot, venue=hall, capacity=45, capacity_override_reason="Overflow room")
    )

    services.update_session(actor=organiser, session=session, details=SessionDetails.from_session(session, capacity=40))

    assert Session.objects.get(pk=session.pk).capacity_override_reason == ""


# Programmes ----------------------------------------------------------------------------


def windows(**overrides) -> dict:
    values = {
        "pilot": services.PhaseWindow(
            starts_on=datetime.date(YEAR, 1, 1), ends_on=datetime.date(YEAR, 3, 31), target_attendees=120
        ),
        "rollout": services.PhaseWindow(
            starts_on=datetime.date(YEAR, 4, 1), ends_on=datetime.date(YEAR, 12, 31), target_attendees=900
        ),
    }
    values.update(overrides)
    return values


def test_save_programme_creates_it_with_both_phases_and_audits_them(organiser):
    programme = services.save_programme(actor=organiser, name="DLW 2027", slug="dlw-2027", **windows())

    phases = [(p.kind, p.starts_on, p.ends_on, p.target_attendees) for p in programme.phases.order_by("starts_on")]
    assert phases == [
        ("pilot", datetime.date(YEAR, 1, 1), datetime.date(YEAR, 3, 31), 120),
        ("rollout", datetime.date(YEAR, 4, 1), datetime.date(YEAR, 12, 31), 900),
    ]
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "programme.create",
        "phase.create",
        "phase.create",
    ]


def test_save_programme_refuses_overlapping_phases_and_a_taken_slug(organiser, programme):
    overlapping = services.PhaseWindow(starts_on=datetime.date(YEAR, 3, 1), ends_on=datetime.date(YEAR, 12, 31))

    with pytest.raises(ValidationError) as excinfo:
        services.save_programme(actor=organiser, name="DLW 2027", slug=programme.slug, **windows(rollout=overlapping))

    assert error_messages(excinfo) == {
        "slug": [f"Another programme already uses “{programme.slug}”. Enter a different short name"],
        "rollout_starts_on": [
            f"The rollout phase must start after the pilot phase ends (31 March {YEAR}). "
            "Phases of one programme cannot overlap"
        ],
    }


def test_save_programme_edits_the_phases_but_not_past_their_sessions(organiser):
    programme = services.save_programme(actor=organiser, name="DLW 2027", slug="dlw-2027", **windows())
    pilot = programme.phases.get(kind=PhaseKind.PILOT)
    factories.session(phase=pilot, code="PIL-01", starts_at=london(YEAR, 3, 20, 9))
    shorter = services.PhaseWindow(starts_on=datetime.date(YEAR, 1, 1), ends_on=datetime.date(YEAR, 2, 28))

    with pytest.raises(ValidationError) as excinfo:
        services.save_programme(
            actor=organiser, programme=programme, name="DLW 2027", slug="dlw-2027", **windows(pilot=shorter)
        )

    assert error_messages(excinfo) == {
        "pilot_starts_on": ["These sessions would fall outside the new dates: PIL-01. Move them first"]
    }
