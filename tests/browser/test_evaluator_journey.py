"""An evaluator signs in by emailed code, opens Outcomes, filters to the pilot, reads the
success criteria and the recommendation, opens the pilot evaluation and downloads its PDF.
axe-core runs on every page visited."""

import re
from pathlib import Path

import pytest

from evaluation.criteria import ensure_default_criteria
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.browser.test_organiser_journey import sign_in_by_code
from tests.evaluation.conftest import build_standard

pytestmark = pytest.mark.django_db(transaction=True)


def test_evaluator_filters_to_the_pilot_reads_the_criteria_and_downloads_the_pdf(site, live_server):
    base = live_server.url
    factories.staff_user("evaluator@example.nhs.uk", role="evaluator")
    standard = build_standard()
    ensure_default_criteria(programme=standard.programme)

    sign_in_by_code(site, base, "evaluator@example.nhs.uk", "/evaluation/")
    assert site.get_by_role("heading", level=1).inner_text() == "Outcomes"
    assert site.locator(".nhsuk-lede-text strong").inner_text() == "Whole programme"
    assert_accessible(site)

    site.get_by_label("Phase (optional)").select_option(label="Pilot")
    site.get_by_role("button", name="Show outcomes").click()
    site.wait_for_url(re.compile(r".*/evaluation/\?.*phase=pilot.*"))
    assert site.locator(".nhsuk-lede-text strong").inner_text() == "Pilot"
    assert site.get_by_role("heading", name="Recommendation: Go").is_visible()
    criteria = site.get_by_role("table", name="Success criteria")
    rows = criteria.locator("tbody tr")
    assert rows.count() == 7
    assert rows.first.locator("td").nth(1).inner_text() == "+0.75"
    assert [text.strip() for text in criteria.locator("tbody .nhsuk-tag").all_inner_texts()] == ["Met"] * 7
    assert_accessible(site)

    site.get_by_role("link", name="See the pilot evaluation and change the criteria").click()
    site.wait_for_url(base + "/evaluation/pilot/?programme=dlw-2026-27")
    assert site.get_by_role("heading", level=1).inner_text() == "Pilot evaluation"
    assert site.get_by_role("heading", name="Recommendation: Go").is_visible()
    assert_accessible(site)

    with site.expect_download() as download_info:
        site.get_by_role("link", name="Download the pilot report (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "dlw-2026-27-outcomes-pilot.pdf"
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"
