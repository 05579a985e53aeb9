from django import forms

from config.forms import ServiceErrorsMixin
from evaluation.enums import Comparator, CriterionScope, Judgement, Metric
from evaluation.models import SuccessCriterion
from summits.enums import PhaseKind, Region, Theme

EXPORT_FORMATS = [("pdf", "PDF report"), ("xlsx", "Excel workbook (XLSX)"), ("csv", "CSV (tidy, one row per figure)")]


class FilterForm(forms.Form):
    """The dashboard's selection. Every field may be left at "All"."""

    phase = forms.ChoiceField(label="Phase", required=False, choices=[("", "Whole programme"), *PhaseKind.choices])
    theme = forms.ChoiceField(label="Theme", required=False, choices=[("", "All themes"), *Theme.choices])
    group = forms.ChoiceField(label="Leadership group", required=False)
    region = forms.ChoiceField(label="Region", required=False, choices=[("", "All regions"), *Region.choices])
    session = forms.ChoiceField(label="Session", required=False)

    def __init__(self, *args, groups: list[str], sessions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "All leadership groups"), *((name, name) for name in groups)]
        self.fields["session"].choices = [("", "All sessions"), *sessions]


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
