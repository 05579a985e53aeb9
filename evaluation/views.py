from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.views.generic import TemplateView

from summits.queries import phase_overview


class EvaluationHomeView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The evaluators' start page: what each phase set out to deliver and has delivered so far.
    Outcome measures join it once surveys are collected (a later capability)."""

    permission_required = "summits.view_outcomes"
    template_name = "evaluation/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["phases"] = phase_overview()
        return context
