"""The subject access export: everything held about one person, as JSON and CSV, from the
organisers' page (audit-logged, never cached) and from `manage.py export_person`."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from privacy.subject_access import subject_access_data
from summits.models import AuditEntry
from tests.privacy.conftest import EMAIL

pytestmark = pytest.mark.django_db


def test_subject_access_data_holds_everything_about_the_person(subject):
    data = subject_access_data(subject.person)
    session = subject.registration.session

    assert list(data) == [
        "format_version",
        "generated_at",
        "person",
        "organisation",
        "leadership_groups",
        "account",
        "invitations",
        "registrations",
        "attendance",
        "survey_answers",
        "emails_sent",
        "audit_entries",
    ]
    assert {key: data["person"][key] for key in ("first_name", "last_name", "email", "job_title")} == {
        "first_name": "Philippa",
        "last_name": "Quartermaine",
        "email": EMAIL,
        "job_title": "Chief nursing information officer",
    }
    assert data["organisation"]["name"] == subject.person.organisation.name
    assert data["leadership_groups"] == ["Acute trust boards"]
    assert (data["account"]["email"], data["account"]["email_addresses"]) == (EMAIL, [EMAIL])
    assert [(row["session"]["code"], row["status"]) for row in data["invitations"]] == [(session.code, "Accepted")]
    assert [(row["session"]["code"], row["status"]) for row in data["registrations"]] == [(session.code, "Attended")]
    assert data["attendance"] == [{"session": session.code, "attended": True}]
    assert [(row["survey"], len(row["answers"])) for row in data["survey_answers"]] == [
        ("Pre survey", 2),
        ("Post survey", 6),
    ]
    assert [(row["email"], row.get("state")) for row in data["emails_sent"]] == [
        ("Post survey survey link", None),
        ("Pre survey survey link", None),
        ("invitation", None),
        ("Invitation", "Sent"),
    ]
    assert [row["action"] for row in data["audit_entries"]] == ["person.update", "invitation.invite_person"]
    # Secrets are keys, not information about the person: never copied out.
    text = json.dumps(data)
    assert (subject.invitation.token in text, subject.person.calendar_token in text) == (False, False)


def test_subject_access_json_download_is_audit_logged_and_not_cached(subject, organiser_client):
    response = organiser_client.get(f"/organise/people/{subject.person.pk}/personal-data.json")

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert response["Content-Disposition"] == (f'attachment; filename="person-{subject.person.pk}-personal-data.json"')
    assert json.loads(response.content)["person"]["email"] == EMAIL
    entry = AuditEntry.objects.filter(action="person.subject_access_export").get()
    assert (entry.actor_email, entry.object_id, entry.after) == (
        "organiser@example.nhs.uk",
        str(subject.person.pk),
        {"format": "json"},
    )


def test_subject_access_csv_download_has_one_row_per_value(subject, organiser_client):
    response = organiser_client.get(f"/organise/people/{subject.person.pk}/personal-data.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "record", "field", "value"]
    assert ["person", "", "email", EMAIL] in rows
    assert ["leadership_groups", "", "", "Acute trust boards"] in rows
    assert ["registrations", "1", "status", "Attended"] in rows


def test_subject_access_pages_are_for_organisers_only(subject, evaluator_client):
    for url in (
        f"/organise/people/{subject.person.pk}/personal-data/",
        f"/organise/people/{subject.person.pk}/personal-data.json",
        f"/organise/people/{subject.person.pk}/erase/",
    ):
        assert evaluator_client.get(url).status_code == 403


def test_export_person_command_writes_the_file(subject, tmp_path):
    output = tmp_path / "sar.json"
    out = io.StringIO()

    call_command("export_person", EMAIL.upper(), "--output", str(output), stdout=out)

    assert json.loads(output.read_text())["person"]["email"] == EMAIL
    assert out.getvalue() == f"Wrote everything held about person {subject.person.pk} to {output}.\n"
    assert AuditEntry.objects.filter(action="person.subject_access_export").count() == 1


def test_export_person_command_refuses_an_unknown_email(db, tmp_path):
    with pytest.raises(CommandError, match="Nobody has the email address 'nobody@example.nhs.uk'."):
        call_command("export_person", "nobody@example.nhs.uk", "--output", str(tmp_path / "x.json"))
