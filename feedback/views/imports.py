"""Importing survey answers collected on paper or in another tool: upload a file, check what
the import would add and every bad row, then confirm. Organisers only. The flow is the shared
one (config.imports); this import supplies its reader, checks and writer (feedback.imports)."""

from django.urls import path

from config.imports import ImportPreviewView, ImportUploadView
from feedback import imports
from feedback.forms.imports import ResponsesImportForm
from summits.views import OrganiserRequiredMixin


class ResponsesImportView(OrganiserRequiredMixin, ImportUploadView):
    importer = imports.IMPORTER
    form_class = ResponsesImportForm
    template_name = "feedback/imports/upload.html"
    preview_url = "feedback:responses-import-confirm"

    def extra_context(self):
        return {"columns": imports.COLUMNS}


class ResponsesImportConfirmView(OrganiserRequiredMixin, ImportPreviewView):
    importer = imports.IMPORTER
    template_name = "feedback/imports/confirm.html"
    upload_url = "feedback:responses-import"
    done_url = "feedback:responses-import"

    def success_message(self, plan, filename):
        return f"Imported {filename}: {plan.response_count} responses with {len(plan.answers)} answers"


urlpatterns = [
    path("organise/surveys/import/", ResponsesImportView.as_view(), name="responses-import"),
    path("organise/surveys/import/<str:token>/", ResponsesImportConfirmView.as_view(), name="responses-import-confirm"),
]
