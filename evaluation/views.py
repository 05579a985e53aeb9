"""The evaluators' pages (organisers may read them too): the outcomes dashboard with filters, the
pilot evaluation with its success criteria and recommendation, criteria editing, and the
CSV / XLSX / PDF exports — aggregates only, pseudonymised and disclosure-controlled
(evaluation.reporting), the same for evaluators and organisers; board members never get here
(permission summits.view_outcomes). Record-level research extracts need a permission of their
own (evaluation.download_research_extract), granted by an admin."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import TemplateView

from evaluation import criteria, services, svg
from evaluation.data import focus_area_choices, group_names
from evaluation.exports import CONTENT_TYPES, export_filename, render_export
from evaluation.forms import EXPORT_FORMATS, CriterionForm, FilterForm
from evaluation.models import ResearchExtract, SuccessCriterion
from evaluation.reporting import RESEARCH_EXTRACT_NOTE, Filters, build_report
from summits.enums import PhaseKind
from summits.models import Programme, Session
from summits.queries import current_programme, phase_overview

OUTCOMES = "summits.view_outcomes"


def _programme(request: HttpRequest) -> Programme:
    programme = current_programme(request.GET.get("programme"))
    if programme is None:
        raise Http404("There is no programme yet")
    return programme


def _session_choices(programme: Programme) -> list[tuple[str, str]]:
    return [
        (code, f"{code}: {title}")
        for code, title in Session.objects.filter(phase__programme=programme)
        .order_by("starts_at", "code")
        .values_list("code", "title")
    ]


def _filter_form(request: HttpRequest, programme: Programme) -> tuple[FilterForm, Filters]:
    form = FilterForm(
        request.GET or None,
        groups=group_names(),
        sessions=_session_choices(programme),
        focus_areas=focus_area_choices(),
    )
    # An invalid filter is shown in the error summary; the valid ones still apply.
    return form, Filters(**form.valid_filters())


def _export_query(request: HttpRequest, programme: Programme) -> str:
    params = request.GET.copy()
    params["programme"] = programme.slug
    return params.urlencode()


class DashboardView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = OUTCOMES
    template_name = "evaluation/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = current_programme(self.request.GET.get("programme"))
        if programme is None:
            return context | {"programme": None}
        form, filters = _filter_form(self.request, programme)
        report = build_report(programme, filters)
        charts = [(chart, svg.render(chart, chart_id=f"chart-{chart.slug}")) for chart in report.charts]
        context |= {
            "programme": programme,
            "form": form,
            "report": report,
            "charts": charts,
            "phases": phase_overview().filter(programme=programme),
            "export_formats": EXPORT_FORMATS,
            "export_query": _export_query(self.request, programme),
            "can_extract": self.request.user.has_perm(services.EXTRACT_PERMISSION),
        }
        return context


class PilotEvaluationView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The pilot against its success criteria, with the recommendation: what the pilot decision
    rests on."""

    permission_required = OUTCOMES
    template_name = "evaluation/pilot.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = _programme(self.request)
        report = build_report(programme, Filters(phase=PhaseKind.PILOT))
        context |= {
            "programme": programme,
            "report": report,
            "criteria": list(SuccessCriterion.objects.filter(programme=programme).order_by("order", "pk")),
            "can_manage": self.request.user.has_perm("summits.manage_programme"),
        }
        return context


def _criterion_form(request: HttpRequest, programme: Programme, criterion: SuccessCriterion | None) -> HttpResponse:
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_criterion(actor=request.user, programme=programme, criterion=form.instance)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Success criterion saved: {form.instance.name}")
            return redirect(reverse("evaluation:pilot") + f"?programme={programme.slug}")
    return render(
        request,
        "evaluation/criterion_form.html",
        {"form": form, "programme": programme, "criterion": criterion},
    )


@login_required
@permission_required(OUTCOMES, raise_exception=True)
def criterion_add(request: HttpRequest) -> HttpResponse:
    return _criterion_form(request, _programme(request), None)


@login_required
@permission_required(OUTCOMES, raise_exception=True)
def criterion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = get_object_or_404(SuccessCriterion.objects.select_related("programme"), pk=pk)
    return _criterion_form(request, criterion.programme, criterion)


@login_required
@permission_required(OUTCOMES, raise_exception=True)
def criterion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = get_object_or_404(SuccessCriterion.objects.select_related("programme"), pk=pk)
    programme = criterion.programme
    if request.method == "POST":
        services.delete_criterion(actor=request.user, criterion=criterion)
        messages.success(request, f"Success criterion removed: {criterion.name}")
        return redirect(reverse("evaluation:pilot") + f"?programme={programme.slug}")
    return render(request, "evaluation/criterion_delete.html", {"criterion": criterion, "programme": programme})


@login_required
@permission_required(OUTCOMES, raise_exception=True)
@require_POST
def criteria_defaults(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    added = criteria.ensure_default_criteria(programme=programme, actor=request.user)
    messages.success(
        request, f"{added} suggested criteria added" if added else "The programme already has every suggested criterion"
    )
    return redirect(reverse("evaluation:pilot") + f"?programme={programme.slug}")


@login_required
@permission_required(OUTCOMES, raise_exception=True)
@require_safe
def export(request: HttpRequest, export_format: str) -> HttpResponse:
    if export_format not in CONTENT_TYPES:
        raise Http404("Reports come as PDF, XLSX or CSV")
    programme = _programme(request)
    _form, filters = _filter_form(request, programme)
    report = build_report(programme, filters)
    response = HttpResponse(render_export(report, export_format), content_type=CONTENT_TYPES[export_format])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(programme, filters, export_format)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@permission_required(services.EXTRACT_PERMISSION, raise_exception=True)
def research_extracts(request: HttpRequest) -> HttpResponse:
    """Request a research extract for a selection; the list of one's own extracts with a
    download link once each is ready (they are built in the background)."""
    programme = _programme(request)
    form = _extract_form(request, programme)
    if request.method == "POST" and form.is_valid():
        filters = Filters(**{name: form.cleaned_data[name] or "" for name in Filters.__dataclass_fields__})
        services.request_extract(actor=request.user, programme=programme, filters=filters)
        messages.success(request, f"Your research extract of {filters.describe()} is being prepared")
        return redirect(reverse("evaluation:extracts") + f"?programme={programme.slug}")
    extracts = ResearchExtract.objects.filter(programme=programme, requested_by=request.user).defer("content")[:20]
    return render(
        request,
        "evaluation/research_extracts.html",
        {
            "programme": programme,
            "form": form,
            "extracts": extracts,
            "research_note": RESEARCH_EXTRACT_NOTE,
            "retention_days": settings.RESEARCH_EXTRACT_RETENTION_DAYS,
        },
    )


def _extract_form(request: HttpRequest, programme: Programme) -> FilterForm:
    return FilterForm(request.POST or None, groups=group_names(), sessions=_session_choices(programme))


@login_required
@permission_required(services.EXTRACT_PERMISSION, raise_exception=True)
@require_safe
def research_extract_download(request: HttpRequest, pk: int) -> HttpResponse:
    extract = get_object_or_404(ResearchExtract.objects.select_related("programme"), pk=pk, requested_by=request.user)
    try:
        content = services.download_extract(actor=request.user, extract=extract)
    except services.ExtractDeleted as deleted:
        context = {"extract": extract, "message": str(deleted)}
        return render(request, "evaluation/research_extract_deleted.html", context, status=410)
    except services.ExtractRefused as refused:
        raise Http404(str(refused)) from None
    response = HttpResponse(content, content_type=CONTENT_TYPES["csv"])
    filename = slugify(f"{extract.programme.slug}-research-extract-{extract.pk}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("", DashboardView.as_view(), name="home"),
    path("pilot/", PilotEvaluationView.as_view(), name="pilot"),
    path("criteria/new/", criterion_add, name="criterion-add"),
    path("criteria/suggested/", criteria_defaults, name="criteria-defaults"),
    path("criteria/<int:pk>/edit/", criterion_edit, name="criterion-edit"),
    path("criteria/<int:pk>/delete/", criterion_delete, name="criterion-delete"),
    path("export/<str:export_format>/", export, name="export"),
    path("extracts/", research_extracts, name="extracts"),
    path("extracts/<int:pk>/download/", research_extract_download, name="extract-download"),
]
