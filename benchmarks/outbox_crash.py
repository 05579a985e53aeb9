"""Crash test, run by CI (.ci/run): a worker killed with SIGKILL in the middle of a 2,000-person
fan-out loses nothing and doubles at most the one message in flight.

Run: .venv/bin/python benchmarks/outbox_crash.py
(prefix DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres for PostgreSQL; the throwaway
database is then postgres_outbox_crash, dropped at the end.)

An organiser invites a leadership group of 2,000 (2,000 outbox rows, one transaction). A
`manage.py db_worker` sends them to a local aiosmtpd server; once 550 have arrived it is killed
with SIGKILL, mid-batch. A new worker is started: it sends what was never claimed at once, and
the dead worker's claimed batch when its lease (3 seconds here) runs out. Checked: every one of
the 2,000 got the invitation, at most one got it twice, and every outbox row is marked sent.
Exits non-zero otherwise.
"""

import os
import signal
import time
from collections import Counter

from _outbox import drop_database, invite_group, setup_django, start_worker, throwaway_database, wait_for

SIZE = 2_000
KILL_AFTER = 550  # mid-batch: batches are 100
LEASE_SECONDS = "3"


def main() -> None:
    url = throwaway_database("outbox_crash")
    setup_django(url)
    from django.db import connection

    from outbox.models import Message
    from tests.smtp_server import SMTPServer

    assert invite_group(SIZE) == SIZE
    server = SMTPServer().start()
    recorder = server.recorder
    try:
        first = start_worker(url, server.port, OUTBOX_LEASE_SECONDS=LEASE_SECONDS)
        reached = wait_for(lambda: recorder.count() >= KILL_AFTER, timeout=300, every=0.01)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        at_kill = recorder.count()
        connection.close()
        in_flight = Message.objects.filter(state="sending").count()
        second = start_worker(url, server.port, OUTBOX_LEASE_SECONDS=LEASE_SECONDS)
        try:
            done = wait_for(lambda: len(set(recorder.recipients())) >= SIZE, timeout=300)
            time.sleep(2)  # anything sent twice would arrive now
        finally:
            second.terminate()
            second.wait(timeout=30)
    finally:
        server.stop()

    received = Counter(recorder.recipients())
    expected = {f"member{n:05}@example.nhs.uk" for n in range(SIZE)}
    missing = len(expected - set(received))
    doubled = sum(count - 1 for count in received.values() if count > 1)
    states = dict(Counter(Message.objects.values_list("state", flat=True)))
    drop_database(url)
    print(f"database: {connection.vendor}")
    print(f"killed the first worker (SIGKILL) after {at_kill:,} of {SIZE:,} messages; {in_flight} rows it had claimed")
    print(f"recipients who got the invitation: {len(set(received)) - len(set(received) - expected):,} of {SIZE:,}")
    print(f"missing: {missing}, sent twice: {doubled} (allowed: at most 1)")
    print(f"outbox rows by state: {states}")
    ok = reached and done and at_kill < SIZE and missing == 0 and doubled <= 1 and states == {"sent": SIZE}
    print(f"crash test: {'passed' if ok else 'FAILED'}")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
