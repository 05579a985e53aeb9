"""NHS.UK form rendering: a renderer whose templates use NHS.UK markup, and the date and
time inputs in the NHS.UK pattern (separate day / month / year and hour / minute boxes)."""

import datetime

from django import forms
from django.forms.renderers import TemplatesSetting


class NHSFormRenderer(TemplatesSetting):
    form_template_name = "forms/nhs_form.html"
    field_template_name = "forms/nhs_field.html"


class NHSDateWidget(forms.MultiWidget):
    template_name = "forms/widgets/nhs_date.html"
    parts = ("day", "month", "year")

    def __init__(self, attrs=None):
        super().__init__(
            [
                forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "nhsuk-date-input__input nhsuk-input--width-2"}
                ),
                forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "nhsuk-date-input__input nhsuk-input--width-2"}
                ),
                forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "nhsuk-date-input__input nhsuk-input--width-4"}
                ),
            ],
            attrs,
        )
        self.widgets_names = ["_day", "_month", "_year"]

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class NHSTimeWidget(forms.MultiWidget):
    template_name = "forms/widgets/nhs_time.html"
    parts = ("hour", "minute")

    def __init__(self, attrs=None):
        super().__init__(
            [
                forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "nhsuk-date-input__input nhsuk-input--width-2"}
                ),
                forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "nhsuk-date-input__input nhsuk-input--width-2"}
                ),
            ],
            attrs,
        )
        self.widgets_names = ["_hour", "_minute"]

    def decompress(self, value):
        if isinstance(value, datetime.time):
            return [f"{value.hour:02d}", f"{value.minute:02d}"]
        return [None, None]


def _whole_numbers(values, names, label) -> list[int] | None:
    values = [str(v).strip() if v is not None else "" for v in values]
    if all(v == "" for v in values):
        return None
    missing = [f"{'an' if name == 'hour' else 'a'} {name}" for v, name in zip(values, names, strict=True) if v == ""]
    if missing:
        raise forms.ValidationError(f"{label} must include {' and '.join(missing)}", code="incomplete")
    try:
        return [int(v) for v in values]
    except ValueError:
        raise forms.ValidationError(f"{label} must be real numbers", code="invalid") from None


class NHSDateField(forms.MultiValueField):
    """A date typed as day, month and year; errors name the part that is wrong."""

    widget = NHSDateWidget

    def __init__(self, **kwargs):
        fields = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False))
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        label = self.label or "Date"
        numbers = _whole_numbers(data_list, ("day", "month", "year"), label)
        if numbers is None:
            return None
        day, month, year = numbers
        if year < 1000:
            raise forms.ValidationError(f"{label} year must include 4 numbers", code="invalid")
        try:
            return datetime.date(year, month, day)
        except (ValueError, OverflowError):  # OverflowError: a number too big for any date
            raise forms.ValidationError(f"{label} must be a real date", code="invalid") from None


class NHSTimeField(forms.MultiValueField):
    """A time typed as hour (24-hour clock) and minute."""

    widget = NHSTimeWidget

    def __init__(self, **kwargs):
        fields = (forms.CharField(required=False), forms.CharField(required=False))
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        label = self.label or "Time"
        numbers = _whole_numbers(data_list, ("hour", "minute"), label)
        if numbers is None:
            return None
        hour, minute = numbers
        try:
            return datetime.time(hour, minute)
        except (ValueError, OverflowError):
            raise forms.ValidationError(f"{label} must be a real time on the 24-hour clock", code="invalid") from None


class PoundsField(forms.DecimalField):
    """An amount of money as people write it: "250", "£99.50", "1,200" or "£1,200.50"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").strip()
        return super().to_python(value)


class ServiceErrorsMixin:
    """Puts a service's ValidationError on the form fields it names.

    Services speak in model terms (`starts_at`); forms may split those into several
    inputs (`date`, `start_time`): `service_field_map` translates. Unknown keys become
    errors about the whole form."""

    service_field_map: dict[str, str] = {}

    def add_service_error(self, error: forms.ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            name = self.service_field_map.get(key, key)
            self.add_error(name if name in self.fields else None, messages)


def combine_local(date: datetime.date | None, time: datetime.time | None) -> datetime.datetime | None:
    """A date and a wall-clock time in the site's time zone (Europe/London) as an aware datetime."""
    from django.utils import timezone

    if date is None or time is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(date, time))


class SpreadsheetUploadForm(forms.Form):
    """An uploaded CSV or XLSX file, read and checked for file-level problems. Subclasses say how
    large it may be and how to read it (`read_file(content, name) -> rows`, raising an error
    whose text is shown). After is_valid(), `rows` holds its rows and `content` its bytes."""

    max_megabytes: int = 5
    upload_types = (".csv", ".xlsx")
    file_errors: tuple[type[Exception], ...] = ()

    file = forms.FileField(
        label="Upload a file",
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
        error_messages={
            "required": "Select a CSV or Excel file",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV or Excel file",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = f"A CSV file saved as UTF-8, or an Excel workbook (.xlsx), no larger than {self.max_megabytes} MB"

    def read_file(self, content: bytes, name: str) -> list:
        raise NotImplementedError

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(self.upload_types):
            raise forms.ValidationError("The selected file must be a CSV or an Excel workbook (.xlsx)")
        if upload.size > self.max_megabytes * 1024 * 1024:
            raise forms.ValidationError(f"The selected file must be smaller than {self.max_megabytes} MB")
        self.content = upload.read()
        try:
            self.rows = self.read_file(self.content, upload.name)
        except self.file_errors as error:
            raise forms.ValidationError(str(error)) from None
        return upload
