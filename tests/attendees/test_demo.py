"""The demo people, invitations, registrations and attendance that seed_demo loads."""

import io
from collections import Counter

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.db.models import Count, Q

from attendees import demo, services
from attendees.enums import HOLDS_A_PLACE, InvitationStatus, RegistrationStatus
from attendees.models import GroupTarget, Invitation, LeadershipGroup, Organisation, Person, Registration
from summits.demo import seed_schedule
from summits.enums import PhaseKind, Region
from summits.models import Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(django_capture_on_commit_callbacks):
    programme = seed_schedule()["programme"]
    with django_capture_on_commit_callbacks() as callbacks:
        summary = demo.seed_people(programme)
    assert callbacks == []  # nothing queued: no email is sent while seeding
    return programme, summary


def snapshot() -> dict:
    return {
        "groups": list(LeadershipGroup.objects.values_list("id", "name")),
        "targets": list(GroupTarget.objects.order_by("id").values_list("id", "group", "phase", "target")),
        "organisations": list(Organisation.objects.order_by("id").values_list("id", "name", "region")),
        "people": list(Person.objects.order_by("id").values_list("id", "email", "updated_at", "user")),
        "memberships": sorted(Person.groups.through.objects.values_list("person", "leadershipgroup")),
        "invitations": list(Invitation.objects.order_by("id").values_list("id", "status", "created_at")),
        "registrations": list(Registration.objects.order_by("id").values_list("id", "status", "created_at")),
        "sessions": list(Session.objects.order_by("id").values_list("id", "places_taken", "access", "updated_at")),
    }


def test_demo_has_nine_groups_with_targets_for_both_phases(seeded):
    programme, _ = seeded

    assert sorted(LeadershipGroup.objects.values_list("name", flat=True)) == sorted(demo.GROUPS)
    targets = GroupTarget.objects.filter(phase__programme=programme)
    by_phase = {kind: sum(t.target for t in targets if t.phase.kind == kind) for kind in PhaseKind}
    assert targets.count() == 18
    # The groups' targets add up to the phases' prospective numbers.
    assert by_phase == {
        PhaseKind.PILOT: programme.phases.get(kind=PhaseKind.PILOT).target_attendees,
        PhaseKind.ROLLOUT: programme.phases.get(kind=PhaseKind.ROLLOUT).target_attendees,
    }


def test_demo_has_about_six_hundred_people_across_the_seven_regions(seeded):
    by_region = Counter(Person.objects.values_list("organisation__region", flat=True))

    assert Person.objects.count() == 596
    assert set(by_region) == set(Region.values)
    assert min(by_region.values()) == 85
    assert Person.objects.filter(groups__isnull=True).count() == 0
    assert LeadershipGroup.objects.annotate(n=Count("people")).filter(n=0).count() == 0
    assert Person.objects.filter(job_title="Director of adult social services (DASS)").count() == 14


def test_demo_invites_people_to_every_session(seeded):
    programme, _ = seeded

    sessions = Session.objects.filter(phase__programme=programme).annotate(invited=Count("invitations"))
    assert sorted({s.invited > 0 for s in sessions}) == [True]
    assert Invitation.objects.count() == 1809
    assert Counter(Invitation.objects.values_list("status", flat=True)) == {
        InvitationStatus.ACCEPTED: 912,
        InvitationStatus.DECLINED: 214,
        InvitationStatus.PENDING: 683,
    }


def test_demo_registrations_keep_places_taken_fill_some_sessions_and_record_pilot_attendance(seeded):
    programme, summary = seeded
    sessions = Session.objects.filter(phase__programme=programme).annotate(
        held=Count("registrations", filter=Q(registrations__status__in=HOLDS_A_PLACE)),
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
    )

    assert [s.code for s in sessions if s.places_taken != s.held] == []
    full_with_waiting_list = sorted(s.code for s in sessions if s.places_taken == s.capacity and s.waiting)
    assert full_with_waiting_list == sorted(
        ["PIL-POS-01", "PIL-HOW-01", "PIL-DID-01", "PIL-POS-02", "PIL-HOW-02", "PIL-DID-02", *demo.FULL_ROLLOUT]
    )
    assert summary["registrations"] == {
        "confirmed": 682,
        "waitlisted": 21,
        "attended": 156,
        "no_show": 24,
        "cancelled": 29,
    }

    # Attendance is recorded for the pilot, which has happened, and only for the pilot.
    pilot = Registration.objects.filter(session__phase__kind=PhaseKind.PILOT)
    rollout = Registration.objects.filter(session__phase__kind=PhaseKind.ROLLOUT)

    assert pilot.filter(status=RegistrationStatus.CONFIRMED).count() == 0
    assert pilot.filter(status=RegistrationStatus.ATTENDED, checked_in_at__isnull=True).count() == 0
    assert (pilot.filter(status="attended").count(), pilot.filter(status="no_show").count()) == (156, 24)
    assert rollout.filter(status__in=["attended", "no_show"]).count() == 0


def test_demo_board_member_can_sign_in_and_has_every_kind_of_registration(seeded):
    person = Person.objects.select_related("user").get(email=demo.BOARD_MEMBER_EMAIL)

    assert person.user.email == demo.BOARD_MEMBER_EMAIL
    assert list(EmailAddress.objects.filter(user=person.user).values_list("email", "verified", "primary")) == [
        (demo.BOARD_MEMBER_EMAIL, True, True)
    ]
    assert person.user.groups.count() == 0
    assert person.user.has_usable_password() is False
    assert person.user.has_perm("summits.manage_programme") is False
    registrations = {
        r.session.code: (r.status, services.waitlist_position(r))
        for r in Registration.objects.filter(person=person).select_related("session")
    }
    assert registrations == {
        "PIL-POS-01": ("attended", None),
        "ROL-POS-01": ("confirmed", None),
        "ROL-HOW-02": ("waitlisted", 2),
    }
    assert list(Invitation.objects.filter(person=person, status="pending").values_list("session__code", flat=True)) == [
        "ROL-HOW-01"
    ]


def test_demo_twice_changes_nothing(seeded):
    programme, first_summary = seeded
    before = snapshot()

    second_summary = demo.seed_people(programme)

    assert snapshot() == before
    assert second_summary == first_summary


def test_seed_demo_prints_the_board_members_sign_in():
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[1] == (
        "596 people in 9 leadership groups; 1809 invitations; "
        "682 confirmed, 21 waitlisted, 29 cancelled, 156 attended, 24 did not attend."
    )
    assert [line for line in lines if line.startswith("  Board member")] == [
        "  Board member (invited leader, no staff role): board.member@example.nhs.uk"
    ]
    assert mail.outbox == []
