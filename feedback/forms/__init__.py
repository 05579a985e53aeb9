from django import forms

from feedback.enums import ItemType
from feedback.models import Item


class SurveyForm(forms.Form):
    """One field per question, named by the question's code: radios for scales, yes/no and
    choices (so an answer out of range cannot be chosen, and a forged one is rejected), a
    text area for free text. The answers are checked again by feedback.services."""

    def __init__(self, *args, items: list[Item], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[item.code] = self._field(item)

    @staticmethod
    def _field(item: Item) -> forms.Field:
        label = item.text + ("" if item.required else "")
        if item.type == ItemType.TEXT:
            return forms.CharField(
                label=label,
                help_text=item.hint,
                required=item.required,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={"required": f"Enter your answer to: {item.text}"},
            )
        choices = [(str(value), label) for value, label in item.labelled_points()]
        attrs = {"class": "nhsuk-radios--inline"} if item.type in (ItemType.SCALE_0_10, ItemType.YES_NO) else {}
        return forms.ChoiceField(
            label=label,
            help_text=item.hint,
            required=item.required,
            choices=choices,
            widget=forms.RadioSelect(attrs=attrs),
            error_messages={
                "required": f"Select an answer to: {item.text}",
                "invalid_choice": f"Select one of the answers given for: {item.text}",
            },
        )

    def answers(self) -> dict[str, str]:
        return {code: value for code, value in self.cleaned_data.items() if value not in (None, "")}
