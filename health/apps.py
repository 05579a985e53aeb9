import sys

from django.apps import AppConfig


class HealthConfig(AppConfig):
    """/healthz for load balancers and the background worker's heartbeat."""

    name = "health"

    def ready(self):
        # The worker command (django-tasks-db's db_worker, extended by outbox) has no hook of its
        # own: the process that runs it starts the heartbeat thread.
        if sys.argv[1:2] == ["db_worker"]:
            from health.heartbeat import start_heartbeat

            start_heartbeat()
