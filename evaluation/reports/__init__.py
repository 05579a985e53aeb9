"""The outcome report's exports: PDF, XLSX and tidy CSV, each a pure function of an EvaluationReport.

Import the renderer you need from its module (`evaluation.reports.pdf.render_pdf`,
`evaluation.reports.xlsx.render_xlsx`, `evaluation.reports.csv.render_csv`), so that asking for
a CSV never loads reportlab or openpyxl.
"""
