"""The outcome report as an A4 PDF: title page, executive summary, success criteria, charts,
every table, and the methods.

Built with reportlab's platypus. Table cells are plain strings (reportlab draws them
without a layout pass) except where text must wrap, which keeps a 30-session report well
under a second.
"""

import io
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.textlabels import Label, NA_Label
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import (
    Table as PdfTable,
)

from evaluation.report import Chart, CriterionResult, EvaluationReport, Table
from evaluation.reports.formatting import format_value

# Binary (compressed) page streams rather than ASCII85 text: smaller files, and reportlab's
# pure-Python ASCII85 encoder was a sixth of the rendering time. Only this module uses reportlab.
rl_config.useA85 = 0

PSEUDONYMISED = "Pseudonymised: contains no names or email addresses."
WITHHELD = "withheld"
SUPPRESSED_BAR = "1–7"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN

NHS_BLUE = colors.HexColor("#005EB8")
NHS_DARK_GREY = colors.HexColor("#425563")
NHS_MID_GREY = colors.HexColor("#768692")
NHS_PALE_GREY = colors.HexColor("#E8EDEE")
RULE = colors.HexColor("#D8DDE0")
STRIPE = colors.HexColor("#F4F6F7")
# Series colours from the NHS identity palette, chosen to stay apart in greyscale too.
SERIES_COLOURS = [
    NHS_BLUE,
    colors.HexColor("#ED8B00"),
    colors.HexColor("#330072"),
    colors.HexColor("#41B6E6"),
    colors.HexColor("#009639"),
    colors.HexColor("#AE2573"),
]
RESULT_FILLS = {
    "met": colors.HexColor("#DFF0E3"),
    "not_met": colors.HexColor("#F9DEDC"),
    "not_enough_data": NHS_PALE_GREY,
}

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
ITALIC = "Helvetica-Oblique"
CELL_FONT_SIZE = 9
CELL_PADDING = 3
# Font size and padding to try in turn until a table fits the page's width; never below 8 pt
# (wide tables are split into a main and a detail table by the report instead).
TABLE_SIZES = [(CELL_FONT_SIZE, CELL_PADDING), (8.5, 2.5), (8, 2)]
MIN_TEXT_WIDTH = 36


def _style(name: str, **kwargs) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=FONT, fontSize=10, leading=13, alignment=TA_LEFT, **kwargs)


BODY = _style("body", spaceAfter=6)
SMALL = _style("small", spaceAfter=0).clone("small", fontSize=9, leading=11)
CAPTION = _style("caption").clone("caption", fontName=ITALIC, fontSize=9, leading=11.5, textColor=NHS_DARK_GREY)
H1 = _style("h1").clone("h1", fontName=BOLD, fontSize=16, leading=20, textColor=NHS_BLUE, spaceBefore=14, spaceAfter=8)
H2 = _style("h2").clone("h2", fontName=BOLD, fontSize=11.5, leading=14, spaceBefore=10, spaceAfter=5, keepWithNext=1)
TITLE = _style("title").clone("title", fontName=BOLD, fontSize=26, leading=32, textColor=NHS_BLUE, spaceAfter=14)
KICKER = _style("kicker").clone("kicker", fontName=BOLD, fontSize=12, leading=16, textColor=NHS_DARK_GREY)
LEAD = _style("lead").clone("lead", fontSize=13, leading=18, spaceAfter=6)
RECOMMENDATION = _style("recommendation").clone("recommendation", fontName=BOLD, fontSize=12, leading=16)


def render_pdf(report: EvaluationReport) -> bytes:
    """The whole report as PDF bytes."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{report.programme}: outcome evaluation",
        subject=report.selection,
        author=report.programme,
    )
    story = [
        *_title_page(report),
        *_summary(report),
        *_criteria(report.criteria),
        *_charts(report.charts),
        *_tables(report.tables),
        *_methods(report),
    ]
    document.build(story, canvasmaker=partial(_NumberedCanvas, programme=report.programme))
    return buffer.getvalue()


class _NumberedCanvas(Canvas):
    """Holds every page until the end, so that the footer can say "Page N of M"."""

    def __init__(self, *args, programme: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._programme = programme
        self._saved_pages: list[dict] = []

    def showPage(self):  # reportlab calls it by this name
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        y = MARGIN - 2 * mm
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, y + 10, PAGE_WIDTH - MARGIN, y + 10)
        self.setFont(FONT, 8)
        self.setFillColor(NHS_DARK_GREY)
        self.drawString(MARGIN, y, self._programme)
        self.drawRightString(PAGE_WIDTH - MARGIN, y, f"Page {self._pageNumber} of {total}")
        self.restoreState()


def _para(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(text), style)


# Title page and summary ------------------------------------------------------------------------


def _title_page(report: EvaluationReport) -> list:
    return [
        Spacer(1, 55 * mm),
        _para("Outcome evaluation report", KICKER),
        Spacer(1, 4 * mm),
        _para(report.programme, TITLE),
        _para(report.selection, LEAD),
        _para(f"Generated {report.generated_at.day} {report.generated_at:%B %Y at %H:%M}", BODY),
        Spacer(1, 30 * mm),
        _para(PSEUDONYMISED, BODY),
        PageBreak(),
    ]


def _summary(report: EvaluationReport) -> list:
    box = PdfTable([[_para(report.recommendation, RECOMMENDATION)]], colWidths=[FRAME_WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), NHS_PALE_GREY),
                ("LINEBEFORE", (0, 0), (0, -1), 4, NHS_BLUE),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    story = [_para("Executive summary", H1)]
    if report.summary:
        story += [_para("In brief", H2), _para(report.summary)]
    story += [_para("Recommendation", H2), box, Spacer(1, 3 * mm)]
    if report.recommendation_detail:
        story.append(_para(report.recommendation_detail))
    rows = [[headline.label, headline.text, _para(headline.detail, SMALL)] for headline in report.headlines]
    if report.total_cost is not None:
        rows.append(["Total cost", format_value(report.total_cost, "money"), ""])
    if rows:
        story.append(_para("Headline figures", H2))
        widths = [FRAME_WIDTH * 0.38, FRAME_WIDTH * 0.17, FRAME_WIDTH * 0.45]
        story.append(_grid([["Figure", "Value", "Detail"], *rows], widths, right_columns=[1]))
    story += [Spacer(1, 3 * mm), _para(report.disclosure_note, CAPTION)]
    return story


def _criteria(criteria: list[CriterionResult]) -> list:
    story = [_para("Success criteria", H1)]
    if not criteria:
        return [*story, _para("No success criteria have been set for this programme.")]
    widths = [w * FRAME_WIDTH for w in (0.28, 0.17, 0.11, 0.11, 0.13, 0.20)]
    header = ["Criterion", "Selection", "Value", "Target", "Result", "Why"]
    rows = [
        [
            _para(criterion.name, SMALL),
            _para(criterion.selection, SMALL),
            criterion.value,
            f"{criterion.comparator} {criterion.threshold}".strip(),
            _wrap(criterion.result_label, widths[4] - 2 * CELL_PADDING, BOLD, CELL_FONT_SIZE),
            _para(criterion.reason, SMALL),
        ]
        for criterion in criteria
    ]
    table = _grid([header, *rows], widths, right_columns=[2, 3])
    # The result is a word in bold on a tint: the colour repeats it, never carries it alone.
    extra = [("FONTNAME", (4, 1), (4, -1), BOLD)]
    extra += [("BACKGROUND", (4, row), (4, row), RESULT_FILLS[c.result]) for row, c in enumerate(criteria, start=1)]
    table.setStyle(TableStyle(extra))
    return [*story, table]


# Charts ----------------------------------------------------------------------------------------


def _charts(charts: list[Chart]) -> list:
    if not charts:
        return []
    story: list = [PageBreak(), _para("Charts", H1)]
    for chart in charts:
        story.append(
            KeepTogether(
                [_para(chart.title, H2), _chart_drawing(chart), _para(chart.description, CAPTION), Spacer(1, 4 * mm)]
            )
        )
    return story


def _chart_drawing(chart: Chart) -> Drawing:
    label_font_size = 8
    categories = [_shorten(category, 30) for category in chart.categories]
    data = [chart.values(series) for series in chart.series]
    values = [value for series in data for value in series if value is not None]
    multiple = len(chart.series) > 1

    height = 210
    top = height - (22 if multiple else 8)
    left = 58
    plot_width = FRAME_WIDTH - left - 8
    slot = plot_width / max(len(categories), 1)
    widest = max((stringWidth(c, FONT, label_font_size) for c in categories), default=0)
    angle = 0 if widest <= slot - 4 else 35
    bottom = 18 if angle == 0 else min(widest * 0.6 + 14, 90)
    height += bottom - 18  # room for slanted labels comes on top of the plot, not out of it
    top += bottom - 18

    drawing = Drawing(FRAME_WIDTH, height)
    bars = VerticalBarChart()
    bars.x, bars.y = left, bottom
    bars.width, bars.height = plot_width, top - bottom
    bars.data = data or [[None] * len(categories)]
    bars.categoryAxis.categoryNames = categories
    bars.categoryAxis.labels.fontName = FONT
    bars.categoryAxis.labels.fontSize = label_font_size
    bars.categoryAxis.labels.angle = angle
    bars.categoryAxis.labels.boxAnchor = "n" if angle == 0 else "ne"
    bars.categoryAxis.labels.dy = -2
    bars.categoryAxis.strokeColor = NHS_DARK_GREY
    bars.categoryAxis.labelAxisMode = "low"  # below the plot, even when some bars are negative

    bars.valueAxis.valueMin = min([0, *values])
    if chart.value_max is not None:
        bars.valueAxis.valueMax = chart.value_max
    elif not values:
        bars.valueAxis.valueMax = 1
    bars.valueAxis.labels.fontName = FONT
    bars.valueAxis.labels.fontSize = label_font_size
    bars.valueAxis.visibleGrid = True
    bars.valueAxis.gridStrokeColor = RULE
    bars.valueAxis.gridStrokeWidth = 0.5
    bars.valueAxis.strokeColor = NHS_DARK_GREY

    for index in range(len(bars.data)):
        bars.bars[index].fillColor = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        bars.bars[index].strokeColor = colors.white if chart.kind == "histogram" else None
    if chart.kind == "histogram":
        bars.groupSpacing = 0
        bars.barSpacing = 0
    else:
        bars.groupSpacing = 6
        bars.barSpacing = 1

    # A withheld figure is a gap with the word in it, so that nobody reads it as zero; in a chart
    # of counts the gap is a count of 1 to 7.
    kinds = {column.key: column.kind for column in chart.table.columns}
    missing = SUPPRESSED_BAR if all(kinds.get(series.column) == "count" for series in chart.series) else WITHHELD
    bar_width = slot / max(len(bars.data), 1)
    bars.naLabel = NA_Label()
    bars.naLabel.text = missing
    bars.naLabel.fontName = ITALIC
    bars.naLabel.fontSize = 8
    bars.naLabel.fillColor = NHS_DARK_GREY
    bars.naLabel.angle = 0 if bar_width >= stringWidth(missing, ITALIC, 8) + 6 else 90
    bars.naLabel.boxAnchor = "s" if bars.naLabel.angle == 0 else "w"
    bars.naLabel.dy = 2
    drawing.add(bars)

    axis_title = Label()
    axis_title.setOrigin(10, bottom + (top - bottom) / 2)
    axis_title.angle = 90
    axis_title.boxAnchor = "c"
    axis_title.fontName = FONT
    axis_title.fontSize = 8
    axis_title.fillColor = NHS_DARK_GREY
    axis_title.setText(chart.value_label)
    drawing.add(axis_title)

    if multiple:
        legend = Legend()
        legend.x, legend.y = left, height - 4
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.fontName = FONT
        legend.fontSize = 8
        legend.boxAnchor = "nw"
        legend.dx = legend.dy = 7
        legend.deltax = 0  # each entry as wide as its name, then a gap
        legend.autoXPadding = 16
        legend.colorNamePairs = [
            (SERIES_COLOURS[index % len(SERIES_COLOURS)], series.name) for index, series in enumerate(chart.series)
        ]
        drawing.add(legend)
    elif not values:
        drawing.add(String(left + 6, top - 12, "No data to show.", fontName=ITALIC, fontSize=8))
    return drawing


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# Tables ----------------------------------------------------------------------------------------


def _tables(tables: list[Table]) -> list:
    if not tables:
        return []
    story: list = [PageBreak(), _para("Results", H1)]
    for table in tables:
        story.append(_para(table.title, H2))
        notes: list[str] = []
        if table.rows:
            grid, notes = _report_table(table)
            story.append(grid)
        else:
            story.append(_para("There is no data for this table in this selection.", SMALL))
        captions = [f"Note {number}: {note}" for number, note in enumerate(notes, start=1)]
        if table.note:
            captions.append(table.note)
        if captions:
            story.append(Spacer(1, 3))
            story += [_para(caption, CAPTION) for caption in captions]
    return story


def _report_table(table: Table) -> tuple[PdfTable, list[str]]:
    """The table, and the distinct row notes that its Note column refers to by number."""
    # Notes go under the table, numbered, so that figures and labels keep the width.
    columns = [column for column in table.columns if column.key != "note"]
    labels = [column.label for column in columns]
    body = [[format_value(row.get(column.key), column.format) for column in columns] for row in table.rows]
    # A key repeated on the rows that follow (a question with many free-text answers) is printed once.
    if columns and columns[0].is_key:
        for cells, previous in zip(body[1:][::-1], body[:-1][::-1], strict=True):
            if cells[0] == previous[0]:
                cells[0] = ""
    right = [index for index, column in enumerate(columns) if column.format != "text"]

    # A withheld figure's reason is usually the same for many rows: say it once, under the table.
    notes: list[str] = []
    if "note" not in {column.key for column in columns} and any(row.get("note") for row in table.rows):
        for cells, row in zip(body, table.rows, strict=True):
            note = row.get("note") or ""
            if note and note not in notes:
                notes.append(note)
            cells.append(str(notes.index(note) + 1) if note else "")
        labels.append("Note")
        right.append(len(labels) - 1)

    text_columns = [index for index, column in enumerate(columns) if column.format == "text"]
    font_size, padding, widths = _fit(labels, body, text_columns)
    for index in text_columns:
        for cells in body:
            cells[index] = _wrap(cells[index], widths[index] - 2 * padding, FONT, font_size)
    header = [_wrap(label, widths[i] - 2 * padding, BOLD, font_size) for i, label in enumerate(labels)]
    grid = _grid([header, *body], widths, right_columns=right, font_size=font_size, padding=padding)
    return grid, notes


def _fit(labels: list[str], body: list[list[str]], text_columns: list[int]) -> tuple[float, float, list[float]]:
    """Font size, cell padding and column widths that fit the page: smaller type for wide tables,
    then text columns narrowed (their text wraps) while numbers keep their width."""
    # Text width grows in proportion to font size, so measure every cell once, at size 1.
    # A header wraps onto several lines, so it needs only its longest word.
    unit_widths = [
        max(
            max(stringWidth(word, BOLD, 1) for word in label.split() or [""]),
            max((stringWidth(row[index], FONT, 1) for row in body), default=0),
        )
        for index, label in enumerate(labels)
    ]
    for font_size, padding in TABLE_SIZES:
        widths = [width * font_size + 2 * padding + 1 for width in unit_widths]
        if sum(widths) <= FRAME_WIDTH:
            break
    if sum(widths) > FRAME_WIDTH and text_columns:
        room = FRAME_WIDTH - sum(width for index, width in enumerate(widths) if index not in text_columns)
        # Narrow columns keep their natural width; the wide ones share what is left equally.
        pending = sorted(text_columns, key=lambda index: widths[index])
        while pending:
            index = pending.pop(0)
            widths[index] = min(widths[index], max(room / (len(pending) + 1), MIN_TEXT_WIDTH))
            room -= widths[index]
    elif text_columns:
        spare = (FRAME_WIDTH - sum(widths)) / len(text_columns)
        for index in text_columns:
            widths[index] += spare
    return font_size, padding, widths


def _wrap(text: str, width: float, font: str, font_size: float) -> str:
    """Text broken into lines that fit `width`: a plain string draws far faster than a Paragraph."""
    if stringWidth(text, font, font_size) <= width:
        return text
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and stringWidth(candidate, font, font_size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    return "\n".join(lines)


def _grid(
    rows: list[list[Any]],
    widths: list[float],
    *,
    right_columns: list[int],
    font_size: float = CELL_FONT_SIZE,
    padding: float = CELL_PADDING,
) -> PdfTable:
    """A table with a blue header row that repeats on every page it runs onto."""
    table = PdfTable(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands = [
        ("FONT", (0, 1), (-1, -1), FONT, font_size, font_size + 2),
        ("FONT", (0, 0), (-1, 0), BOLD, font_size, font_size + 2),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), NHS_BLUE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    commands += [("ALIGN", (index, 0), (index, -1), "RIGHT") for index in right_columns]
    table.setStyle(TableStyle(commands))
    return table


# Methods ---------------------------------------------------------------------------------------


def _methods(report: EvaluationReport) -> list:
    story: list = [PageBreak(), _para("Methods", H1)]
    story += [_para(paragraph) for paragraph in report.methods]
    story += [_para("Disclosure control", H2), _para(report.disclosure_note)]
    if report.research_note:
        story.append(_para(report.research_note))
    story.append(_para(PSEUDONYMISED))
    return story
