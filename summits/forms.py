import datetime

from django import forms
from django.utils import timezone

from config.forms import NHSDateField, NHSTimeField, PoundsField, ServiceErrorsMixin, combine_local
from summits.enums import CostCategory, PhaseKind, PilotDecisionOutcome, Region, SessionStatus, Theme
from summits.models import Facilitator, FocusArea, Phase, Session, Venue, session_code_validator
from summits.services import PhaseWindow, SessionDetails

DATE_ERRORS = {"required": "Enter the date of the session"}


def _local_parts(moment: datetime.datetime | None) -> tuple[datetime.date | None, datetime.time | None]:
    if moment is None:
        return None, None
    local = timezone.localtime(moment)
    return local.date(), local.time().replace(second=0, microsecond=0)


class SessionCodeField(forms.CharField):
    """Session codes are capitals; accept what people type (" pil-pos-01 ") and normalise it
    before validating."""

    default_validators = [session_code_validator]

    def to_python(self, value):
        return super().to_python(value).upper()


class FocusAreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: FocusArea) -> str:
        return obj.name


class SessionSlotMixin(forms.Form):
    """The day and the start and end times, combined into aware `starts_at` and `ends_at`."""

    date = NHSDateField(label="Date", help_text="For example, 15 3 2026", error_messages=DATE_ERRORS)
    start_time = NHSTimeField(
        label="Start time",
        help_text="Use the 24-hour clock, for example 09 30",
        error_messages={"required": "Enter the start time"},
    )
    end_time = NHSTimeField(
        label="End time",
        help_text="Use the 24-hour clock, for example 13 00",
        error_messages={"required": "Enter the end time"},
    )
    service_field_map = {"starts_at": "date", "ends_at": "end_time"}

    def clean(self):
        data = super().clean()
        data["starts_at"] = combine_local(data.get("date"), data.get("start_time"))
        data["ends_at"] = combine_local(data.get("date"), data.get("end_time"))
        if data["starts_at"] and data["ends_at"] and data["ends_at"] <= data["starts_at"]:
            self.add_error("end_time", "The end time must be after the start time")
        return data


class SessionTimesMixin(SessionSlotMixin):
    """The slot plus when registration closes — shared by the session and reschedule forms."""

    registration_closes_date = NHSDateField(
        label="Registration closes (date)",
        required=False,
        help_text="Leave blank to take registrations until the session starts",
    )
    registration_closes_time = NHSTimeField(label="Registration closes (time)", required=False)

    service_field_map = {
        **SessionSlotMixin.service_field_map,
        "registration_closes_at": "registration_closes_date",
        "registration_opens_at": "registration_opens_date",
    }

    def clean(self):
        data = super().clean()
        data["registration_closes_at"] = self._optional_moment("registration_closes", "registration closes")
        return data

    def _optional_moment(self, prefix: str, words: str) -> datetime.datetime | None:
        date = self.cleaned_data.get(f"{prefix}_date")
        time = self.cleaned_data.get(f"{prefix}_time")
        if date and not time and f"{prefix}_time" not in self.errors:
            self.add_error(f"{prefix}_time", f"Enter the time {words}")
        if time and not date and f"{prefix}_date" not in self.errors:
            self.add_error(f"{prefix}_date", f"Enter the date {words}")
        return combine_local(date, time)

    @classmethod
    def initial_from(cls, session: Session) -> dict:
        date, start = _local_parts(session.starts_at)
        _, end = _local_parts(session.ends_at)
        closes_date, closes_time = _local_parts(session.registration_closes_at)
        return {
            "date": date,
            "start_time": start,
            "end_time": end,
            "registration_closes_date": closes_date,
            "registration_closes_time": closes_time,
        }


class SessionPlaceMixin(forms.Form):
    venue = forms.ModelChoiceField(
        queryset=Venue.objects.order_by("name"),
        required=False,
        empty_label="No venue (online only)",
        help_text="Leave as “No venue” for a session that is only online",
    )
    online_url = forms.URLField(
        label="Online joining link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For example, https://teams.microsoft.com/… Leave blank for an in-person session",
        error_messages={
            "invalid": "Enter the joining link in the correct format, like https://meet.example.nhs.uk/abc"
        },
    )

    def clean(self):
        data = super().clean()
        if not data.get("venue") and not data.get("online_url") and "online_url" not in self.errors:
            self.add_error("venue", "Choose a venue or enter an online joining link")
        return data


class SessionForm(SessionTimesMixin, SessionPlaceMixin, ServiceErrorsMixin, forms.Form):
    phase = forms.ModelChoiceField(
        queryset=Phase.objects.select_related("programme").order_by("programme__name", "starts_on"),
        label="Phase",
        empty_label=None,
        error_messages={"required": "Choose the phase"},
    )
    code = SessionCodeField(
        label="Session code",
        max_length=20,
        help_text="A short unique code, for example PIL-POS-01",
        error_messages={"required": "Enter a session code"},
    )
    theme = forms.ChoiceField(
        choices=Theme.choices, widget=forms.RadioSelect, error_messages={"required": "Choose the theme"}
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, help_text="What leaders will take away"
    )
    focus_areas = FocusAreaChoiceField(
        queryset=FocusArea.objects.order_by("number"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Focus areas",
    )
    region = forms.ChoiceField(
        choices=[("", "National (no region)"), *Region.choices],
        required=False,
        help_text="The NHS England region the session is for",
    )
    capacity = forms.IntegerField(
        min_value=1,
        max_value=10000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4"}),
        error_messages={
            "required": "Enter the capacity",
            "invalid": "Capacity must be a whole number, like 40",
            "min_value": "Capacity must be at least 1",
            "max_value": "Capacity must be 10,000 or fewer",
        },
    )
    capacity_override_reason = forms.CharField(
        label="Reason for going over the venue’s capacity (if it is)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only needed when the capacity is more than the venue holds, for example "
        "“the venue adds an overflow room”",
    )
    facilitators = forms.ModelMultipleChoiceField(
        queryset=Facilitator.objects.order_by("name"), widget=forms.CheckboxSelectMultiple, required=False
    )
    registration_opens_date = NHSDateField(
        label="Registration opens (date)", required=False, help_text="Leave blank to open when the session is published"
    )
    registration_opens_time = NHSTimeField(label="Registration opens (time)", required=False)

    field_order = [
        "phase",
        "code",
        "title",
        "theme",
        "summary",
        "focus_areas",
        "date",
        "start_time",
        "end_time",
        "venue",
        "online_url",
        "region",
        "capacity",
        "capacity_override_reason",
        "facilitators",
        "registration_opens_date",
        "registration_opens_time",
        "registration_closes_date",
        "registration_closes_time",
    ]

    def clean(self):
        data = super().clean()
        data["registration_opens_at"] = self._optional_moment("registration_opens", "registration opens")
        return data

    def details(self) -> SessionDetails:
        data = self.cleaned_data
        return SessionDetails(
            phase=data["phase"],
            code=data["code"],
            theme=data["theme"],
            title=data["title"],
            summary=data["summary"],
            focus_areas=list(data["focus_areas"]),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            venue=data["venue"],
            online_url=data["online_url"],
            region=data["region"],
            capacity=data["capacity"],
            capacity_override_reason=data["capacity_override_reason"],
            registration_opens_at=data["registration_opens_at"],
            registration_closes_at=data["registration_closes_at"],
            facilitators=list(data["facilitators"]),
        )

    @classmethod
    def initial_from(cls, session: Session) -> dict:
        opens_date, opens_time = _local_parts(session.registration_opens_at)
        return {
            **SessionTimesMixin.initial_from(session),
            "phase": session.phase_id,
            "code": session.code,
            "theme": session.theme,
            "title": session.title,
            "summary": session.summary,
            "focus_areas": list(session.focus_areas.all()),
            "venue": session.venue_id,
            "online_url": session.online_url,
            "region": session.region,
            "capacity": session.capacity,
            "capacity_override_reason": session.capacity_override_reason,
            "facilitators": list(session.facilitators.all()),
            "registration_opens_date": opens_date,
            "registration_opens_time": opens_time,
        }


class RescheduleForm(SessionTimesMixin, SessionPlaceMixin, ServiceErrorsMixin, forms.Form):
    @classmethod
    def initial_from(cls, session: Session) -> dict:
        return {**SessionTimesMixin.initial_from(session), "venue": session.venue_id, "online_url": session.online_url}


class DuplicateForm(SessionSlotMixin, ServiceErrorsMixin, forms.Form):
    code = SessionCodeField(
        label="New session code",
        max_length=20,
        help_text="A short unique code, for example ROL-POS-07",
        error_messages={"required": "Enter a code for the new session"},
    )
    field_order = ["code", "date", "start_time", "end_time"]
    # The copy keeps the original's venue and facilitators: a clash is about the new time.
    service_field_map = {**SessionSlotMixin.service_field_map, "venue": None, "facilitators": None}


class CancelForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Why is this session being cancelled?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Registered people and the public page will see this reason",
        error_messages={"required": "Enter the reason for cancelling"},
    )


class CostLineForm(ServiceErrorsMixin, forms.Form):
    category = forms.ChoiceField(choices=CostCategory.choices)
    description = forms.CharField(max_length=200, error_messages={"required": "Enter a description of the cost"})
    amount = PoundsField(
        label="Amount (£)",
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-10"}),
        error_messages={
            "required": "Enter the amount",
            "invalid": "Enter the amount in pounds, like 250.00 or £1,200.50",
            "min_value": "The amount must be £0 or more",
            "max_decimal_places": "Enter the amount to the nearest penny",
            "max_digits": "The amount is too large",
        },
    )


class VenueForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Venue
        fields = ["name", "address", "town", "postcode", "region", "capacity", "accessibility"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3}), "accessibility": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {"required": "Enter the venue name"},
            "town": {"required": "Enter the town or city"},
            "region": {"required": "Choose the region"},
        }


class FacilitatorForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Facilitator
        fields = ["name", "job_title", "organisation", "network", "email", "biography"]
        widgets = {"biography": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"name": {"required": "Enter the facilitator’s name"}}


class PilotDecisionForm(ServiceErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=PilotDecisionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the pilot evaluation showed and, for “go with changes”, what will change",
        error_messages={"required": "Enter the rationale for the decision"},
    )
    decided_on = NHSDateField(
        label="Date of the decision",
        help_text="For example, 15 3 2026",
        error_messages={"required": "Enter the date of the decision"},
    )


class SessionFilterForm(forms.Form):
    """The session list's filters (GET). Every field is optional; bad values are ignored."""

    q = forms.CharField(label="Code or title", required=False)
    phase = forms.ChoiceField(choices=[("", "Any phase"), *PhaseKind.choices], required=False)
    theme = forms.ChoiceField(choices=[("", "Any theme"), *Theme.choices], required=False)
    focus_area = forms.ModelChoiceField(
        queryset=FocusArea.objects.order_by("number"), required=False, empty_label="Any focus area"
    )
    status = forms.ChoiceField(choices=[("", "Any status"), *SessionStatus.choices], required=False)
    region = forms.ChoiceField(choices=[("", "Any region"), *Region.choices], required=False)
    month = forms.DateField(
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month", "class": "nhsuk-input--width-10"}, format="%Y-%m"),
        help_text="For example, 2026-03",
        error_messages={"invalid": "Enter the month as year and month, like 2026-03"},
    )


def _coming_months(count: int = 18) -> list[tuple[str, str]]:
    first = timezone.localdate().replace(day=1)
    months = []
    for _ in range(count):
        months.append((f"{first:%Y-%m}", f"{first:%B %Y}"))
        first = (first + datetime.timedelta(days=32)).replace(day=1)
    return months


class PublicFilterForm(forms.Form):
    """The public programme page's filters (GET). Every field is optional; bad values are ignored."""

    theme = forms.ChoiceField(choices=[("", "Any theme"), *Theme.choices], required=False)
    region = forms.ChoiceField(
        choices=[("", "Any region"), *Region.choices],
        required=False,
        help_text="Sessions for the whole country are shown whatever the region",
    )
    month = forms.ChoiceField(choices=(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [("", "Any month"), *_coming_months()]

    @property
    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class PhaseForm(ServiceErrorsMixin, forms.Form):
    starts_on = NHSDateField(label="Start date", error_messages={"required": "Enter the start date"})
    ends_on = NHSDateField(label="End date", error_messages={"required": "Enter the end date"})
    target_attendees = forms.IntegerField(
        label="Target number of attendees",
        min_value=0,
        max_value=1_000_000,
        help_text="The prospective number of leaders this phase aims to reach",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-5"}),
        error_messages={
            "required": "Enter the target number of attendees",
            "invalid": "The target must be a whole number, like 150",
            "min_value": "The target must be 0 or more",
            "max_value": "The target must be 1,000,000 or fewer",
        },
    )


def _phase_fields(kind: str, words: str) -> dict[str, forms.Field]:
    return {
        f"{kind}_starts_on": NHSDateField(
            label=f"{words} start date", error_messages={"required": f"Enter the {words.lower()} start date"}
        ),
        f"{kind}_ends_on": NHSDateField(
            label=f"{words} end date", error_messages={"required": f"Enter the {words.lower()} end date"}
        ),
        f"{kind}_target_attendees": forms.IntegerField(
            label=f"{words} target number of attendees",
            min_value=0,
            max_value=1_000_000,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-5"}),
            error_messages={
                "required": f"Enter the {words.lower()} target number of attendees",
                "invalid": "The target must be a whole number, like 150",
                "min_value": "The target must be 0 or more",
                "max_value": "The target must be 1,000,000 or fewer",
            },
        ),
    }


class ProgrammeForm(ServiceErrorsMixin, forms.Form):
    """A programme with its two phases, created or edited by organisers."""

    name = forms.CharField(
        max_length=200,
        help_text="For example, Digital Leadership Workshops 2026/27",
        error_messages={"required": "Enter the programme’s name"},
    )
    slug = forms.SlugField(
        label="Short name for web addresses",
        max_length=80,
        help_text="Lower-case letters, numbers and hyphens, for example dlw-2026",
        error_messages={
            "required": "Enter a short name for web addresses, like dlw-2026",
            "invalid": "Use only lower-case letters, numbers and hyphens, like dlw-2026",
        },
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    locals().update(_phase_fields(PhaseKind.PILOT, "Pilot"))
    locals().update(_phase_fields(PhaseKind.ROLLOUT, "Rollout"))

    def phase_window(self, kind: str) -> PhaseWindow:
        data = self.cleaned_data
        return PhaseWindow(
            starts_on=data[f"{kind}_starts_on"],
            ends_on=data[f"{kind}_ends_on"],
            target_attendees=data[f"{kind}_target_attendees"],
        )

    @classmethod
    def initial_from(cls, programme) -> dict:
        initial = {"name": programme.name, "slug": programme.slug, "description": programme.description}
        for phase in programme.phases.all():
            initial |= {
                f"{phase.kind}_starts_on": phase.starts_on,
                f"{phase.kind}_ends_on": phase.ends_on,
                f"{phase.kind}_target_attendees": phase.target_attendees,
            }
        return initial
