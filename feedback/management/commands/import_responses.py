from config.imports import ImportCommand
from feedback import imports


class Command(ImportCommand):
    importer = imports.IMPORTER
    help = (
        "Imports survey answers collected on paper or in another tool from a CSV (UTF-8) or Excel (.xlsx) "
        f"file with the columns {', '.join(imports.COLUMNS.required)}: one answer a row. Prints what it will do "
        "and every bad row; if any row is bad nothing is written and the command fails. Never replaces answers."
    )

    def success_message(self, plan):
        return f"Imported: {plan.response_count} responses with {len(plan.answers)} answers"
