"""Writing CSV cells that a spreadsheet will not run: text starting with = + - @ tab or CR is
read by Excel and LibreOffice as a formula (CSV injection), so it gets a leading apostrophe."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
