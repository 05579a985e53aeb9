"""10,000 invitations delivered by one worker (`manage.py db_worker`) to a real SMTP server
(aiosmtpd on 127.0.0.1, started here): messages per second and SMTP connections used.

Run: .venv/bin/python benchmarks/email_fanout.py
(prefix DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres to measure on PostgreSQL; the
throwaway database is then postgres_email_fanout, dropped at the end.)

The organiser's invite_groups queues 10,000 outbox rows in one transaction and wakes the
worker. Timed: from the first message the server accepts to the last (the worker's steady
rate: writing each email from templates, sending it over the batch's one connection, marking
its row sent), and from the worker's start to the last (with Django's start-up). Goal: at least
300 messages per second. Connections: one per batch of OUTBOX_BATCH_SIZE (100). The worker's
CPU time per message is printed too: on a busy machine it says what one free core would do.
"""

import os
import time

from _outbox import cpu_seconds, drop_database, invite_group, setup_django, start_worker, throwaway_database, wait_for

SIZE = 10_000
GOAL = 300  # messages per second


def main() -> None:
    url = throwaway_database("email_fanout")
    setup_django(url)
    from django.db import connection

    from outbox.models import Message
    from tests.smtp_server import SMTPServer

    assert invite_group(SIZE) == SIZE
    server = SMTPServer().start()
    started = time.perf_counter()
    worker = start_worker(url, server.port)
    try:
        delivered = wait_for(lambda: server.recorder.count() >= SIZE, timeout=600)
        worker_cpu = cpu_seconds(worker)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        server.stop()
    recorder = server.recorder
    times = recorder.accepted_at
    steady = (len(times) - 1) / (times[-1] - times[0])
    overall = len(times) / (times[-1] - started)
    recipients = recorder.recipients()
    sent_rows = Message.objects.filter(state="sent").count()
    drop_database(url)
    print(f"database: {connection.vendor}")
    print(f"messages delivered: {len(recipients):,} to {len(set(recipients)):,} recipients (rows sent: {sent_rows:,})")
    print(f"messages/s, first to last accepted: {steady:,.0f}")
    print(f"messages/s, worker start to last (with start-up): {overall:,.0f}")
    print(f"SMTP connections: {recorder.connections}")
    print(
        f"worker CPU: {worker_cpu:.1f} s in all, {worker_cpu / SIZE * 1000:.2f} ms per message "
        f"(≈ {SIZE / worker_cpu:,.0f} messages/s if the worker had a core to itself)"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    met = delivered and steady >= GOAL and len(set(recipients)) == SIZE
    print(f"goal: ≥ {GOAL} messages/s with one worker: {'met' if met else 'NOT met'}")
    if not met:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
