from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views import View

from attendees import services
from attendees.forms.sessions import SessionAudienceForm
from summits.forms import CancelForm, RescheduleForm, SessionForm
from summits.models import Session
from summits.views import OrganiserRequiredMixin, SessionFormView

# Editing, moving and cancelling a session live here, not in summits, because they tell the
# people registered on it (calendar updates and cancellations): see attendees/services.py.


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


urlpatterns = [
    path("organise/sessions/<int:pk>/edit/", SessionUpdateView.as_view(), name="session-edit"),
    path("organise/sessions/<int:pk>/reschedule/", SessionRescheduleView.as_view(), name="session-reschedule"),
    path("organise/sessions/<int:pk>/cancel/", SessionCancelView.as_view(), name="session-cancel"),
    path("organise/sessions/<int:pk>/audience/", SessionAudienceView.as_view(), name="session-audience"),
]
