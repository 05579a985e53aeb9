"""The worker's heartbeat: a row per worker process, refreshed every INTERVAL seconds by a
daemon thread while the process lives, so /healthz sees a stopped or dead worker within
WORKER_HEARTBEAT_MAX_AGE_SECONDS."""

import logging
import os
import socket
import threading

from django.db import connection
from django.utils import timezone

from health.models import WorkerHeartbeat

logger = logging.getLogger(__name__)
INTERVAL_SECONDS = 30


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# Rows of processes gone this long are removed (every restart of a worker is a new process).
FORGET_AFTER = timezone.timedelta(days=1)


def beat(worker: str | None = None) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker=worker or worker_name(), defaults={"beat_at": now})
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()


def stop(worker: str | None = None) -> None:
    WorkerHeartbeat.objects.filter(worker=worker or worker_name()).delete()


def _run(stopped: threading.Event) -> None:
    while not stopped.is_set():
        try:
            beat()
        except Exception:  # the database may be away for a moment; the next beat tries again
            logger.exception("Worker heartbeat failed")
        finally:
            connection.close()
        stopped.wait(INTERVAL_SECONDS)


def start_heartbeat() -> threading.Event:
    stopped = threading.Event()
    threading.Thread(target=_run, args=(stopped,), name="worker-heartbeat", daemon=True).start()
    return stopped
