"""Passwordless sign-in by emailed code, no open sign-up, no password pages, and where each
role lands after signing in."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains

from outbox.sending import send_queued
from summits import services
from tests import factories

pytestmark = pytest.mark.django_db

REQUEST_CODE = "/accounts/login/code/"
CONFIRM_CODE = "/accounts/login/code/confirm/"


def test_sign_in_urls():
    assert reverse("account_request_login_code") == REQUEST_CODE
    assert reverse("account_confirm_login_code") == CONFIRM_CODE


def test_password_login_page_redirects_to_the_code_form(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 302
    assert response.url == REQUEST_CODE


def test_password_login_page_keeps_where_to_go_next(client):
    response = client.get("/accounts/login/?next=/organise/")

    assert response.status_code == 302
    assert response.url == f"{REQUEST_CODE}?next=/organise/"


@pytest.mark.parametrize(
    "url", ["/accounts/signup/", "/accounts/password/reset/", "/accounts/password/change/", "/accounts/password/set/"]
)
def test_sign_up_and_password_pages_are_not_offered(client, url):
    response = client.get(url)

    assert response.status_code == 404


def test_code_form_opens(client):
    response = client.get(REQUEST_CODE)

    assert response.status_code == 200


def staff(email: str, role: str):
    """A staff account, its welcome email already sent (so the next email is the code)."""
    user, _ = services.grant_staff_role(email=email, role=role)
    send_queued()
    mail.outbox.clear()
    return user


CODE = re.compile(r"^\s*([A-Z0-9]{4,}(?:-[A-Z0-9]{4,})*)\s*$", flags=re.MULTILINE)


def delivered() -> list:
    """The emails sent once the outbox has sent what the requests queued (in a test the
    request's transaction never commits, so the worker is not woken)."""
    send_queued()
    return mail.outbox


def codes_in(body: str) -> list[str]:
    return CODE.findall(body)


def request_code(client, email: str) -> str:
    """Asks for a code by email and returns the code from the one email sent."""
    response = client.post(REQUEST_CODE, {"email": email})
    assert response.status_code == 302
    assert response.url == CONFIRM_CODE
    assert len(delivered()) == 1
    message = delivered()[0]
    assert message.to == [email]
    codes = codes_in(message.body)
    assert len(codes) == 1, message.body
    return codes[0]


def test_requesting_a_code_emails_one_code(client):
    staff("organiser@example.nhs.uk", "organiser")

    code = request_code(client, "organiser@example.nhs.uk")

    assert delivered()[0].subject.startswith("[Digital Leadership Workshops] ")
    assert len(code) >= 4


def test_organiser_signs_in_by_code_and_lands_on_the_dashboard(client):
    organiser = staff("organiser@example.nhs.uk", "organiser")
    code = request_code(client, "organiser@example.nhs.uk")

    response = client.post(CONFIRM_CODE, {"code": code})

    assert response.status_code == 302
    assert response.url == "/home/"
    assert client.session["_auth_user_id"] == str(organiser.pk)
    home = client.get(response.url)
    assert (home.status_code, home.url) == (302, reverse("summits:dashboard"))
    assert client.get(home.url).status_code == 200


def test_sign_in_by_code_is_case_insensitive_about_the_email(client):
    organiser = staff("organiser@example.nhs.uk", "organiser")
    client.post(REQUEST_CODE, {"email": "Organiser@Example.NHS.uk"})
    code = codes_in(delivered()[0].body)[0]

    client.post(CONFIRM_CODE, {"code": code})

    assert client.session["_auth_user_id"] == str(organiser.pk)


def test_sign_in_goes_back_to_the_page_asked_for(client):
    staff("organiser@example.nhs.uk", "organiser")
    asked = client.get("/organise/sessions/")
    requested = client.post(asked.url, {"email": "organiser@example.nhs.uk"})
    code = codes_in(delivered()[0].body)[0]
    confirm_page = client.get(requested.url)

    response = client.post(CONFIRM_CODE, {"code": code, "next": confirm_page.context["redirect_field_value"]})

    assert asked.url == f"{REQUEST_CODE}?next=/organise/sessions/"
    assert requested.url == f"{CONFIRM_CODE}?next=%2Forganise%2Fsessions%2F"
    assertContains(confirm_page, 'name="next" value="/organise/sessions/"')
    assert response.status_code == 302
    assert response.url == "/organise/sessions/"


def test_evaluator_signs_in_by_code_and_lands_on_the_outcomes_page(client):
    staff("evaluator@example.nhs.uk", "evaluator")
    code = request_code(client, "evaluator@example.nhs.uk")

    response = client.post(CONFIRM_CODE, {"code": code})

    home = client.get(response.url)
    assert (home.status_code, home.url) == (302, reverse("evaluation:home"))


def test_a_wrong_code_shows_an_error_and_does_not_sign_in(client):
    staff("organiser@example.nhs.uk", "organiser")
    code = request_code(client, "organiser@example.nhs.uk")
    wrong = "ZZZZ-ZZZZ" if code != "ZZZZ-ZZZZ" else "YYYY-YYYY"

    response = client.post(CONFIRM_CODE, {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "code": ["The code is not right, or it has expired. Check the email we sent, or ask for a new code"]
    }
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("summits:dashboard")).status_code == 302


def test_an_unknown_email_gets_no_code(client):
    response = client.post(REQUEST_CODE, {"email": "stranger@example.nhs.uk"})

    assert response.status_code == 302
    assert [codes_in(message.body) for message in delivered() if codes_in(message.body)] == []
    assert "_auth_user_id" not in client.session


def test_no_open_sign_up_through_the_code_form(client):
    from django.contrib.auth import get_user_model

    client.post(REQUEST_CODE, {"email": "stranger@example.nhs.uk"})

    assert get_user_model().objects.count() == 0


# Where each role lands ---------------------------------------------------------------------


def test_home_sends_anonymous_people_to_sign_in(client):
    response = client.get("/home/")

    assert response.status_code == 302
    assert response.url == f"{REQUEST_CODE}?next=/home/"


@pytest.mark.parametrize(
    ("role", "expected"),
    [("organiser", "summits:dashboard"), ("evaluator", "evaluation:home"), (None, "attendees:my-sessions")],
)
def test_home_sends_each_role_to_its_start_page(client, role, expected):
    client.force_login(factories.staff_user("someone@example.nhs.uk", role=role))

    response = client.get("/home/")

    assert response.status_code == 302
    assert response.url == reverse(expected)


def test_sign_out_returns_to_the_programme_page(organiser_client):
    response = organiser_client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert response.url == reverse("summits:programme")
    assert "_auth_user_id" not in organiser_client.session
