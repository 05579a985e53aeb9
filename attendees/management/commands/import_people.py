from attendees import imports
from config.imports import ImportCommand


class Command(ImportCommand):
    importer = imports.IMPORTER
    help = (
        "Imports people from a CSV (UTF-8) or Excel (.xlsx) file with the columns "
        f"{', '.join(imports.COLUMNS.required)} and optionally {', '.join(imports.COLUMNS.optional)}. "
        "Prints what it will do and every bad row; if any row is bad nothing is written and the command fails."
    )

    def details(self, plan):
        lines = [f"Row {row.row}: create {row.email}" for row in plan.to_create]
        for update in plan.to_update:
            changes = "; ".join(f"{c.field} '{c.before}' → '{c.after}'" for c in update.changes)
            lines.append(f"Row {update.row.row}: update {update.row.email}: {changes}")
        return lines

    def success_message(self, plan):
        return (
            f"Imported: {len(plan.to_create)} created, {len(plan.to_update)} updated, {len(plan.unchanged)} unchanged"
        )
