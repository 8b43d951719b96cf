"""Template helpers for plans: a target's range as a reader says it."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


def _fmt(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


@register.simple_tag
def target_range(target) -> str:
    """ "5–8 %", "≥ 70 %", "4–6 mô hình", or "qualitative"."""
    if target.min_value is None:
        return _("qualitative")
    unit = target.unit or ""
    sep = "" if unit == "%" else " "
    if target.max_value is not None:
        return f"{_fmt(target.min_value)}–{_fmt(target.max_value)}{sep}{unit}".strip()
    if unit == "%" and target.min_value == 100:
        return "100%"  # nothing lies above it
    return f"≥ {_fmt(target.min_value)}{sep}{unit}".strip()


@register.filter
def isodate(value: str | None) -> str:
    """An ISO date from JSON data as dd/mm/yyyy; anything else unchanged."""
    import datetime as dt

    if not value:
        return ""
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return value


@register.simple_tag
def leads(task):
    """The task's lead references in order (from the prefetched assignments)."""
    return [a for a in task.assignments.all() if a.role == "lead"]


@register.simple_tag
def partners(task):
    """The task's partner references in order (from the prefetched assignments)."""
    return [a for a in task.assignments.all() if a.role == "partner"]


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
