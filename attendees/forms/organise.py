from django import forms

from attendees.enums import OrganisationType
from attendees.models import LeadershipGroup, Person
from attendees.queries import organise as queries
from config.forms import ServiceErrorsMixin
from summits.enums import Region


class InviteGroupsForm(ServiceErrorsMixin, forms.Form):
    groups = forms.ModelMultipleChoiceField(
        label="Leadership groups",
        queryset=LeadershipGroup.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={"required": "Select at least one leadership group"},
    )
    regions = forms.MultipleChoiceField(
        label="Regions",
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked to invite people in every region",
    )
    organisation_types = forms.MultipleChoiceField(
        label="Organisation types",
        choices=OrganisationType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked to invite people from every type of organisation",
    )
    service_field_map = {"session": "groups"}

    def selection(self) -> dict:
        """The choices as keyword arguments for people_to_invite and invite_groups."""
        return {name: self.cleaned_data[name] for name in ("groups", "regions", "organisation_types")}

    def labels(self) -> dict[str, list[str]]:
        """The choices in words, for the preview."""
        data = self.cleaned_data
        return {
            "groups": [group.name for group in data["groups"]],
            "regions": [Region(value).label for value in data["regions"]],
            "organisation_types": [OrganisationType(value).label for value in data["organisation_types"]],
        }


class InvitePersonForm(ServiceErrorsMixin, forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The person must already be in the people list",
        error_messages={
            "required": "Enter the email address of the person to invite",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
    )
    service_field_map = {"person": "email"}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        self.person: Person | None = queries.find_person(email)
        if self.person is None:
            raise forms.ValidationError("Nobody in the people list has this email address")
        return email


class CheckInSearchForm(forms.Form):
    q = forms.CharField(label="Search by name", required=False, max_length=100)


class CancelPlaceForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="The person is told this reason in their email",
        error_messages={"required": "Enter the reason: the person is told it"},
    )
