"""Scheduling pages: who may see each organiser page, the public programme, calendar
downloads, the organisers' forms end to end, and query counts on every list page."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from outbox.sending import send_queued
from summits import audit
from summits.enums import PhaseKind, PilotDecisionOutcome, Region, SessionStatus
from summits.models import AuditEntry, CostLine, Facilitator, PilotDecision, Session, Venue
from tests import factories
from tests.factories import london

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year + 1
SIGN_IN = "/accounts/login/code/"


# Permissions on every organiser page -------------------------------------------------------


@pytest.fixture
def objects(programme):
    """One of everything an organiser URL can point at."""
    phase = factories.phase(
        programme=programme,
        kind=PhaseKind.PILOT,
        starts_on=datetime.date(YEAR, 1, 1),
        ends_on=datetime.date(YEAR, 6, 30),
    )
    session = factories.session(phase=phase, code="PIL-POS-01", starts_at=london(YEAR, 3, 10, 9))
    return {
        "phase": phase,
        "session": session,
        "cost_line": factories.cost_line(session=session),
        "facilitator": factories.facilitator(),
        "venue": factories.venue(),
        "invitation": factories.invitation(session=session),
        "registration": factories.registration(session=session),
        "waiting": factories.registration(session=session, status="waitlisted"),
    }


GET_PAGES = [
    "summits:dashboard",
    "summits:session-list",
    "summits:session-calendar",
    "summits:session-calendar-month",
    "summits:session-create",
    "summits:session-detail",
    "attendees:session-edit",
    "summits:session-duplicate",
    "attendees:session-reschedule",
    "attendees:session-cancel",
    "attendees:session-audience",
    "summits:facilitator-list",
    "summits:facilitator-create",
    "summits:facilitator-edit",
    "summits:venue-list",
    "summits:venue-create",
    "summits:venue-edit",
    "summits:phase-edit",
    "summits:programme-create",
    "summits:programme-edit",
    "attendees:pilot-decision",
    "summits:audit-log",
    "attendees:session-invite",
    "attendees:invite-person",
    "attendees:session-registrations",
    "attendees:session-registrations-csv",
    "attendees:check-in",
    "attendees:reach",
    "attendees:emails",
    "attendees:session-emails",
    "summits:cost-line-delete",
    "attendees:registration-cancel",
    "attendees:registration-offer",
    "attendees:attendance-finalise",
]
POST_ONLY = [
    "summits:session-publish",
    "summits:cost-line-add",
    "attendees:invitation-resend",
    "attendees:check-in-mark",
    "attendees:check-in-undo",
    "attendees:email-retry",
    "attendees:emails-retry-failed",
    "attendees:session-emails-retry-failed",
]
POST_DATA = {"summits:cost-line-add": {"category": "catering", "description": "Lunch", "amount": "320.00"}}


def organiser_url(name: str, objects: dict) -> str:
    session_pk = {"pk": objects["session"].pk}
    kwargs = {
        "summits:session-calendar-month": {"year": YEAR, "month": 3},
        "summits:session-detail": session_pk,
        "attendees:session-edit": session_pk,
        "summits:session-duplicate": session_pk,
        "attendees:session-reschedule": session_pk,
        "attendees:session-cancel": session_pk,
        "attendees:session-audience": session_pk,
        "summits:session-publish": session_pk,
        "summits:cost-line-add": session_pk,
        "summits:cost-line-delete": {"pk": objects["cost_line"].pk},
        "summits:facilitator-edit": {"pk": objects["facilitator"].pk},
        "summits:venue-edit": {"pk": objects["venue"].pk},
        "summits:phase-edit": {"pk": objects["phase"].pk},
        "summits:programme-edit": {"slug": objects["phase"].programme.slug},
        "attendees:session-invite": session_pk,
        "attendees:invite-person": session_pk,
        "attendees:session-registrations": session_pk,
        "attendees:session-registrations-csv": session_pk,
        "attendees:check-in": session_pk,
        "attendees:check-in-mark": session_pk,
        "attendees:attendance-finalise": session_pk,
        "attendees:invitation-resend": {"pk": objects["invitation"].pk},
        "attendees:registration-cancel": {"pk": objects["registration"].pk},
        "attendees:registration-offer": {"pk": objects["waiting"].pk},
        "attendees:check-in-undo": {"pk": objects["registration"].pk},
        "attendees:session-emails": session_pk,
        "attendees:session-emails-retry-failed": session_pk,
        "attendees:email-retry": {"pk": 1},
    }.get(name, {})
    return reverse(name, kwargs=kwargs)


def test_every_organiser_url_is_covered():
    from attendees.urls import urlpatterns as attendees_patterns
    from attendees.views import people
    from summits.urls import urlpatterns

    public = {"programme", "public-session-detail", "session-ics", "programme-feed"}
    names = {f"summits:{pattern.name}" for pattern in urlpatterns if pattern.name not in public}
    names |= {f"attendees:{p.name}" for p in attendees_patterns if str(p.pattern).startswith("organise/")}
    # The people pages have their own guard in tests/attendees/test_people_views.py.
    names -= {f"attendees:{p.name}" for p in people.urlpatterns}

    assert names == set(GET_PAGES) | set(POST_ONLY)


@pytest.mark.parametrize("name", GET_PAGES + POST_ONLY)
def test_organiser_page_sends_anonymous_people_to_sign_in(client, objects, name):
    url = organiser_url(name, objects)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?next={url}"


@pytest.mark.parametrize("name", POST_ONLY)
def test_organiser_action_sends_anonymous_posts_to_sign_in(client, objects, name):
    url = organiser_url(name, objects)

    response = client.post(url, POST_DATA.get(name, {}))

    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?next={url}"
    assert CostLine.objects.count() == 1
    assert AuditEntry.objects.count() == 0


@pytest.fixture(params=["evaluator", "no role"])
def wrong_role_client(request, client, evaluator):
    user = evaluator if request.param == "evaluator" else factories.staff_user("attendee@example.nhs.uk")
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", GET_PAGES + POST_ONLY)
def test_organiser_page_refuses_other_roles(wrong_role_client, objects, name):
    response = wrong_role_client.get(organiser_url(name, objects))

    assert response.status_code == 403
    assertNotContains(response, "PIL-POS-01", status_code=403)


@pytest.mark.parametrize("name", GET_PAGES + POST_ONLY)
def test_organiser_page_refuses_posts_from_other_roles(wrong_role_client, objects, name):
    response = wrong_role_client.post(organiser_url(name, objects), POST_DATA.get(name, {}))

    assert response.status_code == 403
    assert Session.objects.get().status == SessionStatus.DRAFT
    assert CostLine.objects.count() == 1
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("name", GET_PAGES)
def test_organiser_page_opens_for_organisers(organiser_client, objects, name):
    response = organiser_client.get(organiser_url(name, objects))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("summits:session-publish", "detail"),
        ("summits:cost-line-add", "detail#costs"),
        ("summits:cost-line-delete", "detail#costs"),
    ],
)
def test_organiser_action_redirects_organisers_to_the_session(organiser_client, objects, name, expected):
    response = organiser_client.post(organiser_url(name, objects), POST_DATA.get(name, {}))

    detail = reverse("summits:session-detail", kwargs={"pk": objects["session"].pk})
    assert response.status_code == 302
    assert response.url == (detail + "#costs" if expected.endswith("#costs") else detail)


@pytest.mark.parametrize("name", POST_ONLY)
def test_organiser_action_refuses_get(organiser_client, objects, name):
    response = organiser_client.get(organiser_url(name, objects))

    assert response.status_code == 405


def test_pilot_decision_page_without_a_programme_is_404(organiser_client):
    response = organiser_client.get(reverse("attendees:pilot-decision"))

    assert response.status_code == 404


def test_session_calendar_refuses_a_month_that_does_not_exist(organiser_client):
    response = organiser_client.get(reverse("summits:session-calendar-month", kwargs={"year": YEAR, "month": 13}))

    assert response.status_code == 404


def test_session_pages_404_for_an_unknown_session(organiser_client):
    assert organiser_client.get(reverse("summits:session-detail", kwargs={"pk": 999999})).status_code == 404
    assert organiser_client.get(reverse("attendees:session-edit", kwargs={"pk": 999999})).status_code == 404


# The public programme page -----------------------------------------------------------------


def test_programme_page_shows_published_upcoming_sessions_grouped_by_month(client):
    now = timezone.now()
    factories.published_session(code="NEXT-MONTH", starts_at=london(YEAR, 2, 3, 9))
    factories.published_session(code="FIRST", starts_at=london(YEAR, 1, 12, 9))
    factories.published_session(code="SAME-MONTH", starts_at=london(YEAR, 1, 20, 9))
    factories.session(code="DRAFT", starts_at=london(YEAR, 1, 13, 9))
    factories.published_session(code="PAST", starts_at=now - datetime.timedelta(days=3))
    factories.session(
        code="CANCELLED",
        starts_at=london(YEAR, 1, 14, 9),
        status=SessionStatus.CANCELLED,
        cancellation_reason="Snow",
        published_at=now,
    )

    response = client.get(reverse("summits:programme"))

    assert response.status_code == 200
    assertTemplateUsed(response, "summits/programme.html")
    assert [(group.month, [s.code for s in group.sessions]) for group in response.context["months"]] == [
        (datetime.date(YEAR, 1, 1), ["FIRST", "SAME-MONTH"]),
        (datetime.date(YEAR, 2, 1), ["NEXT-MONTH"]),
    ]
    assertContains(response, f"January {YEAR}")
    assertContains(response, f"February {YEAR}")
    assertContains(response, reverse("summits:public-session-detail", kwargs={"code": "FIRST"}))
    for hidden in ("DRAFT", "PAST", "CANCELLED"):
        assertNotContains(response, reverse("summits:public-session-detail", kwargs={"code": hidden}))


def test_programme_page_shows_place_focus_areas_and_places_left(client):
    venue = factories.venue(name="Quarry House", town="Leeds")
    factories.published_session(
        code="IN-LEEDS", venue=venue, online_url="", capacity=35, focus_areas=[factories.focus_area(4)]
    )
    factories.published_session(code="ONLINE-ONLY", capacity=80)

    response = client.get(reverse("summits:programme"))

    assertContains(response, "Quarry House, Leeds")
    assertContains(response, "Online")
    assertContains(response, "Threats and risks")
    assertContains(response, "35 of 35")
    assertContains(response, "80 of 80")


def test_programme_page_without_sessions_says_so(client):
    response = client.get(reverse("summits:programme"))

    assert response.status_code == 200
    assert response.context["months"] == []


def test_public_session_detail_shows_a_published_session(client):
    session = factories.published_session(code="PIL-POS-01", title="The art of the possible")

    response = client.get(reverse("summits:public-session-detail", kwargs={"code": "PIL-POS-01"}))

    assert response.status_code == 200
    assert response.context["session"] == session
    assertContains(response, "The art of the possible")
    assertContains(response, reverse("summits:session-ics", kwargs={"code": "PIL-POS-01"}))


@pytest.mark.parametrize("status", [SessionStatus.DRAFT, SessionStatus.CANCELLED])
def test_public_session_detail_404s_for_sessions_never_published(client, status):
    factories.session(code="HIDDEN", status=status, cancellation_reason="Not needed")

    response = client.get(reverse("summits:public-session-detail", kwargs={"code": "HIDDEN"}))

    assert response.status_code == 404


def test_public_session_detail_shows_the_cancellation(client, organiser):
    from summits import services

    session = factories.published_session(code="PIL-POS-01")
    services.cancel_session(actor=organiser, session=session, reason="The venue flooded; we will rearrange")

    response = client.get(reverse("summits:public-session-detail", kwargs={"code": "PIL-POS-01"}))

    assert response.status_code == 200
    assert response.context["session"].is_cancelled is True
    assertContains(response, "The venue flooded; we will rearrange")
    assertContains(response, "cancelled")


# Calendar downloads ------------------------------------------------------------------------


def test_session_ics_is_a_calendar_file_with_a_name(client):
    factories.published_session(code="PIL-POS-01")

    response = client.get(reverse("summits:session-ics", kwargs={"code": "PIL-POS-01"}))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="PIL-POS-01.ics"'
    lines = response.content.decode().split("\r\n")
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert lines.count("METHOD:PUBLISH") == 1
    assert lines.count("BEGIN:VEVENT") == 1


def test_session_ics_404s_for_a_draft(client):
    factories.session(code="DRAFT-01")

    response = client.get(reverse("summits:session-ics", kwargs={"code": "DRAFT-01"}))

    assert response.status_code == 404


def test_programme_feed_is_a_calendar_file_with_a_name(client, programme):
    phase = factories.phase(programme=programme)
    factories.published_session(phase=phase)
    factories.published_session(phase=phase)
    factories.session(phase=phase)

    response = client.get(reverse("summits:programme-feed", kwargs={"slug": programme.slug}))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{programme.slug}.ics"'
    assert response.content.decode().split("\r\n").count("BEGIN:VEVENT") == 2


def test_programme_feed_404s_for_an_unknown_programme(client):
    response = client.get(reverse("summits:programme-feed", kwargs={"slug": "no-such-programme"}))

    assert response.status_code == 404


# Creating and editing sessions through the pages ---------------------------------------------


@pytest.fixture
def pilot(programme):
    return factories.phase(
        programme=programme,
        kind=PhaseKind.PILOT,
        starts_on=datetime.date(YEAR, 1, 1),
        ends_on=datetime.date(YEAR, 6, 30),
    )


def session_form(phase, **overrides) -> dict:
    data = {
        "phase": str(phase.pk),
        "code": "PIL-POS-01",
        "title": "The art of the possible",
        "theme": "possible",
        "summary": "",
        "date_day": "12",
        "date_month": "1",
        "date_year": str(YEAR),
        "start_time_hour": "09",
        "start_time_minute": "00",
        "end_time_hour": "12",
        "end_time_minute": "00",
        "venue": "",
        "online_url": "https://meet.example.nhs.uk/pil-pos-01",
        "region": "",
        "capacity": "40",
    }
    data.update(overrides)
    return data


def flash(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_session_create_makes_a_draft_and_goes_to_it(organiser_client, organiser, pilot):
    response = organiser_client.post(
        reverse("summits:session-create"),
        session_form(pilot, code="pil-pos-01", focus_areas=[str(factories.focus_area(1).pk)]),
    )

    session = Session.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("summits:session-detail", kwargs={"pk": session.pk})
    assert (session.code, session.status, session.starts_at) == (
        "PIL-POS-01",
        SessionStatus.DRAFT,
        london(YEAR, 1, 12, 9),
    )
    assert list(session.focus_areas.values_list("number", flat=True)) == [1]
    assert flash(response) == ["Session PIL-POS-01 created as a draft"]
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_id) == (organiser, "session.create", str(session.pk))


def test_session_create_with_errors_keeps_what_was_typed(organiser_client, pilot):
    response = organiser_client.post(
        reverse("summits:session-create"),
        session_form(
            pilot,
            code="PIL-POS-99",
            title="Typed title kept",
            date_day="31",
            date_month="2",
            date_year="2026",
            start_time_hour="25",
            capacity="17",
        ),
    )

    assert response.status_code == 200
    assert Session.objects.count() == 0
    assert response.context["form"].errors == {
        "date": ["Date must be a real date"],
        "start_time": ["Start time must be a real time on the 24-hour clock"],
    }
    assertContains(response, "There is a problem")
    assertContains(response, 'class="nhsuk-error-summary"')
    assertContains(response, 'href="#id_date_0">Date must be a real date</a>', html=False)
    assertContains(response, 'value="PIL-POS-99"')
    assertContains(response, 'value="Typed title kept"')
    assertContains(response, 'name="date_day" value="31"')
    assertContains(response, 'name="date_month" value="2"')
    assertContains(response, 'name="start_time_hour" value="25"')
    assertContains(response, 'value="17"')


def test_session_create_shows_a_venue_clash_on_the_page(organiser_client, pilot):
    venue = factories.venue(name="Quarry House", town="Leeds")
    factories.session(phase=pilot, code="PIL-HOW-01", venue=venue, online_url="", starts_at=london(YEAR, 1, 12, 10))

    response = organiser_client.post(
        reverse("summits:session-create"), session_form(pilot, venue=str(venue.pk), online_url="")
    )

    message = (
        f"Quarry House, Leeds is already booked for PIL-HOW-01 (12 January {YEAR}, 10:00 to 13:00). "
        "Choose another venue or time"
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"venue": [message]}
    assertContains(response, "There is a problem")
    assertContains(response, message, count=2)  # in the error summary and by the field
    assert Session.objects.count() == 1


def test_session_create_shows_a_date_outside_the_phase_on_the_date(organiser_client, pilot):
    response = organiser_client.post(reverse("summits:session-create"), session_form(pilot, date_month="9"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "date": [f"The session must take place within the pilot phase, 1 January {YEAR} to 30 June {YEAR}"]
    }


def test_session_create_in_the_past_says_so_on_the_date(organiser_client):
    phase = factories.phase()  # from 400 days ago to 400 days ahead
    past = timezone.localdate() - datetime.timedelta(days=3)

    response = organiser_client.post(
        reverse("summits:session-create"),
        session_form(phase, date_day=str(past.day), date_month=str(past.month), date_year=str(past.year)),
    )

    assert response.context["form"].errors == {"date": ["The session must start in the future"]}
    assert Session.objects.count() == 0


def test_session_create_over_the_venue_asks_for_a_reason_then_keeps_it(organiser_client, pilot):
    hall = factories.venue(name="Small Hall", town="York", capacity=40)
    data = session_form(pilot, venue=str(hall.pk), online_url="", capacity="500")

    refused = organiser_client.post(reverse("summits:session-create"), data)
    accepted = organiser_client.post(
        reverse("summits:session-create"), {**data, "capacity_override_reason": "Main hall and overflow room"}
    )

    assert refused.context["form"].errors == {
        "capacity": [
            "Small Hall, York holds 40 people. Enter a capacity of 40 or fewer, or give the reason for going over "
            "the venue’s capacity"
        ]
    }
    assert accepted.status_code == 302
    assert Session.objects.get().capacity_override_reason == "Main hall and overflow room"


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"date_day": "9" * 30}, {"date": ["Date must be a real date"]}),
        ({"start_time_hour": "9" * 30}, {"start_time": ["Start time must be a real time on the 24-hour clock"]}),
        ({"date_year": "9" * 5000}, {"date": ["Date must be real numbers"]}),
        ({"capacity": "9" * 30}, {"capacity": ["Capacity must be 10,000 or fewer"]}),
    ],
)
def test_session_create_with_huge_numbers_is_a_form_error(organiser_client, pilot, overrides, errors):
    response = organiser_client.post(reverse("summits:session-create"), session_form(pilot, **overrides))

    assert response.status_code == 200
    assert response.context["form"].errors == errors


def test_cost_line_with_a_huge_amount_is_a_form_error(organiser_client):
    session = factories.session()

    response = organiser_client.post(
        reverse("summits:cost-line-add", kwargs={"pk": session.pk}),
        {"category": "venue", "description": "Room hire", "amount": "£" + "9" * 40},
    )

    assert response.status_code == 200
    assert response.context["cost_form"].errors == {"amount": ["The amount is too large"]}


def test_phase_edit_with_a_huge_target_is_a_form_error(organiser_client, pilot):
    response = organiser_client.post(
        reverse("summits:phase-edit", kwargs={"pk": pilot.pk}),
        {
            "starts_on_day": "1",
            "starts_on_month": "1",
            "starts_on_year": str(YEAR),
            "ends_on_day": "30",
            "ends_on_month": "6",
            "ends_on_year": str(YEAR),
            "target_attendees": "9" * 30,
        },
    )

    assert response.context["form"].errors == {"target_attendees": ["The target must be 1,000,000 or fewer"]}


def test_session_create_shows_a_duplicate_code(organiser_client, pilot):
    factories.session(phase=pilot, code="PIL-POS-01", starts_at=london(YEAR, 2, 2, 9))

    response = organiser_client.post(reverse("summits:session-create"), session_form(pilot))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "code": ["Session code PIL-POS-01 is already used. Enter a different code"]
    }


def test_session_edit_of_published_session_raises_sequence_when_moved(organiser_client, pilot):
    session = factories.published_session(phase=pilot, code="PIL-POS-01", starts_at=london(YEAR, 1, 12, 9))

    response = organiser_client.post(
        reverse("attendees:session-edit", kwargs={"pk": session.pk}), session_form(pilot, start_time_hour="10")
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.starts_at, session.sequence, session.status) == (
        london(YEAR, 1, 12, 10),
        1,
        SessionStatus.PUBLISHED,
    )


def test_session_edit_raising_capacity_gives_the_places_to_the_waiting_list(
    organiser_client, pilot, mailoutbox, django_capture_on_commit_callbacks
):
    session = factories.published_session(phase=pilot, code="PIL-POS-01", capacity=2, starts_at=london(YEAR, 1, 12, 9))
    factories.registration(session=session)
    factories.registration(session=session)
    waiting = factories.registration(
        session=session, person=factories.person(email="first.waiting@example.nhs.uk"), status="waitlisted"
    )
    send_queued()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            reverse("attendees:session-edit", kwargs={"pk": session.pk}),
            session_form(
                pilot,
                start_time_minute="00",
                end_time_minute="00",
                title=session.title,
                online_url=session.online_url,
                capacity="3",
            ),
        )

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.capacity, session.places_taken) == (3, 3)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    send_queued()
    assert [m.to for m in mailoutbox] == [["first.waiting@example.nhs.uk"]]


def test_phase_edit_overlapping_the_other_phase_says_so(organiser_client, pilot, programme):
    factories.phase(
        programme=programme,
        kind=PhaseKind.ROLLOUT,
        starts_on=datetime.date(YEAR, 7, 1),
        ends_on=datetime.date(YEAR, 12, 31),
    )

    response = organiser_client.post(
        reverse("summits:phase-edit", kwargs={"pk": pilot.pk}),
        {
            "starts_on_day": "1",
            "starts_on_month": "1",
            "starts_on_year": str(YEAR),
            "ends_on_day": "31",
            "ends_on_month": "7",
            "ends_on_year": str(YEAR),
            "target_attendees": "120",
        },
    )

    assert response.context["form"].errors == {
        "starts_on": [
            f"The dates overlap the rollout phase (1 July {YEAR} to 31 December {YEAR}). "
            "Phases of one programme cannot overlap"
        ]
    }


def test_session_edit_form_starts_with_the_session_values(organiser_client, pilot):
    session = factories.session(phase=pilot, code="PIL-POS-01", title="Kept title", starts_at=london(YEAR, 5, 6, 9))

    response = organiser_client.get(reverse("attendees:session-edit", kwargs={"pk": session.pk}))

    assertContains(response, 'value="Kept title"')
    assertContains(response, 'name="date_day" value="6"')
    assertContains(response, 'name="start_time_hour" value="09"')


def test_session_edit_of_a_cancelled_session_is_404(organiser_client, pilot):
    session = factories.session(phase=pilot, status=SessionStatus.CANCELLED, cancellation_reason="Snow")

    response = organiser_client.get(reverse("attendees:session-edit", kwargs={"pk": session.pk}))

    assert response.status_code == 404


def test_session_reschedule_moves_the_session(organiser_client, pilot):
    session = factories.published_session(phase=pilot, starts_at=london(YEAR, 1, 12, 9))

    response = organiser_client.post(
        reverse("attendees:session-reschedule", kwargs={"pk": session.pk}),
        {
            "date_day": "19",
            "date_month": "1",
            "date_year": str(YEAR),
            "start_time_hour": "13",
            "start_time_minute": "00",
            "end_time_hour": "15",
            "end_time_minute": "30",
            "venue": "",
            "online_url": "https://meet.example.nhs.uk/moved",
        },
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at, session.online_url, session.sequence) == (
        london(YEAR, 1, 19, 13),
        london(YEAR, 1, 19, 15, 30),
        "https://meet.example.nhs.uk/moved",
        1,
    )


def test_session_duplicate_creates_a_draft_copy(organiser_client, pilot):
    session = factories.published_session(
        phase=pilot, code="PIL-POS-01", starts_at=london(YEAR, 1, 12, 9), focus_areas=[factories.focus_area(2)]
    )
    factories.cost_line(session=session, description="Room hire")

    response = organiser_client.post(
        reverse("summits:session-duplicate", kwargs={"pk": session.pk}),
        {
            "code": "pil-pos-02",
            "date_day": "2",
            "date_month": "3",
            "date_year": str(YEAR),
            "start_time_hour": "09",
            "start_time_minute": "00",
            "end_time_hour": "12",
            "end_time_minute": "00",
        },
    )

    copy = Session.objects.get(code="PIL-POS-02")
    assert response.status_code == 302
    assert response.url == reverse("summits:session-detail", kwargs={"pk": copy.pk})
    assert copy.status == SessionStatus.DRAFT
    assert list(copy.focus_areas.values_list("number", flat=True)) == [2]
    assert list(copy.cost_lines.values_list("description", flat=True)) == ["Room hire"]


def test_session_cancel_keeps_the_session(organiser_client, pilot):
    session = factories.published_session(phase=pilot)

    response = organiser_client.post(
        reverse("attendees:session-cancel", kwargs={"pk": session.pk}), {"reason": "Speaker unwell"}
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.cancellation_reason, session.sequence) == (
        SessionStatus.CANCELLED,
        "Speaker unwell",
        1,
    )


def test_session_cancel_without_reason_shows_the_error(organiser_client, pilot):
    session = factories.published_session(phase=pilot)

    response = organiser_client.post(reverse("attendees:session-cancel", kwargs={"pk": session.pk}), {"reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Enter the reason for cancelling"]}
    assertContains(response, "There is a problem")
    session.refresh_from_db()
    assert session.status == SessionStatus.PUBLISHED


def test_session_publish_of_rollout_before_the_decision_is_refused_with_a_message(organiser_client, programme):
    rollout = factories.phase(programme=programme, kind=PhaseKind.ROLLOUT)
    session = factories.session(phase=rollout)

    response = organiser_client.post(reverse("summits:session-publish", kwargs={"pk": session.pk}))

    assert response.status_code == 302
    assert flash(response) == [
        "Rollout sessions can be published only after the pilot decision is recorded as “go” or “go with changes”"
    ]
    session.refresh_from_db()
    assert session.status == SessionStatus.DRAFT


def test_session_publish_of_rollout_after_go_with_changes_puts_it_on_the_public_page(organiser_client, programme):
    rollout = factories.phase(programme=programme, kind=PhaseKind.ROLLOUT)
    factories.pilot_decision(programme=programme, outcome=PilotDecisionOutcome.GO_WITH_CHANGES)
    session = factories.session(phase=rollout, code="ROL-POS-01")

    organiser_client.post(reverse("summits:session-publish", kwargs={"pk": session.pk}))

    session.refresh_from_db()
    assert session.status == SessionStatus.PUBLISHED
    public = organiser_client.get(reverse("summits:programme"))
    assert [s.code for group in public.context["months"] for s in group.sessions] == ["ROL-POS-01"]


def test_cost_line_add_with_a_bad_amount_shows_the_error(organiser_client, pilot):
    session = factories.session(phase=pilot)

    response = organiser_client.post(
        reverse("summits:cost-line-add", kwargs={"pk": session.pk}),
        {"category": "venue", "description": "Room hire", "amount": "-5"},
    )

    assert response.status_code == 200
    assert response.context["cost_form"].errors == {"amount": ["The amount must be £0 or more"]}
    assert CostLine.objects.count() == 0


def test_venue_create_saves_and_returns_to_the_list(organiser_client, organiser):
    response = organiser_client.post(
        reverse("summits:venue-create"),
        {"name": "Quarry House", "town": "Leeds", "region": Region.NORTH_EAST_AND_YORKSHIRE, "capacity": "50"},
    )

    assert response.status_code == 302
    assert response.url == reverse("summits:venue-list")
    venue = Venue.objects.get()
    assert (venue.name, venue.town, venue.capacity) == ("Quarry House", "Leeds", 50)
    assert AuditEntry.objects.get().action == "venue.create"


def test_venue_create_with_a_duplicate_name_and_town_shows_the_error(organiser_client):
    factories.venue(name="Quarry House", town="Leeds")

    response = organiser_client.post(
        reverse("summits:venue-create"),
        {"name": "Quarry House", "town": "Leeds", "region": Region.NORTH_EAST_AND_YORKSHIRE},
    )

    assert response.status_code == 200
    assert Venue.objects.count() == 1
    assertContains(response, "There is a problem")


def test_facilitator_edit_saves_and_records_the_change(organiser_client, organiser):
    facilitator = factories.facilitator(name="Asha Patel")

    response = organiser_client.post(
        reverse("summits:facilitator-edit", kwargs={"pk": facilitator.pk}),
        {"name": "Dr Asha Patel", "network": "CIO network"},
    )

    assert response.status_code == 302
    assert Facilitator.objects.get().name == "Dr Asha Patel"
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.before, entry.after) == (
        organiser,
        "facilitator.update",
        {"name": "Asha Patel"},
        {"name": "Dr Asha Patel"},
    )


def test_pilot_decision_page_records_the_decision(organiser_client, organiser, programme):
    today = timezone.localdate()

    response = organiser_client.post(
        reverse("attendees:pilot-decision") + f"?programme={programme.slug}",
        {
            "outcome": "go_with_changes",
            "rationale": "Shorter pre-reading",
            "decided_on_day": str(today.day),
            "decided_on_month": str(today.month),
            "decided_on_year": str(today.year),
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("attendees:pilot-decision") + f"?programme={programme.slug}"
    decision = PilotDecision.objects.get()
    assert (decision.programme, decision.outcome, decision.decided_by, decision.decided_on) == (
        programme,
        "go_with_changes",
        organiser,
        today,
    )


def test_pilot_decision_page_refuses_a_future_date(organiser_client, programme):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = organiser_client.post(
        reverse("attendees:pilot-decision"),
        {
            "outcome": "go",
            "rationale": "Good",
            "decided_on_day": str(tomorrow.day),
            "decided_on_month": str(tomorrow.month),
            "decided_on_year": str(tomorrow.year),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"decided_on": ["The decision date must be today or in the past"]}
    assert PilotDecision.objects.count() == 0


def test_audit_log_lists_entries_newest_first(organiser_client, organiser):
    venue = factories.venue()
    first = audit.record(actor=organiser, action="venue.create", obj=venue, after={"name": venue.name})
    second = audit.record(actor=organiser, action="venue.update", obj=venue, before={"town": "A"}, after={"town": "B"})

    response = organiser_client.get(reverse("summits:audit-log"))

    assert list(response.context["entries"]) == [second, first]
    assertContains(response, "Changed the venue")


def test_audit_log_shows_entries_in_words(organiser_client, organiser):
    session = factories.session()
    audit.record(
        actor=organiser,
        action="session.update",
        obj=session,
        before={"theme": "possible", "region": "", "starts_at": f"{YEAR}-05-31T12:30:00+00:00"},
        after={"theme": "how_did", "region": "south_west", "starts_at": f"{YEAR}-05-31T13:30:00+01:00"},
    )

    response = organiser_client.get(reverse("summits:audit-log"))

    entry = response.context["entries"][0]
    assert audit.action_in_words(entry.action) == "Changed the session"
    assert [(s.label, s.value) for s in audit.values_in_words(entry.object_type, entry.after)] == [
        ("Theme", "How did"),
        ("Region", "South West"),
        ("Starts", f"31 May {YEAR}, 13:30"),
    ]
    assert [s.value for s in audit.values_in_words(entry.object_type, entry.before)] == [
        "The possible",
        "(blank)",
        f"31 May {YEAR}, 13:30",
    ]
    assertContains(response, "<strong>Theme</strong>: How did", html=False)
    assertNotContains(response, "how_did")


def test_audit_log_filters_by_object_type(organiser_client, organiser):
    venue = factories.venue()
    facilitator = factories.facilitator()
    venue_entry = audit.record(actor=organiser, action="venue.create", obj=venue, after={"name": venue.name})
    audit.record(actor=organiser, action="facilitator.create", obj=facilitator, after={"name": facilitator.name})

    response = organiser_client.get(reverse("summits:audit-log") + "?type=venue")

    assert list(response.context["entries"]) == [venue_entry]
    assert response.context["current_type"] == "venue"


# Query counts on every list page -------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def add_rich_session(phase, number: int, *, status=SessionStatus.PUBLISHED, **overrides) -> Session:
    """A session with everything a list row can show: venue, focus areas, facilitators, costs."""
    session = factories.session(
        phase=phase,
        status=status,
        published_at=timezone.now() if status == SessionStatus.PUBLISHED else None,
        venue=factories.venue(),
        region=Region.LONDON,
        starts_at=london(YEAR, 3, 2 + number, 9),
        focus_areas=[factories.focus_area(1 + number % 6), factories.focus_area(1 + (number + 1) % 6)],
        facilitators=[factories.facilitator()],
        **overrides,
    )
    factories.cost_line(session=session)
    return session


@pytest.fixture
def list_phase(programme):
    return factories.phase(programme=programme, kind=PhaseKind.PILOT, starts_on=datetime.date(YEAR, 1, 1))


def assert_same_count_at_one_and_three(client, url: str, add_row) -> None:
    add_row(0)
    at_one = count_queries(client, url)
    add_row(1)
    add_row(2)
    at_three = count_queries(client, url)
    assert at_three == at_one


def test_programme_page_queries_do_not_grow_with_sessions(client, list_phase):
    assert_same_count_at_one_and_three(client, reverse("summits:programme"), lambda n: add_rich_session(list_phase, n))


def test_programme_page_queries_do_not_grow_with_filters_applied(client, list_phase):
    url = reverse("summits:programme") + f"?theme=possible&region=london&month={YEAR}-03"
    assert_same_count_at_one_and_three(client, url, lambda n: add_rich_session(list_phase, n))


def test_programme_page_filters_by_theme_region_and_month(client):
    def published(code, **values):
        return factories.published_session(code=code, starts_at=london(YEAR, 3, 10, 9), **values)

    published("POS-LONDON", theme="possible", region=Region.LONDON)
    published("POS-NATIONAL", theme="possible", region="")
    published("POS-SOUTH-WEST", theme="possible", region=Region.SOUTH_WEST)
    published("HOW-LONDON", theme="how_to", region=Region.LONDON)
    factories.published_session(code="POS-APRIL", theme="possible", starts_at=london(YEAR, 4, 10, 9))

    response = client.get(
        reverse("summits:programme"), {"theme": "possible", "region": "london", "month": f"{YEAR}-03"}
    )

    shown = [s.code for group in response.context["months"] for s in group.sessions]
    assert shown == ["POS-LONDON", "POS-NATIONAL"]


def test_programme_page_with_no_match_offers_all_workshops(client):
    factories.published_session(theme="possible")

    response = client.get(reverse("summits:programme"), {"theme": "how_did"})

    assertContains(response, "No upcoming workshops match these filters.")


@pytest.mark.parametrize(
    ("access", "places_taken", "wording"),
    [
        ("invitation_only", 0, "2 of 2. By invitation only"),
        ("invitation_only", 2, "Full. By invitation only: invited people who accept join the waiting list"),
        ("open_to_groups", 2, "Full: people in its leadership groups can join the waiting list"),
    ],
)
def test_public_pages_say_honestly_who_can_take_a_place(client, access, places_taken, wording):
    session = factories.published_session(code="PUB-01", capacity=2, access=access)
    Session.objects.filter(pk=session.pk).update(places_taken=places_taken)

    listing = client.get(reverse("summits:programme"))
    detail = client.get(reverse("summits:public-session-detail", kwargs={"code": "PUB-01"}))

    assertContains(listing, wording)
    assertContains(detail, wording)
    assertNotContains(listing, "Full: join the waiting list")


def test_session_list_queries_do_not_grow_with_sessions(organiser_client, list_phase):
    assert_same_count_at_one_and_three(
        organiser_client, reverse("summits:session-list"), lambda n: add_rich_session(list_phase, n)
    )


def test_session_list_queries_do_not_grow_with_filters_applied(organiser_client, list_phase):
    url = reverse("summits:session-list") + f"?theme=possible&region=london&month={YEAR}-03&focus_area="
    assert_same_count_at_one_and_three(organiser_client, url, lambda n: add_rich_session(list_phase, n))


def test_dashboard_queries_do_not_grow_with_sessions(organiser_client, list_phase):
    assert_same_count_at_one_and_three(
        organiser_client, reverse("summits:dashboard"), lambda n: add_rich_session(list_phase, n)
    )


def test_session_calendar_queries_do_not_grow_with_sessions(organiser_client, list_phase):
    url = reverse("summits:session-calendar-month", kwargs={"year": YEAR, "month": 3})
    assert_same_count_at_one_and_three(organiser_client, url, lambda n: add_rich_session(list_phase, n))


def test_session_detail_queries_do_not_grow_with_costs_and_history(organiser_client, organiser, list_phase):
    session = add_rich_session(list_phase, 0)
    url = reverse("summits:session-detail", kwargs={"pk": session.pk})

    def add_row(n):
        factories.cost_line(session=session, description=f"Line {n}")
        session.facilitators.add(factories.facilitator())
        audit.record(actor=organiser, action="cost_line.add", obj=session, after={"n": n})

    assert_same_count_at_one_and_three(organiser_client, url, add_row)


def test_facilitator_list_queries_do_not_grow_with_facilitators(organiser_client, list_phase):
    def add_row(n):
        session = add_rich_session(list_phase, n)
        session.facilitators.add(factories.facilitator())

    assert_same_count_at_one_and_three(organiser_client, reverse("summits:facilitator-list"), add_row)


def test_venue_list_queries_do_not_grow_with_venues(organiser_client, list_phase):
    assert_same_count_at_one_and_three(
        organiser_client, reverse("summits:venue-list"), lambda n: add_rich_session(list_phase, n)
    )


def test_audit_log_queries_do_not_grow_with_entries(organiser_client, organiser, list_phase):
    def add_row(n):
        session = add_rich_session(list_phase, n)
        audit.record(actor=organiser, action="session.create", obj=session, after={"code": session.code})

    assert_same_count_at_one_and_three(organiser_client, reverse("summits:audit-log"), add_row)


def test_list_pages_show_each_row(organiser_client, list_phase):
    for number in range(3):
        add_rich_session(list_phase, number)

    assert len(organiser_client.get(reverse("summits:session-list")).context["sessions"]) == 3
    assert len(organiser_client.get(reverse("summits:facilitator-list")).context["facilitators"]) == 3
    assert len(organiser_client.get(reverse("summits:venue-list")).context["venues"]) == 3


def test_venue_edit_saves_and_records_the_change(organiser_client, organiser):
    venue = factories.venue(name="Quarry House", town="Leeds", region=Region.NORTH_EAST_AND_YORKSHIRE)

    response = organiser_client.post(
        reverse("summits:venue-edit", kwargs={"pk": venue.pk}),
        {"name": "Quarry House", "town": "Leeds", "region": Region.NORTH_EAST_AND_YORKSHIRE, "capacity": "80"},
    )

    assert response.status_code == 302
    assert Venue.objects.get().capacity == 80
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.before, entry.after) == (
        organiser,
        "venue.update",
        {"capacity": None},
        {"capacity": 80},
    )


def test_phase_edit_changes_the_window(organiser_client, organiser, pilot):
    response = organiser_client.post(
        reverse("summits:phase-edit", kwargs={"pk": pilot.pk}),
        {
            "starts_on_day": "1",
            "starts_on_month": "2",
            "starts_on_year": str(YEAR),
            "ends_on_day": "30",
            "ends_on_month": "6",
            "ends_on_year": str(YEAR),
            "target_attendees": "150",
        },
    )

    assert response.status_code == 302
    pilot.refresh_from_db()
    assert (pilot.starts_on, pilot.target_attendees) == (datetime.date(YEAR, 2, 1), 150)
    assert AuditEntry.objects.get().action == "phase.update"


def test_session_edit_of_the_title_in_summer_time_records_only_the_title(organiser_client, pilot):
    session = factories.session(
        phase=pilot,
        code="PIL-POS-01",
        title="Old title",
        starts_at=london(YEAR, 6, 9, 9),
        online_url="https://meet.example.nhs.uk/pil-pos-01",
        capacity=40,
    )

    organiser_client.post(
        reverse("attendees:session-edit", kwargs={"pk": session.pk}),
        session_form(pilot, title="New title", date_day="9", date_month="6"),
    )

    entry = AuditEntry.objects.get(action="session.update")
    assert (entry.before, entry.after) == ({"title": "Old title"}, {"title": "New title"})


def test_dashboard_for_an_unknown_programme_still_opens(organiser_client, programme):
    response = organiser_client.get(reverse("summits:dashboard") + "?programme=no-such-programme")

    assert response.status_code == 200
    assert (response.context["programme"], response.context["dashboard"]) == (None, None)


def test_dashboard_without_any_programme_opens(organiser_client):
    response = organiser_client.get(reverse("summits:dashboard"))

    assert response.status_code == 200
    assert response.context["dashboard"] is None


def test_session_list_ignores_bad_filter_values(organiser_client, list_phase):
    add_rich_session(list_phase, 0)

    response = organiser_client.get(reverse("summits:session-list") + "?month=March&theme=nonsense&focus_area=99")

    assert response.status_code == 200
    assert len(response.context["sessions"]) == 1


def test_session_list_filters_by_status(organiser_client, list_phase):
    add_rich_session(list_phase, 0, status=SessionStatus.DRAFT)
    published = add_rich_session(list_phase, 1)

    response = organiser_client.get(reverse("summits:session-list") + "?status=published")

    assert list(response.context["sessions"]) == [published]


def test_session_list_pages_by_25(organiser_client, list_phase):
    for number in range(26):
        factories.session(phase=list_phase, starts_at=london(YEAR, 3, 1, 9) + datetime.timedelta(days=number))

    first = organiser_client.get(reverse("summits:session-list"))
    second = organiser_client.get(reverse("summits:session-list") + "?page=2")

    assert (len(first.context["sessions"]), len(second.context["sessions"])) == (25, 1)


def test_session_detail_of_a_cancelled_session_opens(organiser_client, pilot):
    session = factories.session(phase=pilot, status=SessionStatus.CANCELLED, cancellation_reason="Snow")

    response = organiser_client.get(reverse("summits:session-detail", kwargs={"pk": session.pk}))

    assert response.status_code == 200
    assertContains(response, "Snow")


def test_session_detail_shows_its_history(organiser_client, organiser, pilot):
    session = factories.session(phase=pilot)
    audit.record(actor=organiser, action="session.publish", obj=session)
    audit.record(actor=organiser, action="venue.create", obj=factories.venue())

    response = organiser_client.get(reverse("summits:session-detail", kwargs={"pk": session.pk}))

    assert [entry.action for entry in response.context["history"]] == ["session.publish"]


# Confirming before removing a cost line -----------------------------------------------------


def test_cost_line_delete_asks_to_confirm_and_changes_nothing(organiser_client):
    session = factories.session(code="PIL-POS-09")
    line = factories.cost_line(session=session, description="Room hire", amount="1200.50")

    response = organiser_client.get(reverse("summits:cost-line-delete", kwargs={"pk": line.pk}))

    assertContains(response, '<h1 class="nhsuk-heading-xl">Remove the cost line “Room hire”</h1>', html=True)
    assertContains(response, "(Venue hire, £1,200.50) is removed from PIL-POS-09")
    assert CostLine.objects.count() == 1


def test_cost_line_add_accepts_pounds_as_people_write_them(organiser_client):
    session = factories.session()

    organiser_client.post(
        reverse("summits:cost-line-add", kwargs={"pk": session.pk}),
        {"category": "venue", "description": "Room hire", "amount": "£1,200.50"},
    )

    assert str(CostLine.objects.get().amount) == "1200.50"


# Programmes --------------------------------------------------------------------------------


def programme_post(**overrides) -> dict:
    data = {
        "name": "Digital Leadership Workshops 2027",
        "slug": "dlw-2027",
        "description": "",
        "pilot_starts_on_day": "1",
        "pilot_starts_on_month": "1",
        "pilot_starts_on_year": str(YEAR),
        "pilot_ends_on_day": "31",
        "pilot_ends_on_month": "3",
        "pilot_ends_on_year": str(YEAR),
        "pilot_target_attendees": "120",
        "rollout_starts_on_day": "1",
        "rollout_starts_on_month": "4",
        "rollout_starts_on_year": str(YEAR),
        "rollout_ends_on_day": "31",
        "rollout_ends_on_month": "12",
        "rollout_ends_on_year": str(YEAR),
        "rollout_target_attendees": "900",
    }
    data.update(overrides)
    return data


def test_programme_create_page_creates_the_programme_and_its_phases(organiser_client):
    response = organiser_client.post(reverse("summits:programme-create"), programme_post())

    assert response.url == reverse("summits:dashboard") + "?programme=dlw-2027"
    programme = queries_programme("dlw-2027")
    assert [(p.kind, p.target_attendees) for p in programme.phases.order_by("starts_on")] == [
        ("pilot", 120),
        ("rollout", 900),
    ]


def queries_programme(slug):
    from summits.models import Programme

    return Programme.objects.get(slug=slug)


def test_programme_create_page_shows_overlap_and_huge_numbers_as_errors(organiser_client):
    response = organiser_client.post(
        reverse("summits:programme-create"),
        programme_post(rollout_starts_on_month="3", pilot_target_attendees="9" * 30, rollout_ends_on_day="9" * 30),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "pilot_target_attendees": ["The target must be 1,000,000 or fewer"],
        "rollout_ends_on": ["Rollout end date must be a real date"],
    }


def test_programme_edit_page_refuses_overlapping_phases(organiser_client, organiser):
    organiser_client.post(reverse("summits:programme-create"), programme_post())

    response = organiser_client.post(
        reverse("summits:programme-edit", kwargs={"slug": "dlw-2027"}), programme_post(rollout_starts_on_month="3")
    )

    assert response.context["form"].errors == {
        "rollout_starts_on": [
            f"The rollout phase must start after the pilot phase ends (31 March {YEAR}). "
            "Phases of one programme cannot overlap"
        ]
    }


def test_session_list_shows_places_taken_and_waiting(organiser_client):
    session = factories.published_session(code="PIL-POS-01", capacity=2)
    factories.registration(session=session)
    factories.registration(session=session)
    factories.registration(session=session, status="waitlisted")

    response = organiser_client.get(reverse("summits:session-list"))

    assert [(s.code, s.places_taken, s.waiting) for s in response.context["sessions"]] == [("PIL-POS-01", 2, 1)]
    assertContains(response, "2 of 2 taken")
    assertContains(response, "1 waiting")


def test_month_calendar_shows_session_titles(organiser_client):
    factories.session(code="PIL-POS-01", title="The art of the possible", starts_at=london(YEAR, 3, 10, 9, 30))

    response = organiser_client.get(reverse("summits:session-calendar-month", kwargs={"year": YEAR, "month": 3}))

    assertContains(response, "09:30 The art of the possible</a>")
