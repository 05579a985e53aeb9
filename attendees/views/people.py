"""Organisers' pages for people, their leadership groups, and importing people from a file."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views import View
from django.views.generic import ListView, TemplateView

from attendees import imports, services
from attendees.enums import InvitationStatus, OrganisationType, RegistrationStatus
from attendees.forms.people import GroupForm, PeopleFilterForm, PeopleImportForm, PersonForm
from attendees.models import LeadershipGroup, Person
from attendees.queries import people as queries
from config.imports import ImportPreviewView, ImportUploadView
from summits.enums import Region
from summits.queries import audit_entries
from summits.views import OrganiserRequiredMixin

INVITATION_COLOURS = {
    InvitationStatus.PENDING: "grey",
    InvitationStatus.ACCEPTED: "green",
    InvitationStatus.DECLINED: "red",
}
REGISTRATION_COLOURS = {
    RegistrationStatus.CONFIRMED: "green",
    RegistrationStatus.WAITLISTED: "yellow",
    RegistrationStatus.CANCELLED: "grey",
    RegistrationStatus.ATTENDED: "blue",
    RegistrationStatus.NO_SHOW: "orange",
}
# The preview lists this many people to create and to update; bad rows are always all listed.
PREVIEW_LIMIT = 200


# People ------------------------------------------------------------------------------------


class PeopleListView(OrganiserRequiredMixin, ListView):
    template_name = "attendees/people/person_list.html"
    context_object_name = "people"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = PeopleFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return queries.people(filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["filtered"] = any(self.request.GET.get(name) for name in self.filter_form.fields)
        return context


class PersonDetailView(OrganiserRequiredMixin, TemplateView):
    template_name = "attendees/people/person_detail.html"

    def get_context_data(self, pk: int, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            person = queries.person(pk)
        except Person.DoesNotExist:
            raise Http404("No such person") from None
        invitations = list(queries.invitations_of(person))
        for invitation in invitations:
            invitation.tag_colour = INVITATION_COLOURS[invitation.status]
        registrations = list(queries.registrations_of(person))
        for registration in registrations:
            registration.tag_colour = REGISTRATION_COLOURS[registration.status]
        statuses = [registration.status for registration in registrations]
        context.update(
            person=person,
            invitations=invitations,
            registrations=registrations,
            attended=statuses.count(RegistrationStatus.ATTENDED),
            no_shows=statuses.count(RegistrationStatus.NO_SHOW),
            history=audit_entries("person").filter(object_id=str(pk))[:20],
        )
        return context


class PersonUpdateView(OrganiserRequiredMixin, View):
    template_name = "attendees/people/person_form.html"

    def render_form(self, form, person):
        return render(self.request, self.template_name, {"form": form, "person": person})

    def get_person(self, pk: int) -> Person:
        try:
            return queries.person(pk)
        except Person.DoesNotExist:
            raise Http404("No such person") from None

    def get(self, request, pk: int):
        person = self.get_person(pk)
        return self.render_form(PersonForm(initial=PersonForm.initial_from(person)), person)

    def post(self, request, pk: int):
        person = self.get_person(pk)
        form = PersonForm(request.POST)
        if form.is_valid():
            try:
                person = services.update_person(actor=request.user, person=person, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"{person.full_name} saved")
                return redirect("attendees:person-detail", pk=person.pk)
        return self.render_form(form, person)


# Importing people: the shared flow (config.imports) with this import's reader, checks and writer.


class PeopleImportView(OrganiserRequiredMixin, ImportUploadView):
    importer = imports.IMPORTER
    form_class = PeopleImportForm
    template_name = "attendees/people/import_upload.html"
    preview_url = "attendees:people-import-preview"

    def extra_context(self):
        return {
            "groups": LeadershipGroup.objects.order_by("name"),
            "regions": Region.choices,
            "organisation_types": OrganisationType.choices,
        }


class PeopleImportPreviewView(OrganiserRequiredMixin, ImportPreviewView):
    """GET: what the import would do. POST: do it (checked again), then back to the people list."""

    importer = imports.IMPORTER
    template_name = "attendees/people/import_preview.html"
    upload_url = "attendees:people-import"
    done_url = "attendees:people-list"

    def preview_context(self, plan):
        return {
            "to_create": plan.to_create[:PREVIEW_LIMIT],
            "to_update": plan.to_update[:PREVIEW_LIMIT],
            "limit": PREVIEW_LIMIT,
        }

    def success_message(self, plan, filename):
        return (
            f"Imported {filename}: {len(plan.to_create)} added, {len(plan.to_update)} updated, "
            f"{len(plan.unchanged)} unchanged"
        )


# Leadership groups --------------------------------------------------------------------------


class GroupListView(OrganiserRequiredMixin, ListView):
    template_name = "attendees/people/group_list.html"
    context_object_name = "groups"
    paginate_by = 50

    def get_queryset(self):
        return queries.leadership_groups()


class GroupFormView(OrganiserRequiredMixin, View):
    template_name = "attendees/people/group_form.html"

    def render_form(self, form, group):
        return render(self.request, self.template_name, {"form": form, "group": group})

    def get_group(self, pk: int | None) -> LeadershipGroup | None:
        if pk is None:
            return None
        return get_object_or_404(LeadershipGroup.objects.prefetch_related("targets"), pk=pk)

    def get(self, request, pk: int | None = None):
        group = self.get_group(pk)
        phases = list(queries.phases())
        initial = GroupForm.initial_from(group, phases) if group else {}
        return self.render_form(GroupForm(initial=initial, phases=phases, with_name=group is None), group)

    def post(self, request, pk: int | None = None):
        group = self.get_group(pk)
        form = GroupForm(request.POST, phases=list(queries.phases()), with_name=group is None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if group is None:
                    group = services.create_group(
                        actor=request.user, name=data["name"], description=data["description"], targets=form.targets()
                    )
                else:
                    group = services.update_group(
                        actor=request.user, group=group, description=data["description"], targets=form.targets()
                    )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"Leadership group “{group.name}” saved")
                return redirect("attendees:group-list")
        return self.render_form(form, group)


urlpatterns = [
    path("organise/people/", PeopleListView.as_view(), name="people-list"),
    path("organise/people/<int:pk>/", PersonDetailView.as_view(), name="person-detail"),
    path("organise/people/<int:pk>/edit/", PersonUpdateView.as_view(), name="person-edit"),
    path("organise/people/import/", PeopleImportView.as_view(), name="people-import"),
    path("organise/people/import/<str:token>/", PeopleImportPreviewView.as_view(), name="people-import-preview"),
    path("organise/people/groups/", GroupListView.as_view(), name="group-list"),
    path("organise/people/groups/add/", GroupFormView.as_view(), name="group-create"),
    path("organise/people/groups/<int:pk>/edit/", GroupFormView.as_view(), name="group-edit"),
]
