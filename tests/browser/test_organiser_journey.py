"""An organiser signs in by emailed code, creates a session, meets the venue clash, fixes it,
publishes the session and finds it on the public programme page. axe-core runs on every page."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from summits.enums import PhaseKind, SessionStatus
from summits.models import Session
from tests import factories
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_by_code(page, base_url: str, email: str, next_path: str) -> None:
    page.goto(base_url + next_path)
    assert page.url.startswith(base_url + "/accounts/login/code/")
    assert_accessible(page)
    page.fill("input[name=email]", email)
    page.get_by_role("button", name="Send sign-in code").click()
    page.wait_for_url(re.compile(r".*/accounts/login/code/confirm/.*"))
    assert_accessible(page)
    code = re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", mail.outbox[-1].body).group(0)
    page.fill("input[name=code]", code)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url(base_url + next_path)


def fill_session_form(page, *, code: str, day: datetime.date, start: str, end: str, venue: str) -> None:
    page.fill("input[name=code]", code)
    page.fill("input[name=title]", "Assuring digital decisions at board level")
    page.get_by_label("How to").check()
    page.get_by_label("Making good technical and information decisions, and the support available to leaders").check()
    page.fill("input[name=date_day]", str(day.day))
    page.fill("input[name=date_month]", str(day.month))
    page.fill("input[name=date_year]", str(day.year))
    page.fill("input[name=start_time_hour]", start[:2])
    page.fill("input[name=start_time_minute]", start[3:])
    page.fill("input[name=end_time_hour]", end[:2])
    page.fill("input[name=end_time_minute]", end[3:])
    page.select_option("select[name=venue]", label=venue)
    page.fill("input[name=capacity]", "35")


def test_organiser_creates_fixes_clash_publishes_and_finds_session_on_public_page(site, live_server):
    base = live_server.url
    factories.staff_user("organiser@example.nhs.uk", role="organiser")
    programme = factories.programme(name="Digital Leadership Workshops 2026/27")
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)
    venue = factories.venue(name="Quarry House Learning Centre", town="Leeds")
    day = timezone.localdate() + datetime.timedelta(days=30)
    factories.published_session(
        phase=pilot,
        code="PIL-POS-01",
        venue=venue,
        online_url="",
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30))),
        hours=3,
    )

    sign_in_by_code(site, base, "organiser@example.nhs.uk", "/organise/")
    assert site.get_by_role("heading", level=1).inner_text() == "Digital Leadership Workshops 2026/27"
    assert_accessible(site)

    site.get_by_role("link", name="Create a session").first.click()
    site.wait_for_url(base + "/organise/sessions/new/")
    assert_accessible(site)

    # 11:00 overlaps PIL-POS-01 (09:30 to 12:30) at the same venue.
    fill_session_form(site, code="pil-how-01", day=day, start="11:00", end="13:00", venue=str(venue))
    site.get_by_role("button", name="Create draft session").click()
    summary = site.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    assert "Quarry House Learning Centre, Leeds is already booked for PIL-POS-01" in summary.inner_text()
    assert site.title().startswith("Error: ")
    # What the organiser typed is kept.
    assert site.input_value("input[name=title]") == "Assuring digital decisions at board level"
    assert site.input_value("input[name=start_time_hour]") == "11"
    assert_accessible(site)

    site.fill("input[name=start_time_hour]", "13")
    site.fill("input[name=start_time_minute]", "00")
    site.fill("input[name=end_time_hour]", "16")
    site.fill("input[name=end_time_minute]", "00")
    site.get_by_role("button", name="Create draft session").click()
    site.wait_for_url(re.compile(r".*/organise/sessions/\d+/$"))
    assert "Session PIL-HOW-01 created as a draft" in site.locator("main").inner_text()
    assert_accessible(site)

    site.get_by_role("button", name="Publish").click()
    site.wait_for_url(re.compile(r".*/organise/sessions/\d+/$"))
    assert "Session PIL-HOW-01 published" in site.locator("main").inner_text()
    assert_accessible(site)
    created = Session.objects.get(code="PIL-HOW-01")
    assert created.status == SessionStatus.PUBLISHED
    assert timezone.localtime(created.starts_at).time() == datetime.time(13, 0)

    site.get_by_role("link", name="Programme", exact=True).first.click()
    site.wait_for_url(base + "/")
    assert_accessible(site)
    site.get_by_role("link", name="Assuring digital decisions at board level").click()
    site.wait_for_url(base + "/sessions/PIL-HOW-01/")
    assert site.get_by_role("heading", level=1).inner_text() == "Assuring digital decisions at board level"
    assert_accessible(site)
