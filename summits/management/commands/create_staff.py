from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from summits.roles import ROLES
from summits.services import grant_staff_role


class Command(BaseCommand):
    help = "Creates an organiser or evaluator account (sign-in by emailed code) and emails them how to sign in."

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, choices=sorted(ROLES))
        parser.add_argument("email")

    def handle(self, *args, email: str, role: str, **options):
        try:
            user, granted = grant_staff_role(email=email, role=role)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        if granted:
            self.stdout.write(self.style.SUCCESS(f"{user.email} is now an {role}. They sign in with an emailed code."))
        else:
            self.stdout.write(f"{user.email} was already an {role}; nothing changed.")
