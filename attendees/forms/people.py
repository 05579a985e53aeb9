from django import forms

from attendees import imports
from attendees.enums import OrganisationType
from attendees.models import LeadershipGroup, Organisation
from attendees.queries import people as queries
from config.forms import ServiceErrorsMixin, SpreadsheetUploadForm
from summits.enums import Region
from summits.models import Phase


class PeopleFilterForm(forms.Form):
    """The people list's search and filters (GET). Every field is optional; bad values are ignored."""

    q = forms.CharField(
        label="Name, email or organisation",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    group = forms.ModelChoiceField(
        label="Leadership group",
        queryset=LeadershipGroup.objects.order_by("name"),
        required=False,
        empty_label="Any leadership group",
    )
    region = forms.ChoiceField(choices=[("", "Any region"), *Region.choices], required=False)
    organisation_type = forms.ChoiceField(
        label="Organisation type", choices=[("", "Any type"), *OrganisationType.choices], required=False
    )


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} ({obj.get_region_display()})"


class PersonForm(ServiceErrorsMixin, forms.Form):
    first_name = forms.CharField(max_length=100, error_messages={"required": "Enter the first name"})
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter the last name"})
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter the email address",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
    )
    job_title = forms.CharField(
        label="Job title or role",
        max_length=200,
        required=False,
        help_text="For example, chair, chief executive, non-executive director, CCIO",
    )
    organisation = OrganisationChoiceField(
        queryset=queries.organisations(), required=False, empty_label="No organisation"
    )
    groups = forms.ModelMultipleChoiceField(
        label="Leadership groups",
        queryset=LeadershipGroup.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    @classmethod
    def initial_from(cls, person) -> dict:
        return {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "job_title": person.job_title,
            "organisation": person.organisation_id,
            "groups": [group.pk for group in person.groups.all()],
        }


class PeopleImportForm(SpreadsheetUploadForm):
    max_megabytes = 5
    file_errors = (imports.ImportFileError,)

    def read_file(self, content: bytes, name: str) -> list:
        return imports.read_file(content, name)


class GroupForm(ServiceErrorsMixin, forms.Form):
    """A leadership group's description and its target (prospective number) for each phase:
    one field per phase, `target_<phase id>`. With `with_name`, the group's name too (adding)."""

    name = forms.CharField(max_length=120, error_messages={"required": "Enter the name of the group"})
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Who is in this group, for example the chairs, chief executives and board members of acute trusts",
    )

    def __init__(self, *args, phases: list[Phase], with_name: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_name:
            del self.fields["name"]
        self.phases = phases
        for phase in phases:
            self.fields[self.target_field(phase)] = forms.IntegerField(
                label=f"{phase.get_kind_display()} target: {phase.programme.name}",
                required=False,
                min_value=0,
                max_value=1_000_000,
                help_text="How many people from this group the phase aims to reach. Leave blank for no target",
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-5"}),
                error_messages={
                    "invalid": "The target must be a whole number, like 150",
                    "min_value": "The target must be 0 or more",
                    "max_value": "The target must be 1,000,000 or fewer",
                },
            )

    @staticmethod
    def target_field(phase: Phase) -> str:
        return f"target_{phase.pk}"

    def targets(self) -> dict[Phase, int | None]:
        return {phase: self.cleaned_data.get(self.target_field(phase)) for phase in self.phases}

    @classmethod
    def initial_from(cls, group, phases: list[Phase]) -> dict:
        targets = {target.phase_id: target.target for target in group.targets.all()}
        return {
            "name": group.name,
            "description": group.description,
            **{cls.target_field(phase): targets.get(phase.pk) for phase in phases},
        }
