import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import ListView, TemplateView

from summits import calendar, queries, services
from summits.enums import PhaseKind
from summits.forms import (
    CostLineForm,
    DuplicateForm,
    FacilitatorForm,
    PhaseForm,
    ProgrammeForm,
    PublicFilterForm,
    SessionFilterForm,
    SessionForm,
    VenueForm,
)
from summits.models import CostLine, Facilitator, Phase, Programme, Session, Venue

MANAGE = "summits.manage_programme"


def organiser_only(view):
    """Anonymous people go to sign-in; signed-in people without the role get 403."""
    return login_required(permission_required(MANAGE, raise_exception=True)(view))


class OrganiserRequiredMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = MANAGE


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=calendar.ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Public pages ------------------------------------------------------------------------


def programme(request: HttpRequest) -> HttpResponse:
    form = PublicFilterForm(request.GET or None)
    sessions = list(queries.public_sessions(filters=form.filters))
    return render(
        request,
        "summits/programme.html",
        {
            "months": queries.group_by_month(sessions),
            "programme": queries.current_programme(),
            "form": form,
            "filtered": any(form.filters.values()),
        },
    )


def public_session_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        session = queries.public_session(code)
    except Session.DoesNotExist:
        raise Http404("No published session has that code") from None
    return render(request, "summits/public_session_detail.html", {"session": session})


def session_ics(request: HttpRequest, code: str) -> HttpResponse:
    try:
        session = queries.public_session(code)
    except Session.DoesNotExist:
        raise Http404("No published session has that code") from None
    return _ics_response(calendar.session_ics(session), f"{session.code}.ics")


def programme_feed(request: HttpRequest, slug: str) -> HttpResponse:
    programme = queries.current_programme(slug)
    if programme is None:
        raise Http404("No programme has that name")
    return _ics_response(calendar.programme_feed_ics(programme, queries.feed_sessions(programme)), f"{slug}.ics")


# Organisers: dashboard, lists, calendar ----------------------------------------------


class DashboardView(OrganiserRequiredMixin, TemplateView):
    template_name = "summits/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = queries.current_programme(self.request.GET.get("programme"))
        context["programme"] = programme
        context["dashboard"] = queries.programme_dashboard(programme) if programme else None
        context["programmes"] = list(queries.Programme.objects.order_by("-created_at"))
        context["rollout_allowed"] = services.pilot_allows_rollout(programme) if programme else False
        return context


class SessionListView(OrganiserRequiredMixin, ListView):
    template_name = "summits/session_list.html"
    context_object_name = "sessions"
    paginate_by = 25

    def get_queryset(self):
        self.filter_form = SessionFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return queries.organiser_sessions(filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        return context


class SessionCalendarView(OrganiserRequiredMixin, TemplateView):
    template_name = "summits/session_calendar.html"

    def get_context_data(self, year: int | None = None, month: int | None = None, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year, month = year or today.year, month or today.month
        if not (1 <= month <= 12 and 2000 <= year <= 2100):
            raise Http404("No such month")
        first = datetime.date(year, month, 1)
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        context.update(
            month=first,
            weeks=queries.month_calendar(year, month),
            previous=previous,
            following=following,
            today=today,
        )
        return context


# Organisers: one session -------------------------------------------------------------


class SessionDetailView(OrganiserRequiredMixin, TemplateView):
    template_name = "summits/session_detail.html"

    def get_context_data(self, pk: int, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            session = queries.organiser_session(pk)
        except Session.DoesNotExist:
            raise Http404("No such session") from None
        context["session"] = session
        context["cost_form"] = kwargs.get("cost_form") or CostLineForm()
        context["history"] = queries.audit_entries("session").filter(object_id=str(pk))[:20]
        return context


class SessionFormView(OrganiserRequiredMixin, View):
    """Shared GET/POST handling: bind the form, call one service, redirect or re-render."""

    form_class = None
    template_name = ""

    def get_session(self, pk: int) -> Session:
        return get_object_or_404(Session.objects.select_related("phase", "venue"), pk=pk)

    def initial(self, session: Session | None) -> dict:
        return {}

    def perform(self, form, session: Session | None) -> Session:
        raise NotImplementedError

    def success_message(self, session: Session) -> str:
        return "Saved"

    def render_form(self, form, session):
        return render(self.request, self.template_name, {"form": form, "session": session})

    def get(self, request, pk: int | None = None):
        session = self.get_session(pk) if pk else None
        return self.render_form(self.form_class(initial=self.initial(session)), session)

    def post(self, request, pk: int | None = None):
        session = self.get_session(pk) if pk else None
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                saved = self.perform(form, session)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, self.success_message(saved))
                return redirect("summits:session-detail", pk=saved.pk)
        return self.render_form(form, session)


class SessionCreateView(SessionFormView):
    form_class = SessionForm
    template_name = "summits/session_form.html"

    def initial(self, session):
        phase = self.request.GET.get("phase")
        return {"phase": phase, "capacity": 40} if phase else {"capacity": 40}

    def perform(self, form, session):
        return services.create_session(actor=self.request.user, details=form.details())

    def success_message(self, session):
        return f"Session {session.code} created as a draft"


class SessionDuplicateView(SessionFormView):
    form_class = DuplicateForm
    template_name = "summits/session_duplicate.html"

    def perform(self, form, session):
        data = form.cleaned_data
        return services.duplicate_session(
            actor=self.request.user,
            session=session,
            code=data["code"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
        )

    def success_message(self, session):
        return f"Draft {session.code} created as a copy"


@organiser_only
@require_POST
def session_publish(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    try:
        services.publish_session(actor=request.user, session=session)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Session {session.code} published: it is now on the public programme page")
    return redirect("summits:session-detail", pk=pk)


@organiser_only
@require_POST
def cost_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    form = CostLineForm(request.POST)
    if form.is_valid():
        try:
            services.add_cost_line(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Cost line added")
            return redirect(reverse("summits:session-detail", kwargs={"pk": pk}) + "#costs")
    view = SessionDetailView(request=request, kwargs={"pk": pk})
    return render(request, view.template_name, view.get_context_data(pk=pk, cost_form=form))


@organiser_only
@require_http_methods(["GET", "POST"])
def cost_line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks to confirm, then removes the cost line (recorded in the audit log)."""
    line = get_object_or_404(CostLine.objects.select_related("session"), pk=pk)
    back_url = reverse("summits:session-detail", kwargs={"pk": line.session_id}) + "#costs"
    if request.method == "POST":
        services.remove_cost_line(actor=request.user, cost_line=line)
        messages.success(request, f"Cost line “{line.description}” removed")
        return redirect(back_url)
    return render(
        request,
        "confirm.html",
        {
            "heading": f"Remove the cost line “{line.description}”",
            "caption": str(line.session),
            "consequences": [
                f"The cost line “{line.description}” ({line.get_category_display()}, £{line.amount:,}) is removed "
                f"from {line.session.code}, and the session’s and the programme’s total costs go down by that much.",
                "Cost per attendee in the outcome reports changes with it.",
                "The audit log keeps a record of the line and who removed it. Nobody is emailed.",
            ],
            "button": "Remove the cost line",
            "warning": True,
            "back_url": back_url,
        },
    )


# Organisers: facilitators and venues --------------------------------------------------


class FacilitatorListView(OrganiserRequiredMixin, ListView):
    template_name = "summits/facilitator_list.html"
    context_object_name = "facilitators"
    paginate_by = 50

    def get_queryset(self):
        return queries.facilitators()


class VenueListView(OrganiserRequiredMixin, ListView):
    template_name = "summits/venue_list.html"
    context_object_name = "venues"
    paginate_by = 50

    def get_queryset(self):
        return queries.venues()


class ReferenceFormView(OrganiserRequiredMixin, View):
    """Create or edit a venue or a facilitator through its save service."""

    model = None
    form_class = None
    template_name = ""
    list_url = ""
    noun = ""

    def save(self, instance, data):
        raise NotImplementedError

    def get_object(self, pk):
        return get_object_or_404(self.model, pk=pk) if pk else None

    def render_form(self, form, instance):
        return render(self.request, self.template_name, {"form": form, "object": instance, "noun": self.noun})

    def get(self, request, pk=None):
        instance = self.get_object(pk)
        return self.render_form(self.form_class(instance=instance), instance)

    def post(self, request, pk=None):
        instance = self.get_object(pk)
        form = self.form_class(request.POST, instance=instance)
        if form.is_valid():
            try:
                # The ModelForm has already copied the input onto `instance`; the service gets a
                # fresh copy so its audit entry sees the values before the change.
                saved = self.save(self.get_object(pk), {name: form.cleaned_data[name] for name in form.Meta.fields})
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"{self.noun.capitalize()} “{saved}” saved")
                return redirect(self.list_url)
        return self.render_form(form, instance)


class FacilitatorMixin:
    model = Facilitator
    form_class = FacilitatorForm
    template_name = "summits/reference_form.html"
    list_url = "summits:facilitator-list"
    noun = "facilitator"

    def save(self, instance, data):
        return services.save_facilitator(actor=self.request.user, facilitator=instance, **data)


class VenueMixin:
    model = Venue
    form_class = VenueForm
    template_name = "summits/reference_form.html"
    list_url = "summits:venue-list"
    noun = "venue"

    def save(self, instance, data):
        return services.save_venue(actor=self.request.user, venue=instance, **data)


class FacilitatorCreateView(FacilitatorMixin, ReferenceFormView):
    pass


class FacilitatorUpdateView(FacilitatorMixin, ReferenceFormView):
    pass


class VenueCreateView(VenueMixin, ReferenceFormView):
    pass


class VenueUpdateView(VenueMixin, ReferenceFormView):
    pass


# Organisers: phases, the pilot decision and the audit log -------------------------------------


class PhaseUpdateView(OrganiserRequiredMixin, View):
    template_name = "summits/phase_form.html"

    def render_form(self, form, phase):
        return render(self.request, self.template_name, {"form": form, "phase": phase})

    def get(self, request, pk: int):
        phase = get_object_or_404(Phase.objects.select_related("programme"), pk=pk)
        initial = {"starts_on": phase.starts_on, "ends_on": phase.ends_on, "target_attendees": phase.target_attendees}
        return self.render_form(PhaseForm(initial=initial), phase)

    def post(self, request, pk: int):
        phase = get_object_or_404(Phase.objects.select_related("programme"), pk=pk)
        form = PhaseForm(request.POST)
        if form.is_valid():
            try:
                services.update_phase(actor=request.user, phase=phase, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"{phase.get_kind_display()} phase updated")
                return redirect(reverse("summits:dashboard") + f"?programme={phase.programme.slug}")
        return self.render_form(form, phase)


class ProgrammeFormView(OrganiserRequiredMixin, View):
    """Create a programme with its pilot and rollout phases, or edit them."""

    template_name = "summits/programme_form.html"

    def get_programme(self, slug: str | None) -> Programme | None:
        return get_object_or_404(Programme.objects.prefetch_related("phases"), slug=slug) if slug else None

    def render_form(self, form, programme):
        return render(self.request, self.template_name, {"form": form, "programme": programme})

    def get(self, request, slug: str | None = None):
        programme = self.get_programme(slug)
        initial = ProgrammeForm.initial_from(programme) if programme else {}
        return self.render_form(ProgrammeForm(initial=initial), programme)

    def post(self, request, slug: str | None = None):
        programme = self.get_programme(slug)
        form = ProgrammeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.save_programme(
                    actor=request.user,
                    programme=programme,
                    name=data["name"],
                    slug=data["slug"],
                    description=data["description"],
                    pilot=form.phase_window(PhaseKind.PILOT),
                    rollout=form.phase_window(PhaseKind.ROLLOUT),
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"Programme “{saved.name}” saved")
                return redirect(reverse("summits:dashboard") + f"?programme={saved.slug}")
        return self.render_form(form, programme)


class AuditLogView(OrganiserRequiredMixin, ListView):
    template_name = "summits/audit_log.html"
    context_object_name = "entries"
    paginate_by = 50

    object_types = [
        ("", "Everything"),
        ("session", "Sessions"),
        ("programme", "Programmes"),
        ("phase", "Phases"),
        ("venue", "Venues"),
        ("facilitator", "Facilitators"),
        ("pilotdecision", "Pilot decision"),
        ("person", "People"),
        ("leadershipgroup", "Leadership groups"),
        ("user", "Staff access"),
    ]

    def get_queryset(self):
        return queries.audit_entries(self.request.GET.get("type") or None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_types"] = self.object_types
        context["current_type"] = self.request.GET.get("type", "")
        return context
