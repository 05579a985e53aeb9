from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where sign-in lands: each role's own start page; invited leaders land on My sessions."""
    if request.user.has_perm("summits.manage_programme"):
        return redirect("summits:dashboard")
    if request.user.has_perm("summits.view_outcomes"):
        return redirect("evaluation:home")
    return redirect("attendees:my-sessions")


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the context processors touch the session and database, which may
    # be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
