"""Erasure and retention. Erasing a person keeps every count and every aggregate exactly as it
was, while nothing left in the database says who they were:

- their invitations, registrations (with attendance) and survey answers move to a new anonymous
  person in the same organisation and leadership groups, so reach, attendance and outcome figures
  do not change; the new row's id differs, so the participant key (a keyed hash of the person id with
  PSEUDONYMISATION_KEY) changes and the old key cannot be recomputed from anything kept;
- the person row, their sign-in account, email addresses, sessions and sign-in attempt records
  are deleted; link tokens are replaced, so old emailed links stop working;
- their name and email are blanked out of the audit log, Django's admin log, free-text answers,
  the outbox (messages kept for the counts, recipient replaced) and stored task results.

The retention purge erases the people whose programmes ended long enough ago, and deletes the
files of research extracts kept their time (their rows carry random keys, not people, so an
erasure has nothing to change in them).
"""

import re
import secrets
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session as BrowserSession
from django.db import transaction
from django.db.models import Max, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from attendees.models import Invitation, Person, Registration, new_token
from evaluation.models import ResearchExtract
from evaluation.queries import extracts_built_before
from evaluation.services import delete_extract_files
from feedback.models import Answer, SurveyLink
from outbox.enums import MessageState
from outbox.models import Message
from summits import audit
from summits.models import AuditEntry, Programme

ERASED = "[erased]"
ERASED_FIRST_NAME = "Erased"
ERASED_LAST_NAME = "person"
ERASED_DOMAIN = "erased.invalid"  # .invalid never resolves: nothing can be delivered there


def erased_email() -> str:
    return f"erased-{secrets.token_hex(8)}@{ERASED_DOMAIN}"


def is_erased(person: Person) -> bool:
    return person.email.endswith("@" + ERASED_DOMAIN)


def _identifiers(person: Person) -> list[str]:
    """The strings that identify the person: emails (person, account, account addresses) and name."""
    found = {person.email.lower(), person.full_name}
    if person.user_id:
        user = person.user
        found |= {user.email.lower(), user.get_username()}
        found |= {email.lower() for email in EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    return sorted((text for text in found if text and len(text) >= 3), key=len, reverse=True)


def _scrubber(identifiers: list[str]):
    pattern = re.compile("|".join(re.escape(text) for text in identifiers), re.IGNORECASE)

    def scrub(value):
        if isinstance(value, str):
            return pattern.sub(ERASED, value)
        if isinstance(value, list):
            return [scrub(inner) for inner in value]
        if isinstance(value, dict):
            return {key: scrub(inner) for key, inner in value.items()}
        return value

    return scrub


def _mentioning(queryset, fields: list[str], identifiers: list[str], *, also: Q | None = None):
    """Rows of which any of the fields (text or JSON) contains any identifier, any case, or
    that match `also`."""
    annotations = {f"_{name}_text": Cast(name, TextField()) for name in fields}
    condition = also or Q(pk__in=[])
    for text in identifiers:
        for name in fields:
            condition |= Q(**{f"_{name}_text__icontains": text})
    return queryset.annotate(**annotations).filter(condition).distinct()


# A person's own fields in audit snapshots (attendees.services.PERSON_AUDIT_FIELDS).
IDENTITY_FIELDS = {"first_name", "last_name", "email", "job_title"}


def _without_identity(values: dict) -> dict:
    return {key: ERASED if key in IDENTITY_FIELDS and value else value for key, value in values.items()}


@dataclass
class Erasure:
    anonymous: Person
    invitations: int
    registrations: int
    audit_entries: int
    messages: int
    counts: dict = field(default_factory=dict)


@transaction.atomic
def erase_person(*, actor, person: Person, reason: str = "request") -> Erasure:
    """Erases the person as described in this module's docstring and records the erasure (without
    any identifier) in the audit log. Queued emails to them are skipped, never sent."""
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    identifiers = _identifiers(person)
    scrub = _scrubber(identifiers)
    old_id = str(person.pk)

    anonymous = Person.objects.create(
        first_name=ERASED_FIRST_NAME,
        last_name=ERASED_LAST_NAME,
        email=erased_email(),
        organisation=person.organisation,
    )
    anonymous.groups.set(person.groups.all())
    invitation_ids = list(Invitation.objects.filter(person=person).values_list("pk", flat=True))
    registration_ids = list(Registration.objects.filter(person=person).values_list("pk", flat=True))
    for invitation_id in invitation_ids:
        Invitation.objects.filter(pk=invitation_id).update(person=anonymous, token=new_token())
    for registration_id in registration_ids:
        Registration.objects.filter(pk=registration_id).update(person=anonymous, token=new_token())
    for link_id in SurveyLink.objects.filter(registration_id__in=registration_ids).values_list("pk", flat=True):
        SurveyLink.objects.filter(pk=link_id).update(token=new_token())
    # Free text they wrote may name them; the answer itself stays.
    for answer in _mentioning(
        Answer.objects.filter(response__registration_id__in=registration_ids), ["text"], identifiers
    ):
        Answer.objects.filter(pk=answer.pk).update(text=scrub(answer.text))

    # Emails: kept as rows (counts of messages sent stay right) without the address or content.
    messages = _mentioning(
        Message.objects.all(), ["recipient", "subject", "context", "content", "last_error"], identifiers
    )
    message_count = 0
    for message in messages:
        message_count += 1
        update = {
            "recipient": f"{ERASED}@{ERASED_DOMAIN}",
            "subject": scrub(message.subject),
            "context": scrub(message.context),
            "content": {},
            "last_error": scrub(message.last_error),
        }
        if message.state in (MessageState.QUEUED, MessageState.SENDING):
            update.update(state=MessageState.SKIPPED, last_error="The recipient was erased.", lease_token="")
        Message.objects.filter(pk=message.pk).update(**update)

    # The audit log: entries about the person now point at the anonymous row; every mention goes.
    entries = _mentioning(
        AuditEntry.objects.all(),
        ["actor_email", "object_repr", "before", "after"],
        identifiers,
        also=Q(object_type="person", object_id=old_id),
    )
    entry_count = 0
    for entry in entries:
        entry_count += 1
        update = {
            "actor_email": scrub(entry.actor_email),
            "object_repr": scrub(entry.object_repr),
            "before": scrub(entry.before),
            "after": scrub(entry.after),
        }
        if entry.object_type == "person" and entry.object_id == old_id:
            update.update(
                object_id=str(anonymous.pk),
                object_repr=str(anonymous),
                before=_without_identity(update["before"]),
                after=_without_identity(update["after"]),
            )
        AuditEntry.objects.filter(pk=entry.pk).update(**update)
    person_type = ContentType.objects.get_for_model(Person)
    for log in _mentioning(
        LogEntry.objects.all(),
        ["object_repr", "change_message"],
        identifiers,
        also=Q(content_type=person_type, object_id=old_id),
    ):
        LogEntry.objects.filter(pk=log.pk).update(
            object_repr=scrub(log.object_repr), change_message=scrub(log.change_message)
        )
    for result in _mentioning(DBTaskResult.objects.all(), ["args_kwargs", "return_value", "traceback"], identifiers):
        DBTaskResult.objects.filter(pk=result.pk).update(
            args_kwargs=scrub(result.args_kwargs),
            return_value=scrub(result.return_value),
            traceback=scrub(result.traceback),
        )
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__in=[text for text in identifiers if "@" in text]).delete()

    user = person.user
    person.delete()
    if user is not None:
        _remove_account(user, identifiers)

    audit.record(
        actor=actor,
        action="person.erase",
        obj=anonymous,
        after={"reason": reason, "invitations": len(invitation_ids), "registrations": len(registration_ids)},
    )
    return Erasure(
        anonymous=anonymous,
        invitations=len(invitation_ids),
        registrations=len(registration_ids),
        audit_entries=entry_count,
        messages=message_count,
    )


def _remove_account(user, identifiers: list[str]) -> None:
    """Deletes the sign-in account, its email addresses and its browser sessions. An account
    that other records must keep (a staff member who recorded a pilot decision) is emptied and
    disabled instead."""
    from django.db.models import ProtectedError

    for browser_session in BrowserSession.objects.all().iterator():
        data = browser_session.get_decoded()
        text = str(data).lower()
        if str(data.get("_auth_user_id")) == str(user.pk) or any(ident.lower() in text for ident in identifiers):
            browser_session.delete()
    EmailAddress.objects.filter(user=user).delete()
    try:
        with transaction.atomic():
            user.delete()
    except ProtectedError:
        placeholder = erased_email()
        user.username, user.email = placeholder, placeholder
        user.first_name = user.last_name = ""
        user.is_active = user.is_staff = user.is_superuser = False
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()


# Retention --------------------------------------------------------------------------------


@dataclass
class PurgePlan:
    cutoff: object  # the last day a programme may have ended and still be kept
    programmes: list[Programme]
    people: list[Person]
    extracts: list[ResearchExtract] = field(default_factory=list)  # whose files are deleted
    extract_days: int = 0  # how long a research extract's file is kept


def purge_plan(*, today=None, retention_days: int, extract_days: int | None = None) -> PurgePlan:
    """Who the retention period has run out for: people whose every invitation and registration
    is in a programme that ended more than `retention_days` ago, and people never invited whose
    record was last changed that long ago. Staff accounts and already-erased rows are kept.
    Also the research extracts built more than `extract_days` (RESEARCH_EXTRACT_RETENTION_DAYS)
    ago, whose record-level files go."""
    if extract_days is None:
        extract_days = settings.RESEARCH_EXTRACT_RETENTION_DAYS
    extracts = list(extracts_built_before(timezone.now() - timezone.timedelta(days=extract_days)))
    today = today or timezone.localdate()
    cutoff = today - timezone.timedelta(days=retention_days)
    ended = Programme.objects.annotate(ends_on=Max("phases__ends_on")).filter(ends_on__lt=cutoff)
    kept = Programme.objects.exclude(pk__in=ended.values("pk"))
    in_kept = Q(invitations__session__phase__programme__in=kept) | Q(registrations__session__phase__programme__in=kept)
    touched_ended = Q(invitations__session__phase__programme__in=ended) | Q(
        registrations__session__phase__programme__in=ended
    )
    never_invited = Q(invitations__isnull=True, registrations__isnull=True, updated_at__date__lt=cutoff)
    people = (
        Person.objects.exclude(email__endswith="@" + ERASED_DOMAIN)
        .exclude(user__is_staff=True)
        .exclude(pk__in=Person.objects.filter(in_kept).values("pk"))
        .filter(touched_ended | never_invited)
        .distinct()
        .order_by("pk")
    )
    return PurgePlan(
        cutoff=cutoff,
        programmes=list(ended.order_by("name")),
        people=list(people),
        extracts=extracts,
        extract_days=extract_days,
    )


def purge_personal_data(*, plan: PurgePlan) -> int:
    """Erases everyone in the plan, one transaction each (an interrupted purge resumes)."""
    for person in plan.people:
        erase_person(actor=None, person=person, reason="retention period ended")
    return len(plan.people)


def delete_expired_extracts(*, plan: PurgePlan) -> int:
    """Deletes the files of the plan's research extracts (evaluation.services.delete_extract_files)."""
    return delete_extract_files(extracts=plan.extracts, kept_days=plan.extract_days)
