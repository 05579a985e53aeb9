"""Reminders before a session: by default 7 days and 1 day before (settings.REMINDER_DAYS_BEFORE).

Run by the worker's periodic "reminders" job every 15 minutes (settings.PERIODIC_JOBS; no cron
entry needed), or by hand with `python manage.py send_reminders`. Safe to run as often as you
like, and by two runners at once:

- A reminder for `d` days is due for a confirmed place on a published session that starts
  within the next `d` days, if the person had their place before the reminder's time
  (start − d days): someone who registered later does not get that reminder.
- One ReminderSent row per (registration, days) is inserted before sending, with
  `INSERT … ON CONFLICT DO NOTHING RETURNING`: the database's unique constraint lets exactly
  one runner create each row, and a runner queues emails only for the rows it created, in the
  same transaction, so each reminder is queued exactly once; the outbox then sends it,
  retrying temporary failures (outbox/sending.py).
- Nearer reminders are handled first, and a reminder is skipped when a nearer one has been
  sent: if the runner was down for a week, people get the 1-day reminder, not both at once.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django_tasks import task

from attendees.enums import RegistrationStatus
from attendees.models import Registration, ReminderSent
from summits.enums import SessionStatus

DEFAULT_DAYS_BEFORE = (7, 1)
INSERT_BATCH = 500


def reminder_days() -> tuple[int, ...]:
    """The configured reminders, nearest first (1 before 7)."""
    return tuple(sorted({int(days) for days in getattr(settings, "REMINDER_DAYS_BEFORE", DEFAULT_DAYS_BEFORE)}))


def due_reminders(days_before: int, now: datetime.datetime | None = None) -> QuerySet:
    """Confirmed registrations that should get the `days_before` reminder now and have not had
    it (nor a nearer one)."""
    now = now or timezone.now()
    window = datetime.timedelta(days=days_before)
    return (
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            session__status=SessionStatus.PUBLISHED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + window,
            confirmed_at__lt=F("session__starts_at") - window,
        )
        .exclude(reminders__days_before__lte=days_before)
        .order_by("pk")
    )


def _record(registration_ids: Iterable[int], days_before: int, now: datetime.datetime) -> list[int]:
    """Inserts the ReminderSent rows and returns the registrations whose row this call created
    (a row another runner created first is skipped by the unique constraint)."""
    ids = list(registration_ids)
    quote = connection.ops.quote_name
    table = quote(ReminderSent._meta.db_table)
    columns = ", ".join(quote(name) for name in ("registration_id", "days_before", "sent_at"))
    sent_at = connection.ops.adapt_datetimefield_value(now)
    created: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(ids), INSERT_BATCH):
            batch = ids[start : start + INSERT_BATCH]
            rows = ", ".join(["(%s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {rows} "
                f"ON CONFLICT ({quote('registration_id')}, {quote('days_before')}) DO NOTHING "
                f"RETURNING {quote('registration_id')}",
                [value for pk in batch for value in (pk, days_before, sent_at)],
            )
            created += [row[0] for row in cursor.fetchall()]
    return sorted(created)


def send_due_reminders(now: datetime.datetime | None = None) -> dict[int, int]:
    """Queues every reminder that is due, once, in the outbox. Returns how many were queued
    for each number of days before."""
    from attendees import emails

    now = now or timezone.now()
    sent: dict[int, int] = {}
    for days_before in reminder_days():
        with transaction.atomic():
            candidates = list(due_reminders(days_before, now).values_list("pk", flat=True))
            created = _record(candidates, days_before, now) if candidates else []
            sent[days_before] = (
                emails.send_reminders(
                    registrations=Registration.objects.filter(pk__in=created), days_before=days_before
                )
                if created
                else 0
            )
    return sent


@task()
def send_reminders_task() -> dict[str, int]:
    """The same as `manage.py send_reminders`, for the background worker."""
    return {str(days): count for days, count in send_due_reminders().items()}
