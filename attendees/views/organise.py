"""The organisers' side of invitations, registrations and attendance: invite leadership
groups or one person, watch a session's registrations and waiting list, export the attendee
list, check people in, and see the programme's reach."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import TemplateView

from attendees import attendance, services
from attendees.enums import RegistrationStatus
from attendees.forms.organise import CancelPlaceForm, CheckInSearchForm, InviteGroupsForm, InvitePersonForm
from attendees.models import Invitation, Registration
from attendees.queries import organise as queries
from attendees.queries.messages import EmailCounts, messages_of
from config.spreadsheets import safe_cell
from summits import queries as schedule_queries
from summits.models import Session
from summits.views import OrganiserRequiredMixin, organiser_only


def _session_or_404(pk: int) -> Session:
    try:
        return queries.organiser_session(pk)
    except Session.DoesNotExist:
        raise Http404("No such session") from None


def _add_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# Inviting ---------------------------------------------------------------------------------


class InviteGroupsView(OrganiserRequiredMixin, View):
    """Choose groups (and optionally regions and organisation types) → preview the count →
    confirm. The preview's hidden fields carry the choices to the confirming POST, which
    counts again: people invited meanwhile are left out, never invited twice."""

    template_name = "attendees/organise/session_invite.html"
    preview_template_name = "attendees/organise/session_invite_preview.html"

    def render_form(self, session, form):
        problem = queries.invitation_problem(session)
        return render(self.request, self.template_name, {"session": session, "form": form, "problem": problem})

    def get(self, request, pk: int):
        return self.render_form(_session_or_404(pk), InviteGroupsForm())

    def post(self, request, pk: int):
        session = _session_or_404(pk)
        form = InviteGroupsForm(request.POST)
        if not form.is_valid() or "change" in request.POST:
            return self.render_form(session, form)
        if "confirm" not in request.POST:
            preview = queries.invite_preview(session=session, **form.selection())
            return render(
                request,
                self.preview_template_name,
                {"session": session, "form": form, "preview": preview, "problem": queries.invitation_problem(session)},
            )
        try:
            invited = services.invite_groups(actor=request.user, session=session, **form.selection())
        except ValidationError as error:
            form.add_service_error(error)
            return self.render_form(session, form)
        messages.success(
            request,
            f"{invited} {'person' if invited == 1 else 'people'} invited to {session.code}: emails are on their way",
        )
        return redirect("attendees:session-registrations", pk=session.pk)


class InvitePersonView(OrganiserRequiredMixin, View):
    template_name = "attendees/organise/invite_person.html"

    def render_form(self, session, form):
        problem = queries.invitation_problem(session)
        return render(self.request, self.template_name, {"session": session, "form": form, "problem": problem})

    def get(self, request, pk: int):
        return self.render_form(_session_or_404(pk), InvitePersonForm())

    def post(self, request, pk: int):
        session = _session_or_404(pk)
        form = InvitePersonForm(request.POST)
        if form.is_valid():
            try:
                services.invite_person(actor=request.user, session=session, person=form.person)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"{form.person} invited to {session.code}: the email is on its way")
                return redirect("attendees:session-registrations", pk=session.pk)
        return self.render_form(session, form)


@organiser_only
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("person", "session"), pk=pk)
    try:
        services.resend_invitation(actor=request.user, invitation=invitation)
    except ValidationError as error:
        _add_messages(request, error)
    else:
        messages.success(request, f"Invitation sent to {invitation.person} again")
    return redirect(reverse("attendees:session-registrations", kwargs={"pk": invitation.session_id}) + "#unanswered")


# Registrations ----------------------------------------------------------------------------


class SessionRegistrationsView(OrganiserRequiredMixin, TemplateView):
    template_name = "attendees/organise/session_registrations.html"

    def get_context_data(self, pk: int, **kwargs):
        context = super().get_context_data(**kwargs)
        session = _session_or_404(pk)
        context["session"] = session
        context["lists"] = queries.session_registrations(session)
        context["can_invite"] = queries.invitation_problem(session) is None
        context["email_counts"] = EmailCounts.of(messages_of(session))
        return context


# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
@organiser_only
def session_registrations_csv(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{session.code}-attendees.csv"'
    writer = csv.writer(response)
    writer.writerow(["Name", "Email", "Job title", "Organisation", "Leadership groups", "Status", "Registered at"])
    for registration in queries.attendee_list(session):
        person = registration.person
        writer.writerow(
            safe_cell(value)
            for value in (
                person.full_name,
                person.email,
                person.job_title,
                person.organisation.name if person.organisation else "",
                "; ".join(group.name for group in person.groups.all()),
                registration.get_status_display(),
                f"{timezone.localtime(registration.created_at):%Y-%m-%d %H:%M}",
            )
        )
    return response


class RegistrationCancelView(OrganiserRequiredMixin, View):
    """Confirm before cancelling someone's place or removing them from the waiting list: the
    page says what will happen and who is emailed, and asks for the reason they are told."""

    template_name = "attendees/organise/registration_cancel.html"

    def get_registration(self, pk: int) -> Registration:
        return get_object_or_404(
            Registration.objects.select_related("person", "session__venue"),
            pk=pk,
            status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
        )

    def render_form(self, registration, form):
        waitlisted = registration.status == RegistrationStatus.WAITLISTED
        return render(
            self.request,
            self.template_name,
            {
                "registration": registration,
                "session": registration.session,
                "person": registration.person,
                "waitlisted": waitlisted,
                "next_waiting": None if waitlisted else queries.first_waiting(registration.session),
                "form": form,
            },
        )

    def get(self, request, pk: int):
        return self.render_form(self.get_registration(pk), CancelPlaceForm())

    def post(self, request, pk: int):
        registration = self.get_registration(pk)
        form = CancelPlaceForm(request.POST)
        if form.is_valid():
            try:
                services.cancel_registration(
                    registration=registration, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                if registration.status == RegistrationStatus.WAITLISTED:
                    done = f"{registration.person} removed from the waiting list for {registration.session.code}"
                else:
                    done = f"{registration.person}’s place on {registration.session.code} cancelled"
                messages.success(request, f"{done}. They have been emailed your reason")
                return redirect("attendees:session-registrations", pk=registration.session_id)
        return self.render_form(registration, form)


class RegistrationOfferView(OrganiserRequiredMixin, View):
    """Confirm before giving a chosen person on the waiting list a place ahead of the queue."""

    template_name = "attendees/organise/registration_offer.html"

    def get_registration(self, pk: int) -> Registration:
        return get_object_or_404(
            Registration.objects.select_related("person", "session__venue"), pk=pk, status=RegistrationStatus.WAITLISTED
        )

    def render_page(self, registration, problem=None):
        return render(
            self.request,
            self.template_name,
            {
                "registration": registration,
                "session": registration.session,
                "person": registration.person,
                "position": services.waitlist_position(registration),
                "problem": problem,
            },
        )

    def get(self, request, pk: int):
        return self.render_page(self.get_registration(pk))

    def post(self, request, pk: int):
        registration = self.get_registration(pk)
        try:
            services.offer_place(actor=request.user, registration=registration)
        except ValidationError as error:
            return self.render_page(registration, problem=" ".join(error.messages))
        messages.success(
            request, f"{registration.person} has a place on {registration.session.code} and has been emailed"
        )
        return redirect("attendees:session-registrations", pk=registration.session_id)


# Check-in ---------------------------------------------------------------------------------


class CheckInView(OrganiserRequiredMixin, TemplateView):
    template_name = "attendees/organise/check_in.html"

    def get_context_data(self, pk: int, **kwargs):
        context = super().get_context_data(**kwargs)
        session = _session_or_404(pk)
        form = CheckInSearchForm(self.request.GET or None)
        search = form.cleaned_data["q"] if form.is_valid() else ""
        counts = queries.attendance_counts(session)
        ended = attendance.has_ended(session)
        context.update(
            session=session,
            form=form,
            search=search,
            registrations=queries.check_in_list(session, search),
            counts=counts,
            problem=attendance.check_in_problem(session),
            ended=ended,
            finalised=ended and counts["unmarked"] == 0,
        )
        return context


def _back_to_check_in(request: HttpRequest, session_id: int) -> HttpResponse:
    url = reverse("attendees:check-in", kwargs={"pk": session_id})
    search = request.POST.get("q", "").strip()
    if search:
        url += "?" + urlencode({"q": search})
    return redirect(url)


@organiser_only
@require_POST
def check_in_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """One form on the check-in page: each row's own button sends `registration`; the button
    under the list sends the ticked `registrations`."""
    session = get_object_or_404(Session, pk=pk)
    single = request.POST.get("registration")
    raw_ids = [single] if single else request.POST.getlist("registrations")
    ids = [int(value) for value in raw_ids if value.isdigit()]
    try:
        marked = attendance.mark_attended_in_bulk(actor=request.user, session=session, registration_ids=ids)
    except ValidationError as error:
        _add_messages(request, error)
    else:
        if len(marked) == 1:
            messages.success(request, f"{marked[0].person} checked in")
        else:
            messages.success(request, f"{len(marked)} people checked in")
    return _back_to_check_in(request, pk)


@organiser_only
@require_POST
def check_in_undo(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(Registration.objects.select_related("person", "session"), pk=pk)
    try:
        registration = attendance.undo_attended(actor=request.user, registration=registration)
    except ValidationError as error:
        _add_messages(request, error)
    else:
        messages.success(request, f"{registration.person} is now marked as {registration.get_status_display().lower()}")
    return _back_to_check_in(request, registration.session_id)


@organiser_only
@require_http_methods(["GET", "POST"])
def attendance_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks to confirm, then marks everyone not checked in as did not attend."""
    session = _session_or_404(pk)
    if request.method == "GET":
        unmarked = queries.attendance_counts(session)["unmarked"]
        people = f"{unmarked} {'person' if unmarked == 1 else 'people'}"
        return render(
            request,
            "confirm.html",
            {
                "heading": "Finalise attendance",
                "caption": str(session),
                "consequences": [
                    f"The {people} with a place who are not checked in will be marked as did not attend.",
                    "Everyone checked in is emailed the post-session survey when the survey emails next go out; "
                    "people marked as did not attend are not.",
                    "You can still correct anyone’s attendance afterwards on the check-in page.",
                ],
                "button": "Finalise attendance",
                "warning": False,
                "back_url": reverse("attendees:check-in", kwargs={"pk": pk}),
            },
        )
    try:
        no_shows = attendance.finalise_attendance(actor=request.user, session=session)
    except ValidationError as error:
        _add_messages(request, error)
    else:
        messages.success(
            request,
            f"Attendance finalised: {no_shows} {'person' if no_shows == 1 else 'people'} marked as did not attend",
        )
    return redirect("attendees:check-in", pk=pk)


# Reach ------------------------------------------------------------------------------------


class ReachView(OrganiserRequiredMixin, TemplateView):
    template_name = "attendees/organise/reach.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = schedule_queries.current_programme(self.request.GET.get("programme"))
        context["programme"] = programme
        context["reach"] = queries.programme_reach(programme) if programme else []
        return context


urlpatterns = [
    path("organise/sessions/<int:pk>/invite/", InviteGroupsView.as_view(), name="session-invite"),
    path("organise/sessions/<int:pk>/invite/person/", InvitePersonView.as_view(), name="invite-person"),
    path("organise/invitations/<int:pk>/resend/", invitation_resend, name="invitation-resend"),
    path("organise/sessions/<int:pk>/registrations/", SessionRegistrationsView.as_view(), name="session-registrations"),
    path("organise/sessions/<int:pk>/registrations.csv", session_registrations_csv, name="session-registrations-csv"),
    path("organise/registrations/<int:pk>/cancel/", RegistrationCancelView.as_view(), name="registration-cancel"),
    path("organise/registrations/<int:pk>/offer/", RegistrationOfferView.as_view(), name="registration-offer"),
    path("organise/sessions/<int:pk>/check-in/", CheckInView.as_view(), name="check-in"),
    path("organise/sessions/<int:pk>/check-in/mark/", check_in_mark, name="check-in-mark"),
    path("organise/registrations/<int:pk>/undo-check-in/", check_in_undo, name="check-in-undo"),
    path("organise/sessions/<int:pk>/check-in/finalise/", attendance_finalise, name="attendance-finalise"),
    path("organise/reach/", ReachView.as_view(), name="reach"),
]
