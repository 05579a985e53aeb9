from django.urls import path

from summits import views

app_name = "summits"

urlpatterns = [
    # Public
    path("", views.programme, name="programme"),
    path("sessions/<str:code>/", views.public_session_detail, name="public-session-detail"),
    path("sessions/<str:code>/calendar.ics", views.session_ics, name="session-ics"),
    path("programmes/<slug:slug>/calendar.ics", views.programme_feed, name="programme-feed"),
    # Organisers
    path("organise/", views.DashboardView.as_view(), name="dashboard"),
    path("organise/sessions/", views.SessionListView.as_view(), name="session-list"),
    path("organise/sessions/calendar/", views.SessionCalendarView.as_view(), name="session-calendar"),
    path(
        "organise/sessions/calendar/<int:year>/<int:month>/",
        views.SessionCalendarView.as_view(),
        name="session-calendar-month",
    ),
    path("organise/sessions/new/", views.SessionCreateView.as_view(), name="session-create"),
    path("organise/sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session-detail"),
    path("organise/sessions/<int:pk>/duplicate/", views.SessionDuplicateView.as_view(), name="session-duplicate"),
    path("organise/sessions/<int:pk>/publish/", views.session_publish, name="session-publish"),
    path("organise/sessions/<int:pk>/costs/", views.cost_line_add, name="cost-line-add"),
    path("organise/costs/<int:pk>/delete/", views.cost_line_delete, name="cost-line-delete"),
    path("organise/facilitators/", views.FacilitatorListView.as_view(), name="facilitator-list"),
    path("organise/facilitators/new/", views.FacilitatorCreateView.as_view(), name="facilitator-create"),
    path("organise/facilitators/<int:pk>/edit/", views.FacilitatorUpdateView.as_view(), name="facilitator-edit"),
    path("organise/venues/", views.VenueListView.as_view(), name="venue-list"),
    path("organise/venues/new/", views.VenueCreateView.as_view(), name="venue-create"),
    path("organise/venues/<int:pk>/edit/", views.VenueUpdateView.as_view(), name="venue-edit"),
    path("organise/programmes/new/", views.ProgrammeFormView.as_view(), name="programme-create"),
    path("organise/programmes/<slug:slug>/edit/", views.ProgrammeFormView.as_view(), name="programme-edit"),
    path("organise/phases/<int:pk>/edit/", views.PhaseUpdateView.as_view(), name="phase-edit"),
    path("organise/audit/", views.AuditLogView.as_view(), name="audit-log"),
]
