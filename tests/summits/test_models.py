"""Database constraints (written straight through the ORM, bypassing the services) and the
model helpers that read one row."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from summits.enums import PhaseKind, SessionStatus
from summits.models import CostLine, FocusArea, Phase, Session
from tests import factories

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year + 1


def _row(**overrides) -> dict:
    values = {
        "phase": factories.phase(),
        "code": "ROW-01",
        "theme": "possible",
        "title": "The art of the possible",
        "starts_at": factories.london(YEAR, 3, 10, 9),
        "ends_at": factories.london(YEAR, 3, 10, 12),
        "online_url": "https://meet.example.nhs.uk/row",
        "capacity": 30,
    }
    values.update(overrides)
    return values


def test_session_constraints_accept_a_valid_row():
    session = Session.objects.create(**_row())

    assert Session.objects.filter(pk=session.pk).count() == 1


def test_session_constraint_refuses_end_before_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(**_row(ends_at=factories.london(YEAR, 3, 10, 8)))


def test_session_constraint_refuses_end_equal_to_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(**_row(ends_at=factories.london(YEAR, 3, 10, 9)))


def test_session_constraint_refuses_capacity_zero():
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(**_row(capacity=0))


def test_session_constraint_refuses_registration_closing_after_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(**_row(registration_closes_at=factories.london(YEAR, 3, 10, 10)))


def test_session_constraint_allows_registration_closing_at_start():
    session = Session.objects.create(**_row(registration_closes_at=factories.london(YEAR, 3, 10, 9)))

    assert session.registration_closes_at == factories.london(YEAR, 3, 10, 9)


def test_session_constraint_refuses_registration_opening_after_it_closes():
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(
            **_row(
                registration_opens_at=factories.london(YEAR, 3, 5, 9),
                registration_closes_at=factories.london(YEAR, 3, 4, 9),
            )
        )


def test_session_constraint_refuses_neither_venue_nor_online_link():
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(**_row(online_url="", venue=None))


def test_session_constraint_allows_venue_without_online_link():
    session = Session.objects.create(**_row(online_url="", venue=factories.venue()))

    assert session.online_url == ""


def test_session_constraint_refuses_cancelled_without_reason():
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(**_row(status=SessionStatus.CANCELLED, cancellation_reason=""))


def test_session_constraint_refuses_duplicate_code():
    Session.objects.create(**_row())

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(**_row())


def test_phase_constraint_refuses_end_before_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        Phase.objects.create(
            programme=factories.programme(),
            kind=PhaseKind.PILOT,
            starts_on=datetime.date(YEAR, 3, 1),
            ends_on=datetime.date(YEAR, 2, 1),
        )


def test_phase_constraint_refuses_two_of_one_kind():
    programme = factories.programme()
    factories.phase(programme=programme, kind=PhaseKind.PILOT)

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.phase(programme=programme, kind=PhaseKind.PILOT)


def test_cost_line_constraint_refuses_negative_amount():
    session = factories.session()

    with pytest.raises(IntegrityError), transaction.atomic():
        CostLine.objects.create(session=session, category="venue", description="Room", amount=Decimal("-1.00"))


def test_focus_areas_are_seeded_by_migration():
    assert list(FocusArea.objects.values_list("number", "short_name")) == [
        (1, "Transformative technology"),
        (2, "Services now and emerging"),
        (3, "Operational efficiency"),
        (4, "Threats and risks"),
        (5, "Good decisions and support"),
        (6, "Removing barriers"),
    ]


def test_phase_contains_uses_local_dates():
    phase = factories.phase(starts_on=datetime.date(YEAR, 4, 1), ends_on=datetime.date(YEAR, 4, 30))

    # 00:30 on 1 April in London is 23:30 on 31 March in UTC: still inside the window.
    assert phase.contains(factories.london(YEAR, 4, 1, 0, 30), factories.london(YEAR, 4, 1, 2)) is True
    assert phase.contains(factories.london(YEAR, 3, 31, 22), factories.london(YEAR, 3, 31, 23)) is False
    assert phase.contains(factories.london(YEAR, 4, 30, 22), factories.london(YEAR, 5, 1, 1)) is False


def test_session_place_names_venue_online_or_both():
    venue = factories.venue(name="Quarry House", town="Leeds")

    assert factories.session(venue=venue, online_url="").place == "Quarry House, Leeds"
    assert factories.session(venue=venue).place == "Quarry House, Leeds and online"
    assert factories.session().place == "Online"


def test_session_effective_registration_close_defaults_to_start():
    session = factories.session(starts_at=factories.london(YEAR, 3, 10, 9))

    assert session.effective_registration_closes_at == factories.london(YEAR, 3, 10, 9)


def test_session_str_is_code_and_title():
    session = factories.session(code="PIL-POS-01", title="The possible")

    assert str(session) == "PIL-POS-01: The possible"


def test_session_queryset_listed_keeps_cancelled_only_if_once_published():
    published = factories.published_session()
    factories.session()
    cancelled_after_publishing = factories.session(
        status=SessionStatus.CANCELLED, cancellation_reason="Venue closed", published_at=timezone.now()
    )
    factories.session(status=SessionStatus.CANCELLED, cancellation_reason="Never needed")

    assert set(Session.objects.listed()) == {published, cancelled_after_publishing}


def test_session_queryset_overlapping_excludes_touching_sessions():
    morning = factories.session(starts_at=factories.london(YEAR, 3, 10, 9), hours=3)
    afternoon = factories.session(starts_at=factories.london(YEAR, 3, 10, 13), hours=3)

    assert list(Session.objects.overlapping(factories.london(YEAR, 3, 10, 12), factories.london(YEAR, 3, 10, 13))) == []
    assert list(Session.objects.overlapping(factories.london(YEAR, 3, 10, 11), factories.london(YEAR, 3, 10, 14))) == [
        morning,
        afternoon,
    ]
