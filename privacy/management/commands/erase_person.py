from django.core.management.base import BaseCommand, CommandError

from privacy import queries, services


class Command(BaseCommand):
    help = (
        "Erases the person with EMAIL: their name, email, job title and account go; their invitations, "
        "registrations and survey answers stay as an anonymous person's, so every count stays the same. "
        "Asks for confirmation unless --yes is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, email: str, yes: bool, **options):
        person = queries.person_by_email(email)
        if person is None:
            raise CommandError(f"Nobody has the email address {email!r}.")
        if services.is_erased(person):
            raise CommandError("That person has already been erased.")
        if not yes:
            self.stdout.write(
                f"This erases {person.full_name} <{person.email}> for good: "
                f"{person.invitations.count()} invitations and {person.registrations.count()} registrations "
                "are kept anonymously. It cannot be undone."
            )
            try:
                answer = input("Type 'erase' to erase this person: ")
            except EOFError:
                answer = ""
            if answer.strip().lower() != "erase":
                raise CommandError("Nothing was erased.")
        erasure = services.erase_person(actor=None, person=person)
        self.stdout.write(
            f"Erased. {erasure.invitations} invitations and {erasure.registrations} registrations now belong to "
            f"anonymous person {erasure.anonymous.pk}; {erasure.audit_entries} audit entries and "
            f"{erasure.messages} emails redacted."
        )
