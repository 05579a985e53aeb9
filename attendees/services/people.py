"""Board members' own account and calendar feed; organisers' edits of people and leadership
groups, each with an audit entry."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from attendees.models import GroupTarget, LeadershipGroup, Organisation, Person
from summits import audit
from summits.models import Phase

# Board members' own account and calendar feed -----------------------------------------------


def reset_calendar_token(*, person: Person) -> Person:
    """Gives the person a new calendar feed secret: the old feed URL stops working at once,
    and calendars subscribed to it get nothing more."""
    from attendees.models import new_token

    person.calendar_token = new_token()
    person.save(update_fields=["calendar_token", "updated_at"])
    return person


@transaction.atomic
def ensure_person_account(*, email: str):
    """Sign-in by emailed code for invited leaders: when `email` belongs to a person with no
    account, gives them a passwordless one (username = email, unusable password, the address
    verified, since organisers imported it and the code proves the mailbox) and links it to the
    person. An existing account with that address is linked rather than duplicated. Returns
    the person's account, or None when no person has that email."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    email = email.strip().lower()
    person = Person.objects.select_for_update(of=("self",)).select_related("user").filter(email=email).first()
    if person is None:
        return None
    if person.user is not None:
        return person.user
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        if User.objects.filter(username__iexact=email).exists():
            return None  # an account already has this username: an administrator sorts it out
        user = User(username=email, email=email, first_name=person.first_name, last_name=person.last_name)
        user.set_unusable_password()
        user.save()
    elif Person.objects.filter(user=user).exists():
        return None  # the account is linked to someone else: an administrator sorts it out
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    return user


# People and leadership groups: organisers' edits, each with an audit entry --------------------
# (Importing many people at once is attendees/imports.)

PERSON_AUDIT_FIELDS = ["first_name", "last_name", "email", "job_title", "organisation", "groups"]


def _email_taken_error(email: str, other: Person) -> ValidationError:
    return ValidationError(
        {"email": f"{email} is already the email address of {other.full_name}. Enter a different email address"}
    )


@transaction.atomic
def update_person(
    *,
    actor,
    person: Person,
    first_name: str,
    last_name: str,
    email: str,
    job_title: str,
    organisation: Organisation | None,
    groups: Iterable[LeadershipGroup],
) -> Person:
    """Saves an organiser's edit of a person. The email address is stored in lower case and
    must not belong to anyone else, whatever its case."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    email = email.strip().lower()
    other = Person.objects.filter(email=email).exclude(pk=person.pk).first()
    if other is not None:
        raise _email_taken_error(email, other)
    before = audit.snapshot(person, PERSON_AUDIT_FIELDS)
    person.first_name = first_name.strip()
    person.last_name = last_name.strip()
    person.email = email
    person.job_title = job_title.strip()
    person.organisation = organisation
    person.full_clean(exclude=["calendar_token", "user"])
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # The same address was given to someone else a moment ago.
        raise _email_taken_error(email, Person.objects.get(email=email)) from None
    person.groups.set(list(groups))
    old, new = audit.changed(before, audit.snapshot(person, PERSON_AUDIT_FIELDS))
    if new:
        audit.record(actor=actor, action="person.update", obj=person, before=old, after=new)
    return person


def _group_snapshot(group: LeadershipGroup) -> dict:
    targets = GroupTarget.objects.filter(group=group).select_related("phase__programme") if group.pk else []
    return {
        "name": group.name,
        "description": group.description,
        **{f"target {target.phase}": target.target for target in targets},
    }


def _save_group(
    *, actor, group: LeadershipGroup, before: dict, action: str, targets: Mapping[Phase, int | None]
) -> LeadershipGroup:
    """Saves the group and its targets; a phase whose target is None has none."""
    group.full_clean(validate_unique=False)
    if LeadershipGroup.objects.filter(name__iexact=group.name).exclude(pk=group.pk).exists():
        raise ValidationError({"name": f"There is already a leadership group called {group.name}. Enter another name"})
    group.save()
    for phase, target in targets.items():
        if target is None:
            GroupTarget.objects.filter(group=group, phase=phase).delete()
        elif target < 0:
            raise ValidationError({f"target_{phase.pk}": "The target must be 0 or more"})
        else:
            GroupTarget.objects.update_or_create(group=group, phase=phase, defaults={"target": target})
    after = _group_snapshot(group)
    for key in before:  # a target that was removed
        after.setdefault(key, None)
    old, new = audit.changed(before, after)
    if new:
        audit.record(actor=actor, action=action, obj=group, before=old, after=new)
    return group


@transaction.atomic
def create_group(*, actor, name: str, description: str, targets: Mapping[Phase, int | None]) -> LeadershipGroup:
    """Adds a leadership group (names are unique whatever their case) with its targets per phase."""
    group = LeadershipGroup(name=" ".join(name.split()), description=description.strip())
    return _save_group(actor=actor, group=group, before={}, action="leadership_group.create", targets=targets)


@transaction.atomic
def update_group(
    *, actor, group: LeadershipGroup, description: str, targets: Mapping[Phase, int | None]
) -> LeadershipGroup:
    """Changes a group's description and its target (prospective number) per phase. A phase
    given None loses its target."""
    group = LeadershipGroup.objects.select_for_update().get(pk=group.pk)
    before = _group_snapshot(group)
    group.description = description.strip()
    return _save_group(actor=actor, group=group, before=before, action="leadership_group.update", targets=targets)
