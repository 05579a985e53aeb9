"""Answering a survey: the link from the email (no sign-in: the URL carries the id and a secret
token), the thank-you page, and a signed-in person's own surveys and answers.

A wrong link answers 404 and a link that can no longer take answers (answered, closed, not
open yet, place cancelled) 410, each with a page that says why — never a 500."""

import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_safe

from attendees.queries.attendee import person_for_user
from feedback import queries, services
from feedback.forms import SurveyForm
from feedback.models import SurveyLink


def _link(pk: int, token: str) -> SurveyLink:
    link = queries.survey_link(pk)
    if link is None or not secrets.compare_digest(link.token.encode(), token.encode()):
        raise Http404("No survey has that link")
    return link


def _unavailable(request: HttpRequest, link: SurveyLink, problem: services.SurveyUnavailable) -> HttpResponse:
    return render(
        request,
        "feedback/survey_unavailable.html",
        {
            "link": link,
            "session": link.registration.session,
            "message": problem.message,
            "answered": problem.code == "answered",
            "contact_email": settings.CALENDAR_ORGANIZER_EMAIL,
        },
        status=410,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def survey(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    link = _link(pk, token)
    problem = services.link_problem(link)
    if problem:
        return _unavailable(request, link, problem)
    questionnaire = queries.questionnaire_for_answering(link)
    if questionnaire is None:
        raise Http404("This survey has no questions")
    items = list(questionnaire.items.all())
    # Bound on every POST, even one with no answers at all, so that shows its errors.
    form = SurveyForm(request.POST if request.method == "POST" else None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_response(link=link, questionnaire=questionnaire, answers=form.answers())
        except services.SurveyUnavailable as unavailable:
            return _unavailable(request, link, unavailable)
        except services.ValidationError as error:
            for code, messages in error.message_dict.items():
                form.add_error(code if code in form.fields else None, messages)
        else:
            return redirect("feedback:survey-done", pk=link.pk, token=link.token)
    return render(
        request,
        "feedback/survey.html",
        {
            "link": link,
            "session": link.registration.session,
            "questionnaire": questionnaire,
            "form": form,
            "closes_at": services.closes_at(link),
        },
    )


@require_safe
def survey_done(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    link = _link(pk, token)
    response = queries.response_with_answers(link.registration, link.kind)
    if response is None:
        return redirect("feedback:survey", pk=link.pk, token=link.token)
    return render(request, "feedback/survey_done.html", {"link": link, "session": link.registration.session})


@login_required
@require_safe
def my_answers(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's own answers to one survey: 404 for anyone else's."""
    person = person_for_user(request.user)
    link = queries.survey_link(pk)
    if person is None or link is None or link.registration.person_id != person.pk:
        raise Http404("No survey of yours has that address")
    response = queries.response_with_answers(link.registration, link.kind)
    if response is None:
        raise Http404("You have not answered this survey")
    return render(
        request,
        "feedback/my_answers.html",
        {"link": link, "session": link.registration.session, "response": response},
    )


urlpatterns = [
    path("s/<int:pk>/<str:token>/", survey, name="survey"),
    path("s/<int:pk>/<str:token>/done/", survey_done, name="survey-done"),
    path("my-surveys/<int:pk>/answers/", my_answers, name="my-answers"),
]
