"""Template helpers for plans: a target's range as a reader says it."""

from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
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
def issued_refs(task, role: str) -> str:
    """The task's references of ``role`` as issued, "; " between them: an agency linked
    to its page (its name as the title), a group with its description as the title.
    Built here once a cell rather than by a template included in each of the task
    table's rows (issue 17)."""
    parts = []
    for a in task.assignments.all():
        if a.role != role:
            continue
        if a.agency:
            url = reverse("agencies:detail", args=[a.agency.code])
            parts.append(
                format_html('<a href="{}" title="{}">{}</a>', url, a.agency.name, a.wording)
            )
        else:
            parts.append(
                format_html(
                    '<span class="ref-group" title="{}">{}</span>', a.group.description, a.wording
                )
            )
    # Each part escaped by format_html; the line break the included template ended with.
    return mark_safe("; ".join(parts) + "\n")


@register.simple_tag
def agency_options(choices, selected) -> str:
    """The ``<option>`` of each agency choice (plans.queries.AgencyChoice), the
    ``selected`` agency's marked: built here once a list rather than a template loop
    over a province's agencies and communes (issue 17)."""
    chosen = selected.pk if selected else None
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((c.agency.code, " selected" if chosen == c.agency.pk else "", c.label) for c in choices),
    )


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
