"""Erasure keeps every count and the outcome report exactly as they were, while the person's
name, email and participant key are gone from everywhere; purging applies the retention period."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from attendees.models import Invitation, Person, Registration
from evaluation.data import load_frames
from evaluation.enums import ExtractStatus
from evaluation.models import ResearchExtract
from evaluation.reporting import build_report
from evaluation.reports.csv import render_csv
from feedback.models import Answer, Response
from feedback.pseudonyms import participant_key
from outbox.models import Message
from privacy import services
from privacy.tasks import purge_personal_data_task
from summits.models import AuditEntry, Session
from tests import factories
from tests.privacy.conftest import EMAIL, NAME

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    return {
        "people": Person.objects.count(),
        "invitations": dict(Invitation.objects.values_list("status").annotate(n=Count("pk")).order_by("status")),
        "registrations": dict(Registration.objects.values_list("status").annotate(n=Count("pk")).order_by("status")),
        "places_taken": dict(Session.objects.values_list("code", "places_taken")),
        "responses": Response.objects.count(),
        "answers": Answer.objects.count(),
        "messages": dict(Message.objects.values_list("state").annotate(n=Count("pk")).order_by("state")),
        "audit_entries": AuditEntry.objects.count(),
    }


def _dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", "--natural-foreign", stdout=out)
    return out.getvalue().lower()


def test_erase_person_keeps_every_count_and_the_outcome_report(subject, organiser):
    programme = subject.standard.programme
    report_before = render_csv(build_report(programme))
    counts_before = _counts()

    services.erase_person(actor=organiser, person=subject.person)

    assert render_csv(build_report(programme)) == report_before
    # One more audit entry: the erasure itself.
    assert _counts() == {**counts_before, "audit_entries": counts_before["audit_entries"] + 1}


def test_erase_person_leaves_no_name_email_or_participant_key(subject, organiser):
    old_key = participant_key(subject.person.pk)
    assert old_key in set(load_frames(subject.standard.programme).answers["participant"])
    participants_before = load_frames(subject.standard.programme).answers["participant"].nunique()

    erasure = services.erase_person(actor=organiser, person=subject.person)

    dump = _dump()
    assert (EMAIL in dump, NAME.lower() in dump, "quartermaine" in dump, "chief nursing information" in dump) == (
        False,
        False,
        False,
        False,
    )
    frames = load_frames(subject.standard.programme)
    assert old_key not in set(frames.answers["participant"])
    assert frames.answers["participant"].nunique() == participants_before
    assert get_user_model().objects.filter(email__iexact=EMAIL).exists() is False
    anonymous = erasure.anonymous
    assert (anonymous.first_name, anonymous.last_name, anonymous.job_title, anonymous.user_id) == (
        "Erased",
        "person",
        "",
        None,
    )
    assert anonymous.email.endswith("@erased.invalid")
    assert set(anonymous.groups.all()) == {subject.standard.acute}
    assert Registration.objects.get(pk=subject.registration.pk).person_id == anonymous.pk
    assert Answer.objects.get(item__code="do_differently", response__registration=subject.registration).text == (
        "[erased] will ask the board for a digital plan ([erased])"
    )
    message = Message.objects.get(pk=subject.message.pk)
    assert (message.recipient, message.subject, message.state) == (
        "[erased]@erased.invalid",
        "You are invited, [erased]",
        "sent",
    )
    erase_entry = AuditEntry.objects.filter(action="person.erase").get()
    assert (erase_entry.object_id, erase_entry.object_repr, erase_entry.after) == (
        str(anonymous.pk),
        "Erased person",
        {"reason": "request", "invitations": 1, "registrations": 1},
    )
    update_entry = AuditEntry.objects.get(action="person.update")
    assert (update_entry.object_id, update_entry.object_repr) == (str(anonymous.pk), "Erased person")
    assert update_entry.after["email"] == "[erased]"


def test_erase_person_breaks_the_old_links(subject, organiser):
    old_token = subject.invitation.token

    services.erase_person(actor=organiser, person=subject.person)

    assert Invitation.objects.get(pk=subject.invitation.pk).token != old_token


def test_erase_person_skips_queued_emails_to_them(subject, organiser):
    queued = Message.objects.create(
        kind="reminder", recipient=EMAIL, state="queued", next_attempt_at=subject.message.next_attempt_at
    )

    services.erase_person(actor=organiser, person=subject.person)

    queued.refresh_from_db()
    assert (queued.state, queued.recipient, queued.last_error) == (
        "skipped",
        "[erased]@erased.invalid",
        "The recipient was erased.",
    )


# Retention --------------------------------------------------------------------------------


def _ended_programme(days_ago: int):
    """A programme whose only phase ended `days_ago` days ago, with one registered person."""
    programme = factories.programme()
    phase = factories.phase(
        programme=programme,
        starts_on=datetime.date.today() - datetime.timedelta(days=days_ago + 30),
        ends_on=datetime.date.today() - datetime.timedelta(days=days_ago),
    )
    session = factories.session(
        phase=phase,
        starts_at=factories.london(*(datetime.date.today() - datetime.timedelta(days=days_ago + 10)).timetuple()[:3]),
    )
    registration = factories.registration(session=session)
    return programme, registration.person


def test_purge_dry_run_lists_and_changes_nothing(db):
    old_programme, old_person = _ended_programme(800)
    _, recent_person = _ended_programme(10)
    out = io.StringIO()

    call_command("purge_personal_data", "--dry-run", "--retention-days", "730", stdout=out)

    assert out.getvalue().splitlines()[1:] == [
        "Would erase 1 people (dry run: nothing changed).",
        f"  person {old_person.pk}",
        "Would delete the files of 0 research extracts built more than 30 days ago.",
    ]
    assert set(Person.objects.values_list("pk", flat=True)) == {old_person.pk, recent_person.pk}


def test_purge_erases_only_people_past_retention(db):
    old_programme, old_person = _ended_programme(800)
    _, recent_person = _ended_programme(10)
    old_email = old_person.email
    out = io.StringIO()

    call_command("purge_personal_data", "--retention-days", "730", stdout=out)

    assert out.getvalue().splitlines()[-2:] == ["Erased 1 people.", "Deleted the files of 0 research extracts."]
    assert Person.objects.filter(email=old_email).exists() is False
    assert Person.objects.filter(pk=recent_person.pk).exists() is True
    assert Registration.objects.filter(session__phase__programme=old_programme).get().person.first_name == "Erased"
    # Running again finds nobody: erased rows are never erased twice.
    assert services.purge_plan(retention_days=730).people == []


def test_the_worker_runs_the_purge_daily_with_the_configured_retention(db, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 730
    _, old_person = _ended_programme(800)
    _, recent_person = _ended_programme(10)
    old_email = old_person.email

    result = purge_personal_data_task.enqueue()

    assert settings.PERIODIC_JOBS["purge-personal-data"] == {
        "task": "privacy.tasks.purge_personal_data_task",
        "every_seconds": 24 * 60 * 60,
    }
    assert result.return_value == {"people_erased": 1, "extracts_deleted": 0}
    assert Person.objects.filter(email=old_email).exists() is False
    assert Person.objects.filter(pk=recent_person.pk).exists() is True


def _extract(days_ago: int, status=ExtractStatus.READY) -> ResearchExtract:
    """A research extract built `days_ago` days ago (the build itself is evaluation's, tested there)."""
    return ResearchExtract.objects.create(
        programme=factories.programme(),
        selection_text="Whole programme",
        status=status,
        content=b"participant,phase\n" if status == ExtractStatus.READY else None,
        finished_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_purge_dry_run_lists_the_extracts_whose_files_would_go(db):
    old, recent = _extract(31), _extract(29)
    out = io.StringIO()

    call_command("purge_personal_data", "--dry-run", "--retention-days", "730", stdout=out)

    assert out.getvalue().splitlines()[-2:] == [
        "Would delete the files of 1 research extracts built more than 30 days ago.",
        f"  research extract {old.pk}",
    ]
    assert list(ResearchExtract.objects.order_by("pk").values_list("status", flat=True)) == ["ready", "ready"]
    assert recent.pk != old.pk


def test_purge_deletes_the_files_of_extracts_past_their_retention(db, settings):
    settings.RESEARCH_EXTRACT_RETENTION_DAYS = 30
    old, recent, refused = _extract(31), _extract(29), _extract(90, status=ExtractStatus.REFUSED)

    result = purge_personal_data_task.enqueue()

    assert result.return_value == {"people_erased": 0, "extracts_deleted": 1}
    states = {extract.pk: (extract.status, extract.content is None) for extract in ResearchExtract.objects.all()}
    assert states == {
        old.pk: (ExtractStatus.EXPIRED, True),
        recent.pk: (ExtractStatus.READY, False),
        refused.pk: (ExtractStatus.REFUSED, True),
    }
    # The next day's run finds nothing more to delete.
    assert services.purge_plan(retention_days=730).extracts == []
