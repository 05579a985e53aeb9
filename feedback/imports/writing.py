"""Writing an answers import: all or nothing, in bulk, with one audit entry."""

from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from attendees.imports.checking import chunks
from config.imports import ImportFileError, ImportRejected
from feedback.enums import ResponseSource
from feedback.imports.checking import ResponsesImportPlan, check
from feedback.models import Answer, Response
from summits import audit

WRITE_BATCH = 2000


def _copy(model, columns: list[str], rows: Iterable[tuple]) -> None:
    """PostgreSQL: streams rows into the model's table with one COPY (constraints and indexes
    still apply). cursor.cursor is psycopg 3's own cursor, which has copy()."""
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _new_ids(model, count: int) -> list[int]:
    """PostgreSQL: `count` ids from the table's own sequence, for rows COPY will insert."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _create_responses(plan: ResponsesImportPlan) -> dict[tuple[int, str], int]:
    """Adds the plan's responses; returns their ids by (registration id, survey)."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        keys = list(plan.responses)
        ids = dict(zip(keys, _new_ids(Response, len(keys)), strict=True))
        _copy(
            Response,
            ["id", "registration_id", "kind", "questionnaire_id", "submitted_at", "source"],
            (
                (ids[key], key[0], key[1], questionnaire_id, now, ResponseSource.IMPORT.value)
                for key, questionnaire_id in plan.responses.items()
            ),
        )
        return ids
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


def _insert_answers(rows: Iterable[tuple[int, int, int | None, str]]) -> None:
    """Inserts (response id, item id, value, text) rows: one COPY on PostgreSQL (a hundred
    thousand in a fraction of a second), elsewhere one prepared INSERT executed for every row."""
    columns = ["response_id", "item_id", "value", "text"]
    if connection.vendor == "postgresql":
        _copy(Answer, columns, rows)
        return
    # Elsewhere one prepared INSERT run for every row (the driver loops in C): no model
    # instances, and no batches cut short by SQLite's limit on parameters per query.
    table = connection.ops.quote_name(Answer._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})", list(rows)
        )


def apply(*, plan: ResponsesImportPlan, actor, source: str = "") -> ResponsesImportPlan:
    """Imports the plan's answers: checks the rows again inside one transaction (the database
    may have changed since the preview) and writes nothing if any row is bad (raises
    ImportRejected). Records one audit entry with the counts. Returns the applied plan."""
    try:
        with transaction.atomic():
            plan = check(plan.rows)
            if plan.errors:
                raise ImportRejected(plan)
            ids = _create_responses(plan)
            _insert_answers(
                (ids[(answer.registration_id, answer.kind)], answer.item_id, answer.value, answer.text)
                for answer in plan.answers
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
