"""axe on the organisers' survey pages, the answer import and the success-criteria pages, with
their error states: pages the journeys do not pass through."""

import datetime

import pytest
from django.utils import timezone

from attendees.enums import RegistrationStatus
from feedback.services import ensure_default_questionnaires
from summits.enums import PhaseKind
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.browser.test_page_accessibility import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

POST_ANSWERS = {"conf_overall": 4, "experience": 5, "do_differently": "Ask for the DPIA", "digital_champion": 1}


def submit(site) -> None:
    """Sends the page's own form (the last on the page: the header's sign-out form comes first)."""
    with site.expect_navigation():
        site.locator("form[method=post] button[type=submit]").last.click()


def test_survey_and_outcome_pages_are_accessible(site, live_server, tmp_path):
    organiser = factories.staff_user("organiser@example.nhs.uk", role="organiser")
    sign_in(site, live_server, organiser)
    programme = factories.programme(slug="dlw")
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)
    questionnaires = ensure_default_questionnaires(programme=programme)
    session = factories.published_session(
        phase=pilot, code="PIL-POS-01", starts_at=timezone.now() - datetime.timedelta(days=2)
    )
    came = factories.registration(session=session, status=RegistrationStatus.ATTENDED)
    missed = factories.registration(session=session, status=RegistrationStatus.ATTENDED)
    for registration in (came, missed):
        factories.survey_link(registration=registration, kind="post", sent_at=timezone.now())
    factories.survey_response(registration=came, kind="post", answers=POST_ANSWERS)
    questionnaire = questionnaires["post"]
    item = questionnaire.items.get(code="relevance")
    base = live_server.url

    for path in [
        "/organise/surveys/",
        f"/organise/surveys/sessions/{session.pk}/",
        "/organise/surveys/champions/",
        "/organise/surveys/questionnaires/",
        f"/organise/surveys/questionnaires/{questionnaire.pk}/",
        f"/organise/surveys/questions/{item.pk}/change/",
        f"/organise/surveys/questions/{item.pk}/remove/",
        "/evaluation/pilot/",
        "/evaluation/criteria/new/",
    ]:
        site.goto(base + path)
        assert_accessible(site)

    # Error states: an empty new question, a bad schedule, an upload without a file, a file
    # with bad rows, and a percentage threshold over 100.
    site.goto(base + f"/organise/surveys/questionnaires/{questionnaire.pk}/add/")
    submit(site)
    assert site.locator(".nhsuk-error-summary").count() == 1
    assert_accessible(site)

    site.goto(base + "/organise/surveys/schedule/")
    site.get_by_label("Days the post survey stays open").fill("0")
    submit(site)
    assert site.locator(".nhsuk-error-summary").count() == 1
    assert_accessible(site)

    site.goto(base + "/organise/surveys/import/")
    submit(site)
    assert site.locator(".nhsuk-error-summary").count() == 1
    assert_accessible(site)
    bad = tmp_path / "answers.csv"
    bad.write_text("email,session,survey,question,value\nnobody@example.nhs.uk,PIL-POS-01,post,conf_overall,9\n")
    site.get_by_label("Upload a file").set_input_files(bad)
    submit(site)
    assert "/organise/surveys/import/" in site.url
    assert_accessible(site)

    site.goto(base + "/evaluation/criteria/new/")
    site.get_by_label("What is measured").select_option("attendance_rate")
    site.get_by_label("Threshold").fill("150")
    submit(site)
    assert site.locator(".nhsuk-error-summary").count() == 1
    assert_accessible(site)
