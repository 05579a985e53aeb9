from django.core.validators import MinValueValidator
from django.db import models

from evaluation.enums import Comparator, CriterionScope, Judgement, Metric
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
