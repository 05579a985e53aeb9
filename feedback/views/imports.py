"""Importing survey answers collected on paper or in another tool: upload a file, check what
the import would add and every bad row, then confirm. Organisers only.

The uploaded file waits in the cache (shared between processes in production) under a random
key, with the id of the organiser who uploaded it: only they can preview or confirm it.
"""

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View

from feedback import imports
from feedback.forms.imports import ResponsesImportForm
from summits.views import OrganiserRequiredMixin

# An uploaded file waits this long for the organiser to confirm the import.
UPLOAD_KEPT_SECONDS = 60 * 60
# The preview lists this many bad rows; the count of bad rows is always the full one.
ERRORS_SHOWN = 1000


def _cache_key(token: str) -> str:
    return f"responses-import:{token}"


def _stored_upload(request, token: str) -> dict | None:
    upload = cache.get(_cache_key(token))
    if upload is None or upload["user_id"] != request.user.pk:
        return None
    return upload


class ResponsesImportView(OrganiserRequiredMixin, View):
    template_name = "feedback/imports/upload.html"

    def render_form(self, form):
        return render(
            self.request,
            self.template_name,
            {"form": form, "columns": imports.COLUMNS},
        )

    def get(self, request):
        return self.render_form(ResponsesImportForm())

    def post(self, request):
        form = ResponsesImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(form)
        token = secrets.token_urlsafe(16)
        cache.set(
            _cache_key(token),
            {"user_id": request.user.pk, "filename": form.cleaned_data["file"].name, "content": form.content},
            UPLOAD_KEPT_SECONDS,
        )
        return redirect("feedback:responses-import-confirm", token=token)


class ResponsesImportConfirmView(OrganiserRequiredMixin, View):
    """GET: what the import would add, and every bad row. POST: import (checked again)."""

    template_name = "feedback/imports/confirm.html"

    def expired(self):
        messages.info(self.request, "That upload has expired or cannot be found. Upload the file again")
        return redirect("feedback:responses-import")

    def render_preview(self, plan, upload, token):
        return render(
            self.request,
            self.template_name,
            {
                "plan": plan,
                "filename": upload["filename"],
                "token": token,
                "errors": plan.errors[:ERRORS_SHOWN],
                "errors_shown": ERRORS_SHOWN,
            },
        )

    def get(self, request, token: str):
        upload = _stored_upload(request, token)
        if upload is None:
            return self.expired()
        try:
            plan = imports.check(imports.read_file(upload["content"], upload["filename"]))
        except imports.ImportFileError as error:  # cannot happen for a file that passed the upload form
            messages.error(request, str(error))
            return redirect("feedback:responses-import")
        return self.render_preview(plan, upload, token)

    def post(self, request, token: str):
        upload = _stored_upload(request, token)
        if upload is None:
            return self.expired()
        try:
            plan = imports.apply(
                plan=imports.check(imports.read_file(upload["content"], upload["filename"])),
                actor=request.user,
                source=upload["filename"],
            )
        except imports.ResponsesRejected as rejected:
            return self.render_preview(rejected.plan, upload, token)
        except imports.ImportFileError as error:
            messages.error(request, str(error))
            return redirect("feedback:responses-import-confirm", token=token)
        cache.delete(_cache_key(token))
        messages.success(
            request,
            f"Imported {upload['filename']}: {plan.response_count} responses with {len(plan.answers)} answers",
        )
        return redirect("feedback:responses-import")


urlpatterns = [
    path("organise/surveys/import/", ResponsesImportView.as_view(), name="responses-import"),
    path("organise/surveys/import/<str:token>/", ResponsesImportConfirmView.as_view(), name="responses-import-confirm"),
]
