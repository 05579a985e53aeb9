from django import forms

from attendees.models import LeadershipGroup
from config.forms import ServiceErrorsMixin
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
