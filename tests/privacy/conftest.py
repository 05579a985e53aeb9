import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from attendees import services as attendee_services
from attendees.models import Person
from outbox.models import Message
from summits import audit
from tests import factories
from tests.evaluation.conftest import Standard, build_standard

EMAIL = "philippa.quartermaine@trust.nhs.uk"
NAME = "Philippa Quartermaine"


class Subject:
    """The standard evaluation programme plus one person with everything the service can hold
    about someone: an account, an invitation email, audit entries, an email record and a comment
    that names them."""

    def __init__(self, standard: Standard, organiser):
        self.standard = standard
        registration = standard.builder.registrations[0]  # PIL-01, attended, pre and post answers
        self.registration = registration
        person = registration.person
        user = get_user_model().objects.create_user(username="pq", email=EMAIL)
        EmailAddress.objects.create(user=user, email=EMAIL, primary=True, verified=True)
        Person.objects.filter(pk=person.pk).update(user=user)
        person.refresh_from_db()
        self.person = attendee_services.update_person(
            actor=organiser,
            person=person,
            first_name="Philippa",
            last_name="Quartermaine",
            email=EMAIL,
            job_title="Chief nursing information officer",
            organisation=person.organisation,
            groups=person.groups.all(),
        )
        self.invitation = factories.invitation(
            session=registration.session, person=self.person, status="accepted", sent_at=timezone.now()
        )
        registration.invitation = self.invitation
        registration.save(update_fields=["invitation"])
        audit.record(
            actor=organiser, action="invitation.invite_person", obj=registration.session, after={"person": EMAIL}
        )
        answer = registration.survey_responses.get(kind="post").answers.first()
        answer.__class__.objects.create(
            response=answer.response,
            item=answer.response.questionnaire.items.get(code="do_differently"),
            text=f"Philippa Quartermaine will ask the board for a digital plan ({EMAIL})",
        )
        self.message = Message.objects.create(
            kind="invitation",
            recipient=EMAIL,
            subject=f"You are invited, {NAME}",
            state="sent",
            sent_at=timezone.now(),
            next_attempt_at=timezone.now(),
            about_type="attendees.invitation",
            about_id=self.invitation.pk,
        )


@pytest.fixture
def subject(db, organiser) -> Subject:
    return Subject(build_standard(), organiser)
