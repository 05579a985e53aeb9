from django.db import models


class WorkerHeartbeat(models.Model):
    """The last time each background worker process said it was alive (health/heartbeat.py)."""

    worker = models.CharField(max_length=200, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
