from django import template

from summits import audit
from summits.enums import SessionStatus, Theme

register = template.Library()

THEME_COLOURS = {Theme.POSSIBLE: "purple", Theme.HOW_TO: "blue", Theme.HOW_DID: "aqua-green"}
STATUS_COLOURS = {SessionStatus.DRAFT: "grey", SessionStatus.PUBLISHED: "green", SessionStatus.CANCELLED: "red"}


@register.inclusion_tag("summits/includes/tag.html")
def theme_tag(session):
    return {"colour": THEME_COLOURS.get(session.theme, "grey"), "label": session.get_theme_display()}


@register.inclusion_tag("summits/includes/tag.html")
def status_tag(session):
    return {"colour": STATUS_COLOURS.get(session.status, "grey"), "label": session.get_status_display()}


@register.filter
def pounds(value) -> str:
    """£1,234.50 — money as organisers write it."""
    if value is None:
        return "£0.00"
    return f"£{value:,.2f}"


@register.filter
def action_in_words(action: str) -> str:
    return audit.action_in_words(action)


@register.filter
def before_in_words(entry) -> list:
    return audit.values_in_words(entry.object_type, entry.before)


@register.filter
def after_in_words(entry) -> list:
    return audit.values_in_words(entry.object_type, entry.after)
