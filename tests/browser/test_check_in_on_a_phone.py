"""Checking people in at the door on a phone: the registrations and check-in pages at 375 px
wide, with no sideways scrolling, axe-core clean, and a check-in that works."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attendees.enums import RegistrationStatus
from attendees.models import Registration
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.browser.test_page_accessibility import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 812}


def check_page(page) -> None:
    """axe and the width, once the header's script has folded the menu into "More" (at this
    width it does so after load; before that the links overlap and axe sees poor contrast)."""
    page.wait_for_selector(".nhsuk-header__menu:not([hidden])", state="attached")
    assert_accessible(page)
    assert_no_sideways_scroll(page)


def assert_no_sideways_scroll(page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths == [375, 375], f"{page.url} is {widths[0]} px wide at {widths[1]} px"


def test_organiser_checks_people_in_on_a_phone(site, live_server):
    site.set_viewport_size(PHONE)
    organiser = factories.staff_user("organiser@example.nhs.uk", role="organiser")
    sign_in(site, live_server, organiser)
    trust = factories.organisation(name="Leeds Teaching Hospitals NHS Foundation Trust")
    session = factories.published_session(
        code="PIL-POS-01", capacity=3, starts_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    people = [
        factories.person(
            first_name="Alexandra-Josephine",
            last_name="Montgomery-Fairweather",
            email="alexandra-josephine.montgomery-fairweather@leedsteachinghospitals.nhs.uk",
            job_title="Chief Clinical Information Officer and Deputy Medical Director",
            organisation=trust,
        ),
        factories.person(first_name="Omar", last_name="Khan", job_title="Chair", organisation=trust),
        factories.person(first_name="Jane", last_name="Smith", job_title="Non-executive director"),
    ]
    for person in people:
        factories.registration(session=session, person=person)
    factories.registration(session=session, status=RegistrationStatus.WAITLISTED)
    base = live_server.url

    site.goto(base + f"/organise/sessions/{session.pk}/registrations/")
    check_page(site)

    site.get_by_role("link", name="Check-in").click()
    check_page(site)

    site.get_by_role("button", name="Check in Alexandra-Josephine Montgomery-Fairweather").click()
    expect(site.locator("main")).to_contain_text("Alexandra-Josephine Montgomery-Fairweather checked in")
    check_page(site)

    site.get_by_label("Search by name").fill("khan")
    site.get_by_role("button", name="Search").click()
    site.get_by_role("button", name="Check in Omar Khan").click()
    expect(site.locator("main")).to_contain_text("Omar Khan checked in")
    check_page(site)
    statuses = dict(Registration.objects.filter(session=session).values_list("person__last_name", "status"))
    assert [statuses[p.last_name] for p in people] == ["attended", "attended", "confirmed"]
