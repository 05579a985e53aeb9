"""Finding the person a data protection request is about."""

from attendees.models import Person


def person_by_email(email: str) -> Person | None:
    """The person with this email, whatever its case; None when nobody has it."""
    return Person.objects.select_related("organisation", "user").filter(email__iexact=email.strip()).first()
