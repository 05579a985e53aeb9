"""Writes for the evaluation: the programme's success criteria (the only thing evaluators may
change; they never edit programme data), and research extracts (requested, built, downloaded)."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from evaluation.enums import METRICS_WITH_CI, CriterionScope, ExtractStatus, Judgement, Metric
from evaluation.models import ResearchExtract, SuccessCriterion
from summits import audit
from summits.models import Programme

FIELDS = ["metric", "comparator", "threshold", "phase", "scope", "judged_on"]
PERCENT_METRICS = {
    Metric.PCT_IMPROVED,
    Metric.ATTENDANCE_RATE,
    Metric.POST_RESPONSE_RATE,
    Metric.PCT_GOOD_EXPERIENCE,
    Metric.PCT_OF_TARGET,
    Metric.MATCH_RATE,
}


def _check(criterion: SuccessCriterion) -> None:
    errors = {}
    threshold = criterion.threshold
    if criterion.metric in PERCENT_METRICS and not Decimal(0) <= threshold <= Decimal(100):
        errors["threshold"] = "Enter a percentage from 0 to 100"
    elif criterion.metric in (Metric.MEAN_CHANGE_OVERALL, Metric.MEAN_CHANGE_SCALE) and not (
        Decimal(-4) <= threshold <= Decimal(4)
    ):
        errors["threshold"] = "Enter a change from -4 to 4 points (the scale runs from 1 to 5)"
    elif criterion.metric == Metric.NPS and not Decimal(-100) <= threshold <= Decimal(100):
        errors["threshold"] = "Enter a Net Promoter Score from -100 to 100"
    elif criterion.metric == Metric.COST_PER_ATTENDEE and threshold < 0:
        errors["threshold"] = "Enter a cost of £0 or more"
    if criterion.metric == Metric.PCT_OF_TARGET and criterion.scope != CriterionScope.EVERY_GROUP:
        errors["scope"] = "Targets are set per leadership group: choose every leadership group"
    if criterion.metric == Metric.COST_PER_ATTENDEE and criterion.scope == CriterionScope.EVERY_GROUP:
        errors["scope"] = "Costs are not recorded per leadership group: choose the selection as a whole"
    if criterion.judged_on == Judgement.WITH_CONFIDENCE and criterion.metric not in METRICS_WITH_CI:
        errors["judged_on"] = "This measure has no confidence interval: judge it on its point estimate"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_criterion(*, actor, programme: Programme, criterion: SuccessCriterion) -> SuccessCriterion:
    """Adds or changes a criterion (one per measure, phase and scope). Audit-logged."""
    _check(criterion)
    creating = criterion.pk is None
    before = None if creating else audit.snapshot(SuccessCriterion.objects.get(pk=criterion.pk), FIELDS)
    criterion.programme = programme
    if creating:
        last = SuccessCriterion.objects.filter(programme=programme).order_by("-order").first()
        criterion.order = (last.order + 1) if last else 1
    try:
        with transaction.atomic():
            criterion.save()
    except IntegrityError:
        raise ValidationError(
            {"metric": "The programme already has a criterion on this measure for this phase and scope"}
        ) from None
    audit.record(
        actor=actor,
        action="criterion.created" if creating else "criterion.changed",
        object_type="success criterion",
        object_repr=f"{criterion.name} ({programme})",
        before=before,
        after=audit.snapshot(criterion, FIELDS),
    )
    return criterion


@transaction.atomic
def delete_criterion(*, actor, criterion: SuccessCriterion) -> None:
    audit.record(
        actor=actor,
        action="criterion.deleted",
        object_type="success criterion",
        object_repr=f"{criterion.name} ({criterion.programme})",
        before=audit.snapshot(criterion, FIELDS),
    )
    criterion.delete()


# Research extracts ------------------------------------------------------------------------------

EXTRACT_PERMISSION = "evaluation.download_research_extract"


class ExtractRefused(Exception):
    """The user may not have a research extract (no permission, or it is not ready)."""


class ExtractDeleted(ExtractRefused):
    """The extract's file was deleted when its retention period ended."""


def _extract_audit(actor, action: str, extract: ResearchExtract, **after) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=extract,
        after={"programme": extract.programme.slug, "selection": extract.selection_text} | after,
    )


@transaction.atomic
def request_extract(*, actor, programme: Programme, filters) -> ResearchExtract:
    """Records the request (audit-logged) and builds the extract in a background task after commit."""
    from evaluation.tasks import build_research_extract

    if not actor.has_perm(EXTRACT_PERMISSION):
        raise ExtractRefused("You do not have permission to request research extracts")
    extract = ResearchExtract.objects.create(
        programme=programme,
        requested_by=actor,
        selection={name: value for name, value in vars(filters).items() if value},
        selection_text=filters.describe(),
    )
    _extract_audit(actor, "research_extract.requested", extract)
    transaction.on_commit(lambda: build_research_extract.enqueue(extract.pk))
    return extract


def build_extract(*, extract_id: int) -> ResearchExtract:
    """Builds a requested extract (the background task's work): ready with its CSV, or refused
    for fewer than 8 participants, or failed with the reason. Runs once per request."""
    from evaluation import extracts
    from evaluation.data import load_frames
    from evaluation.reporting import Filters

    with transaction.atomic():
        extract = ResearchExtract.objects.select_for_update().select_related("programme").get(pk=extract_id)
        if extract.status != ExtractStatus.PENDING:
            return extract
    try:
        built = extracts.build_extract(load_frames(extract.programme), Filters(**extract.selection))
    except extracts.TooFewParticipants as refused:
        extract.status, extract.reason = ExtractStatus.REFUSED, str(refused)
    except Exception:
        extract.status, extract.reason, extract.finished_at = (
            ExtractStatus.FAILED,
            "It could not be built",
            timezone.now(),
        )
        extract.save(update_fields=["status", "reason", "finished_at"])
        raise  # the task backend records the error
    else:
        extract.status, extract.content = ExtractStatus.READY, built.content
        extract.participants, extract.rows = built.participants, built.rows
    extract.finished_at = timezone.now()
    extract.save(update_fields=["status", "reason", "content", "participants", "rows", "finished_at"])
    return extract


@transaction.atomic
def delete_extract_files(*, extracts: Iterable[ResearchExtract], kept_days: int) -> int:
    """Deletes the record-level file of each extract still ready (its retention period has run
    out): the extract becomes "expired" and cannot be downloaded; the request, its selection and
    its audit entries stay. One audit entry per extract. Returns how many were deleted."""
    chosen = list(
        ResearchExtract.objects.select_for_update()
        .filter(pk__in=[extract.pk for extract in extracts], status=ExtractStatus.READY)
        .select_related("programme")
        .defer("content")
        .order_by("pk")
    )
    reason = f"Kept for {kept_days} days"
    for extract in chosen:
        _extract_audit(None, "research_extract.deleted", extract, reason=reason)
    ResearchExtract.objects.filter(pk__in=[extract.pk for extract in chosen]).update(
        status=ExtractStatus.EXPIRED, content=None, reason=reason
    )
    return len(chosen)


@transaction.atomic
def download_extract(*, actor, extract: ResearchExtract) -> bytes:
    """The extract's CSV for someone with the permission; every download is audit-logged."""
    if not actor.has_perm(EXTRACT_PERMISSION):
        raise ExtractRefused("You do not have permission to download research extracts")
    if extract.status == ExtractStatus.EXPIRED:
        raise ExtractDeleted(f"Its file was deleted when its retention period ended ({extract.reason.lower()})")
    if extract.status != ExtractStatus.READY:
        raise ExtractRefused("This research extract is not ready to download")
    _extract_audit(actor, "research_extract.downloaded", extract, participants=extract.participants)
    return bytes(extract.content)
