from config.forms import SpreadsheetUploadForm
from feedback import imports


class ResponsesImportForm(SpreadsheetUploadForm):
    max_megabytes = 20  # a hundred thousand answers is about 8 MB of CSV
    file_errors = (imports.ImportFileError,)

    def read_file(self, content: bytes, name: str) -> list:
        return imports.read_file(content, name)
