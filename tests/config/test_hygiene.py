"""Output hygiene: organisers' text is escaped, pages opened by a secret link or showing personal
data are never stored by a cache, and link tokens never reach the log."""

import json
import logging

import pytest
from django.urls import reverse

from attendees.models import Invitation
from config.logging import JsonFormatter, RedactLinkTokens, RequestIdFilter
from feedback.models import Item
from tests import factories
from tests.feedback.conftest import pre_link, surveys  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


def directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(",")}


HINT = '<a href="https://evil.example">Click</a><meta http-equiv="refresh" content="0;url=https://evil.example">'


@pytest.fixture
def phase(programme):
    return factories.phase(programme=programme)


@pytest.fixture
def session(phase):
    return factories.published_session(phase=phase)


@pytest.fixture
def place(session):
    return factories.registration(session=session)


def test_a_question_hint_is_shown_as_text_not_markup(client, pre_link):  # noqa: F811
    Item.objects.filter(
        questionnaire__programme=pre_link.registration.session.phase.programme, code="conf_overall"
    ).update(hint=HINT)

    response = client.get(reverse("feedback:survey", kwargs={"pk": pre_link.pk, "token": pre_link.token}))

    content = response.content.decode()
    assert response.status_code == 200
    assert (HINT in content, "<meta http-equiv" in content) == (False, False)
    assert "&lt;a href=&quot;https://evil.example&quot;&gt;Click&lt;/a&gt;&lt;meta http-equiv=" in content


def test_secret_link_pages_are_not_stored(client, session, pre_link):  # noqa: F811
    invitation = Invitation.objects.create(person=factories.person(), session=session)
    registration = pre_link.registration
    urls = [
        reverse("attendees:invitation", kwargs={"pk": invitation.pk, "token": invitation.token}),
        reverse("attendees:invitation", kwargs={"pk": invitation.pk, "token": "wrong"}),
        reverse("attendees:invitation-decline", kwargs={"pk": invitation.pk, "token": invitation.token}),
        reverse("attendees:registration-cancel-link", kwargs={"pk": registration.pk, "token": registration.token}),
        reverse("feedback:survey", kwargs={"pk": pre_link.pk, "token": pre_link.token}),
        reverse("attendees:person-feed", kwargs={"token": registration.person.calendar_token}),
    ]
    for url in urls:
        response = client.get(url)
        assert (url, response.status_code in (200, 404), directives(response["Cache-Control"])) == (
            url,
            True,
            directives(NO_STORE),
        )


@pytest.mark.parametrize("url", ["/organise/people/", "/organise/", "/organise/audit/"])
def test_organiser_pages_are_not_stored(organiser_client, programme, url):
    assert organiser_client.get(url)["Cache-Control"] == NO_STORE


def test_my_sessions_is_not_stored(client, place):
    user = factories.staff_user("member@example.nhs.uk")
    place.person.user = user
    place.person.save()
    client.force_login(user)

    response = client.get("/my/sessions/")

    assert (response.status_code, response["Cache-Control"]) == (200, NO_STORE)


def test_public_programme_page_may_be_cached(client, db):
    assert client.get("/").has_header("Cache-Control") is False


def test_a_used_link_token_never_reaches_the_log(client, session, caplog):
    invitation = Invitation.objects.create(person=factories.person(), session=session, status="accepted")
    url = reverse("attendees:invitation", kwargs={"pk": invitation.pk, "token": invitation.token})

    with caplog.at_level(logging.INFO):
        response = client.get(url)

    assert response.status_code == 410
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [f"Gone: /i/{invitation.pk}/[token]/"]
    assert all(invitation.token not in message for message in messages)


def test_log_lines_carry_time_level_logger_and_request_id(client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/sessions/NOPE/", HTTP_X_REQUEST_ID="req-123")
    record = caplog.records[-1]
    RequestIdFilter().filter(record)  # as the handler does; the test client ran in this thread
    RedactLinkTokens().filter(record)

    line = json.loads(JsonFormatter().format(record))

    assert response["X-Request-ID"] == "req-123"
    assert sorted(line) == ["level", "logger", "message", "request_id", "time"]
    assert (line["level"], line["logger"], line["message"]) == (
        "WARNING",
        "django.request",
        "Not Found: /sessions/NOPE/",
    )
    assert line["time"].endswith("+00:00")
