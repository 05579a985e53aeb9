"""axe-core on the privacy notice, the accessibility statement, a 400 page, and the organisers'
personal data and erase pages; then erasing a person through the browser."""

import pytest

from attendees.models import Person
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.browser.test_page_accessibility import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_privacy_pages_have_no_accessibility_violations(site, live_server):
    for path in ["/privacy/", "/accessibility/", "/sessions/%00/"]:
        site.goto(live_server.url + path)
        assert_accessible(site)


def test_organiser_erases_a_person_after_confirming(site, live_server):
    sign_in(site, live_server, factories.staff_user("organiser@example.nhs.uk", role="organiser"))
    person = factories.person(first_name="Philippa", last_name="Quartermaine", email="pq@trust.nhs.uk")
    session = factories.published_session(phase=factories.phase(programme=factories.programme()))
    factories.registration(session=session, person=person)

    site.goto(f"{live_server.url}/organise/people/{person.pk}/")
    site.get_by_role("link", name="Personal data of Philippa Quartermaine").click()
    assert_accessible(site)
    site.get_by_role("link", name="Erase Philippa Quartermaine").click()
    assert_accessible(site)
    site.get_by_role("button", name="Yes, erase Philippa Quartermaine").click()

    assert site.locator(".nhsuk-heading-xl").first.inner_text() == "People"
    assert_accessible(site)
    assert Person.objects.filter(email="pq@trust.nhs.uk").exists() is False
    assert Person.objects.get().first_name == "Erased"
