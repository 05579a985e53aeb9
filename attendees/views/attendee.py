"""A board member's own pages: the invitation link, the cancel link from emails, My sessions,
registering from a session's public page, and the personal calendar feed.

Links from emails work without signing in; they carry an id and a secret token and show
only that one invitation or registration. A wrong or unknown link answers 404 and an
answered, cancelled or closed one 410 — both with a page saying what to do, never a 500 and
never anyone else's details. Only POST changes anything: mail scanners (Safe Links and the
like) open every link in an email, so opening a link must not accept or decline.
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from attendees import services
from attendees.enums import InvitationStatus, RegistrationStatus
from attendees.models import Invitation, Registration
from attendees.queries import attendee as queries
from summits import calendar
from summits.enums import SessionStatus
from summits.models import Session

NOT_FOUND = 404
GONE = 410


def _problem(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """The clear page for a link that does not work (404) or no longer does (410)."""
    return render(
        request,
        "attendees/attendee/link_problem.html",
        {
            "heading": "This link does not work" if status == NOT_FOUND else "This link can no longer be used",
            "message": message,
            "gone": status == GONE,
            "contact_email": settings.CALENDAR_ORGANIZER_EMAIL,
        },
        status=status,
    )


class LinkProblem(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def _answer_links(view):
    """Turns a LinkProblem raised by a link view into the clear page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except LinkProblem as problem:
            return _problem(request, str(problem), problem.status)

    return wrapped


# Invitations ------------------------------------------------------------------------------


def _invitation(pk: int, token: str) -> Invitation:
    try:
        return services.invitation_from_link(pk, token)
    except services.LinkError as error:
        raise LinkProblem(str(error), NOT_FOUND) from None


def _invitation_gone(invitation: Invitation) -> str | None:
    """Why an invitation can no longer be answered, or None."""
    session = invitation.session
    # A declined invitation stays open: the person may change their mind and accept.
    if invitation.status == InvitationStatus.ACCEPTED:
        return "You have already accepted this invitation."
    if session.status == SessionStatus.CANCELLED:
        return "This session has been cancelled."
    if timezone.now() >= session.effective_registration_closes_at:
        return "Registration for this session has closed."
    return None


def _open_invitation(pk: int, token: str) -> Invitation:
    invitation = _invitation(pk, token)
    gone = _invitation_gone(invitation)
    if gone:
        raise LinkProblem(gone, GONE)
    return invitation


@require_GET
@_answer_links
def invitation(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The page an invitation email links to: the session, Accept and Decline."""
    invitation = _open_invitation(pk, token)
    return render(
        request,
        "attendees/attendee/invitation.html",
        {
            "invitation": invitation,
            "session": invitation.session,
            # Not closed, yet not open: registration opens later. Declining is still possible.
            "not_open_yet": services.registration_problem(invitation.session),
        },
    )


@require_POST
@_answer_links
def invitation_accept(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    invitation = _open_invitation(pk, token)
    try:
        services.accept_invitation(invitation=invitation)
    except services.LinkError as error:
        raise LinkProblem(str(error), GONE) from None
    except ValidationError as error:  # already registered on the session another way
        raise LinkProblem(" ".join(error.messages), GONE) from None
    return redirect("attendees:invitation-accepted", pk=pk, token=token)


@require_GET
@_answer_links
def invitation_accepted(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """After accepting: a place, or the position on the waiting list, and what to do next."""
    invitation = _invitation(pk, token)
    registration = (
        queries.with_waitlist_position(invitation.registrations.select_related("session__venue"))
        .order_by("-created_at", "-pk")
        .first()
    )
    if invitation.status != InvitationStatus.ACCEPTED or registration is None:
        return redirect("attendees:invitation", pk=pk, token=token)
    if registration.status == RegistrationStatus.WAITLISTED:
        heading = f"You are number {registration.waitlist_position} on the waiting list"
    elif registration.status == RegistrationStatus.CANCELLED:
        heading = "You have cancelled your place"
    else:
        heading = "You have a place"
    return render(
        request,
        "attendees/attendee/invitation_accepted.html",
        {"heading": heading, "registration": registration, "session": registration.session},
    )


@require_http_methods(["GET", "POST"])
@_answer_links
def invitation_decline(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The Decline link from the email asks to confirm; the button on the page posts here."""
    invitation = _open_invitation(pk, token)
    if invitation.status == InvitationStatus.DECLINED:
        return redirect("attendees:invitation-declined", pk=pk, token=token)
    if request.method != "POST":
        return render(
            request,
            "attendees/attendee/invitation_decline.html",
            {"invitation": invitation, "session": invitation.session},
        )
    try:
        services.decline_invitation(invitation=invitation)
    except services.LinkError as error:
        raise LinkProblem(str(error), GONE) from None
    return redirect("attendees:invitation-declined", pk=pk, token=token)


@require_GET
@_answer_links
def invitation_declined(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    invitation = _invitation(pk, token)
    if invitation.status != InvitationStatus.DECLINED:
        return redirect("attendees:invitation", pk=pk, token=token)
    return render(
        request,
        "attendees/attendee/invitation_declined.html",
        {"session": invitation.session, "invitation": invitation, "still_open": _invitation_gone(invitation) is None},
    )


# Cancelling a place -------------------------------------------------------------------------


def _cancel_problem(registration: Registration) -> str | None:
    """Why this place cannot be cancelled now, or None."""
    session = registration.session
    if registration.status == RegistrationStatus.CANCELLED:
        return "This place has already been cancelled."
    if registration.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED):
        return "This session has taken place."
    if session.status == SessionStatus.CANCELLED:
        return "This session has been cancelled, so there is no place to cancel."
    if session.starts_at <= timezone.now():
        return "This session has already started."
    return None


def _cancelled_heading(registration: Registration) -> str:
    return "Your place has been cancelled" if registration.confirmed_at else "You have left the waiting list"


@require_http_methods(["GET", "POST"])
@_answer_links
def registration_cancel_link(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The cancel link in emails: a page to confirm, and the button posts here."""
    try:
        registration = services.registration_from_link(pk, token)
    except services.LinkError as error:
        raise LinkProblem(str(error), NOT_FOUND) from None
    problem = _cancel_problem(registration)
    if problem:
        raise LinkProblem(problem, GONE)
    if request.method != "POST":
        waitlisted = registration.status == RegistrationStatus.WAITLISTED
        return render(
            request,
            "attendees/attendee/registration_cancel.html",
            {
                "heading": "Leave the waiting list" if waitlisted else "Cancel your place",
                "registration": registration,
                "session": registration.session,
                "position": services.waitlist_position(registration) if waitlisted else None,
            },
        )
    try:
        services.cancel_registration(registration=registration)
    except ValidationError as error:
        raise LinkProblem(" ".join(error.messages), GONE) from None
    return redirect("attendees:registration-cancelled-link", pk=pk, token=token)


@require_GET
@_answer_links
def registration_cancelled_link(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    try:
        registration = services.registration_from_link(pk, token)
    except services.LinkError as error:
        raise LinkProblem(str(error), NOT_FOUND) from None
    if registration.status != RegistrationStatus.CANCELLED:
        return redirect("attendees:registration-cancel-link", pk=pk, token=token)
    return render(
        request,
        "attendees/attendee/registration_cancelled.html",
        {"heading": _cancelled_heading(registration), "registration": registration, "session": registration.session},
    )


# My sessions ----------------------------------------------------------------------------------


def _feed_url(person) -> str:
    return settings.SITE_URL + reverse("attendees:person-feed", kwargs={"token": person.calendar_token})


@login_required
@require_GET
def my_sessions(request: HttpRequest) -> HttpResponse:
    """The signed-in person's workshops, to come and past, and their calendar feed."""
    person = queries.person_for_user(request.user)
    context = {"person": person}
    if person is not None:
        upcoming, past = queries.my_registrations(person)
        feed_url = _feed_url(person)
        context |= {
            "upcoming": upcoming,
            "past": past,
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        }
        # What later apps add to this page (their surveys, say): settings.MY_SESSIONS_EXTRAS
        # names functions person -> context, so this app does not import them.
        for extra in settings.MY_SESSIONS_EXTRAS:
            context |= import_string(extra)(person)
    return render(request, "attendees/attendee/my_sessions.html", context)


def _own_person(request: HttpRequest):
    person = queries.person_for_user(request.user)
    if person is None:
        raise Http404("This account has no workshops")
    return person


@login_required
@require_POST
def my_registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    person = _own_person(request)
    # Someone else's registration is simply not found.
    registration = get_object_or_404(Registration.objects.select_related("session"), pk=pk, person=person)
    problem = _cancel_problem(registration)
    if problem:
        messages.error(request, problem)
        return redirect("attendees:my-sessions")
    try:
        registration = services.cancel_registration(registration=registration)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if registration.confirmed_at:
            messages.success(request, f"Your place on {registration.session.title} has been cancelled")
        else:
            messages.success(request, f"You have left the waiting list for {registration.session.title}")
    return redirect("attendees:my-sessions")


@login_required
@require_http_methods(["GET", "POST"])
def person_feed_reset(request: HttpRequest) -> HttpResponse:
    """Asks to confirm, then gives the person a new feed address."""
    person = _own_person(request)
    if request.method == "GET":
        return render(
            request,
            "confirm.html",
            {
                "heading": "Get a new calendar feed address",
                "consequences": [
                    "Your calendar feed gets a new secret address. The old address stops working at once.",
                    "Calendars subscribed to the old address stop getting your workshops: subscribe again with "
                    "the new address shown on My sessions.",
                    "Your places on workshops do not change, and nobody is emailed.",
                ],
                "button": "Get a new address",
                "warning": True,
                "back_url": reverse("attendees:my-sessions") + "#calendar-feed",
            },
        )
    services.reset_calendar_token(person=person)
    messages.success(
        request, "Your calendar feed has a new address. The old one no longer works: subscribe again with the new one"
    )
    return redirect(reverse("attendees:my-sessions") + "#calendar-feed")


@require_safe  # calendar clients may check the feed with HEAD
def person_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal calendar feed (METHOD:PUBLISH): no sign-in, the secret is in the URL."""
    person = queries.person_by_calendar_token(token)
    if person is None:
        raise Http404("No calendar feed has that address")
    # Only sessions they hold a place on, so the joining link belongs here (DOMAIN.md rule 8).
    ics = calendar.sessions_feed_ics(
        f"{settings.SERVICE_NAME}: my sessions", queries.feed_sessions(person), joining_link=True
    )
    response = HttpResponse(ics, content_type=calendar.ICS_CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="my-sessions.ics"'
    response["Cache-Control"] = "private, no-cache"
    return response


# Registering from a session's public page ---------------------------------------------------


@login_required
@require_POST
def session_register(request: HttpRequest, code: str) -> HttpResponse:
    """A signed-in person in a session's target leadership groups takes a place (or joins the
    waiting list) on a session open to those groups."""
    session = get_object_or_404(Session.objects.published(), code=code)
    person = queries.person_for_user(request.user)
    if not services.can_self_register(person, session):
        raise PermissionDenied("This session takes registrations by invitation")
    try:
        registration = services.register(person=person, session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("summits:public-session-detail", code=code)
    if registration.status == RegistrationStatus.CONFIRMED:
        messages.success(request, f"You have a place on {session.title}. We have emailed you a calendar invitation")
    else:
        position = services.waitlist_position(registration)
        messages.success(request, f"{session.title} is full. You are number {position} on the waiting list")
    return redirect("attendees:my-sessions")


urlpatterns = [
    path("i/<int:pk>/<str:token>/", invitation, name="invitation"),
    path("i/<int:pk>/<str:token>/accept/", invitation_accept, name="invitation-accept"),
    path("i/<int:pk>/<str:token>/accepted/", invitation_accepted, name="invitation-accepted"),
    path("i/<int:pk>/<str:token>/decline/", invitation_decline, name="invitation-decline"),
    path("i/<int:pk>/<str:token>/declined/", invitation_declined, name="invitation-declined"),
    path("r/<int:pk>/<str:token>/cancel/", registration_cancel_link, name="registration-cancel-link"),
    path("r/<int:pk>/<str:token>/cancelled/", registration_cancelled_link, name="registration-cancelled-link"),
    path("my/sessions/", my_sessions, name="my-sessions"),
    path("my/registrations/<int:pk>/cancel/", my_registration_cancel, name="my-registration-cancel"),
    path("my/calendar/reset/", person_feed_reset, name="person-feed-reset"),
    path("calendar/<str:token>.ics", person_feed, name="person-feed"),
    path("sessions/<str:code>/register/", session_register, name="session-register"),
]
