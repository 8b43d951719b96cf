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
    return f"≥ {_fmt(target.min_value)}{sep}{unit}".strip()


@register.simple_tag
def leads(task):
    """The task's lead references in order (from the prefetched assignments)."""
    return [a for a in task.assignments.all() if a.role == "lead"]


@register.simple_tag
def partners(task):
    """The task's partner references in order (from the prefetched assignments)."""
    return [a for a in task.assignments.all() if a.role == "partner"]
