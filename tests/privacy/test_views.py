"""The organisers' erase confirmation page and the erase_person command; the privacy notice
and accessibility statement linked from every page's footer."""

import io

import pytest
from django.core.management import CommandError, call_command

from attendees.models import Person
from tests.privacy.conftest import EMAIL, NAME

pytestmark = pytest.mark.django_db


def test_erase_page_asks_for_confirmation_and_erases_on_post(subject, organiser_client):
    url = f"/organise/people/{subject.person.pk}/erase/"

    page = organiser_client.get(url)
    assert page.status_code == 200
    assert page["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert f"Yes, erase {NAME}" in page.content.decode()
    assert Person.objects.filter(email=EMAIL).exists() is True

    response = organiser_client.post(url, follow=True)

    assert response.redirect_chain == [("/organise/people/", 302)]
    content = response.content.decode()
    assert (NAME in content, EMAIL in content, "Person erased." in content) == (False, False, True)
    assert Person.objects.filter(email=EMAIL).exists() is False
    # The anonymous row has no personal data page to erase again.
    assert organiser_client.get(url).status_code == 404


def test_erase_person_command_asks_and_does_nothing_without_erase(subject, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="Nothing was erased."):
        call_command("erase_person", EMAIL, stdout=io.StringIO())

    assert Person.objects.filter(email=EMAIL).exists() is True


def test_erase_person_command_erases_after_confirmation(subject, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "erase")
    out = io.StringIO()

    call_command("erase_person", EMAIL, stdout=out)

    assert Person.objects.filter(email=EMAIL).exists() is False
    assert out.getvalue().splitlines()[0] == (
        f"This erases {NAME} <{EMAIL}> for good: 1 invitations and 1 registrations are kept anonymously. "
        "It cannot be undone."
    )


def test_erase_person_command_with_yes_does_not_ask(subject, monkeypatch):
    def no_input(prompt):
        raise AssertionError("asked")

    monkeypatch.setattr("builtins.input", no_input)

    call_command("erase_person", EMAIL, "--yes", stdout=io.StringIO())

    assert Person.objects.filter(email=EMAIL).exists() is False


@pytest.mark.parametrize(
    ("url", "heading"),
    [("/privacy/", "Privacy notice"), ("/accessibility/", "Accessibility statement")],
)
def test_privacy_and_accessibility_pages_are_linked_from_every_footer(client, db, url, heading):
    page = client.get(url)
    home = client.get("/")

    assert page.status_code == 200
    assert f'<h1 class="nhsuk-heading-xl">{heading}</h1>' in page.content.decode()
    footer = home.content.decode().split('<footer class="nhsuk-footer"')[1]
    assert f'<a class="nhsuk-footer__list-item-link" href="{url}">{heading}</a>' in footer


def test_privacy_notice_states_the_configured_retention_periods(client, db, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 400
    settings.RESEARCH_EXTRACT_RETENTION_DAYS = 21

    page = client.get("/privacy/").content.decode()

    assert "We keep your personal information for 400 days after the end of the last programme" in page
    assert "Each download file is deleted from the service 21 days after it is made." in page
