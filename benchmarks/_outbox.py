"""Shared by benchmarks/email_fanout.py and benchmarks/outbox_crash.py: a throwaway database
(an SQLite file, or a PostgreSQL database named for the script when DATABASE_URL is
postgres://…), a session with N people invited through attendees.services.invite_groups (which
queues N outbox rows), a real SMTP server (aiosmtpd, tests/smtp_server.py) and `manage.py
db_worker` processes pointed at both."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# A local run: settings are off-production (also for the manage.py and db_worker children).
os.environ.setdefault("DEBUG", "true")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _admin(given: str):
    import psycopg

    server = urlunsplit(urlsplit(given)._replace(path="/postgres"))
    return psycopg.connect(server.replace("postgres://", "postgresql://", 1), autocommit=True)


def throwaway_database(name: str) -> str:
    """A fresh, migrated database for this script; returns its DATABASE_URL. On PostgreSQL it
    is named after the database DATABASE_URL names, e.g. dlw_outbox_crash for dlw."""
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith("postgres"):
        parts = urlsplit(given)
        name = f"{parts.path.lstrip('/') or 'postgres'}_{name}"
        with _admin(given) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        url = urlunsplit(parts._replace(path=f"/{name}"))
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix=name)}/{name}.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DLW_TESTING": "false"},
        check=True,
    )
    return url


def drop_database(url: str) -> None:
    """Removes the throwaway database (PostgreSQL; an SQLite file is left in /tmp)."""
    if url.startswith("postgres"):
        from django.db import connections

        connections.close_all()
        with _admin(url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DLW_TESTING"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def invite_group(size: int) -> int:
    """A published online session a month away and a leadership group of `size` people, all
    invited by an organiser: `size` outbox rows queued in one transaction."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from attendees import services
    from attendees.models import LeadershipGroup, Person
    from summits.enums import PhaseKind, SessionStatus, Theme
    from summits.models import Phase, Programme, Session

    programme = Programme.objects.create(slug="bench", name="Benchmark programme")
    today = timezone.localdate()
    phase = Phase.objects.create(
        programme=programme, kind=PhaseKind.PILOT, starts_on=today, ends_on=today + datetime.timedelta(days=365)
    )
    start = timezone.now() + datetime.timedelta(days=30)
    session = Session.objects.create(
        phase=phase,
        code="BEN-01",
        theme=Theme.HOW_TO,
        title="Benchmark session",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        online_url="https://meet.example.nhs.uk/bench",
        capacity=100,
        status=SessionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    group = LeadershipGroup.objects.create(name="Benchmark group")
    people = Person.objects.bulk_create(
        (
            Person(first_name="Board", last_name=f"Member {n}", email=f"member{n:05}@example.nhs.uk")
            for n in range(size)
        ),
        batch_size=2000,
    )
    Through = Person.groups.through
    Through.objects.bulk_create((Through(person_id=p.pk, leadershipgroup_id=group.pk) for p in people), batch_size=5000)
    organiser = get_user_model().objects.create_user(username="bench@example.nhs.uk", email="bench@example.nhs.uk")
    return services.invite_groups(actor=organiser, session=session, groups=[group])


def start_worker(url: str, smtp_port: int, **settings: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DLW_TESTING": "false",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        **settings,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2", "-v", "0"],
        cwd=ROOT,
        env=env,
    )


def wait_for(condition, timeout: float, every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def cpu_seconds(process: subprocess.Popen) -> float:
    """CPU time (user + system) a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
