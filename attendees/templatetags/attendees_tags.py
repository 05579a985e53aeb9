"""The registration panel on a session's public page: what the signed-in person can do there.

A template tag, so the summits app's public page shows it without summits importing the
attendees app (STYLE.md: dependencies point from attendees to summits)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from attendees import services
from attendees.queries import attendee as queries
from summits.enums import SessionAccess, SessionStatus

register = template.Library()


@register.inclusion_tag("attendees/attendee/session_registration.html", takes_context=True)
def session_registration(context, session):
    """The person's place, a Register button when the session is open to their leadership
    groups, or for someone not signed in, a link to sign in when the session is open to groups."""
    panel = {"session": session, "csrf_token": context.get("csrf_token")}
    request = context.get("request")
    if request is None or session.status != SessionStatus.PUBLISHED:
        return panel
    open_now = services.registration_problem(session) is None
    if request.user.is_authenticated:
        person = queries.person_for_user(request.user)
        registration = queries.active_registration(person, session)
        panel["registration"] = registration
        panel["can_register"] = registration is None and open_now and services.can_self_register(person, session)
    elif open_now and session.access == SessionAccess.OPEN_TO_GROUPS:
        panel["sign_in_url"] = f"{reverse('account_request_login_code')}?{urlencode({'next': request.path})}"
    return panel
