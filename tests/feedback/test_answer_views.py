"""Answering a survey by the link in the email, the thank-you page, a person's own answers, and the
surveys section of My sessions. A person reaches only their own answers."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from attendees import services as attendee_services
from attendees.enums import RegistrationStatus
from feedback.enums import SurveyKind
from feedback.models import Answer, Response
from tests import factories
from tests.feedback.conftest import PRE_ANSWERS

pytestmark = pytest.mark.django_db

GONE = 410
DAY = datetime.timedelta(days=1)
OVERALL_TEXT = "How confident are you in making decisions about data, information and technology?"
ASSURANCE_TEXT = (
    "How confident are you that you know how to assure yourself that those decisions are safe and appropriate?"
)


def survey_url(link, token: str | None = None) -> str:
    return reverse("feedback:survey", kwargs={"pk": link.pk, "token": token or link.token})


def done_url(link) -> str:
    return reverse("feedback:survey-done", kwargs={"pk": link.pk, "token": link.token})


def answers_url(link) -> str:
    return reverse("feedback:my-answers", kwargs={"pk": link.pk})


def text(response) -> str:
    """The page's main content as words, without markup."""
    main = re.search(r"<main.*?</main>", response.content.decode(), flags=re.S).group(0)
    words = " ".join(re.sub(r"<[^>]+>", " ", main).split())
    return re.sub(r" ([.,:;?])", r"\1", words)


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode()).group(1)


def checked(response) -> dict[str, str]:
    """The radio answers the page shows as chosen, by question code."""
    inputs = re.findall(r"<input [^>]*>", response.content.decode())
    return {
        re.search(r'name="([^"]+)"', tag).group(1): re.search(r'value="([^"]*)"', tag).group(1)
        for tag in inputs
        if 'type="radio"' in tag and re.search(r"\schecked[\s>]", tag)
    }


def signed_in(client, person):
    client.force_login(attendee_services.ensure_person_account(email=person.email))
    return client


def saved_answers() -> list[tuple]:
    return list(Answer.objects.order_by("response", "item__order").values_list("item__code", "value", "text"))


@pytest.fixture
def attended(session, jane):
    return factories.registration(session=session, person=jane, status=RegistrationStatus.ATTENDED)


@pytest.fixture
def post_link(surveys, attended):
    return factories.survey_link(registration=attended, kind=SurveyKind.POST)


POST_ANSWERS = {
    **PRE_ANSWERS,
    "experience": 5,
    "relevance": 4,
    "recommend": 7,
    "do_differently": "Ask for the clinical safety case",
    "digital_champion": 1,
}


# Answering -------------------------------------------------------------------------------------


def test_survey_page_shows_the_questions(client, pre_link, session):
    response = client.get(survey_url(pre_link))

    assert response.status_code == 200
    assert list(response.context["form"].fields) == list(PRE_ANSWERS)
    page = text(response)
    assert page.startswith(
        f"Making good digital decisions, {timezone.localtime(session.starts_at):%-d %B %Y} Before the workshop "
        "Tell us how confident you feel now, before the workshop. It takes about 3 minutes."
    )
    assert f"{OVERALL_TEXT} Not at all confident Slightly confident Moderately confident Very confident" in page
    assert checked(response) == {}
    assert title(response) == "Before the workshop: Making good digital decisions – Digital Leadership Workshops"


def test_survey_page_marks_optional_questions(client, post_link):
    response = client.get(survey_url(post_link))

    page = text(response)
    assert "Thinking back to before the workshop: How confident were you in making decisions" in page
    assert "What is one thing you will do differently as a result of the workshop? (optional)" in page
    assert "How likely are you to recommend the workshop to a colleague? 0 is not at all likely" in page


def test_survey_post_with_every_required_answer_saves_and_shows_thank_you(client, pre_link, place):
    response = client.post(survey_url(pre_link), {code: str(value) for code, value in PRE_ANSWERS.items()})

    assert response.status_code == 302
    assert response.url == done_url(pre_link)
    saved = Response.objects.get()
    assert (saved.registration_id, saved.kind, saved.source) == (place.pk, SurveyKind.PRE, "web")
    assert saved_answers() == [(code, value, "") for code, value in PRE_ANSWERS.items()]
    done = client.get(response.url)
    assert text(done).startswith(
        "Thank you: your answers have been sent Pre survey for Making good digital decisions "
        "You do not need to do anything else."
    )


def test_survey_post_saves_text_answers_and_skips_blank_optional_ones(client, post_link):
    response = client.post(
        survey_url(post_link),
        {**{code: str(value) for code, value in POST_ANSWERS.items()}, "applied": "", "retro_overall": ""},
    )

    assert response.status_code == 302
    assert saved_answers() == [
        *[(code, value, "") for code, value in PRE_ANSWERS.items()],
        ("experience", 5, ""),
        ("relevance", 4, ""),
        ("recommend", 7, ""),
        ("do_differently", None, "Ask for the clinical safety case"),
        ("digital_champion", 1, ""),
    ]


def test_survey_post_missing_answers_shows_errors_and_keeps_what_was_typed(client, post_link):
    answers = {code: str(value) for code, value in POST_ANSWERS.items() if code not in ("conf_overall", "relevance")}

    response = client.post(survey_url(post_link), answers)

    assert response.status_code == 200
    page = text(response)
    assert page.startswith(
        "There is a problem "
        f"Select an answer to: {OVERALL_TEXT} "
        "Select an answer to: How relevant was the workshop to your role? "
        "Making good digital decisions"
    )
    assert response.context["form"].errors == {
        "conf_overall": [f"Select an answer to: {OVERALL_TEXT}"],
        "relevance": ["Select an answer to: How relevant was the workshop to your role?"],
    }
    assert checked(response) == {code: value for code, value in answers.items() if code != "do_differently"}
    assert ">\nAsk for the clinical safety case</textarea>" in response.content.decode()
    assert title(response) == "Error: After the workshop: Making good digital decisions – Digital Leadership Workshops"
    assert Response.objects.count() == 0


def test_survey_post_with_nothing_chosen_shows_every_required_question_as_an_error(client, pre_link):
    response = client.post(survey_url(pre_link), {})

    assert response.status_code == 200
    assert text(response).startswith(f"There is a problem Select an answer to: {OVERALL_TEXT} ")
    assert sorted(response.context["form"].errors) == sorted(PRE_ANSWERS)
    assert Response.objects.count() == 0


def test_survey_post_with_a_forged_answer_out_of_range_is_refused(client, pre_link):
    answers = {**{code: str(value) for code, value in PRE_ANSWERS.items()}, "conf_overall": "9"}

    response = client.post(survey_url(pre_link), answers)

    assert response.status_code == 200
    assert text(response).startswith(
        f"There is a problem Select one of the answers given for: {OVERALL_TEXT} Making good digital decisions"
    )
    assert checked(response) == {code: value for code, value in answers.items() if code != "conf_overall"}
    assert Response.objects.count() == 0


def test_survey_wrong_token_is_404(client, pre_link):
    response = client.get(survey_url(pre_link, token="x" * 32))

    assert response.status_code == 404
    assert text(response).startswith("Page not found")
    assert "Making good digital decisions" not in text(response)


def test_survey_unknown_id_is_404(client):
    response = client.get(reverse("feedback:survey", kwargs={"pk": 987654, "token": "abc"}))

    assert response.status_code == 404
    assert text(response).startswith("Page not found")


def test_survey_another_links_id_with_this_token_is_404(client, pre_link, session, omar):
    theirs = factories.survey_link(registration=factories.registration(session=session, person=omar))

    response = client.get(reverse("feedback:survey", kwargs={"pk": theirs.pk, "token": pre_link.token}))

    assert response.status_code == 404


def test_survey_done_page_before_answering_goes_back_to_the_survey(client, pre_link):
    response = client.get(done_url(pre_link))

    assert (response.status_code, response.url) == (302, survey_url(pre_link))


# Links that cannot take answers ----------------------------------------------------------------


def test_survey_second_submission_is_410_and_changes_nothing(client, pre_link):
    client.post(survey_url(pre_link), {code: str(value) for code, value in PRE_ANSWERS.items()})

    response = client.post(survey_url(pre_link), dict.fromkeys(PRE_ANSWERS, "1"))

    assert response.status_code == GONE
    assert text(response).startswith(
        "Pre survey: Making good digital decisions You have already answered this survey "
        "You have already answered this survey. Thank you. Nothing has been changed. "
        "You can see your answers in My sessions."
    )
    assert saved_answers() == [(code, value, "") for code, value in PRE_ANSWERS.items()]


def test_survey_closed_is_410(client, post_link):
    post_link.opens_at = factories.london(2025, 12, 23, 17, 0)
    post_link.closes_at = factories.london(2026, 1, 6, 17, 0)
    post_link.save()

    response = client.post(survey_url(post_link), {code: str(value) for code, value in POST_ANSWERS.items()})

    assert response.status_code == GONE
    assert text(response).startswith(
        "Post survey: Making good digital decisions This survey cannot be answered now "
        "This survey closed on 6 January 2026 at 5:00pm. Nothing has been changed."
    )
    assert Response.objects.count() == 0


def test_survey_not_open_yet_is_410(client, attended):
    link = factories.survey_link(
        registration=attended,
        kind=SurveyKind.FOLLOW_UP,
        opens_at=factories.london(2031, 3, 4, 9, 0),
        closes_at=factories.london(2031, 4, 1, 9, 0),
    )

    response = client.get(survey_url(link))

    assert response.status_code == GONE
    assert "This survey opens on 4 March 2031 at 9:00am." in text(response)


def test_survey_after_the_place_was_cancelled_is_410(client, pre_link, place):
    attendee_services.cancel_registration(registration=place)

    response = client.post(survey_url(pre_link), {code: str(value) for code, value in PRE_ANSWERS.items()})

    assert response.status_code == GONE
    assert (
        "This survey is for people with a place on the session, and your place was cancelled. Nothing has been changed."
        in text(response)
    )
    assert Response.objects.count() == 0


def test_survey_of_a_cancelled_session_is_410(client, pre_link, session, organiser):
    attendee_services.cancel_session(actor=organiser, session=session, reason="The venue flooded")

    response = client.get(survey_url(pre_link))

    assert response.status_code == GONE
    assert "This session was cancelled, so there is nothing to answer." in text(response)


# A person's own answers ------------------------------------------------------------------------


def test_my_answers_shows_the_persons_answers_as_they_chose_them(client, post_link, attended, jane):
    factories.survey_response(registration=attended, kind=SurveyKind.POST, answers=POST_ANSWERS)

    response = signed_in(client, jane).get(answers_url(post_link))

    assert response.status_code == 200
    assert [(answer.item.code, answer.display) for answer in response.context["response"].answers.all()] == [
        ("conf_overall", "Very confident"),
        ("conf_assurance", "Moderately confident"),
        ("conf_focus_1", "Slightly confident"),
        ("conf_focus_2", "Moderately confident"),
        ("conf_focus_3", "Very confident"),
        ("conf_focus_4", "Completely confident"),
        ("conf_focus_5", "Not at all confident"),
        ("conf_focus_6", "Moderately confident"),
        ("experience", "Very good"),
        ("relevance", "Very relevant"),
        ("recommend", "7 out of 10"),
        ("do_differently", "Ask for the clinical safety case"),
        ("digital_champion", "Yes"),
    ]
    page = text(response)
    assert f"{OVERALL_TEXT} Very confident {ASSURANCE_TEXT} Moderately confident" in page
    assert "How likely are you to recommend the workshop to a colleague? 7 out of 10" in page
    assert "Would you like to be a digital champion in your organisation? Yes" in page


def test_my_answers_of_another_person_is_404(client, session, surveys, jane, omar):
    theirs = factories.registration(session=session, person=omar)
    link = factories.survey_link(registration=theirs)
    factories.survey_response(registration=theirs, answers=PRE_ANSWERS)

    response = signed_in(client, jane).get(answers_url(link))

    assert response.status_code == 404
    assert "Very confident" not in text(response)


def test_my_answers_before_answering_is_404(client, pre_link, jane):
    assert signed_in(client, jane).get(answers_url(pre_link)).status_code == 404


def test_my_answers_for_a_staff_account_is_404(client, pre_link, place, organiser):
    factories.survey_response(registration=place, answers=PRE_ANSWERS)
    client.force_login(organiser)

    assert client.get(answers_url(pre_link)).status_code == 404


def test_my_answers_asks_anonymous_people_to_sign_in(client, pre_link):
    response = client.get(answers_url(pre_link))

    assert (response.status_code, response.url) == (
        302,
        f"/accounts/login/code/?next=/my-surveys/{pre_link.pk}/answers/",
    )


# My sessions -----------------------------------------------------------------------------------


def survey_rows(response) -> list[str]:
    table = re.search(r'id="surveys".*?</table>', response.content.decode(), flags=re.S).group(0)
    rows = re.findall(r'<tr class="nhsuk-table__row">(.*?)</tr>', table, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows[1:]]


def test_my_sessions_shows_each_survey_with_what_the_person_can_do(client, phase, surveys, jane):
    answered_session = factories.published_session(phase=phase, title="Answered", starts_at=timezone.now() - 3 * DAY)
    answered = factories.registration(session=answered_session, person=jane, status=RegistrationStatus.ATTENDED)
    answered_link = factories.survey_link(registration=answered, kind=SurveyKind.POST)
    factories.survey_response(registration=answered, kind=SurveyKind.POST, answers=POST_ANSWERS)
    closed_link = factories.survey_link(registration=answered, kind=SurveyKind.PRE, opens_at=timezone.now() - 20 * DAY)
    upcoming = factories.published_session(phase=phase, title="Open", starts_at=timezone.now() + 10 * DAY)
    open_link = factories.survey_link(registration=factories.registration(session=upcoming, person=jane))

    response = signed_in(client, jane).get(reverse("attendees:my-sessions"))

    assert [(s.link.pk, s.answered, s.open) for s in response.context["surveys"]] == [
        (open_link.pk, False, True),
        (answered_link.pk, True, False),
        (closed_link.pk, False, False),
    ]
    assert survey_rows(response) == [
        "Open Pre survey Answer now : pre survey for Open",
        "Answered Post survey See your answers to the post survey for Answered",
        "Answered Pre survey Closed",
    ]
    page = response.content.decode()
    assert f'href="{survey_url(open_link)}"' in page
    assert f'href="{answers_url(answered_link)}"' in page


def test_my_sessions_survey_of_a_cancelled_session_shows_closed(client, pre_link, session, jane, organiser):
    attendee_services.cancel_session(actor=organiser, session=session, reason="The venue flooded")

    response = signed_in(client, jane).get(reverse("attendees:my-sessions"))

    assert [(s.link.pk, s.open) for s in response.context["surveys"]] == [(pre_link.pk, False)]
    assert survey_rows(response) == ["Making good digital decisions Pre survey Closed"]


def test_my_sessions_survey_after_the_place_was_cancelled_shows_closed(client, pre_link, place, jane):
    attendee_services.cancel_registration(registration=place)

    response = signed_in(client, jane).get(reverse("attendees:my-sessions"))

    assert survey_rows(response) == ["Making good digital decisions Pre survey Closed"]


def test_my_sessions_never_shows_another_persons_surveys(client, pre_link, omar):
    response = signed_in(client, omar).get(reverse("attendees:my-sessions"))

    assert response.context["surveys"] == []
    assert 'id="surveys"' not in response.content.decode()


# Query counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 3])
def test_survey_page_query_count_does_not_grow(client, phase, surveys, jane, django_assert_num_queries, size):
    links = [
        factories.survey_link(
            registration=factories.registration(session=factories.published_session(phase=phase), person=jane)
        )
        for _ in range(size)
    ]

    # The link with its registration, person, session, venue and phase; whether it is
    # answered; the current questionnaire; its items.
    with django_assert_num_queries(4):
        response = client.get(survey_url(links[-1]))

    assert len(response.context["form"].fields) == 8


@pytest.mark.parametrize("size", [1, 3])
def test_survey_page_query_count_does_not_grow_with_the_questions(
    client, pre_link, surveys, organiser, django_assert_num_queries, size
):
    from feedback import services

    for n in range(size):
        services.save_item(
            actor=organiser,
            questionnaire=surveys[SurveyKind.PRE],
            details=services.ItemDetails(code=f"extra_{n}", text=f"Extra question {n}", type="scale_0_10"),
        )

    with django_assert_num_queries(4):
        response = client.get(survey_url(pre_link))

    assert len(response.context["form"].fields) == 8 + size


@pytest.mark.parametrize("size", [1, 3])
def test_my_sessions_query_count_does_not_grow_with_surveys(
    client, phase, surveys, jane, django_assert_num_queries, size
):
    for _ in range(size):
        session = factories.published_session(phase=phase, starts_at=timezone.now() - 3 * DAY)
        registration = factories.registration(session=session, person=jane, status=RegistrationStatus.ATTENDED)
        factories.survey_link(registration=registration, kind=SurveyKind.POST)
        factories.survey_response(registration=registration, kind=SurveyKind.POST, answers=POST_ANSWERS)
        factories.survey_link(registration=registration, kind=SurveyKind.PRE)
    signed_in(client, jane)

    # As attendees' own count (session, user, two permission lookups, the person, the
    # registrations), and the person's survey links with whether each is answered.
    with django_assert_num_queries(7):
        response = client.get(reverse("attendees:my-sessions"))

    assert len(response.context["surveys"]) == 2 * size
