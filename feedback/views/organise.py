"""The organisers' survey pages: response rates for the programme and each session, the people
to chase, the digital champions, the questionnaires and the survey schedule.

Organisers never see answers: counts and the names of people who have not answered only. The
one exception is the digital-champion "yes", which people give so organisers can contact them.
"""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import ListView, TemplateView

from attendees.models import Registration
from config.spreadsheets import safe_cell
from feedback import queries, services
from feedback.forms.organise import ItemForm, SurveyScheduleForm
from feedback.models import Item, Questionnaire, SurveySchedule
from summits import queries as schedule_queries
from summits.models import Programme, Session
from summits.views import OrganiserRequiredMixin, organiser_only


def _programme(request: HttpRequest) -> Programme:
    programme = schedule_queries.current_programme(request.GET.get("programme"))
    if programme is None:
        raise Http404("There is no programme yet")
    return programme


def _schedule(programme: Programme) -> SurveySchedule | None:
    return SurveySchedule.objects.filter(programme=programme).first()


# Response rates ---------------------------------------------------------------------------


class SurveysOverviewView(OrganiserRequiredMixin, TemplateView):
    template_name = "feedback/organise/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = schedule_queries.current_programme(self.request.GET.get("programme"))
        context["programme"] = programme
        if programme is not None:
            context["counts"] = queries.programme_response_rates(programme)
            context["sessions"] = queries.response_rates_by_session(programme)
            context["set_up"] = _schedule(programme) is not None
        return context


class SessionSurveysView(OrganiserRequiredMixin, TemplateView):
    """One session's response rates, who to chase for each survey, and its digital champions."""

    template_name = "feedback/organise/session.html"

    def get_context_data(self, pk: int, **kwargs):
        context = super().get_context_data(**kwargs)
        session = get_object_or_404(Session.objects.select_related("phase__programme"), pk=pk)
        counts = queries.session_response_rates(session)
        context.update(
            session=session,
            counts=counts,
            surveys=[(count, list(queries.non_respondents(session, count.kind))) for count in counts],
            champions=list(queries.digital_champions(session.phase.programme, session)),
        )
        return context


# Digital champions --------------------------------------------------------------------------


class ChampionListView(OrganiserRequiredMixin, ListView):
    template_name = "feedback/organise/champions.html"
    context_object_name = "champions"
    paginate_by = 50

    def get_queryset(self):
        self.programme = schedule_queries.current_programme(self.request.GET.get("programme"))
        if self.programme is None:
            return Registration.objects.none()
        return queries.digital_champions(self.programme)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["programme"] = self.programme
        return context


@organiser_only
def champions_csv(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-digital-champions.csv"'
    writer = csv.writer(response)
    writer.writerow(["Name", "Job title", "Organisation", "Email", "Session", "Session date"])
    for registration in queries.digital_champions(programme):
        person, session = registration.person, registration.session
        writer.writerow(
            safe_cell(value)
            for value in (
                person.full_name,
                person.job_title,
                person.organisation.name if person.organisation else "",
                person.email,
                f"{session.code}: {session.title}",
                f"{timezone.localtime(session.starts_at):%Y-%m-%d}",
            )
        )
    return response


# Setting up ---------------------------------------------------------------------------------


@organiser_only
@require_POST
def surveys_set_up(request: HttpRequest) -> HttpResponse:
    """Creates the programme's default questionnaires and survey schedule (safe to repeat)."""
    programme = _programme(request)
    services.ensure_default_questionnaires(programme=programme)
    messages.success(request, "The default questionnaires and survey schedule are set up")
    return redirect(reverse("feedback:surveys-questionnaires") + "?" + urlencode({"programme": programme.slug}))


# Questionnaires -----------------------------------------------------------------------------


class QuestionnaireListView(OrganiserRequiredMixin, TemplateView):
    template_name = "feedback/organise/questionnaire_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = schedule_queries.current_programme(self.request.GET.get("programme"))
        context["programme"] = programme
        context["questionnaires"] = queries.questionnaires_overview(programme) if programme else []
        return context


def _questionnaire(pk: int) -> tuple[Questionnaire, bool]:
    """The questionnaire with its items, and whether it is the current (editable) version."""
    questionnaire = get_object_or_404(
        Questionnaire.objects.select_related("programme").annotate(response_count=Count("responses")), pk=pk
    )
    latest = Questionnaire.objects.filter(programme_id=questionnaire.programme_id, kind=questionnaire.kind).aggregate(
        Max("version")
    )["version__max"]
    return questionnaire, questionnaire.version == latest


class QuestionnaireDetailView(OrganiserRequiredMixin, TemplateView):
    """A version's questions in order. The current version can be changed; older ones are
    read-only because people answered their wording."""

    template_name = "feedback/organise/questionnaire_detail.html"

    def get_context_data(self, pk: int, **kwargs):
        context = super().get_context_data(**kwargs)
        questionnaire, current = _questionnaire(pk)
        versions = (
            Questionnaire.objects.filter(programme_id=questionnaire.programme_id, kind=questionnaire.kind)
            .annotate(response_count=Count("responses"))
            .order_by("-version")
        )
        context.update(
            questionnaire=questionnaire,
            current=current,
            items=list(questionnaire.items.order_by("order", "pk")),
            versions=list(versions),
            next_version=questionnaire.version + 1,
        )
        return context


class ItemFormView(OrganiserRequiredMixin, View):
    """Add a question to, or change one of, the current version through services.save_item,
    which makes the next version first when people have answered this one."""

    template_name = "feedback/organise/item_form.html"

    def objects(self, pk: int) -> tuple[Questionnaire, Item | None]:
        raise NotImplementedError

    def render_form(self, form, questionnaire, item):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "questionnaire": questionnaire,
                "item": item,
                "next_version": questionnaire.version + 1,
            },
        )

    def get(self, request, pk: int):
        questionnaire, item = self.objects(pk)
        form = ItemForm(initial=ItemForm.initial_for(item) if item else None)
        return self.render_form(form, questionnaire, item)

    def post(self, request, pk: int):
        questionnaire, item = self.objects(pk)
        form = ItemForm(request.POST)
        if form.is_valid():
            try:
                saved = services.save_item(
                    actor=request.user, questionnaire=questionnaire, details=form.details(), item=item
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                target = saved.questionnaire
                verb = "changed" if item else "added"
                if target.pk != questionnaire.pk:
                    messages.success(request, f"Question {saved.code} {verb}: this made version {target.version}")
                else:
                    messages.success(request, f"Question {saved.code} {verb}")
                return redirect("feedback:surveys-questionnaire", pk=target.pk)
        return self.render_form(form, questionnaire, item)


def _current_questionnaire(pk: int) -> Questionnaire:
    questionnaire, current = _questionnaire(pk)
    if not current:
        raise Http404("This is an old version of the questionnaire: it cannot be changed")
    return questionnaire


def _current_item(pk: int) -> Item:
    item = get_object_or_404(Item, pk=pk)
    item.questionnaire = _current_questionnaire(item.questionnaire_id)
    return item


class ItemCreateView(ItemFormView):
    def objects(self, pk):
        return _current_questionnaire(pk), None


class ItemUpdateView(ItemFormView):
    def objects(self, pk):
        item = _current_item(pk)
        return item.questionnaire, item


class ItemRemoveView(OrganiserRequiredMixin, View):
    """A confirmation page, then the removal (through services.remove_item)."""

    template_name = "feedback/organise/item_remove.html"

    def get(self, request, pk: int):
        item = _current_item(pk)
        return render(
            request,
            self.template_name,
            {"item": item, "questionnaire": item.questionnaire, "next_version": item.questionnaire.version + 1},
        )

    def post(self, request, pk: int):
        item = _current_item(pk)
        try:
            target = services.remove_item(actor=request.user, item=item)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("feedback:surveys-questionnaire", pk=item.questionnaire.pk)
        if target.pk != item.questionnaire.pk:
            messages.success(request, f"Question {item.code} removed: this made version {target.version}")
        else:
            messages.success(request, f"Question {item.code} removed")
        return redirect("feedback:surveys-questionnaire", pk=target.pk)


# The survey schedule ------------------------------------------------------------------------


class SurveyScheduleView(OrganiserRequiredMixin, View):
    template_name = "feedback/organise/schedule.html"

    def render_form(self, programme, schedule, form):
        return render(self.request, self.template_name, {"programme": programme, "schedule": schedule, "form": form})

    def get(self, request):
        programme = _programme(request)
        schedule = _schedule(programme)
        form = SurveyScheduleForm(instance=schedule) if schedule else None
        return self.render_form(programme, schedule, form)

    def post(self, request):
        programme = _programme(request)
        schedule = _schedule(programme)
        if schedule is None:
            raise Http404("This programme's surveys are not set up yet")
        # The ModelForm copies the input onto its instance; the service gets the saved row so
        # its audit entry sees the values before the change.
        form = SurveyScheduleForm(request.POST, instance=_schedule(programme))
        if form.is_valid():
            try:
                services.update_survey_schedule(
                    actor=request.user,
                    schedule=schedule,
                    **{name: form.cleaned_data[name] for name in services.SCHEDULE_FIELDS},
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, "Survey schedule saved")
                return redirect(reverse("feedback:surveys-schedule") + "?" + urlencode({"programme": programme.slug}))
        return self.render_form(programme, schedule, form)


urlpatterns = [
    path("organise/surveys/", SurveysOverviewView.as_view(), name="surveys-overview"),
    path("organise/surveys/set-up/", surveys_set_up, name="surveys-set-up"),
    path("organise/surveys/sessions/<int:pk>/", SessionSurveysView.as_view(), name="surveys-session"),
    path("organise/surveys/champions/", ChampionListView.as_view(), name="surveys-champions"),
    path("organise/surveys/champions.csv", champions_csv, name="surveys-champions-csv"),
    path("organise/surveys/questionnaires/", QuestionnaireListView.as_view(), name="surveys-questionnaires"),
    path("organise/surveys/questionnaires/<int:pk>/", QuestionnaireDetailView.as_view(), name="surveys-questionnaire"),
    path("organise/surveys/questionnaires/<int:pk>/add/", ItemCreateView.as_view(), name="surveys-item-add"),
    path("organise/surveys/questions/<int:pk>/change/", ItemUpdateView.as_view(), name="surveys-item-change"),
    path("organise/surveys/questions/<int:pk>/remove/", ItemRemoveView.as_view(), name="surveys-item-remove"),
    path("organise/surveys/schedule/", SurveyScheduleView.as_view(), name="surveys-schedule"),
]
