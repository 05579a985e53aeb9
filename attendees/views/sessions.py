from django.http import Http404
from django.urls import path

from attendees import services
from summits.forms import CancelForm, RescheduleForm, SessionForm
from summits.views import SessionFormView

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


urlpatterns = [
    path("organise/sessions/<int:pk>/edit/", SessionUpdateView.as_view(), name="session-edit"),
    path("organise/sessions/<int:pk>/reschedule/", SessionRescheduleView.as_view(), name="session-reschedule"),
    path("organise/sessions/<int:pk>/cancel/", SessionCancelView.as_view(), name="session-cancel"),
]
