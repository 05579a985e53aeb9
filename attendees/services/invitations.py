"""Invitations: secret links, accepting and declining, and inviting people by leadership group
or one by one."""

import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attendees import emails
from attendees.enums import ACTIVE, InvitationStatus
from attendees.models import Invitation, LeadershipGroup, Person, Registration
from attendees.services.places import _register, registration_problem
from summits import audit
from summits.enums import SessionStatus
from summits.models import Session


class LinkError(Exception):
    """A token link that is wrong, for another session, expired or already used. The message
    is safe to show: it never names anyone."""


# Invitations ----------------------------------------------------------------------------


def invitation_from_link(invitation_id: int, token: str) -> Invitation:
    """The invitation a link names, if the token matches (compared in constant time)."""
    invitation = (
        Invitation.objects.select_related("person", "session__venue", "session__phase").filter(pk=invitation_id).first()
    )
    if invitation is None or not secrets.compare_digest(invitation.token.encode(), str(token).encode()):
        raise LinkError("This link is not right. Check you copied the whole link from your email.")
    return invitation


def registration_from_link(registration_id: int, token: str) -> Registration:
    registration = Registration.objects.select_related("person", "session__venue").filter(pk=registration_id).first()
    if registration is None or not secrets.compare_digest(registration.token.encode(), str(token).encode()):
        raise LinkError("This link is not right. Check you copied the whole link from your email.")
    return registration


@transaction.atomic
def accept_invitation(*, invitation: Invitation) -> Registration:
    """The invited person takes a place (or joins the waiting list) through their link."""
    # One statement locks the invitation and its session's row (see _lock_session).
    invitation = (
        Invitation.objects.select_for_update(of=("self", "session"))
        .select_related("session", "person")
        .get(pk=invitation.pk)
    )
    # A decline can be changed to an accept while the invitation is open; an accept stands.
    if invitation.status == InvitationStatus.ACCEPTED:
        raise LinkError("You have already accepted this invitation.")
    problem = registration_problem(invitation.session)
    if problem:
        raise LinkError(problem)
    registration = _register(person=invitation.person, session=invitation.session, invitation=invitation)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return registration


@transaction.atomic
def decline_invitation(*, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise LinkError("You have already answered this invitation.")
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


def people_to_invite(
    *,
    session: Session,
    groups: Iterable[LeadershipGroup],
    regions: Iterable[str] = (),
    organisation_types: Iterable[str] = (),
):
    """People in any of the groups (narrowed by region and organisation type) who are not yet
    invited to, or registered on, the session."""
    people = Person.objects.filter(groups__in=list(groups))
    if regions:
        people = people.filter(organisation__region__in=list(regions))
    if organisation_types:
        people = people.filter(organisation__type__in=list(organisation_types))
    return (
        people.exclude(invitations__session=session)
        .exclude(registrations__session=session, registrations__status__in=ACTIVE)
        .distinct()
    )


def _check_can_invite(session: Session) -> None:
    if session.status != SessionStatus.PUBLISHED:
        raise ValidationError("Only published sessions can have invitations sent")
    if session.starts_at <= timezone.now():
        raise ValidationError("This session has already started")


@transaction.atomic
def invite_groups(
    *,
    actor,
    session: Session,
    groups: Iterable[LeadershipGroup],
    regions: Iterable[str] = (),
    organisation_types: Iterable[str] = (),
) -> int:
    """Invites everyone the filters select who is not already invited or registered, in bulk
    (a fixed number of queries whatever the group's size). Emails go out after commit, one
    per person, in background batches. Returns how many were invited."""
    _check_can_invite(session)
    groups = list(groups)
    person_ids = list(
        people_to_invite(
            session=session, groups=groups, regions=regions, organisation_types=organisation_types
        ).values_list("pk", flat=True)
    )
    now = timezone.now()
    Invitation.objects.bulk_create(
        (Invitation(person_id=pk, session=session, invited_by=actor, created_at=now) for pk in person_ids),
        ignore_conflicts=True,  # someone invited them a moment ago: they keep that invitation
    )
    audit.record(
        actor=actor,
        action="invitation.invite_groups",
        obj=session,
        after={
            "groups": [str(g) for g in groups],
            "regions": list(regions),
            "organisation_types": list(organisation_types),
            "invited": len(person_ids),
        },
    )
    if person_ids:
        # One outbox row per person, inserted by one statement in this transaction.
        emails.send_invitations(
            invitations=Invitation.objects.filter(session=session, person_id__in=person_ids, sent_at__isnull=True)
        )
    return len(person_ids)


@transaction.atomic
def invite_person(*, actor, session: Session, person: Person) -> Invitation:
    """Invites one person; refused if already invited or registered."""
    _check_can_invite(session)
    if Invitation.objects.filter(session=session, person=person).exists():
        raise ValidationError({"person": f"{person} has already been invited to this session"})
    if Registration.objects.filter(session=session, person=person, status__in=ACTIVE).exists():
        raise ValidationError({"person": f"{person} is already registered on this session"})
    invitation = Invitation.objects.create(session=session, person=person, invited_by=actor)
    audit.record(actor=actor, action="invitation.invite_person", obj=session, after={"person": person.email})
    emails.send_invitations(invitations=Invitation.objects.filter(pk=invitation.pk))
    return invitation


@transaction.atomic
def resend_invitation(*, actor, invitation: Invitation) -> Invitation:
    """Sends the same invitation (same link) again."""
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError("This invitation has already been answered")
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=None)
    audit.record(
        actor=actor, action="invitation.resend", obj=invitation.session, after={"person": invitation.person.email}
    )
    emails.send_invitations(invitations=Invitation.objects.filter(pk=invitation.pk))
    return invitation
