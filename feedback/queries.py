"""Reads for surveys. Organisers get counts and the names of people who have not answered, never
answers; attendees get their own links and answers; evaluators get nothing from here (their
pseudonymised data comes through evaluation)."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from attendees.models import Person, Registration
from feedback.enums import ItemPurpose, SurveyKind
from feedback.models import Answer, Item, Questionnaire, Response, SurveyLink
from feedback.services import current_questionnaires
from outbox.enums import MessageKind, MessageState
from outbox.models import Message
from summits.enums import SessionStatus
from summits.models import Programme, Session


def survey_link(pk: int) -> SurveyLink | None:
    return (
        SurveyLink.objects.select_related(
            "registration__person", "registration__session__venue", "registration__session__phase"
        )
        .filter(pk=pk)
        .first()
    )


def questionnaire_for_answering(link: SurveyLink) -> Questionnaire | None:
    """The current version of the survey this link is for, with its items."""
    programme_id = link.registration.session.phase.programme_id
    return (
        Questionnaire.objects.filter(programme_id=programme_id, kind=link.kind)
        .order_by("-version")
        .prefetch_related(Prefetch("items", queryset=Item.objects.order_by("order", "pk")))
        .first()
    )


def response_with_answers(registration: Registration, kind: str) -> Response | None:
    return (
        Response.objects.filter(registration=registration, kind=kind)
        .select_related("questionnaire")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("item").order_by("item__order")))
        .first()
    )


@dataclass
class SurveyCounts:
    kind: str
    label: str
    sent: int
    answered: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.answered / self.sent, 1) if self.sent else None


def refused_links() -> QuerySet:
    """The outbox messages of survey links the mail server refused for good (`about_id` is the
    link's id). Few, and found through the index on their state."""
    return Message.objects.filter(
        kind=MessageKind.SURVEY_LINK, about_type=SurveyLink._meta.label_lower, state=MessageState.FAILED
    )


def emailed(links: QuerySet) -> QuerySet:
    """The links whose email went out: stamped when queued in the outbox, less those the mail
    server refused for good (refused_links). A refused address never got its link, so it is no
    one to count in a response rate's denominator or to chase."""
    return links.filter(sent_at__isnull=False).exclude(Exists(refused_links().filter(about_id=OuterRef("pk"))))


def _counts(links: QuerySet) -> list[SurveyCounts]:
    """Sent and answered per survey kind for a set of links (one aggregate query)."""
    answered = Exists(Response.objects.filter(registration=OuterRef("registration"), kind=OuterRef("kind")))
    rows = {
        row["kind"]: row
        for row in emailed(links)
        .annotate(is_answered=answered)
        .values("kind")
        .annotate(sent=Count("pk"), answered=Count("pk", filter=Q(is_answered=True)))
        .order_by()
    }
    return [
        SurveyCounts(kind, label, rows.get(kind, {}).get("sent", 0), rows.get(kind, {}).get("answered", 0))
        for kind, label in SurveyKind.choices
    ]


def programme_response_rates(programme: Programme) -> list[SurveyCounts]:
    return _counts(SurveyLink.objects.filter(registration__session__phase__programme=programme))


def session_response_rates(session: Session) -> list[SurveyCounts]:
    return _counts(SurveyLink.objects.filter(registration__session=session))


@dataclass
class SessionSurveyRow:
    session: Session
    counts: list[SurveyCounts]


def response_rates_by_session(programme: Programme) -> list[SessionSurveyRow]:
    """Every session of the programme that has survey links, with its counts: two queries."""
    answered = Exists(Response.objects.filter(registration=OuterRef("registration"), kind=OuterRef("kind")))
    rows = (
        emailed(SurveyLink.objects.filter(registration__session__phase__programme=programme))
        .annotate(is_answered=answered)
        .values("registration__session", "kind")
        .annotate(sent=Count("pk"), answered=Count("pk", filter=Q(is_answered=True)))
        .order_by()
    )
    by_session: dict[int, dict[str, dict]] = {}
    for row in rows:
        by_session.setdefault(row["registration__session"], {})[row["kind"]] = row
    sessions = Session.objects.filter(pk__in=list(by_session)).order_by("starts_at", "code")
    return [
        SessionSurveyRow(
            session=session,
            counts=[
                SurveyCounts(
                    kind,
                    label,
                    by_session[session.pk].get(kind, {}).get("sent", 0),
                    by_session[session.pk].get(kind, {}).get("answered", 0),
                )
                for kind, label in SurveyKind.choices
            ],
        )
        for session in sessions
    ]


def non_respondents(session: Session, kind: str) -> QuerySet:
    """People sent this survey for this session who have not answered, for organisers to
    chase: names and emails only, never answers."""
    answered = Exists(Response.objects.filter(registration=OuterRef("registration"), kind=kind))
    return (
        emailed(SurveyLink.objects.filter(registration__session=session, kind=kind))
        .filter(~answered)
        .select_related("registration__person__organisation")
        .order_by("registration__person__last_name", "registration__person__first_name", "pk")
    )


def digital_champions(programme: Programme, session: Session | None = None) -> QuerySet:
    """People who answered yes to the digital-champion question (it is asked so organisers can
    contact them), with their session. One row per person and session."""
    yes = Answer.objects.filter(response__registration=OuterRef("pk"), item__purpose=ItemPurpose.CHAMPION, value=1)
    registrations = Registration.objects.filter(session__phase__programme=programme).filter(Exists(yes))
    if session is not None:
        registrations = registrations.filter(session=session)
    return registrations.select_related("person__organisation", "session").order_by(
        "person__last_name", "person__first_name", "session__starts_at"
    )


@dataclass
class MySurvey:
    link: SurveyLink
    answered: bool
    open: bool
    url: str = ""
    answers_url: str = ""


def my_surveys(person: Person) -> list[MySurvey]:
    """A person's survey links with whether each is answered and still open (one query)."""
    from django.utils import timezone

    from feedback.services import MAY_ANSWER, closes_at

    answered = Exists(Response.objects.filter(registration=OuterRef("registration"), kind=OuterRef("kind")))
    links = (
        SurveyLink.objects.filter(registration__person=person)
        .annotate(is_answered=answered)
        .select_related("registration__session")
        .order_by("-registration__session__starts_at", "kind")
    )
    now = timezone.now()
    return [
        MySurvey(
            link=link,
            answered=link.is_answered,
            open=not link.is_answered
            and link.opens_at <= now < closes_at(link)
            and link.registration.status in MAY_ANSWER[link.kind]
            and link.registration.session.status != SessionStatus.CANCELLED,
        )
        for link in links
    ]


def questionnaires_overview(programme: Programme) -> list[Questionnaire]:
    """Each current questionnaire with its number of items and responses."""
    current = [q.pk for q in current_questionnaires(programme)]
    return list(
        Questionnaire.objects.filter(pk__in=current)
        .annotate(item_count=Count("items", distinct=True), response_count=Count("responses", distinct=True))
        .order_by("kind")
    )


def my_sessions_extras(person: Person) -> dict:
    """The surveys section of My sessions (wired in by settings.MY_SESSIONS_EXTRAS)."""
    from django.urls import reverse

    surveys = my_surveys(person)
    for survey in surveys:
        link = survey.link
        survey.url = reverse("feedback:survey", kwargs={"pk": link.pk, "token": link.token})
        survey.answers_url = reverse("feedback:my-answers", kwargs={"pk": link.pk})
    return {"surveys": surveys}
