from django.contrib import admin
from django.http import Http404
from django.urls import include, path
from django.views.generic import RedirectView

from config import views


def not_offered(request, *args, **kwargs):
    """Passwords are not used in this service: sign-in is by emailed code only."""
    raise Http404("Sign-in is by emailed code; there are no passwords to manage.")


urlpatterns = [
    path("admin/", admin.site.urls),
    # Everyone signs in by emailed code: the password login page sends people to the code form.
    path("accounts/login/", RedirectView.as_view(pattern_name="account_request_login_code", query_string=True)),
    path("accounts/password/<path:rest>", not_offered),
    path("accounts/signup/", not_offered),
    # People do not manage email addresses here: adding one would make the service email anyone.
    path("accounts/email/", not_offered),
    path("accounts/email/<path:rest>", not_offered),
    path("accounts/", include("allauth.urls")),
    path("home/", views.home, name="home"),
    path("evaluation/", include("evaluation.urls")),
    path("", include("privacy.urls")),
    path("", include("health.urls")),
    path("", include("feedback.urls")),
    path("", include("attendees.urls")),
    path("", include("summits.urls")),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
