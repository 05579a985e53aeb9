"""The research extract: its own permission, audit-logged, never below 8 people, keys new each
time, and nothing that could identify anyone (no session, date, champion answer or free text)."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.enums import ExtractStatus
from evaluation.models import ResearchExtract
from evaluation.reporting import Filters
from summits.models import AuditEntry
from tests.evaluation.conftest import Participant

EXTRACTS = reverse("evaluation:extracts")


def grant(user) -> None:
    user.user_permissions.add(Permission.objects.get(codename="download_research_extract"))


@pytest.fixture
def researcher(evaluator):
    grant(evaluator)
    return type(evaluator).objects.get(pk=evaluator.pk)  # a fresh object: permissions are cached


def _rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_the_evaluator_role_has_no_extract_permission(evaluator_client, standard):
    listing = evaluator_client.get(EXTRACTS + "?programme=dlw-2026-27")
    request = evaluator_client.post(EXTRACTS + "?programme=dlw-2026-27", {"phase": "pilot"})

    assert (listing.status_code, request.status_code) == (403, 403)
    assert ResearchExtract.objects.count() == 0


def test_request_extract_refuses_without_the_permission(evaluator, standard):
    with pytest.raises(services.ExtractRefused, match="permission"):
        services.request_extract(actor=evaluator, programme=standard.programme, filters=Filters())


def test_extract_is_built_after_the_request_and_holds_no_identifying_columns(
    client, researcher, standard, django_capture_on_commit_callbacks
):
    client.force_login(researcher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXTRACTS + "?programme=dlw-2026-27", {"phase": "pilot"})

    assert response.status_code == 302
    extract = ResearchExtract.objects.get()
    assert (extract.status, extract.participants, extract.selection, extract.selection_text) == (
        ExtractStatus.READY,
        20,
        {"phase": "pilot"},
        "Pilot",
    )
    listing = client.get(EXTRACTS + "?programme=dlw-2026-27")
    download = reverse("evaluation:extract-download", args=[extract.pk])
    assert f'href="{download}"' in listing.text
    rows = _rows(client.get(download).content)
    assert list(rows[0]) == ["participant", "phase", "theme", "survey", "question", "value"]
    assert len({row["participant"] for row in rows}) == 20
    assert {row["question"] for row in rows} == {
        "conf_assurance",
        "conf_overall",
        "experience",
        "recommend",
        "relevance",
    }  # no digital-champion answer, no free text
    assert {row["phase"] for row in rows} == {"pilot"}
    text = client.get(download).content.decode()
    assert ("PIL-01" in text, "PIL-02" in text) == (False, False)


def test_every_request_and_download_is_audit_logged(client, researcher, standard, django_capture_on_commit_callbacks):
    client.force_login(researcher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(EXTRACTS + "?programme=dlw-2026-27", {"theme": "possible"})
    extract = ResearchExtract.objects.get()
    client.get(reverse("evaluation:extract-download", args=[extract.pk]))

    entries = AuditEntry.objects.filter(object_type="researchextract").order_by("pk")
    assert [(e.action, e.actor_id, e.actor_email, e.object_id, e.after) for e in entries] == [
        (
            action,
            researcher.pk,
            "evaluator@example.nhs.uk",
            str(extract.pk),
            {"programme": "dlw-2026-27", "selection": "Whole programme, The possible"} | extra,
        )
        for action, extra in (
            ("research_extract.requested", {}),
            ("research_extract.downloaded", {"participants": 21}),
        )
    ]


def test_extract_is_refused_for_7_people(builder, researcher, django_capture_on_commit_callbacks):
    builder.participants(builder.session("PIL-01"), [Participant((2, 3)) for _ in range(7)])

    with django_capture_on_commit_callbacks(execute=True):
        extract = services.request_extract(actor=researcher, programme=builder.programme, filters=Filters())

    extract.refresh_from_db()
    assert (extract.status, extract.reason, extract.content) == (
        ExtractStatus.REFUSED,
        "The selection has fewer than 8 participants",
        None,
    )
    with pytest.raises(services.ExtractRefused, match="not ready"):
        services.download_extract(actor=researcher, extract=extract)


def test_keys_differ_between_two_extracts_of_the_same_selection(
    researcher, standard, django_capture_on_commit_callbacks
):
    extracts = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            extract = services.request_extract(actor=researcher, programme=standard.programme, filters=Filters())
        extract.refresh_from_db()
        extracts.append(_rows(services.download_extract(actor=researcher, extract=extract)))

    first, second = ({row["participant"] for row in rows} for rows in extracts)
    assert (len(first), len(second), first & second) == (29, 29, set())  # 30 registrations, 29 people
    assert sorted((r["survey"], r["question"], r["value"]) for r in extracts[0]) == sorted(
        (r["survey"], r["question"], r["value"]) for r in extracts[1]
    )


def test_rows_come_in_the_order_of_the_extracts_own_random_keys(
    researcher, standard, django_capture_on_commit_callbacks
):
    orders = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            extract = services.request_extract(actor=researcher, programme=standard.programme, filters=Filters())
        extract.refresh_from_db()
        rows = _rows(services.download_extract(actor=researcher, extract=extract))
        keys = [row["participant"] for row in rows]
        assert keys == sorted(keys)  # sorted by this extract's keys, so shuffled anew each time
        orders.append([(row["survey"], row["question"], row["value"]) for row in rows])

    assert sorted(orders[0]) == sorted(orders[1])
    assert orders[0] != orders[1]  # 29 people: the same order twice has odds of 1 in 29!


def test_someone_elses_extract_is_not_found(client, researcher, standard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        extract = services.request_extract(actor=researcher, programme=standard.programme, filters=Filters())
    from tests import factories

    other = factories.staff_user("other.evaluator@example.nhs.uk", role="evaluator")
    grant(other)
    client.force_login(other)

    assert client.get(reverse("evaluation:extract-download", args=[extract.pk])).status_code == 404


# Retention: a file is kept RESEARCH_EXTRACT_RETENTION_DAYS ---------------------------------------


def _built(researcher, programme, capture, days_ago: int) -> ResearchExtract:
    with capture(execute=True):
        extract = services.request_extract(actor=researcher, programme=programme, filters=Filters())
    ResearchExtract.objects.filter(pk=extract.pk).update(finished_at=timezone.now() - timedelta(days=days_ago))
    return ResearchExtract.objects.get(pk=extract.pk)


def test_the_list_says_until_when_a_ready_extract_can_be_downloaded(
    client, researcher, standard, settings, django_capture_on_commit_callbacks
):
    settings.RESEARCH_EXTRACT_RETENTION_DAYS = 30
    extract = _built(researcher, standard.programme, django_capture_on_commit_callbacks, days_ago=2)
    client.force_login(researcher)

    page = client.get(EXTRACTS + "?programme=dlw-2026-27").content.decode()

    until = timezone.localtime(extract.finished_at + timedelta(days=30))
    assert f"Ready to download until {until:%-d %B %Y}" in page
    assert "Each file is deleted 30 days after it is ready" in page


def test_deleting_a_file_past_its_retention_keeps_the_request_and_logs_it(
    researcher, standard, django_capture_on_commit_callbacks
):
    old = _built(researcher, standard.programme, django_capture_on_commit_callbacks, days_ago=31)
    recent = _built(researcher, standard.programme, django_capture_on_commit_callbacks, days_ago=29)

    deleted = services.delete_extract_files(extracts=[old], kept_days=30)

    assert deleted == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.content, old.reason, old.participants) == (
        ExtractStatus.EXPIRED,
        None,
        "Kept for 30 days",
        29,
    )
    assert (recent.status, bytes(recent.content)[:14]) == (ExtractStatus.READY, b"participant,ph")
    entry = AuditEntry.objects.get(action="research_extract.deleted")
    assert (entry.actor_id, entry.object_id, entry.after) == (
        None,
        str(old.pk),
        {"programme": "dlw-2026-27", "selection": "Whole programme", "reason": "Kept for 30 days"},
    )
    # Deleting again changes nothing: the file is already gone.
    assert services.delete_extract_files(extracts=[old], kept_days=30) == 0


def test_a_deleted_extract_gets_a_clear_gone_page_not_a_file(
    client, researcher, standard, django_capture_on_commit_callbacks
):
    old = _built(researcher, standard.programme, django_capture_on_commit_callbacks, days_ago=31)
    services.delete_extract_files(extracts=[old], kept_days=30)
    client.force_login(researcher)

    response = client.get(reverse("evaluation:extract-download", args=[old.pk]))

    assert response.status_code == 410
    page = response.content.decode()
    assert "This research extract has been deleted" in page
    assert "Its file was deleted when its retention period ended (kept for 30 days)." in page
    assert "request a new extract" in page
    assert not AuditEntry.objects.filter(action="research_extract.downloaded").exists()
