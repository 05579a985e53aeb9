from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from attendees.models import Registration, new_token
from feedback.enums import ItemPurpose, ItemType, ResponseSource, SurveyKind
from summits.models import FocusArea, Programme

item_code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$",
    "Enter a code of lower-case letters, numbers and underscores that starts with a letter, like conf_overall.",
)


class SurveySchedule(models.Model):
    """When a programme's survey links go out and close. One per programme, created with the
    defaults the first time the programme's surveys are set up."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="survey_schedule")
    post_open_days = models.PositiveSmallIntegerField(
        "Days the post survey stays open", default=14, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    follow_up_enabled = models.BooleanField("Send a follow-up survey", default=True)
    follow_up_after_days = models.PositiveSmallIntegerField(
        "Days after the session the follow-up goes out",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    follow_up_open_days = models.PositiveSmallIntegerField(
        "Days the follow-up stays open", default=28, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    reminder_hours_before_close = models.PositiveSmallIntegerField(
        "Hours before a survey closes that non-respondents are reminded",
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )

    def __str__(self) -> str:
        return f"Survey schedule for {self.programme}"


class Questionnaire(models.Model):
    """One version of a programme's pre, post or follow-up questionnaire. Versions are never
    edited once answered: a change then makes the next version, and each response keeps the
    version it answered. The current questionnaire is the highest version."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="questionnaires")
    kind = models.CharField(max_length=10, choices=SurveyKind.choices)
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind", "version"], name="questionnaire_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="questionnaire_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class Item(models.Model):
    """One question. Its code is stable across versions and surveys: the same code in the pre
    and post questionnaires is what pairs a person's answers."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=40, validators=[item_code_validator])
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField("Question", max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    type = models.CharField(max_length=12, choices=ItemType.choices)
    purpose = models.CharField(max_length=15, choices=ItemPurpose.choices, default=ItemPurpose.OTHER)
    required = models.BooleanField(default=True)
    # For confidence and retrospective items: what they measure ("overall", "assurance", or
    # a focus area's domain "focus_N").
    domain = models.CharField(max_length=20, blank=True)
    focus_area = models.ForeignKey(FocusArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # For a retrospective (then-test) item: the code of the confidence item it mirrors.
    retrospective_of = models.CharField(max_length=40, blank=True)
    # The labelled points of a 5-point or single-choice question, lowest value first.
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["questionnaire", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="item_code_unique_in_questionnaire"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"

    @property
    def value_range(self) -> tuple[int, int]:
        """The lowest and highest numeric answer (text questions have none)."""
        if self.type == ItemType.SCALE_0_10:
            return 0, 10
        if self.type == ItemType.YES_NO:
            return 0, 1
        if self.type in (ItemType.LIKERT, ItemType.CHOICE):
            return 1, len(self.choices)
        raise ValueError("A free-text question has no numeric range")

    def labelled_points(self) -> list[tuple[int, str]]:
        """(value, label) for each answer a radio question offers."""
        if self.type == ItemType.SCALE_0_10:
            return [(value, str(value)) for value in range(11)]
        if self.type == ItemType.YES_NO:
            return [(1, "Yes"), (0, "No")]
        return [(value, label) for value, label in enumerate(self.choices, start=1)]


class SurveyLink(models.Model):
    """One registration's link to one survey. Opens without signing in: the URL carries the
    id and a secret token (192 random bits), as invitation links do."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="survey_links")
    kind = models.CharField(max_length=10, choices=SurveyKind.choices)
    token = models.CharField(max_length=64, default=new_token)
    opens_at = models.DateTimeField()
    # For the pre survey this is the session's start when the link was made; the page checks
    # the session's current start, so a rescheduled session moves the close with it.
    closes_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="one_survey_link_per_registration"),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="survey_link_window"),
        ]
        indexes = [models.Index(fields=["kind", "sent_at"], name="survey_link_sending")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} link for registration {self.registration_id}"


class Response(models.Model):
    """One registration's answers to one survey (at most one per survey: database constraint)."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="survey_responses")
    kind = models.CharField(max_length=10, choices=SurveyKind.choices)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    submitted_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=ResponseSource.choices, default=ResponseSource.WEB)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="one_response_per_registration_survey"),
        ]
        indexes = [models.Index(fields=["questionnaire", "kind"], name="response_questionnaire_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} response for registration {self.registration_id}"


class Answer(models.Model):
    """One answer: a number for scales, yes/no (1/0) and choices (1…n); text for free text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_item"),
            models.CheckConstraint(condition=Q(value__isnull=False) | ~Q(text=""), name="answer_has_a_value"),
        ]
        indexes = [models.Index(fields=["item", "value"], name="answer_item_value")]

    def __str__(self) -> str:
        return f"{self.item.code} = {self.value if self.value is not None else self.text}"

    @property
    def display(self) -> str:
        """The answer as the person chose it: the point's label, "7 out of 10", or the text."""
        if self.value is None:
            return self.text
        if self.item.type == ItemType.SCALE_0_10:
            return f"{self.value} out of 10"
        return dict(self.item.labelled_points()).get(self.value, str(self.value))
