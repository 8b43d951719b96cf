"""Template helpers for plans: a target's range as a reader says it."""

import html
from decimal import Decimal

from django import template
from django.urls import reverse
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


@register.simple_tag(takes_context=True)
def issued_refs(context, task, role: str) -> str:
    """The task's references of ``role`` as issued, "; " between them: an agency linked
    to its page (its name as the title), a group with its description as the title.
    Built here once a cell rather than by a template included in each of the task
    table's rows (issue 17): each text escaped as ``{{ }}`` escapes a string, each
    agency's address reversed once a page."""
    urls = context.render_context.setdefault("plans_tags.agency_urls", {})
    parts = []
    for a in task.assignments.all():
        if a.role != role:
            continue
        if a.agency:
            url = urls.get(a.agency.code)
            if url is None:
                url = urls[a.agency.code] = _escape(
                    reverse("agencies:detail", args=[a.agency.code])
                )
            parts.append(
                f'<a href="{url}" title="{_escape(a.agency.name)}">{_escape(a.wording)}</a>'
            )
        else:
            title = _escape(a.group.description)
            parts.append(f'<span class="ref-group" title="{title}">{_escape(a.wording)}</span>')
    # The line break the included template ended with.
    return mark_safe("; ".join(parts) + "\n")


@register.simple_tag
def agency_options(choices, selected) -> str:
    """The ``<option>`` of each agency choice (plans.queries.AgencyChoice), the
    ``selected`` agency's marked: built here once a list rather than a template loop
    over a province's agencies and communes (issue 17)."""
    chosen = selected.pk if selected else None
    return mark_safe(
        "".join(
            f'<option value="{_escape(c.agency.code)}"'
            f"{' selected' if chosen == c.agency.pk else ''}>{_escape(c.label)}</option>"
            for c in choices
        )
    )


def _escape(value) -> str:
    """``{{ value }}`` of a string from the database (never marked safe): Django's
    ``escape``, without its lazy wrapper."""
    return html.escape(str(value))


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
