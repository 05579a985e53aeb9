"""Writing an import: all or nothing, in bulk, with one audit entry."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from attendees.imports.checking import (
    PERSON_COLUMNS,
    ImportPlan,
    Membership,
    PersonRow,
    PersonUpdate,
    check,
    chunks,
    existing_organisations,
)
from attendees.models import Organisation, Person
from config.imports import ImportFileError, ImportRejected
from summits import audit

WRITE_BATCH = 1000


def _organisation_ids(plan: ImportPlan) -> dict[tuple[str, str], int]:
    ids = dict(plan.organisation_ids)
    if plan.new_organisations:
        Organisation.objects.bulk_create(
            [Organisation(name=key.name, region=key.region, type=key.type) for key in plan.new_organisations],
            batch_size=WRITE_BATCH,
            ignore_conflicts=True,  # created a moment ago by someone else: use theirs
        )
        ids.update(existing_organisations(plan.new_organisations))
    return ids


def _memberships(person_id: int, row: PersonRow) -> list:
    return [Membership(person_id=person_id, leadershipgroup_id=group.pk) for group in row.groups]


def _create_people(rows: list[PersonRow], organisation_ids: dict[tuple[str, str], int]) -> None:
    people = Person.objects.bulk_create(
        [
            Person(
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
                job_title=row.job_title,
                organisation_id=organisation_ids[row.organisation.match] if row.organisation else None,
            )
            for row in rows
        ],
        batch_size=WRITE_BATCH,
    )
    if any(person.pk is None for person in people):  # databases that cannot return ids from a bulk insert
        ids = {}
        for chunk in chunks([row.email for row in rows]):
            ids.update(Person.objects.filter(email__in=chunk).values_list("email", "pk"))
    else:
        ids = {person.email: person.pk for person in people}
    Membership.objects.bulk_create(
        [membership for row in rows for membership in _memberships(ids[row.email], row)], batch_size=WRITE_BATCH
    )


def _update_people(updates: list[PersonUpdate], organisation_ids: dict[tuple[str, str], int]) -> None:
    # Only the columns some row changes: bulk_update's CASE expressions cost per column.
    columns = sorted({PERSON_COLUMNS[change.field] for update in updates for change in update.changes} - {None})
    if columns:
        Person.objects.bulk_update(
            [
                Person(
                    pk=update.person_id,
                    first_name=update.row.first_name,
                    last_name=update.row.last_name,
                    job_title=update.row.job_title,
                    organisation_id=(
                        organisation_ids[update.row.organisation.match] if update.row.organisation else None
                    ),
                )
                for update in updates
            ],
            columns,
            batch_size=WRITE_BATCH,
        )
    now = timezone.now()
    for chunk in chunks([update.person_id for update in updates]):
        Person.objects.filter(pk__in=chunk).update(updated_at=now)
    regrouped = [update for update in updates if update.groups_changed]
    for chunk in chunks([update.person_id for update in regrouped]):
        Membership.objects.filter(person_id__in=chunk).delete()
    Membership.objects.bulk_create(
        [membership for update in regrouped for membership in _memberships(update.person_id, update.row)],
        batch_size=WRITE_BATCH,
    )


def apply(*, plan: ImportPlan, actor, source: str = "") -> ImportPlan:
    """Imports the plan's rows: checks them again inside one transaction (the database may have
    changed since the preview) and writes nothing if any row is bad (raises ImportRejected).
    Records one audit entry with the counts. Returns the plan that was applied."""
    try:
        with transaction.atomic():
            plan = check(plan.rows)
            if plan.errors:
                raise ImportRejected(plan)
            organisation_ids = _organisation_ids(plan)
            if plan.to_create:
                _create_people(plan.to_create, organisation_ids)
            if plan.to_update:
                _update_people(plan.to_update, organisation_ids)
            audit.record(
                actor=actor,
                action="person.import",
                object_type="person",
                object_repr=f"Import of people from {source or 'a file'}",
                after={
                    "file": source,
                    "rows": len(plan.rows),
                    "created": len(plan.to_create),
                    "updated": len(plan.to_update),
                    "unchanged": len(plan.unchanged),
                    "organisations_created": len(plan.new_organisations),
                },
            )
    except IntegrityError:
        # Someone added one of these people between our check and our insert.
        raise ImportFileError(
            "Someone changed these people while the import ran. Nothing was imported: try again"
        ) from None
    return plan
