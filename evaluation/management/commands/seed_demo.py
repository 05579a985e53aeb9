from django.conf import settings
from django.core.management.base import BaseCommand

from attendees.demo import seed_people
from evaluation.demo import seed_criteria
from feedback.demo import seed_responses
from summits.demo import seed_schedule


class Command(BaseCommand):
    help = "Loads the demo programme, schedule and staff accounts. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        # Lives in the top-most app so that later capabilities can add their demo data here
        # in dependency order (schedule → people → surveys → outcomes).
        summary = seed_schedule()
        people = seed_people(summary["programme"])
        surveys = seed_responses(summary["programme"])
        criteria = seed_criteria(summary["programme"])
        sign_in = f"{settings.SITE_URL}/accounts/login/"
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {summary['programme']} with {summary['sessions']} sessions.")
        )
        places = people["registrations"]
        self.stdout.write(
            f"{people['people']} people in {people['groups']} leadership groups; {people['invitations']} invitations; "
            f"{places['confirmed']} confirmed, {places['waitlisted']} waitlisted, {places['cancelled']} cancelled, "
            f"{places['attended']} attended, {places['no_show']} did not attend."
        )
        self.stdout.write(
            f"Surveys: {surveys['links']} links sent; {surveys['pre']} pre and {surveys['post']} post responses "
            f"({surveys['answers']} answers)."
        )
        if criteria:
            self.stdout.write(
                f"{criteria} success criteria for the pilot, so the pilot evaluation recommends a decision."
            )
        self.stdout.write(
            "\nSign in at " + sign_in + " with one of these emails; the sign-in code is printed in this terminal:\n"
            f"  Organiser: {summary['organiser']}\n"
            f"  Evaluator: {summary['evaluator']}\n"
            f"  Board member (invited leader, no staff role): {people['board_member']}\n"
            f"The public programme page needs no sign-in: {settings.SITE_URL}/\n"
        )
