"""Checking every row of an import and comparing the good ones with the database."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Lower

from attendees.enums import OrganisationType
from attendees.models import LeadershipGroup, Organisation, Person
from config.imports import RowError, SourceRow
from summits.enums import Region

GROUP_SEPARATOR = ";"
# Rows looked up per query: well inside every database's limit on query parameters.
LOOKUP_CHUNK = 2000

Membership = Person.groups.through


def _words(text: str) -> str:
    """Case, spaces, underscores and hyphens do not matter: "north_west" is "North West"."""
    return " ".join(re.sub(r"[_\-]", " ", text).split()).casefold()


REGIONS = {_words(value): value for value in Region.values} | {_words(label): value for value, label in Region.choices}
ORGANISATION_TYPES = (
    {_words(value): value for value in OrganisationType.values}
    | {_words(label): value for value, label in OrganisationType.choices}
    | {"ccg": OrganisationType.ICB, "charity": OrganisationType.CHARITY}
)
MAX_LENGTHS = {
    "first_name": ("first name", Person._meta.get_field("first_name").max_length),
    "last_name": ("last name", Person._meta.get_field("last_name").max_length),
    "job_title": ("job title", Person._meta.get_field("job_title").max_length),
    "organisation": ("organisation", Organisation._meta.get_field("name").max_length),
}


@dataclass(frozen=True)
class OrganisationKey:
    """An organisation as the file names it. Organisations are told apart by name (any case)
    and region; the type is used when the organisation is new."""

    name: str
    region: str
    type: str

    @property
    def match(self) -> tuple[str, str]:
        return self.name.casefold(), self.region

    def __str__(self) -> str:
        return f"{self.name} ({Region(self.region).label})"


@dataclass
class PersonRow:
    """A good row, cleaned: email in lower case, groups as LeadershipGroup objects."""

    row: int
    email: str
    first_name: str
    last_name: str
    job_title: str
    organisation: OrganisationKey | None
    groups: list[LeadershipGroup]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def group_names(self) -> str:
        return "; ".join(group.name for group in self.groups)


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


# The Person column behind each change (group memberships are rows of their own).
PERSON_COLUMNS = {
    "First name": "first_name",
    "Last name": "last_name",
    "Job title": "job_title",
    "Organisation": "organisation",
    "Leadership groups": None,
}


@dataclass
class PersonUpdate:
    person_id: int
    row: PersonRow
    changes: list[FieldChange]
    groups_changed: bool


@dataclass
class ImportPlan:
    """What importing the rows would do. Nothing may be written while `errors` is not empty."""

    rows: list[SourceRow]
    to_create: list[PersonRow] = field(default_factory=list)
    to_update: list[PersonUpdate] = field(default_factory=list)
    unchanged: list[PersonRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new_organisations: list[OrganisationKey] = field(default_factory=list)
    # Existing organisations the rows name, by OrganisationKey.match.
    organisation_ids: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def bad_row_count(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def import_count(self) -> int:
        """People the import would add or change."""
        return len(self.to_create) + len(self.to_update)

    def report(self) -> list[str]:
        """The plan in lines of text: counts, then every bad row."""
        lines = [
            f"Rows read: {len(self.rows)}",
            f"To create: {len(self.to_create)}",
            f"To update: {len(self.to_update)}",
            f"Unchanged: {len(self.unchanged)}",
            f"New organisations: {len(self.new_organisations)}",
            f"Bad rows: {self.bad_row_count}",
        ]
        return lines + [str(error) for error in self.errors]


def chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_email(text: str) -> tuple[str, str | None]:
    """The address in lower case, and the problem with it if there is one."""
    email = text.lower()
    if not email:
        return email, "missing email address"
    try:
        validate_email(email)
    except ValidationError:
        return email, f"email address '{text}' is not valid"
    return email, None


def _check_row(
    source: SourceRow, groups_by_name: dict[str, LeadershipGroup]
) -> tuple[PersonRow | None, list[str], str | None]:
    """The cleaned row (None if it has problems), its problems, and its email if that is valid."""
    values = {column: value or "" for column, value in source.values.items()}
    problems = []
    email, problem = _check_email(values["email"])
    if problem:
        problems.append(problem)
    for column in ("first_name", "last_name"):
        if not values[column]:
            problems.append(f"missing {MAX_LENGTHS[column][0]}")
    for column, (words, limit) in MAX_LENGTHS.items():
        if len(values[column]) > limit:
            problems.append(f"{words} is longer than {limit} characters")

    region = REGIONS.get(_words(values["region"])) if values["region"] else ""
    if region is None:
        problems.append(f"unknown region '{values['region']}'")
    organisation_type = (
        ORGANISATION_TYPES.get(_words(values["organisation_type"])) if values["organisation_type"] else ""
    )
    if organisation_type is None:
        problems.append(f"unknown organisation type '{values['organisation_type']}'")
    organisation = None
    if values["organisation"]:
        if not values["region"]:
            problems.append(f"missing region for organisation '{values['organisation']}'")
        if not values["organisation_type"]:
            problems.append(f"missing organisation type for organisation '{values['organisation']}'")
        if region and organisation_type:
            organisation = OrganisationKey(" ".join(values["organisation"].split()), region, organisation_type)
    elif values["region"] or values["organisation_type"]:
        problems.append("missing organisation (the row gives a region or organisation type)")

    groups = {}
    for name in values["leadership_groups"].split(GROUP_SEPARATOR):
        if not name.strip():
            continue
        group = groups_by_name.get(_words(name))
        if group is None:
            problems.append(f"unknown leadership group '{name.strip()}'")
        else:
            groups[group.pk] = group
    valid_email = None if problem else email
    if problems:
        return None, problems, valid_email
    person = PersonRow(
        row=source.number,
        email=email,
        first_name=values["first_name"],
        last_name=values["last_name"],
        job_title=values["job_title"],
        organisation=organisation,
        groups=sorted(groups.values(), key=lambda group: group.name),
    )
    return person, [], valid_email


@dataclass(frozen=True)
class _Stored:
    """A person as the database holds them: plain values, as there may be many thousands."""

    pk: int
    first_name: str
    last_name: str
    job_title: str
    organisation_id: int | None
    organisation: str


def _existing_people(emails: list[str]) -> tuple[dict[str, _Stored], dict[int, set[int]]]:
    people, memberships = {}, {}
    for chunk in chunks(emails):
        # Lower(email) is what the unique index holds, so the lookup uses it.
        found = (
            Person.objects.annotate(lower_email=Lower("email"))
            .filter(lower_email__in=chunk)
            .order_by()
            .values_list(
                "pk",
                "lower_email",
                "first_name",
                "last_name",
                "job_title",
                "organisation_id",
                "organisation__name",
                "organisation__region",
            )
        )
        for pk, email, first_name, last_name, job_title, organisation_id, name, region in found:
            label = f"{name} ({Region(region).label})" if organisation_id else ""
            people[email] = _Stored(pk, first_name, last_name, job_title, organisation_id, label)
            memberships[pk] = set()
    for chunk in chunks(list(memberships)):
        for person_id, group_id in Membership.objects.filter(person_id__in=chunk).values_list(
            "person_id", "leadershipgroup_id"
        ):
            memberships[person_id].add(group_id)
    return people, memberships


def existing_organisations(keys: list[OrganisationKey]) -> dict[tuple[str, str], int]:
    """Ids of the organisations the keys name, matched by name in any case and region."""
    wanted = {key.match for key in keys}
    names = sorted({key.name for key in keys})
    found = {}
    for chunk in chunks(names):
        lowered = sorted({name.lower() for name in chunk})
        candidates = (
            Organisation.objects.annotate(lower_name=Lower("name"))
            .filter(Q(name__in=chunk) | Q(lower_name__in=lowered))
            .order_by("pk")
            .values_list("pk", "name", "region")
        )
        for pk, name, region in candidates:
            match = (name.casefold(), region)
            if match in wanted:
                found.setdefault(match, pk)
    return found


def check(rows: list[SourceRow]) -> ImportPlan:
    """Validates every row and compares the good ones with the database. Writes nothing."""
    plan = ImportPlan(rows=rows)
    groups_by_name = {_words(group.name): group for group in LeadershipGroup.objects.all()}
    group_names = {group.pk: group.name for group in groups_by_name.values()}
    good: list[PersonRow] = []
    first_row_of_email: dict[str, int] = {}
    for source in rows:
        person, problems, email = _check_row(source, groups_by_name)
        if email in first_row_of_email:
            problems.append(f"duplicate email '{email}': also on row {first_row_of_email[email]}")
            person = None
        elif email:
            first_row_of_email[email] = source.number
        plan.errors.extend(RowError(source.number, problem) for problem in problems)
        if person is not None:
            good.append(person)

    keys = list({person.organisation.match: person.organisation for person in good if person.organisation}.values())
    plan.organisation_ids = existing_organisations(keys)
    plan.new_organisations = [key for key in keys if key.match not in plan.organisation_ids]
    people, memberships = _existing_people([person.email for person in good])
    # An optional column the file leaves out is not compared: existing people keep their values.
    present = {column for column, value in rows[0].values.items() if value is not None} if rows else set()
    compared = [("first_name", "First name"), ("last_name", "Last name")]
    if "job_title" in present:
        compared.append(("job_title", "Job title"))

    for row in good:
        existing = people.get(row.email)
        if existing is None:
            plan.to_create.append(row)
            continue
        changes = [
            FieldChange(label, getattr(existing, name), getattr(row, name))
            for name, label in compared
            if getattr(existing, name) != getattr(row, name)
        ]
        organisation_id = plan.organisation_ids.get(row.organisation.match) if row.organisation else None
        if "organisation" in present and (
            existing.organisation_id != organisation_id or (row.organisation and organisation_id is None)
        ):
            changes.append(FieldChange("Organisation", existing.organisation, str(row.organisation or "")))
        before_groups = memberships[existing.pk]
        after_groups = {group.pk for group in row.groups} if "leadership_groups" in present else before_groups
        if before_groups != after_groups:
            changes.append(
                FieldChange(
                    "Leadership groups",
                    "; ".join(sorted(group_names.get(pk, "") for pk in before_groups)),
                    row.group_names,
                )
            )
        if changes:
            plan.to_update.append(
                PersonUpdate(
                    person_id=existing.pk, row=row, changes=changes, groups_changed=before_groups != after_groups
                )
            )
        else:
            plan.unchanged.append(row)
    plan.errors.sort(key=lambda error: error.row)
    return plan
