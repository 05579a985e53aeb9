from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from privacy import queries, subject_access
from summits import audit


class Command(BaseCommand):
    help = (
        "Answers a subject access request: writes everything held about the person with EMAIL to "
        "FILE (.json, or .csv for the same data as rows). Recorded in the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", required=True, help="FILE.json or FILE.csv")

    def handle(self, *args, email: str, output: str, **options):
        person = queries.person_by_email(email)
        if person is None:
            raise CommandError(f"Nobody has the email address {email!r}.")
        path = Path(output)
        data = subject_access.subject_access_data(person)
        text = subject_access.as_csv(data) if path.suffix.lower() == ".csv" else subject_access.as_json(data)
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        audit.record(actor=None, action="person.subject_access_export", obj=person, after={"format": path.suffix})
        self.stdout.write(f"Wrote everything held about person {person.pk} to {output}.")
