"""Organisers' data protection pages for one person: download everything held about them
(JSON or CSV, audit-logged) and erase them after a confirmation page. Every page here shows
personal data, so none may be cached."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from attendees.models import Person
from privacy import services, subject_access
from summits import audit
from summits.views import OrganiserRequiredMixin


def _person(pk: int) -> Person:
    person = Person.objects.select_related("organisation", "user").filter(pk=pk).first()
    if person is None or services.is_erased(person):
        raise Http404("No such person")
    return person


@method_decorator(never_cache, name="dispatch")
class PersonalDataView(OrganiserRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = _person(pk)
        return render(
            request,
            "privacy/personal_data.html",
            {
                "person": person,
                "invitations": person.invitations.count(),
                "registrations": person.registrations.count(),
            },
        )


@method_decorator(never_cache, name="dispatch")
class SubjectAccessDownloadView(OrganiserRequiredMixin, View):
    FORMATS = {"json": ("application/json", subject_access.as_json), "csv": ("text/csv", subject_access.as_csv)}

    def get(self, request: HttpRequest, pk: int, format: str) -> HttpResponse:
        person = _person(pk)
        content_type, render_as = self.FORMATS[format]
        body = render_as(subject_access.subject_access_data(person))
        audit.record(actor=request.user, action="person.subject_access_export", obj=person, after={"format": format})
        response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="person-{person.pk}-personal-data.{format}"'
        return response


@method_decorator(never_cache, name="dispatch")
class EraseView(OrganiserRequiredMixin, View):
    template_name = "privacy/erase_confirm.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = _person(pk)
        return render(
            request,
            self.template_name,
            {
                "person": person,
                "invitations": person.invitations.count(),
                "registrations": person.registrations.count(),
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = _person(pk)
        try:
            erasure = services.erase_person(actor=request.user, person=person)
        except Person.DoesNotExist:  # erased a moment ago by someone else
            raise Http404("No such person") from None
        messages.success(
            request,
            f"Person erased. Their {erasure.invitations} invitations and {erasure.registrations} registrations "
            "are kept anonymously, so every count stays the same.",
        )
        return redirect("attendees:people-list")


def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/privacy_notice.html",
        {
            "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS,
            "extract_retention_days": settings.RESEARCH_EXTRACT_RETENTION_DAYS,
            "contact_email": settings.CALENDAR_ORGANIZER_EMAIL,
        },
    )


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/accessibility.html", {"contact_email": settings.CALENDAR_ORGANIZER_EMAIL})
