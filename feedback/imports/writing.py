"""Writing an answers import: all or nothing, in bulk, with one audit entry."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from attendees.imports.checking import chunks
from attendees.imports.reading import ImportFileError
from feedback.enums import ResponseSource
from feedback.imports.checking import ResponsesImportPlan, check
from feedback.models import Answer, Response
from summits import audit

WRITE_BATCH = 2000


class ResponsesRejected(Exception):
    """apply() found bad rows (or the database changed since the check) and wrote nothing."""

    def __init__(self, plan: ResponsesImportPlan):
        super().__init__(f"{plan.bad_row_count} bad rows: nothing was imported")
        self.plan = plan


def _create_responses(plan: ResponsesImportPlan) -> dict[tuple[int, str], int]:
    """Adds the plan's responses; returns their ids by (registration id, survey)."""
    now = timezone.now()
    responses = Response.objects.bulk_create(
        [
            Response(
                registration_id=registration_id,
                kind=kind,
                questionnaire_id=questionnaire_id,
                submitted_at=now,
                source=ResponseSource.IMPORT,
            )
            for (registration_id, kind), questionnaire_id in plan.responses.items()
        ],
        batch_size=WRITE_BATCH,
    )
    if all(response.pk is not None for response in responses):
        return {(response.registration_id, response.kind): response.pk for response in responses}
    ids = {}  # a database that cannot return ids from a bulk insert
    for chunk in chunks(sorted({registration_id for registration_id, _ in plan.responses})):
        found = Response.objects.filter(registration_id__in=chunk).values_list("registration_id", "kind", "pk")
        ids.update(((registration_id, kind), pk) for registration_id, kind, pk in found)
    return ids


def apply(*, plan: ResponsesImportPlan, actor, source: str = "") -> ResponsesImportPlan:
    """Imports the plan's answers: checks the rows again inside one transaction (the database
    may have changed since the preview) and writes nothing if any row is bad (raises
    ResponsesRejected). Records one audit entry with the counts. Returns the applied plan."""
    try:
        with transaction.atomic():
            plan = check(plan.rows)
            if plan.errors:
                raise ResponsesRejected(plan)
            ids = _create_responses(plan)
            # Positional arguments (id, response, item, value, text): the quick way to make
            # a hundred thousand model instances.
            Answer.objects.bulk_create(
                [
                    Answer(None, ids[(answer.registration_id, answer.kind)], answer.item_id, answer.value, answer.text)
                    for answer in plan.answers
                ],
                batch_size=WRITE_BATCH,
            )
            audit.record(
                actor=actor,
                action="responses.import",
                object_type="questionnaire",
                object_repr=f"Import of survey answers from {source or 'a file'}",
                after={
                    "file": source,
                    "rows": len(plan.rows),
                    "responses": plan.response_count,
                    "answers": len(plan.answers),
                    **plan.counts(),
                },
            )
    except IntegrityError:
        # Someone answered online between our check and our insert.
        raise ImportFileError(
            "Someone answered one of these surveys while the import ran. Nothing was imported: try again"
        ) from None
    return plan
