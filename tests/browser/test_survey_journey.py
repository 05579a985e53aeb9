"""A board member with a place answers the pre survey from the link in their email (meeting the
error summary first), the session takes place, an organiser checks them in and finalises
attendance, and they answer the post survey from its email; opening the link again says it is
already answered. axe-core runs on every page visited."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from attendees.enums import RegistrationStatus
from attendees.models import Registration
from feedback import dispatch, services
from feedback.enums import ItemType, SurveyKind
from feedback.models import Answer, Response
from summits.models import Session
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.browser.test_organiser_journey import sign_in_by_code

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Making good digital decisions"
ASSURANCE = "How confident are you that you know how to assure yourself that those decisions are safe and appropriate?"
RECOMMEND = "How likely are you to recommend the workshop to a colleague?"
CHAMPION = "Would you like to be a digital champion in your organisation?"
DO_DIFFERENTLY = "What is one thing you will do differently as a result of the workshop?"


def survey_path(email: str, kind_words: str) -> str:
    """The survey link in the one email of that kind sent to `email`, as a path on this site."""
    (body,) = [
        message.body for message in mail.outbox if message.to == [email] and message.subject.startswith(kind_words)
    ]
    return re.search(r"https://workshops\.example\.nhs\.uk(/s/\d+/[\w-]+/)", body).group(1)


def choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True).check()


def test_attendee_answers_pre_and_post_surveys_around_attended_session(site, live_server):
    base = live_server.url
    programme = factories.programme(name="Digital Leadership Workshops 2026/27")
    surveys = services.ensure_default_questionnaires(programme=programme)
    session = factories.published_session(
        phase=factories.phase(programme=programme),
        code="PIL-HOW-01",
        title=TITLE,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        hours=3,
    )
    jane = factories.person(first_name="Jane", last_name="Smith", email="jane.smith@example.nhs.uk")
    omar = factories.person(first_name="Omar", last_name="Khan", email="omar.khan@example.nhs.uk")
    place = factories.registration(session=session, person=jane)
    factories.registration(session=session, person=omar)  # has a place, does not come
    factories.staff_user("organiser@example.nhs.uk", role="organiser")

    # The cron job makes and emails the pre survey links.
    assert dispatch.run()["made_pre"] == 2
    pre_path = survey_path(jane.email, "Before your workshop")
    pre_items = list(surveys[SurveyKind.PRE].items.order_by("order"))
    assert [item.type for item in pre_items] == [ItemType.LIKERT] * 8

    site.goto(base + pre_path)
    assert site.get_by_role("heading", level=1).inner_text() == "Before the workshop"
    assert_accessible(site)

    # Every question answered but the assurance one: nothing is saved, the choices stay.
    chosen = {}
    for item in pre_items:
        if item.text != ASSURANCE:
            chosen[item.text] = "Moderately confident" if item.order % 2 else "Slightly confident"
            choose(site, item.text, chosen[item.text])
    site.get_by_role("button", name="Send my answers").click()
    summary = site.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    assert summary.get_by_role("link").all_inner_texts() == [f"Select an answer to: {ASSURANCE}"]
    assert site.title().startswith("Error: ")
    for question, answer in chosen.items():
        expect(site.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True)).to_be_checked()
    assert Response.objects.count() == 0
    assert_accessible(site)

    choose(site, ASSURANCE, "Very confident")
    site.get_by_role("button", name="Send my answers").click()
    site.wait_for_url(base + pre_path + "done/")
    assert site.get_by_role("heading", level=1).inner_text() == "Thank you: your answers have been sent"
    assert_accessible(site)
    pre = Response.objects.get(registration=place, kind=SurveyKind.PRE)
    assert dict(Answer.objects.filter(response=pre).values_list("item__code", "value")) == {
        "conf_overall": 3,
        "conf_assurance": 4,
        "conf_focus_1": 3,
        "conf_focus_2": 2,
        "conf_focus_3": 3,
        "conf_focus_4": 2,
        "conf_focus_5": 3,
        "conf_focus_6": 2,
    }

    # The session takes place; the organiser checks Jane in and finalises attendance.
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(
        starts_at=now - datetime.timedelta(hours=4), ends_at=now - datetime.timedelta(hours=1)
    )
    check_in = f"/organise/sessions/{session.pk}/check-in/"
    sign_in_by_code(site, base, "organiser@example.nhs.uk", check_in)
    assert site.get_by_role("heading", level=1).inner_text() == "Check-in"
    assert_accessible(site)

    site.get_by_role("button", name="Check in Jane Smith").click()
    site.wait_for_url(base + check_in)
    assert "Jane Smith checked in" in site.locator("main").inner_text()
    assert_accessible(site)

    site.get_by_role("link", name="Finalise attendance").click()
    assert_accessible(site)
    site.get_by_role("button", name="Finalise attendance").click()
    site.wait_for_url(base + check_in)
    assert "Attendance finalised: 1 person marked as did not attend" in site.locator("main").inner_text()
    assert_accessible(site)
    assert dict(Registration.objects.filter(session=session).values_list("person__email", "status")) == {
        "jane.smith@example.nhs.uk": RegistrationStatus.ATTENDED,
        "omar.khan@example.nhs.uk": RegistrationStatus.NO_SHOW,
    }
    site.context.clear_cookies()

    # The next run makes and emails the post survey link, to Jane only.
    ran = dispatch.run()
    assert (ran["made_post"], ran["links"]) == (1, 1)
    post_path = survey_path(jane.email, "After your workshop")
    site.goto(base + post_path)
    assert site.get_by_role("heading", level=1).inner_text() == "After the workshop"
    assert_accessible(site)

    for item in surveys[SurveyKind.POST].items.filter(type=ItemType.LIKERT, required=True):
        choose(site, item.text, item.choices[3])
    choose(site, RECOMMEND, "9")
    choose(site, CHAMPION, "Yes")
    site.get_by_role("textbox", name=DO_DIFFERENTLY).fill("Ask for the clinical safety case before signing off.")
    site.get_by_role("button", name="Send my answers").click()
    site.wait_for_url(base + post_path + "done/")
    assert site.get_by_role("heading", level=1).inner_text() == "Thank you: your answers have been sent"
    assert_accessible(site)
    post = Response.objects.get(registration=place, kind=SurveyKind.POST)
    answers = {code: (value, text) for code, value, text in post.answers.values_list("item__code", "value", "text")}
    assert (answers["recommend"], answers["digital_champion"], answers["do_differently"]) == (
        (9, ""),
        (1, ""),
        (None, "Ask for the clinical safety case before signing off."),
    )
    assert (answers["conf_overall"], answers["experience"], answers["relevance"]) == ((4, ""), (4, ""), (4, ""))
    assert "retro_overall" not in answers  # optional, left blank

    # The same link again: already answered, nothing changed.
    response = site.goto(base + post_path)
    assert response.status == 410
    assert site.get_by_role("heading", level=1).inner_text() == "You have already answered this survey"
    assert_accessible(site)
    assert Response.objects.filter(registration=place).count() == 2
