from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict:
    """The service name and the signed-in user's roles, for the header navigation."""
    user = request.user
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "is_organiser": user.is_authenticated and user.has_perm("summits.manage_programme"),
        "is_evaluator": user.is_authenticated and user.has_perm("summits.view_outcomes"),
    }
