"""/healthz: 200 when the database, the cache, the worker and the outbox are fine; 503 with the
reason when the worker has stopped or emails wait too long."""

import datetime
import threading

import pytest
from django.utils import timezone

from health import heartbeat
from health.models import WorkerHeartbeat
from outbox.models import Message

pytestmark = pytest.mark.django_db


def _beat(seconds_ago: int) -> None:
    WorkerHeartbeat.objects.create(
        worker="worker-1:123", beat_at=timezone.now() - datetime.timedelta(seconds=seconds_ago)
    )


def test_healthz_healthy(client):
    _beat(5)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "worker": True,
        "outbox": True,
    }
    assert body["checks"]["outbox"]["detail"] == "nothing queued"


def test_healthz_unhealthy_when_the_worker_stopped(client, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS = 120
    _beat(600)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["detail"].startswith("last heartbeat 6")
    assert body["checks"]["database"] == {"ok": True, "detail": "ok"}


def test_healthz_unhealthy_when_no_worker_ever_ran(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "detail": "no worker has ever reported"}


def test_healthz_unhealthy_when_the_oldest_queued_email_waits_too_long(client, settings):
    settings.OUTBOX_MAX_AGE_SECONDS = 900
    _beat(5)
    message = Message.objects.create(kind="invitation", recipient="a@example.nhs.uk", next_attempt_at=timezone.now())
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))

    response = client.get("/healthz")

    assert response.status_code == 503
    outbox = response.json()["checks"]["outbox"]
    assert outbox["ok"] is False
    assert outbox["detail"].startswith("oldest queued message waiting 36")


def test_heartbeat_thread_beats_until_the_process_stops(transactional_db):
    stopped = heartbeat.start_heartbeat()
    try:
        found = threading.Event()
        for _ in range(100):
            if WorkerHeartbeat.objects.filter(worker=heartbeat.worker_name()).exists():
                found.set()
                break
            found.wait(0.05)
        assert found.is_set()
    finally:
        stopped.set()
    heartbeat.stop()
    assert WorkerHeartbeat.objects.count() == 0


def test_a_beat_forgets_processes_gone_for_a_day(db):
    _beat(2 * 24 * 3600)

    heartbeat.beat("worker-2:456")

    assert list(WorkerHeartbeat.objects.values_list("worker", flat=True)) == ["worker-2:456"]
