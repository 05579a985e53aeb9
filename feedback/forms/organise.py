"""The organisers' survey forms: one question of a questionnaire, and the survey schedule."""

from django import forms

from config.forms import ServiceErrorsMixin
from feedback.enums import ItemPurpose, ItemType
from feedback.models import Item, SurveySchedule, item_code_validator
from feedback.services import NEW_MEANING, SAME_MEANING, SCHEDULE_FIELDS, ItemDetails


class ItemForm(ServiceErrorsMixin, forms.Form):
    """A question's wording and how it is answered. The choices are typed one per line; the
    service checks that a scale has its 5 labels and a confidence question its domain."""

    text = forms.CharField(
        label="Question",
        max_length=300,
        error_messages={"required": "Enter the question"},
    )
    hint = forms.CharField(label="Hint", max_length=300, required=False, help_text="Shown under the question")
    code = forms.CharField(
        label="Code",
        max_length=40,
        validators=[item_code_validator],
        help_text=(
            "Lower-case letters, numbers and underscores, like conf_overall. The same code in the pre and "
            "post surveys pairs a person's answers"
        ),
        error_messages={"required": "Enter a code for the question"},
    )
    type = forms.ChoiceField(
        label="How is it answered?",
        choices=ItemType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the question is answered"},
    )
    choices = forms.CharField(
        label="Choices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For a 5-point scale or a single choice: one per line, lowest first",
    )
    purpose = forms.ChoiceField(
        label="What is the answer used for?",
        choices=ItemPurpose.choices,
        initial=ItemPurpose.OTHER,
        error_messages={"required": "Select what the answer is used for"},
    )
    domain = forms.CharField(
        label="Domain",
        max_length=20,
        required=False,
        help_text="For confidence questions: what it measures, like overall, assurance or focus_3",
    )
    retrospective_of = forms.CharField(
        label="Looks back on",
        max_length=40,
        required=False,
        help_text="For a retrospective question: the code of the confidence question it mirrors",
    )
    required = forms.BooleanField(label="People must answer this question", required=False, initial=True)
    meaning = forms.ChoiceField(
        label="If you reworded a confidence question that people have answered: does it still ask the same thing?",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (SAME_MEANING, "Yes, the same thing: keep the code, so answers before and after the change pair"),
            (
                NEW_MEANING,
                "No, something new: I have given it a new code, and its answers will not pair with the old ones",
            ),
        ],
        help_text="Only asked when the wording of an answered confidence question changes. Changing what a question "
        "measures (its domain) always makes it a new question with a new code.",
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()

    @staticmethod
    def initial_for(item: Item) -> dict:
        return {
            "text": item.text,
            "hint": item.hint,
            "code": item.code,
            "type": item.type,
            "choices": "\n".join(item.choices),
            "purpose": item.purpose,
            "domain": item.domain,
            "retrospective_of": item.retrospective_of,
            "required": item.required,
        }

    def details(self) -> ItemDetails:
        data = self.cleaned_data
        return ItemDetails(
            code=data["code"],
            text=data["text"],
            type=data["type"],
            purpose=data["purpose"],
            required=data["required"],
            hint=data["hint"],
            domain=data["domain"].strip(),
            retrospective_of=data["retrospective_of"].strip(),
            choices=tuple(line.strip() for line in data["choices"].splitlines() if line.strip()),
            meaning=data["meaning"],
        )


class SurveyScheduleForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = SurveySchedule
        fields = SCHEDULE_FIELDS
        error_messages = {
            name: {
                "required": "Enter a number of days" if name.endswith("days") else "Enter a number of hours",
                "invalid": "Enter a whole number",
            }
            for name in SCHEDULE_FIELDS
            if name != "follow_up_enabled"
        }
