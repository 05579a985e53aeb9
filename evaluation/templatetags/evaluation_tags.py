from django import template

from evaluation.report import Chart, Column, Series
from evaluation.reports.formatting import format_value

register = template.Library()


@register.simple_tag
def cell(row: dict, column: Column) -> str:
    """A report value as the exports write it, so the dashboard and the PDF read the same."""
    return format_value(row.get(column.key), column.format)


@register.simple_tag
def chart_value(chart: Chart, series: Series, index: int) -> str:
    """A chart's value as its data table prints it ("*" for 1–7 people, "–" when withheld)."""
    return chart.shown(series)[index]


@register.filter
def numeric(column: Column) -> bool:
    return column.format != "text"
