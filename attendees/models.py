import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from attendees.enums import ACTIVE, InvitationStatus, OrganisationType, RegistrationStatus
from summits.enums import Region
from summits.models import Phase, Session


def new_token() -> str:
    """192 random bits, URL-safe: unguessable links for invitations and calendar feeds."""
    return secrets.token_urlsafe(24)


class LeadershipGroup(models.Model):
    """Who a session is for, e.g. acute trust boards. Targets per phase are prospective numbers."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    # The sessions this group is a target audience of ("open to its target leadership groups").
    sessions = models.ManyToManyField(Session, related_name="target_groups", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupTarget(models.Model):
    group = models.ForeignKey(LeadershipGroup, on_delete=models.CASCADE, related_name="targets")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="group_targets")
    target = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "phase"], name="group_target_once_per_phase")]

    def __str__(self) -> str:
        return f"{self.group} {self.phase}: {self.target}"


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=30, choices=OrganisationType.choices)
    region = models.CharField(max_length=40, choices=Region.choices)
    ods_code = models.CharField("ODS code", max_length=10, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "region"], name="organisation_unique_name_region")]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A leader we may invite. Email is unique without regard to case (stored lower case)."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    groups = models.ManyToManyField(LeadershipGroup, related_name="people", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )
    # The secret in the personal calendar feed URL; resetting it breaks old subscriptions.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "people"
        constraints = [models.UniqueConstraint(Lower("email"), name="person_email_unique_any_case")]
        indexes = [models.Index(fields=["last_name", "first_name"], name="person_name")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Invitation(models.Model):
    """One person invited to one session. The link carries the id and a secret token."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, default=new_token)
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "person"]
        constraints = [models.UniqueConstraint(fields=["person", "session"], name="invitation_once_per_session")]
        indexes = [models.Index(fields=["session", "status"], name="invitation_session_status")]

    def __str__(self) -> str:
        return f"{self.person} → {self.session.code}"


class Registration(models.Model):
    """A person's place on a session. Waitlisted places are served first come, first served."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="registrations")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations")
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="registrations"
    )
    status = models.CharField(max_length=12, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Why an organiser cancelled the place; the person is told it.
    cancellation_reason = models.TextField(blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    # A secret for the attendee's own links in emails (cancel my place) — no sign-in needed.
    token = models.CharField(max_length=64, default=new_token)

    class Meta:
        ordering = ["session", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "session"],
                condition=Q(status__in=ACTIVE),
                name="registration_one_active_per_person_session",
            )
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"], name="registration_queue")]

    def __str__(self) -> str:
        return f"{self.person} on {self.session.code}: {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class ReminderSent(models.Model):
    """One row per reminder sent, so a reminder is never sent twice (database constraint)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "days_before"], name="reminder_once_per_registration")
        ]

    def __str__(self) -> str:
        return f"{self.days_before}-day reminder for registration {self.registration_id}"
