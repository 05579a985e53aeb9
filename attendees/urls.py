from django.urls import path

from attendees import views

app_name = "attendees"

urlpatterns = [
    # Organisers: changes to a session that registrants are told about
    path("organise/sessions/<int:pk>/edit/", views.SessionUpdateView.as_view(), name="session-edit"),
    path("organise/sessions/<int:pk>/reschedule/", views.SessionRescheduleView.as_view(), name="session-reschedule"),
    path("organise/sessions/<int:pk>/cancel/", views.SessionCancelView.as_view(), name="session-cancel"),
]
