from django import forms

from attendees.enums import StopRollout
from attendees.models import LeadershipGroup
from config.forms import ServiceErrorsMixin
from summits import forms as summits_forms
from summits.enums import SessionAccess


class SessionAudienceForm(ServiceErrorsMixin, forms.Form):
    access = forms.ChoiceField(
        label="Who can register",
        choices=SessionAccess.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who can register"},
    )
    groups = forms.ModelMultipleChoiceField(
        label="Target leadership groups",
        queryset=LeadershipGroup.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="People in these groups can register from the public page when the session is open to them",
    )


class PilotDecisionForm(summits_forms.PilotDecisionForm):
    """The decision, and — asked on a second page when a "stop" would take down published
    rollout sessions — what happens to them."""

    rollout_sessions = forms.ChoiceField(
        label="What should happen to them?",
        choices=StopRollout.choices,
        widget=forms.RadioSelect,
        required=False,
    )
