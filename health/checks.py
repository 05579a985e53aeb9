"""What /healthz checks. Each check answers (ok, detail) and never raises."""

import datetime
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from health.models import WorkerHeartbeat
from outbox.queries import oldest_queued_age


def database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return False, f"unreachable: {type(error).__name__}"
    return True, "ok"


def cache_roundtrip() -> tuple[bool, str]:
    key, value = "healthz", uuid.uuid4().hex
    try:
        cache.set(key, value, 30)
        if cache.get(key) != value:
            return False, "wrote a value and read back another"
    except Exception as error:
        return False, f"unreachable: {type(error).__name__}"
    return True, "ok"


def _seconds(age: datetime.timedelta) -> int:
    return max(0, int(age.total_seconds()))


def worker(now: datetime.datetime | None = None) -> tuple[bool, str]:
    try:
        last = WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]
    except Exception as error:
        return False, f"unknown: {type(error).__name__}"
    if last is None:
        return False, "no worker has ever reported"
    age = _seconds((now or timezone.now()) - last)
    if age > settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS:
        return False, f"last heartbeat {age}s ago"
    return True, f"last heartbeat {age}s ago"


def outbox(now: datetime.datetime | None = None) -> tuple[bool, str]:
    try:
        age = oldest_queued_age(now)
    except Exception as error:
        return False, f"unknown: {type(error).__name__}"
    if age is None:
        return True, "nothing queued"
    seconds = _seconds(age)
    if seconds > settings.OUTBOX_MAX_AGE_SECONDS:
        return False, f"oldest queued message waiting {seconds}s"
    return True, f"oldest queued message waiting {seconds}s"


CHECKS = {"database": database, "cache": cache_roundtrip, "worker": worker, "outbox": outbox}
