from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views import View

from attendees import services
from attendees.forms.sessions import PilotDecisionForm, SessionAudienceForm
from attendees.queries import organise as queries
from summits import queries as schedule_queries
from summits.forms import CancelForm, RescheduleForm, SessionForm
from summits.models import Session
from summits.views import OrganiserRequiredMixin, SessionFormView

# Editing, moving and cancelling a session live here, not in summits, because they tell the
# people registered on it (calendar updates and cancellations): see attendees/services/sessions.py.


class SessionUpdateView(SessionFormView):
    form_class = SessionForm
    template_name = "summits/session_form.html"

    def get_session(self, pk):
        session = super().get_session(pk)
        if session.is_cancelled:
            raise Http404("Cancelled sessions cannot be edited")
        return session

    def initial(self, session):
        return SessionForm.initial_from(session)

    def perform(self, form, session):
        return services.update_session(actor=self.request.user, session=session, details=form.details())

    def success_message(self, session):
        return f"Session {session.code} updated"


class SessionRescheduleView(SessionUpdateView):
    form_class = RescheduleForm
    template_name = "summits/session_reschedule.html"

    def initial(self, session):
        return RescheduleForm.initial_from(session)

    def perform(self, form, session):
        data = form.cleaned_data
        return services.reschedule_session(
            actor=self.request.user,
            session=session,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            venue=data["venue"],
            online_url=data["online_url"],
            registration_closes_at=data["registration_closes_at"],
        )

    def success_message(self, session):
        return f"Session {session.code} moved"


class SessionCancelView(SessionUpdateView):
    form_class = CancelForm
    template_name = "summits/session_cancel.html"

    def initial(self, session):
        return {}

    def perform(self, form, session):
        return services.cancel_session(actor=self.request.user, session=session, reason=form.cleaned_data["reason"])

    def success_message(self, session):
        return f"Session {session.code} cancelled"


class SessionAudienceView(OrganiserRequiredMixin, View):
    template_name = "attendees/session_audience.html"

    def get_session(self, pk: int) -> Session:
        return get_object_or_404(Session.objects.prefetch_related("target_groups"), pk=pk)

    def get(self, request, pk: int):
        session = self.get_session(pk)
        form = SessionAudienceForm(initial={"access": session.access, "groups": list(session.target_groups.all())})
        return render(request, self.template_name, {"form": form, "session": session})

    def post(self, request, pk: int):
        session = self.get_session(pk)
        form = SessionAudienceForm(request.POST)
        if form.is_valid():
            try:
                services.set_session_audience(actor=request.user, session=session, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"Who can register for {session.code} saved")
                return redirect("summits:session-detail", pk=session.pk)
        return render(request, self.template_name, {"form": form, "session": session})


class PilotDecisionView(OrganiserRequiredMixin, View):
    """Record or revise the pilot decision. A "stop" that would leave published rollout
    sessions first shows them, with their registrations, and asks whether to make them drafts
    again or cancel them (lives here because cancelling emails the people registered)."""

    template_name = "attendees/pilot_decision.html"
    stop_template_name = "attendees/pilot_decision_stop.html"

    def get_programme(self):
        programme = schedule_queries.current_programme(self.request.GET.get("programme"))
        if programme is None:
            raise Http404("There is no programme yet")
        return programme

    def render_form(self, programme, form):
        decision = getattr(programme, "pilot_decision", None)
        return render(self.request, self.template_name, {"programme": programme, "decision": decision, "form": form})

    def get(self, request):
        programme = self.get_programme()
        decision = getattr(programme, "pilot_decision", None)
        initial = (
            {"outcome": decision.outcome, "rationale": decision.rationale, "decided_on": decision.decided_on}
            if decision
            else {"decided_on": timezone.localdate()}
        )
        return self.render_form(programme, PilotDecisionForm(initial=initial))

    def post(self, request):
        programme = self.get_programme()
        form = PilotDecisionForm(request.POST)
        if not form.is_valid():
            return self.render_form(programme, form)
        try:
            decision = services.record_pilot_decision(actor=request.user, programme=programme, **form.cleaned_data)
        except ValidationError as error:
            if "rollout_sessions" not in getattr(error, "error_dict", {}):
                form.add_service_error(error)
                return self.render_form(programme, form)
            if "confirm" in request.POST:
                form.add_service_error(error)
            return render(
                request,
                self.stop_template_name,
                {
                    "programme": programme,
                    "form": form,
                    "sessions": queries.rollout_sessions_to_stop(programme),
                    "carried": [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirm")],
                },
            )
        messages.success(request, f"Pilot decision recorded: {decision.get_outcome_display()}")
        return redirect(reverse("attendees:pilot-decision") + f"?programme={programme.slug}")


urlpatterns = [
    path("organise/pilot-decision/", PilotDecisionView.as_view(), name="pilot-decision"),
    path("organise/sessions/<int:pk>/edit/", SessionUpdateView.as_view(), name="session-edit"),
    path("organise/sessions/<int:pk>/reschedule/", SessionRescheduleView.as_view(), name="session-reschedule"),
    path("organise/sessions/<int:pk>/cancel/", SessionCancelView.as_view(), name="session-cancel"),
    path("organise/sessions/<int:pk>/audience/", SessionAudienceView.as_view(), name="session-audience"),
]
