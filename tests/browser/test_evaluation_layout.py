"""The outcome pages of the demo programme fit the screen: at 1,280 px every report table fits its
column (no table scrolls sideways) and at 320 px the tables reflow, so the page never scrolls
sideways. axe-core runs on every page visited."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from attendees.demo import seed_people
from evaluation.criteria import ensure_default_criteria
from evaluation.models import ResearchExtract
from feedback.demo import seed_responses
from summits.demo import seed_schedule
from tests.browser.conftest import assert_accessible
from tests.browser.test_organiser_journey import sign_in_by_code

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_SCROLL = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Report tables whose own region scrolls sideways (0 when every table fits its column).
TABLES_SCROLLING = """[...document.querySelectorAll('.app-table-scroll')]
    .filter(region => region.scrollWidth > region.clientWidth + 1)
    .map(region => region.getAttribute('aria-labelledby'))"""


def test_outcome_pages_have_no_horizontal_scroll_at_1280_and_320_px(site, live_server):
    base = live_server.url
    demo = seed_schedule()
    seed_people(demo["programme"])
    seed_responses(demo["programme"])
    ensure_default_criteria(programme=demo["programme"])
    user = get_user_model().objects.get(email="evaluator@example.nhs.uk")
    user.user_permissions.add(Permission.objects.get(codename="download_research_extract"))
    # One extract ready, one whose file the retention purge deleted (its download is a 410 page).
    common = {"programme": demo["programme"], "requested_by": user, "selection_text": "Whole programme"}
    ResearchExtract.objects.create(**common, status="ready", content=b"participant\n", finished_at=timezone.now())
    deleted = ResearchExtract.objects.create(
        **common, status="expired", reason="Kept for 30 days", finished_at=timezone.now() - timedelta(days=31)
    )
    sign_in_by_code(site, base, "evaluator@example.nhs.uk", "/evaluation/")

    for width in (1280, 320):
        site.set_viewport_size({"width": width, "height": 900})
        for path in (
            "/evaluation/?programme=dlw-2026-27",
            "/evaluation/?programme=dlw-2026-27&phase=pilot&theme=possible",
            "/evaluation/?programme=dlw-2026-27&group=Community trust boards",
            "/evaluation/pilot/?programme=dlw-2026-27",
            "/evaluation/extracts/?programme=dlw-2026-27",
            f"/evaluation/extracts/{deleted.pk}/download/",
        ):
            site.goto(base + path)
            assert (width, path, site.evaluate(PAGE_SCROLL)) == (width, path, 0)
            assert (width, path, site.evaluate(TABLES_SCROLLING)) == (width, path, [])
            assert_accessible(site)
