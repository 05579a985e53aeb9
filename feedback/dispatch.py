"""Sending survey links and the one reminder, by the worker's periodic "survey-emails" job every 15
minutes (settings.PERIODIC_JOBS; no cron entry), or by hand with `python manage.py
send_survey_emails`. Safe to run as often as you like, and by two runners at once; nobody gets
the same email twice:

- Links are made in bulk for whoever is due one and has none (the unique constraint on
  registration + survey makes a second runner's insert a no-op).
- Each email is claimed and queued together: a transaction picks unsent links (on PostgreSQL
  with `FOR UPDATE SKIP LOCKED`, on SQLite under its single writer lock), stamps `sent_at` /
  `reminded_at` and queues the outbox rows, so a link is stamped exactly when its email is in
  the outbox, which sends it and retries temporary failures.

Who is due what (per programme, settings in SurveySchedule):
- pre: a confirmed place on a published session that has not started;
- post: attended, once the session's attendance is final (ended, nobody left unmarked);
  open for `post_open_days`;
- follow-up: attended, `follow_up_after_days` after the session ended; open for
  `follow_up_open_days`;
- reminder: a sent link with no response, within `reminder_hours_before_close` of closing,
  that was sent before that point (someone who got their link yesterday is not reminded).
"""

import datetime

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from attendees.enums import RegistrationStatus
from attendees.models import Registration
from feedback.enums import SurveyKind
from feedback.models import Questionnaire, Response, SurveyLink, SurveySchedule
from outbox.enums import MessageKind
from summits.enums import SessionStatus
from summits.models import Programme

BATCH = 500
# Post-survey links go out for sessions that ended at most this many days ago.
LATEST_POST_DAYS = 30


def _programmes_with_surveys() -> list[tuple[Programme, SurveySchedule, set[str]]]:
    schedules = SurveySchedule.objects.select_related("programme")
    kinds: dict[int, set[str]] = {}
    for programme_id, kind in Questionnaire.objects.values_list("programme_id", "kind").distinct():
        kinds.setdefault(programme_id, set()).add(kind)
    return [(s.programme, s, kinds.get(s.programme_id, set())) for s in schedules]


def _without_link(kind: str) -> Exists:
    return ~Exists(SurveyLink.objects.filter(registration=OuterRef("pk"), kind=kind))


def due_links(programme: Programme, schedule: SurveySchedule, kind: str, now: datetime.datetime) -> QuerySet:
    """Registrations that should have a `kind` link now and have none."""
    registrations = Registration.objects.filter(
        session__phase__programme=programme, session__status=SessionStatus.PUBLISHED
    ).filter(_without_link(kind))
    if kind == SurveyKind.PRE:
        return registrations.filter(status=RegistrationStatus.CONFIRMED, session__starts_at__gt=now)
    unmarked = Registration.objects.filter(session=OuterRef("session"), status=RegistrationStatus.CONFIRMED)
    attended = registrations.filter(status=RegistrationStatus.ATTENDED, session__ends_at__lte=now)
    if kind == SurveyKind.POST:
        # Finalised attendance only, on sessions that ended recently: a link for a session
        # long past (a programme that started using surveys late) would ask about a
        # workshop nobody remembers.
        recent = now - datetime.timedelta(days=max(LATEST_POST_DAYS, schedule.post_open_days))
        return attended.filter(~Exists(unmarked), session__ends_at__gt=recent)
    due = now - datetime.timedelta(days=schedule.follow_up_after_days)
    return attended.filter(
        session__ends_at__lte=due, session__ends_at__gt=due - datetime.timedelta(days=schedule.follow_up_open_days)
    )


def create_due_links(now: datetime.datetime | None = None) -> dict[str, int]:
    """Makes every survey link that is due. Returns how many of each kind were made."""
    now = now or timezone.now()
    made = dict.fromkeys(SurveyKind.values, 0)
    for programme, schedule, kinds in _programmes_with_surveys():
        for kind in SurveyKind.values:
            if kind not in kinds or (kind == SurveyKind.FOLLOW_UP and not schedule.follow_up_enabled):
                continue
            due = due_links(programme, schedule, kind, now).values_list("pk", "session__starts_at")
            links = []
            for registration_id, starts_at in due.iterator(chunk_size=BATCH):
                if kind == SurveyKind.PRE:
                    closes = starts_at
                elif kind == SurveyKind.POST:
                    closes = now + datetime.timedelta(days=schedule.post_open_days)
                else:
                    closes = now + datetime.timedelta(days=schedule.follow_up_open_days)
                links.append(SurveyLink(registration_id=registration_id, kind=kind, opens_at=now, closes_at=closes))
            created = SurveyLink.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
            made[kind] += len(created)
    return made


def _claim(queryset: QuerySet, field: str, now: datetime.datetime, kind: str) -> list[int]:
    """Stamps `field` on a batch of the queryset's links and queues their `kind` emails in the
    same transaction; returns their ids. A concurrent runner skips the rows this one holds."""
    from feedback import emails

    with transaction.atomic():
        locking = queryset.select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
        ids = list(locking.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if ids:
            SurveyLink.objects.filter(pk__in=ids, **{f"{field}__isnull": True}).update(**{field: now})
            emails.queue(kind, link_ids=ids)
    return ids


def unanswered() -> Exists:
    return ~Exists(Response.objects.filter(registration=OuterRef("registration"), kind=OuterRef("kind")))


def send_due(now: datetime.datetime | None = None) -> dict[str, int]:
    """Queues every link not yet sent, then every reminder that is due. Returns counts."""
    now = now or timezone.now()
    counts = {"links": 0, "reminders": 0}
    # Only links that still work: a place cancelled, a session cancelled or started (pre), or a
    # survey closed since the link was made would lead to the "cannot be answered" page.
    still_open = Q(
        kind=SurveyKind.PRE,
        registration__status=RegistrationStatus.CONFIRMED,
        registration__session__starts_at__gt=now,
    ) | (~Q(kind=SurveyKind.PRE) & Q(registration__status=RegistrationStatus.ATTENDED, closes_at__gt=now))
    to_send = (
        SurveyLink.objects.filter(sent_at__isnull=True, registration__session__status=SessionStatus.PUBLISHED)
        .filter(still_open)
        .filter(unanswered())
    )
    while ids := _claim(to_send, "sent_at", now, MessageKind.SURVEY_LINK):
        counts["links"] += len(ids)
    for programme, schedule, _kinds in _programmes_with_surveys():
        window = datetime.timedelta(hours=schedule.reminder_hours_before_close)
        reminders = (
            SurveyLink.objects.filter(
                registration__session__phase__programme=programme,
                sent_at__isnull=False,
                reminded_at__isnull=True,
            )
            .filter(unanswered())
            .filter(
                # The pre survey closes at the session's start; the others at closes_at.
                Q(kind=SurveyKind.PRE, registration__session__starts_at__gt=now)
                & Q(registration__session__starts_at__lte=now + window)
                & Q(sent_at__lt=F("registration__session__starts_at") - window)
                & Q(registration__status=RegistrationStatus.CONFIRMED)
                | ~Q(kind=SurveyKind.PRE)
                & Q(closes_at__gt=now, closes_at__lte=now + window, sent_at__lt=F("closes_at") - window)
                & Q(registration__status=RegistrationStatus.ATTENDED)
            )
        )
        while ids := _claim(reminders, "reminded_at", now, MessageKind.SURVEY_REMINDER):
            counts["reminders"] += len(ids)
    return counts


def run(now: datetime.datetime | None = None) -> dict[str, int]:
    """Everything the cron job does: make due links, send them, send due reminders."""
    made = create_due_links(now)
    sent = send_due(now)
    return {**{f"made_{kind}": count for kind, count in made.items()}, **sent}


@task()
def send_survey_emails_task() -> dict[str, int]:
    """The same as `manage.py send_survey_emails`, for the background worker."""
    return run()
