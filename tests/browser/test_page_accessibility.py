"""axe-core on every organiser, evaluator and public page, including each form's error state."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from summits.enums import PhaseKind, PilotDecisionOutcome
from tests import factories
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, user) -> None:
    """Reuses Django's own login for a browser: the sign-in journey has its own test."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def schedule():
    programme = factories.programme(name="Digital Leadership Workshops 2026/27", slug="dlw")
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)
    factories.phase(programme=programme, kind=PhaseKind.ROLLOUT)
    venue = factories.venue(name="Quarry House Learning Centre", town="Leeds")
    facilitator = factories.facilitator(name="Dr Asha Patel")
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(9, 30)))
    published = factories.published_session(
        phase=pilot,
        code="PIL-POS-01",
        venue=venue,
        starts_at=start + datetime.timedelta(days=10),
        focus_areas=[factories.focus_area(1)],
        facilitators=[facilitator],
    )
    factories.cost_line(session=published)
    factories.session(phase=pilot, code="PIL-HOW-01", starts_at=start + datetime.timedelta(days=12))
    cancelled = factories.published_session(
        phase=pilot, code="PIL-DID-01", starts_at=start + datetime.timedelta(days=14)
    )
    cancelled.status, cancelled.cancellation_reason = "cancelled", "The venue flooded."
    cancelled.save()
    factories.pilot_decision(programme=programme, outcome=PilotDecisionOutcome.GO_WITH_CHANGES)
    return {"programme": programme, "pilot": pilot, "published": published, "venue": venue, "facilitator": facilitator}


def test_public_pages_have_no_accessibility_violations(site, live_server, schedule):
    for path in ["/", "/sessions/PIL-POS-01/", "/sessions/PIL-DID-01/", "/no-such-page/"]:
        site.goto(live_server.url + path)
        assert_accessible(site)


def test_organiser_pages_have_no_accessibility_violations(site, live_server, schedule):
    sign_in(site, live_server, factories.staff_user("organiser@example.nhs.uk", role="organiser"))
    session = schedule["published"]
    today = timezone.localdate()
    pages = [
        "/organise/",
        "/organise/sessions/",
        "/organise/sessions/?theme=possible&status=published",
        "/organise/sessions/calendar/",
        f"/organise/sessions/calendar/{(today + datetime.timedelta(days=10)).year}/"
        f"{(today + datetime.timedelta(days=10)).month}/",
        f"/organise/sessions/{session.pk}/",
        f"/organise/sessions/{session.pk}/edit/",
        f"/organise/sessions/{session.pk}/reschedule/",
        f"/organise/sessions/{session.pk}/duplicate/",
        f"/organise/sessions/{session.pk}/cancel/",
        "/organise/sessions/new/",
        "/organise/facilitators/",
        "/organise/facilitators/new/",
        f"/organise/facilitators/{schedule['facilitator'].pk}/edit/",
        "/organise/venues/",
        "/organise/venues/new/",
        f"/organise/venues/{schedule['venue'].pk}/edit/",
        f"/organise/phases/{schedule['pilot'].pk}/edit/",
        "/organise/pilot-decision/",
        "/organise/audit/",
        "/evaluation/",
        "/accounts/logout/",
    ]
    for path in pages:
        site.goto(live_server.url + path)
        assert_accessible(site)


@pytest.mark.parametrize(
    ("path", "button"),
    [
        ("/organise/sessions/new/", "Create draft session"),
        ("/organise/sessions/{pk}/reschedule/", "Save new time and place"),
        ("/organise/sessions/{pk}/duplicate/", "Create the copy"),
        ("/organise/sessions/{pk}/cancel/", "Cancel the session"),
        ("/organise/sessions/{pk}/", "Add cost"),
        ("/organise/venues/new/", "Save venue"),
        ("/organise/facilitators/new/", "Save facilitator"),
        ("/organise/pilot-decision/", "Record the decision"),
    ],
)
def test_form_error_states_have_no_accessibility_violations(site, live_server, schedule, path, button):
    sign_in(site, live_server, factories.staff_user("organiser@example.nhs.uk", role="organiser"))
    site.goto(live_server.url + path.format(pk=schedule["published"].pk))
    # Empty the fields a user could leave blank, then submit.
    for field in site.locator("main form[method=post] input[type=text], main form[method=post] textarea").all():
        field.fill("")
    site.get_by_role("button", name=button, exact=True).click()
    expect(site.locator(".nhsuk-error-summary")).to_be_visible()
    assert site.title().startswith("Error: ")
    assert_accessible(site)


def test_evaluator_pages_and_forbidden_page_have_no_accessibility_violations(site, live_server, schedule):
    sign_in(site, live_server, factories.staff_user("evaluator@example.nhs.uk", role="evaluator"))
    site.goto(live_server.url + "/evaluation/")
    assert_accessible(site)
    response = site.goto(live_server.url + "/organise/")
    assert response.status == 403
    assert_accessible(site)
