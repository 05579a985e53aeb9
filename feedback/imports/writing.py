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


def _insert(model, columns: list[str], rows: Iterable[tuple]) -> None:
    """Inserts plain rows into the model's table, constraints and indexes applying as ever. On
    PostgreSQL one COPY streams them (cursor.cursor is psycopg 3's own cursor, which has
    copy()); elsewhere one prepared INSERT runs for every row (the driver loops in C): no model
    instances, and no batches cut short by SQLite's limit on parameters per query."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", list(rows))


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
    submitted_at = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = ["registration_id", "kind", "questionnaire_id", "submitted_at", "source"]
    rows = [
        (registration_id, kind, questionnaire_id, submitted_at, ResponseSource.IMPORT.value)
        for (registration_id, kind), questionnaire_id in plan.responses.items()
    ]
    if connection.vendor == "postgresql":
        # COPY returns no ids: take them from the sequence first.
        ids = _new_ids(Response, len(rows))
        _insert(Response, ["id", *columns], [(pk, *row) for pk, row in zip(ids, rows, strict=True)])
        return dict(zip(plan.responses, ids, strict=True))
    _insert(Response, columns, rows)
    ids = {}
    for chunk in chunks(sorted({registration_id for registration_id, _ in plan.responses})):
        found = Response.objects.filter(registration_id__in=chunk).values_list("registration_id", "kind", "pk")
        ids.update(((registration_id, kind), pk) for registration_id, kind, pk in found)
    return ids


def _insert_answers(rows: Iterable[tuple[int, int, int | None, str]]) -> None:
    """Inserts (response id, item id, value, text) rows."""
    _insert(Answer, ["response_id", "item_id", "value", "text"], rows)


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
