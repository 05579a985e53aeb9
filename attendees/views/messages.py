"""The organisers' email pages: what the outbox has queued, sent and failed (with reasons),
overall and per session, and retrying one failed email or all of them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from attendees import message_services
from attendees.queries import messages as queries
from attendees.queries import organise as organise_queries
from outbox.models import Message
from summits.models import Session
from summits.views import OrganiserRequiredMixin, organiser_only

FAILED_PER_PAGE = 50


def _session(pk: int | None) -> Session | None:
    if pk is None:
        return None
    try:
        return organise_queries.organiser_session(pk)
    except Session.DoesNotExist:
        raise Http404("No such session") from None


class EmailsView(OrganiserRequiredMixin, TemplateView):
    """Counts by state and every failed email with its reason: the whole service, or one
    session when the URL names it. The same queries whatever the numbers: the session, the
    counts, the number of failures and a page of them, and those failures' session codes."""

    template_name = "attendees/organise/emails.html"

    def get_context_data(self, pk: int | None = None, **kwargs):
        context = super().get_context_data(**kwargs)
        session = _session(pk)
        failed = Paginator(queries.failed_messages(session), FAILED_PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(
            session=session,
            counts=queries.EmailCounts.of(queries.messages_of(session)),
            page_obj=failed,
            failed=queries.with_session_codes(list(failed)),
        )
        return context


def _back(session_id: int | None) -> str:
    if session_id is None:
        return reverse("attendees:emails")
    return reverse("attendees:session-emails", kwargs={"pk": session_id})


@organiser_only
@require_POST
def email_retry(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk)
    if message_services.retry_email(actor=request.user, message=message):
        messages.success(request, f"The email to {message.recipient} will be sent again")
    else:
        messages.error(request, f"The email to {message.recipient} had not failed, so it was not sent again")
    return redirect(_back(message.session_id if request.POST.get("from") == "session" else None))


@organiser_only
@require_POST
def emails_retry_failed(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    session = _session(pk)
    retried = message_services.retry_failed_emails(actor=request.user, session=session)
    if retried:
        messages.success(request, f"{retried} failed {'email' if retried == 1 else 'emails'} will be sent again")
    else:
        messages.error(request, "There were no failed emails to send again")
    return redirect(_back(pk))


urlpatterns = [
    path("organise/emails/", EmailsView.as_view(), name="emails"),
    path("organise/emails/retry/", emails_retry_failed, name="emails-retry-failed"),
    path("organise/emails/<int:pk>/retry/", email_retry, name="email-retry"),
    path("organise/sessions/<int:pk>/emails/", EmailsView.as_view(), name="session-emails"),
    path("organise/sessions/<int:pk>/emails/retry/", emails_retry_failed, name="session-emails-retry-failed"),
]
