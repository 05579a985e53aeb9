from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from summits.enums import (
    CostCategory,
    PhaseKind,
    PilotDecisionOutcome,
    Region,
    SessionAccess,
    SessionStatus,
    Theme,
)

session_code_validator = RegexValidator(
    r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$",
    "Enter a code of capital letters and numbers separated by hyphens, like PIL-POS-01.",
)


class Programme(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("manage_programme", "Can organise the programme: sessions, people, invitations"),
            ("view_outcomes", "Can read pseudonymised outcomes and export reports"),
        ]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(max_length=10, choices=PhaseKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    target_attendees = models.PositiveIntegerField(default=0, help_text="Prospective number of attendees.")

    class Meta:
        ordering = ["programme", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="phase_one_of_each_kind"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="phase_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.name}: {self.get_kind_display()}"

    def contains(self, start, end) -> bool:
        """Whether a session from start to end (aware datetimes) lies inside this phase's window."""
        tz = timezone.get_default_timezone()
        return self.starts_on <= start.astimezone(tz).date() and end.astimezone(tz).date() <= self.ends_on


class FocusArea(models.Model):
    """The six topics of the summits; seeded by a data migration."""

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.short_name


class Venue(models.Model):
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10, blank=True)
    region = models.CharField(max_length=40, choices=Region.choices)
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Largest room, if known.")
    accessibility = models.TextField(blank=True, help_text="Step-free access, hearing loops, parking.")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "town"], name="venue_unique_name_town")]

    def __str__(self) -> str:
        return f"{self.name}, {self.town}"


class Facilitator(models.Model):
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    network = models.CharField(
        max_length=200, blank=True, help_text="For example CIO/CCIO network, Leading Edge Forum, Skills for Care."
    )
    email = models.EmailField(blank=True)
    biography = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SessionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=SessionStatus.PUBLISHED)

    def listed(self):
        """Sessions the public may see: published, or cancelled after being published."""
        return self.filter(
            Q(status=SessionStatus.PUBLISHED) | Q(status=SessionStatus.CANCELLED, published_at__isnull=False)
        )

    def not_cancelled(self):
        return self.exclude(status=SessionStatus.CANCELLED)

    def upcoming(self, now=None):
        return self.filter(ends_at__gt=now or timezone.now())

    def overlapping(self, start, end):
        return self.filter(starts_at__lt=end, ends_at__gt=start)


class Session(models.Model):
    """One workshop. Cancelling keeps the row and its history; nothing is deleted."""

    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="sessions")
    code = models.CharField(max_length=20, unique=True, validators=[session_code_validator])
    theme = models.CharField(max_length=10, choices=Theme.choices)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    focus_areas = models.ManyToManyField(FocusArea, related_name="sessions", blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions")
    online_url = models.URLField("online joining link", max_length=500, blank=True)
    region = models.CharField(max_length=40, choices=Region.choices, blank=True)
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    # Why the capacity may be more than the venue holds; required when it is.
    capacity_override_reason = models.TextField(blank=True)
    # Confirmed places, kept by the attendees app with one conditional UPDATE per seat so
    # that capacity holds under simultaneous accepts (see attendees/services/places.py).
    places_taken = models.PositiveIntegerField(default=0, editable=False)
    access = models.CharField(max_length=20, choices=SessionAccess.choices, default=SessionAccess.INVITATION_ONLY)
    registration_opens_at = models.DateTimeField(null=True, blank=True)
    registration_closes_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=SessionStatus.choices, default=SessionStatus.DRAFT)
    cancellation_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    facilitators = models.ManyToManyField(Facilitator, related_name="sessions", blank=True)
    # Calendar SEQUENCE: raised whenever a published session's time or place changes, or it is cancelled.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "code"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="session_status_start"),
            models.Index(fields=["starts_at", "ends_at"], name="session_time_window"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_at_least_one"),
            models.CheckConstraint(
                condition=Q(places_taken__lte=F("capacity")), name="session_places_taken_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True) | Q(registration_closes_at__lte=F("starts_at")),
                name="session_registration_closes_by_start",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__lt=F("registration_closes_at")),
                name="session_registration_opens_before_close",
            ),
            models.CheckConstraint(
                condition=Q(venue__isnull=False) | ~Q(online_url=""), name="session_has_venue_or_online_link"
            ),
            models.CheckConstraint(
                condition=~Q(status=SessionStatus.CANCELLED) | ~Q(cancellation_reason=""),
                name="session_cancellation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    @property
    def places_left(self) -> int:
        return self.capacity - self.places_taken

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def effective_registration_closes_at(self):
        return self.registration_closes_at or self.starts_at

    @property
    def place(self) -> str:
        """Where it happens, in words: the venue, "Online", or both."""
        if self.venue_id and self.online_url:
            return f"{self.venue} and online"
        if self.venue_id:
            return str(self.venue)
        return "Online"


class CostLine(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="cost_lines")
    category = models.CharField(max_length=20, choices=CostCategory.choices)
    description = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        ordering = ["session", "category", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="cost_line_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.description}: £{self.amount}"


class PilotDecision(models.Model):
    """The go / go-with-changes / stop decision that follows the pilot evaluation."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="pilot_decision")
    outcome = models.CharField(max_length=20, choices=PilotDecisionOutcome.choices)
    rationale = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.programme}: {self.get_outcome_display()}"


class AuditEntry(models.Model):
    """Who did what to which object, and the fields before and after. Written by services."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_email = models.EmailField(blank=True, help_text="Kept if the account is later removed.")
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=250)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.object_repr}"
