"""The survey emails: a link to a survey, and the one reminder before it closes. Called by
feedback.dispatch with link ids after the link has been claimed for sending."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from attendees.emails import where
from config.email import send_templated_email
from feedback.enums import SurveyKind
from feedback.models import SurveyLink
from feedback.services import closes_at

SUBJECT_WHAT = {
    SurveyKind.PRE: "Before your workshop",
    SurveyKind.POST: "After your workshop",
    SurveyKind.FOLLOW_UP: "Three months on from your workshop",
}


def _link(link_id: int) -> SurveyLink | None:
    return (
        SurveyLink.objects.select_related("registration__person", "registration__session__venue")
        .filter(pk=link_id)
        .first()
    )


def _send(link: SurveyLink, name: str) -> None:
    registration = link.registration
    session, person = registration.session, registration.person
    send_templated_email(
        name=name,
        to=[person.email],
        context={
            "person": person,
            "session": session,
            "theme": session.get_theme_display(),
            "where": where(session),
            "page_url": settings.SITE_URL + reverse("summits:public-session-detail", kwargs={"code": session.code}),
            "survey_url": settings.SITE_URL + reverse("feedback:survey", kwargs={"pk": link.pk, "token": link.token}),
            "kind": link.kind,
            "what": SUBJECT_WHAT[link.kind],
            "closes_at": timezone.localtime(closes_at(link)),
            "minutes": 3 if link.kind == SurveyKind.PRE else 5,
        },
    )


def send_survey_link(*, link_id: int) -> None:
    """The link to a survey, with when it closes."""
    link = _link(link_id)
    if link is not None:
        _send(link, "survey_link")


def send_survey_reminder(*, link_id: int) -> None:
    """The one reminder to someone who has not answered, shortly before the survey closes."""
    link = _link(link_id)
    if link is not None:
        _send(link, "survey_reminder")
