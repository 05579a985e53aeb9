from django import forms

from feedback import imports

# A hundred thousand answers is about 8 MB of CSV.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
UPLOAD_TYPES = (".csv", ".xlsx")


class ResponsesImportForm(forms.Form):
    """The uploaded file, read and checked for file-level problems. After is_valid(), `rows`
    holds its rows and `content` its bytes."""

    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file saved as UTF-8, or an Excel workbook (.xlsx), no larger than 20 MB",
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
        error_messages={
            "required": "Select a CSV or Excel file",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV or Excel file",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(UPLOAD_TYPES):
            raise forms.ValidationError("The selected file must be a CSV or an Excel workbook (.xlsx)")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20 MB")
        self.content = upload.read()
        try:
            self.rows = imports.read_file(self.content, upload.name)
        except imports.ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload
