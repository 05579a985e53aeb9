from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from evaluation.enums import Comparator, CriterionScope, ExtractStatus, Judgement, Metric
from summits.enums import PhaseKind
from summits.models import Programme


class SuccessCriterion(models.Model):
    """One of the programme's success criteria: a metric, a comparator and a threshold, for a
    selection (a phase, or the whole programme; as a whole or in every leadership group)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="success_criteria")
    metric = models.CharField(max_length=30, choices=Metric.choices)
    comparator = models.CharField(max_length=3, choices=Comparator.choices, default=Comparator.AT_LEAST)
    threshold = models.DecimalField(max_digits=10, decimal_places=2)
    phase = models.CharField(
        max_length=10, choices=PhaseKind.choices, blank=True, help_text="Leave blank for the whole programme."
    )
    scope = models.CharField(max_length=12, choices=CriterionScope.choices, default=CriterionScope.OVERALL)
    judged_on = models.CharField(max_length=10, choices=Judgement.choices, default=Judgement.POINT_ESTIMATE)
    order = models.PositiveSmallIntegerField(default=0, validators=[MinValueValidator(0)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "metric", "phase", "scope"], name="success_criterion_unique_per_selection"
            ),
        ]
        verbose_name_plural = "success criteria"

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return Metric(self.metric).label


class ResearchExtract(models.Model):
    """A record-level, pseudonymised research extract: one request, built by a background task
    (evaluation.tasks), downloaded by people with the download_research_extract permission
    only. Every request and download is in the audit log. Its participant keys are random and
    new in each extract, so two extracts cannot be linked."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="research_extracts")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="research_extracts"
    )
    selection = models.JSONField(default=dict, help_text="The filters: phase, theme, group, region, session.")
    selection_text = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=ExtractStatus.choices, default=ExtractStatus.PENDING)
    reason = models.CharField(max_length=200, blank=True, help_text="Why it was refused or failed.")
    participants = models.PositiveIntegerField(null=True, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)  # CSV, UTF-8
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        permissions = [
            ("download_research_extract", "Can request and download record-level research extracts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ready") | models.Q(content__isnull=False),
                name="research_extract_ready_has_content",
            ),
        ]

    def __str__(self) -> str:
        return f"Research extract {self.pk}: {self.programme}, {self.selection_text}"

    @property
    def deleted_after(self):
        """When the file is (or was) deleted: RESEARCH_EXTRACT_RETENTION_DAYS after it was built."""
        if self.finished_at is None:
            return None
        return self.finished_at + timedelta(days=settings.RESEARCH_EXTRACT_RETENTION_DAYS)
