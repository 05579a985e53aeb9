"""axe-core on every people, leadership group and import page, including error states."""

import pytest
from playwright.sync_api import expect

from attendees.enums import InvitationStatus, OrganisationType, RegistrationStatus
from attendees.models import GroupTarget
from summits.enums import PhaseKind, Region
from tests import factories
from tests.attendees.test_imports import GOOD_ROWS, csv_bytes, row
from tests.browser.conftest import assert_accessible
from tests.browser.test_page_accessibility import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people():
    programme = factories.programme(name="Digital Leadership Workshops 2026/27", slug="dlw")
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)
    factories.phase(programme=programme, kind=PhaseKind.ROLLOUT)
    acute = factories.leadership_group(name="Acute trust boards", description="Boards of acute trusts")
    factories.leadership_group(name="CIO/CCIO network")
    factories.leadership_group(name="Chief nurses and clinical leaders")
    GroupTarget.objects.create(group=acute, phase=pilot, target=120)
    leeds = factories.organisation(
        name="Leeds Teaching Hospitals NHS Trust",
        type=OrganisationType.ACUTE_TRUST,
        region=Region.NORTH_EAST_AND_YORKSHIRE,
    )
    asha = factories.person(
        first_name="Asha", last_name="Patel", email="asha.patel@example.nhs.uk", organisation=leeds, groups=[acute]
    )
    factories.person(first_name="Tom", last_name="Baker", email="tom.baker@example.nhs.uk")
    first = factories.published_session(phase=pilot, code="PIL-POS-01")
    second = factories.published_session(phase=pilot, code="PIL-HOW-01")
    factories.invitation(session=first, person=asha, status=InvitationStatus.ACCEPTED)
    factories.invitation(session=second, person=asha)
    factories.registration(session=first, person=asha, status=RegistrationStatus.ATTENDED)
    factories.registration(session=second, person=asha, status=RegistrationStatus.WAITLISTED)
    return {"asha": asha, "acute": acute}


def test_people_pages_have_no_accessibility_violations(site, live_server, people):
    sign_in(site, live_server, factories.staff_user("organiser@example.nhs.uk", role="organiser"))
    asha, acute = people["asha"], people["acute"]
    for path in [
        "/organise/people/",
        f"/organise/people/?q=asha&group={acute.pk}&region=north_east_and_yorkshire",
        "/organise/people/?q=nobody",
        f"/organise/people/{asha.pk}/",
        f"/organise/people/{asha.pk}/edit/",
        "/organise/people/import/",
        "/organise/people/groups/",
        "/organise/people/groups/add/",
        f"/organise/people/groups/{acute.pk}/edit/",
    ]:
        site.goto(live_server.url + path)
        assert_accessible(site)


def test_people_form_error_states_have_no_accessibility_violations(site, live_server, people):
    sign_in(site, live_server, factories.staff_user("organiser@example.nhs.uk", role="organiser"))
    site.goto(live_server.url + f"/organise/people/{people['asha'].pk}/edit/")
    site.get_by_label("Email address").fill("TOM.BAKER@example.nhs.uk")
    site.get_by_label("First name").fill("")
    site.get_by_role("button", name="Save person").click()
    expect(site.locator(".nhsuk-error-summary")).to_be_visible()
    assert site.title().startswith("Error: ")
    assert_accessible(site)

    site.goto(live_server.url + f"/organise/people/groups/{people['acute'].pk}/edit/")
    site.locator("input[name^=target_]").first.fill("-1")
    site.get_by_role("button", name="Save leadership group").click()
    expect(site.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(site)

    site.goto(live_server.url + "/organise/people/import/")
    site.get_by_role("button", name="Upload and check the file").click()
    expect(site.locator(".nhsuk-error-summary")).to_be_visible()
    assert site.title().startswith("Error: ")
    assert_accessible(site)


def test_import_preview_and_confirm_have_no_accessibility_violations(site, live_server, people, tmp_path):
    sign_in(site, live_server, factories.staff_user("organiser@example.nhs.uk", role="organiser"))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([*GOOD_ROWS, row(leadership_groups="Trust boardz")]))
    good = tmp_path / "people.csv"
    good.write_bytes(csv_bytes([*GOOD_ROWS, row(email="asha.patel@example.nhs.uk", first_name="Asha")]))

    site.goto(live_server.url + "/organise/people/import/")
    site.get_by_label("Upload a file").set_input_files(str(bad))
    site.get_by_role("button", name="Upload and check the file").click()
    expect(site.get_by_role("heading", name="Rows with problems")).to_be_visible()
    assert_accessible(site)

    site.goto(live_server.url + "/organise/people/import/")
    site.get_by_label("Upload a file").set_input_files(str(good))
    site.get_by_role("button", name="Upload and check the file").click()
    expect(site.get_by_role("heading", name="People to update")).to_be_visible()
    assert_accessible(site)
    site.get_by_role("button", name="Import 4 people").click()
    expect(site.locator(".nhsuk-notification-banner--success")).to_contain_text("2 added, 2 updated")
    assert_accessible(site)
