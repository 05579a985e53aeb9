"""Reads for the evaluation's own records (research extracts); the figures are evaluation.data's."""

from datetime import datetime

from django.db.models import QuerySet

from evaluation.enums import ExtractStatus
from evaluation.models import ResearchExtract


def extracts_built_before(cutoff: datetime) -> QuerySet[ResearchExtract]:
    """Ready research extracts built before `cutoff` (their files, not loaded, are what the
    retention purge deletes)."""
    return (
        ResearchExtract.objects.filter(status=ExtractStatus.READY, finished_at__lt=cutoff)
        .select_related("programme")
        .defer("content")
        .order_by("pk")
    )
