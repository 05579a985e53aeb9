from django import forms

from config.forms import ServiceErrorsMixin
from evaluation.enums import Comparator, CriterionScope, Judgement, Metric
from evaluation.models import SuccessCriterion
from summits.enums import PhaseKind, Region, Theme

EXPORT_FORMATS = [("pdf", "PDF report"), ("xlsx", "Excel workbook (XLSX)"), ("csv", "CSV (tidy, one row per figure)")]


def _choice(label: str, all_label: str, what: str, choices=()) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", all_label), *choices],
        error_messages={"invalid_choice": f"Select {what} from the list: the one asked for is not in this programme"},
    )


class FilterForm(forms.Form):
    """The dashboard's selection. Every field may be left at "All"; an invalid one is reported
    (NHS error summary) and left out, and the valid ones still apply."""

    phase = _choice("Phase", "Whole programme", "a phase", PhaseKind.choices)
    theme = _choice("Theme", "All themes", "a theme", Theme.choices)
    group = _choice("Leadership group", "All leadership groups", "a leadership group")
    region = _choice("Region", "All regions", "a region", Region.choices)
    focus_area = _choice("Focus area", "All focus areas", "a focus area")
    session = _choice("Session", "All sessions", "a session")

    def __init__(
        self,
        *args,
        groups: list[str],
        sessions: list[tuple[str, str]],
        focus_areas: list[tuple[str, str]] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "All leadership groups"), *((name, name) for name in groups)]
        self.fields["session"].choices = [("", "All sessions"), *sessions]
        self.fields["focus_area"].choices = [("", "All focus areas"), *focus_areas]

    def valid_filters(self) -> dict[str, str]:
        """Every filter that is valid, by name ("" for all); invalid ones are left out."""
        if not self.is_bound:
            return {name: "" for name in self.fields}
        self.is_valid()
        return {name: ("" if name in self.errors else self.cleaned_data.get(name) or "") for name in self.fields}


class CriterionForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = SuccessCriterion
        fields = ["metric", "comparator", "threshold", "phase", "scope", "judged_on"]
        labels = {
            "metric": "What is measured",
            "comparator": "Must be",
            "threshold": "Threshold",
            "phase": "Judged on",
            "scope": "Applies to",
            "judged_on": "How is it judged?",
        }
        help_texts = {
            "threshold": "A number: points for a change in confidence, a percentage for rates, pounds for cost.",
            "judged_on": "With confidence, a percentage or a mean change counts as met only when its 95% "
            "confidence interval lies wholly past the threshold. Costs, the Net Promoter Score and shares of "
            "a target are judged on their figure.",
        }
        widgets = {
            "comparator": forms.RadioSelect,
            "scope": forms.RadioSelect,
            "judged_on": forms.RadioSelect,
            "threshold": forms.TextInput(attrs={"class": "nhsuk-input--width-5", "inputmode": "decimal"}),
        }
        error_messages = {
            "metric": {"required": "Select what is measured"},
            "threshold": {"required": "Enter a threshold", "invalid": "Enter the threshold as a number, like 0.5"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [("", "The whole programme"), *PhaseKind.choices]
        self.fields["metric"].choices = [("", "Select a measure"), *Metric.choices]
        self.fields["comparator"].choices = Comparator.choices
        self.fields["scope"].choices = CriterionScope.choices
        self.fields["judged_on"].choices = Judgement.choices
