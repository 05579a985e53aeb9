"""The outbox: one row per email per recipient, written in the same transaction as the change
that causes it, so a message exists exactly when its reason does (outbox/sending.py sends them).

The outbox is the bottom of the dependency chain: it imports none of the other apps. What a
message is about is named by `about_type` (a model label such as "attendees.invitation") and
`about_id`; `session_id` lets organisers count a session's messages without a join.
"""

from django.db import models
from django.db.models import Q

from outbox.enums import MessageKind, MessageState


class Message(models.Model):
    kind = models.CharField(max_length=40, choices=MessageKind.choices)
    recipient = models.EmailField(max_length=254)
    about_type = models.CharField(max_length=100, blank=True)
    about_id = models.BigIntegerField(null=True, blank=True)
    session_id = models.BigIntegerField(null=True, blank=True)
    # Facts of the moment that cannot be worked out again when the email is written, e.g.
    # what a session change changed from and to.
    context = models.JSONField(default=dict, blank=True)
    # Emails handed over already written (kind "other"): Django's EmailMessage fields.
    content = models.JSONField(default=dict, blank=True)

    state = models.CharField(max_length=10, choices=MessageState.choices, default=MessageState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField()
    # A sender owns a claimed row until its lease ends; after that another sender may take it.
    lease_token = models.CharField(max_length=32, blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)

    subject = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sender's claim: queued rows due now, and rows whose lease has run out.
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["about_type", "about_id"], name="outbox_about"),
            models.Index(fields=["session_id", "state"], name="outbox_session_state"),
            models.Index(fields=["recipient"], name="outbox_recipient"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=MessageState.SENT) | Q(sent_at__isnull=False), name="outbox_sent_has_sent_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient}: {self.get_state_display()}"


class ScheduledRun(models.Model):
    """One row per periodic job per time slot (outbox/schedule.py). The unique constraint lets
    exactly one worker enqueue a job for a slot, however many workers there are."""

    job = models.CharField(max_length=60)
    slot = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.job} #{self.slot}"
