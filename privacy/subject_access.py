"""Subject access: everything the service holds about one person, as one JSON-safe dict, and
the same flattened into CSV rows (section, record, field, value)."""

import csv
import io
import json

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet
from django.utils import timezone

from attendees.enums import RegistrationStatus
from attendees.models import Invitation, Person, Registration, ReminderSent
from feedback.models import Response, SurveyLink
from outbox.queries import for_recipient
from summits.models import AuditEntry

FORMAT_VERSION = 1


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _session(session) -> dict:
    return {"code": session.code, "title": session.title, "starts_at": _when(session.starts_at)}


def audit_entries_about(person: Person) -> QuerySet[AuditEntry]:
    """Entries about the person, their invitations and registrations, the survey answers they
    gave, and entries made by their own account."""
    invitation_ids = [str(pk) for pk in person.invitations.values_list("pk", flat=True)]
    registration_ids = [str(pk) for pk in person.registrations.values_list("pk", flat=True)]
    about = (
        Q(object_type="person", object_id=str(person.pk))
        | Q(object_type="invitation", object_id__in=invitation_ids)
        | Q(object_type="registration", object_id__in=registration_ids)
        | Q(after__person=person.email)
    )
    if person.user_id:
        about |= Q(actor_id=person.user_id) | Q(object_type="user", object_id=str(person.user_id))
    return AuditEntry.objects.filter(about).order_by("created_at", "id")


def emails_sent(person: Person) -> list[dict]:
    """Each email to them in the outbox (whatever its state: queued, sent, failed, not needed),
    and the records of sending that the apps keep (invitation sent, reminders, survey links)."""
    sent = [
        {
            "email": message.get_kind_display(),
            "session": message.session_id,
            "sent_at": _when(message.sent_at),
            "state": message.get_state_display(),
            "subject": message.subject,
            "queued_at": _when(message.created_at),
            "last_error": message.last_error,
        }
        for message in for_recipient(person.email)
    ]
    for invitation in person.invitations.select_related("session").exclude(sent_at=None):
        sent.append({"email": "invitation", "session": invitation.session.code, "sent_at": _when(invitation.sent_at)})
    reminders = ReminderSent.objects.filter(registration__person=person).select_related("registration__session")
    for reminder in reminders:
        sent.append(
            {
                "email": f"reminder {reminder.days_before} days before",
                "session": reminder.registration.session.code,
                "sent_at": _when(reminder.sent_at),
            }
        )
    links = SurveyLink.objects.filter(registration__person=person).select_related("registration__session")
    for link in links:
        for what, when in (("survey link", link.sent_at), ("survey reminder", link.reminded_at)):
            if when:
                sent.append(
                    {
                        "email": f"{link.get_kind_display()} {what}",
                        "session": link.registration.session.code,
                        "sent_at": _when(when),
                    }
                )
    return sorted(sent, key=lambda row: (row["sent_at"] or "", row["email"]))


def subject_access_data(person: Person) -> dict:
    """Everything held about the person. Secrets (link and calendar tokens) are not copied out:
    they are keys, not information about the person."""
    organisation = person.organisation
    user = person.user
    invitations = Invitation.objects.filter(person=person).select_related("session").order_by("created_at", "id")
    registrations = Registration.objects.filter(person=person).select_related("session").order_by("created_at", "id")
    responses = (
        Response.objects.filter(registration__person=person)
        .select_related("registration__session")
        .prefetch_related("answers__item")
        .order_by("submitted_at", "id")
    )
    return {
        "format_version": FORMAT_VERSION,
        "generated_at": _when(timezone.now()),
        "person": {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "job_title": person.job_title,
            "created_at": _when(person.created_at),
            "updated_at": _when(person.updated_at),
            "has_personal_calendar_feed": True,
        },
        "organisation": (
            {
                "name": organisation.name,
                "type": organisation.get_type_display(),
                "region": organisation.get_region_display(),
                "ods_code": organisation.ods_code,
            }
            if organisation
            else None
        ),
        "leadership_groups": sorted(person.groups.values_list("name", flat=True)),
        "account": (
            {
                "email": user.email,
                "date_joined": _when(user.date_joined),
                "last_login": _when(user.last_login),
                "email_addresses": sorted(EmailAddress.objects.filter(user=user).values_list("email", flat=True)),
                "roles": sorted(user.groups.values_list("name", flat=True)),
            }
            if user
            else None
        ),
        "invitations": [
            {
                "session": _session(invitation.session),
                "status": invitation.get_status_display(),
                "created_at": _when(invitation.created_at),
                "sent_at": _when(invitation.sent_at),
                "responded_at": _when(invitation.responded_at),
            }
            for invitation in invitations
        ],
        "registrations": [
            {
                "session": _session(registration.session),
                "status": registration.get_status_display(),
                "created_at": _when(registration.created_at),
                "confirmed_at": _when(registration.confirmed_at),
                "cancelled_at": _when(registration.cancelled_at),
                "checked_in_at": _when(registration.checked_in_at),
            }
            for registration in registrations
        ],
        "attendance": [
            {"session": registration.session.code, "attended": registration.status == RegistrationStatus.ATTENDED}
            for registration in registrations
            if registration.status in {RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW}
        ],
        "survey_answers": [
            {
                "session": response.registration.session.code,
                "survey": response.get_kind_display(),
                "submitted_at": _when(response.submitted_at),
                "source": response.get_source_display(),
                "answers": [
                    {"question": answer.item.code, "text": answer.item.text, "answer": answer.display}
                    for answer in sorted(response.answers.all(), key=lambda a: (a.item.order, a.item.code))
                ],
            }
            for response in responses
        ],
        "emails_sent": emails_sent(person),
        "audit_entries": [
            {
                "at": _when(entry.created_at),
                "by": entry.actor_email,
                "action": entry.action,
                "about": f"{entry.object_type} {entry.object_repr}",
                "before": entry.before,
                "after": entry.after,
            }
            for entry in audit_entries_about(person)
        ],
    }


def as_json(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _rows(section: str, record: str, value, prefix: str = ""):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _rows(section, record, inner, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list) and any(isinstance(inner, dict | list) for inner in value):
        for index, inner in enumerate(value, start=1):
            yield from _rows(section, record, inner, f"{prefix}[{index}]")
    elif isinstance(value, list):
        yield section, record, prefix, "; ".join(str(inner) for inner in value)
    else:
        yield section, record, prefix, "" if value is None else str(value)


def as_csv(data: dict) -> str:
    """One row per value: section, record (1, 2… within a list), field, value."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "record", "field", "value"])
    for section, value in data.items():
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            for number, item in enumerate(value, start=1):
                for row in _rows(section, str(number), item):
                    writer.writerow(row)
        else:
            for row in _rows(section, "", value):
                writer.writerow(row)
    return out.getvalue()
