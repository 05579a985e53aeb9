from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("organise/people/<int:pk>/personal-data/", views.PersonalDataView.as_view(), name="personal-data"),
    path(
        "organise/people/<int:pk>/personal-data.json",
        views.SubjectAccessDownloadView.as_view(),
        {"format": "json"},
        name="subject-access-json",
    ),
    path(
        "organise/people/<int:pk>/personal-data.csv",
        views.SubjectAccessDownloadView.as_view(),
        {"format": "csv"},
        name="subject-access-csv",
    ),
    path("organise/people/<int:pk>/erase/", views.EraseView.as_view(), name="erase"),
    path("privacy/", views.privacy_notice, name="privacy-notice"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
]
