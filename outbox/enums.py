from django.db import models


class MessageState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # Its turn came when it was no longer wanted (an invitation to a session since cancelled,
    # a reminder for a place since given up): not sent, on purpose, with the reason.
    SKIPPED = "skipped", "Not needed"


class MessageKind(models.TextChoices):
    """Every email the service sends. The apps that send them register how each is written
    (outbox.registry); this list only names them, so the outbox imports none of those apps."""

    INVITATION = "invitation", "Invitation"
    REGISTRATION_CONFIRMED = "registration_confirmed", "Place confirmed"
    REGISTRATION_WAITLISTED = "registration_waitlisted", "On the waiting list"
    REGISTRATION_PROMOTED = "registration_promoted", "Place from the waiting list"
    REGISTRATION_CANCELLED = "registration_cancelled", "Place cancelled"
    SESSION_CHANGED = "session_changed", "Session changed"
    SESSION_CANCELLED = "session_cancelled", "Session cancelled"
    REMINDER = "reminder", "Reminder"
    SURVEY_LINK = "survey_link", "Survey link"
    SURVEY_REMINDER = "survey_reminder", "Survey reminder"
    STAFF_WELCOME = "staff_welcome", "Staff welcome"
    # Any other email handed to Django's mail API (sign-in codes): stored as written.
    OTHER = "other", "Other"
