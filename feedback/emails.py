"""The survey emails, through the outbox: a link to a survey, and the one reminder before it
closes. feedback.dispatch queues them as it claims the links; the outbox writes them when it
sends them (registered in FeedbackConfig.ready())."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from attendees.emails import where
from config.email import render_templated_email
from feedback.enums import SurveyKind
from feedback.models import Response, SurveyLink
from feedback.services import closes_at
from outbox import registry
from outbox import services as outbox
from outbox.enums import MessageKind
from outbox.models import Message

SUBJECT_WHAT = {
    SurveyKind.PRE: "Before your workshop",
    SurveyKind.POST: "After your workshop",
    SurveyKind.FOLLOW_UP: "Three months on from your workshop",
}
TEMPLATES = {MessageKind.SURVEY_LINK: "survey_link", MessageKind.SURVEY_REMINDER: "survey_reminder"}


def queue(kind: str, *, link_ids: list[int]) -> int:
    """One `kind` email (survey link or survey reminder) per link."""
    rows = (
        SurveyLink.objects.filter(pk__in=link_ids)
        .order_by("pk")
        .values_list("pk", "registration__person__email", "registration__session_id")
    )
    return outbox.enqueue_rows(kind, rows, about_type=SurveyLink._meta.label_lower)


def write(messages: list[Message]) -> dict[int, registry.Written]:
    links = SurveyLink.objects.select_related("registration__person", "registration__session__venue").in_bulk(
        [m.about_id for m in messages]
    )
    answered = set(
        Response.objects.filter(registration_id__in=[link.registration_id for link in links.values()]).values_list(
            "registration_id", "kind"
        )
    )
    written: dict[int, registry.Written] = {}
    for message in messages:
        link = links.get(message.about_id)
        if link is None:
            written[message.pk] = registry.Skip("The survey link no longer exists")
        elif message.kind == MessageKind.SURVEY_REMINDER and (link.registration_id, link.kind) in answered:
            written[message.pk] = registry.Skip("Answered before the reminder went out")
        else:
            written[message.pk] = _email(message, link)
    return written


def _email(message: Message, link: SurveyLink):
    registration = link.registration
    session, person = registration.session, registration.person
    return render_templated_email(
        name=TEMPLATES[message.kind],
        to=[message.recipient],
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


def register_writers() -> None:
    for kind in TEMPLATES:
        registry.register(kind, write=write)
