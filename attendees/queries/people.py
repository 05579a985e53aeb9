"""Reads for the organisers' people and leadership group pages. Each function owns its
select_related / prefetch_related, so a page's query count does not grow with its rows."""

from django.db.models import Count, Prefetch, Q, QuerySet

from attendees.models import GroupTarget, Invitation, LeadershipGroup, Organisation, Person, Registration
from attendees.queries.messages import with_email_state
from summits.models import Phase


def people(filters: dict | None = None) -> QuerySet[Person]:
    """People for the organisers' list. `q` matches every word against first name, last name,
    email or organisation; `group`, `region` and `organisation_type` narrow the list."""
    filters = filters or {}
    found = Person.objects.select_related("organisation").prefetch_related(
        Prefetch("groups", queryset=LeadershipGroup.objects.order_by("name"))
    )
    for word in (filters.get("q") or "").split():
        found = found.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    if filters.get("group"):
        found = found.filter(groups=filters["group"])
    if filters.get("region"):
        found = found.filter(organisation__region=filters["region"])
    if filters.get("organisation_type"):
        found = found.filter(organisation__type=filters["organisation_type"])
    return found.order_by("last_name", "first_name", "id")


def person(pk: int) -> Person:
    """One person with their organisation and groups. Raises Person.DoesNotExist."""
    return (
        Person.objects.select_related("organisation", "user")
        .prefetch_related(Prefetch("groups", queryset=LeadershipGroup.objects.order_by("name")))
        .get(pk=pk)
    )


def invitations_of(person: Person) -> QuerySet[Invitation]:
    """The person's invitations, soonest session first, each with its email's state."""
    return with_email_state(
        Invitation.objects.filter(person=person)
        .select_related("session__phase__programme")
        .order_by("session__starts_at", "session__code")
    )


def registrations_of(person: Person) -> QuerySet[Registration]:
    """Every registration of the person (cancelled ones too), soonest session first."""
    return (
        Registration.objects.filter(person=person)
        .select_related("session__phase__programme")
        .order_by("session__starts_at", "created_at", "id")
    )


def leadership_groups() -> QuerySet[LeadershipGroup]:
    """Every group with its number of people and its targets per phase."""
    return (
        LeadershipGroup.objects.annotate(people_count=Count("people", distinct=True))
        .prefetch_related(
            Prefetch(
                "targets",
                queryset=GroupTarget.objects.select_related("phase__programme").order_by(
                    "phase__programme__name", "phase__starts_on"
                ),
            )
        )
        .order_by("name")
    )


def phases() -> QuerySet[Phase]:
    """Every phase a group can have a target for, programme by programme."""
    return Phase.objects.select_related("programme").order_by("-programme__created_at", "programme_id", "starts_on")


def organisations() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name", "region")
