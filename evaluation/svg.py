"""Charts as inline SVG for the dashboard: horizontal bars (long category names stay readable),
a title and description for screen readers, and values printed on the bars. Every chart is
shown beside a table of the same numbers, so nothing is only in the picture. A chart draws a
disclosed table (evaluation.report.Chart): a suppressed or withheld value has no bar, only a
label saying why."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from evaluation.report import Chart

COLOURS = ["#005eb8", "#ffb81c", "#330072", "#007f3b"]  # NHS blue, warm yellow, purple, green
WIDTH = 640
LABEL_WIDTH = 230
BAR_HEIGHT = 16
GAP = 10
TOP = 34


def _value_text(value: float | None) -> str:
    if value is None:
        return "withheld"
    return (
        f"{value:,.0f}" if float(value).is_integer() and abs(value) >= 10 else f"{value:,.2f}".rstrip("0").rstrip(".")
    )


def render(chart: Chart, *, chart_id: str) -> SafeString:
    data = [chart.values(series) for series in chart.series]
    shown = [chart.shown(series) for series in chart.series]
    values = [v for series in data for v in series if v is not None]
    low = min([0.0, *values])
    high = chart.value_max if chart.value_max is not None else max([0.0, *values])
    if high == low:
        high = low + 1
    plot = WIDTH - LABEL_WIDTH - 60
    per_category = len(chart.series) * BAR_HEIGHT + GAP

    def x(value: float) -> float:
        return LABEL_WIDTH + (value - low) / (high - low) * plot

    height = TOP + per_category * len(chart.categories) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(chart.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(chart.description)} The table after the chart gives the same '
        "numbers.</desc>",
    ]
    # Legend
    legend_x = LABEL_WIDTH
    for index, series in enumerate(chart.series):
        colour = COLOURS[index % len(COLOURS)]
        parts.append(f'<rect x="{legend_x}" y="8" width="14" height="14" fill="{colour}"/>')
        parts.append(f'<text x="{legend_x + 20}" y="20" font-size="13" fill="#212b32">{escape(series.name)}</text>')
        legend_x += 30 + 8 * len(series.name)
    zero = x(0.0)
    parts.append(
        f'<line x1="{zero:.1f}" y1="{TOP - 4}" x2="{zero:.1f}" y2="{height - 30}" stroke="#4c6272" stroke-width="1"/>'
    )
    for row, category in enumerate(chart.categories):
        y0 = TOP + row * per_category
        label = category if len(category) <= 34 else category[:32] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y0 + per_category / 2:.1f}" font-size="13" text-anchor="end" '
            f'fill="#212b32">{escape(label)}</text>'
        )
        for index, series in enumerate(chart.series):
            value = data[index][row]
            y = y0 + index * BAR_HEIGHT
            colour = COLOURS[index % len(COLOURS)]
            if value is None:
                why = "fewer than 8 people" if shown[index][row] == "*" else "withheld"
                parts.append(
                    f'<text x="{zero + 4:.1f}" y="{y + BAR_HEIGHT - 4}" font-size="12" fill="#4c6272">'
                    f"{escape(series.name)}: {why}</text>"
                )
                continue
            start, end = sorted((zero, x(value)))
            parts.append(
                f'<rect x="{start:.1f}" y="{y}" width="{max(end - start, 1):.1f}" height="{BAR_HEIGHT - 2}" '
                f'fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{end + 4:.1f}" y="{y + BAR_HEIGHT - 4}" font-size="12" fill="#212b32">'
                f"{escape(_value_text(value))}</text>"
            )
    # Axis: low, high and the axis title
    axis_y = height - 14
    parts.append(f'<text x="{x(low):.1f}" y="{axis_y - 10}" font-size="12" fill="#4c6272">{_value_text(low)}</text>')
    parts.append(
        f'<text x="{x(high):.1f}" y="{axis_y - 10}" font-size="12" text-anchor="end" fill="#4c6272">'
        f"{_value_text(high)}</text>"
    )
    parts.append(
        f'<text x="{LABEL_WIDTH + plot / 2:.1f}" y="{axis_y + 6}" font-size="13" text-anchor="middle" '
        f'fill="#212b32">{escape(chart.value_label)}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))
