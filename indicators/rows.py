"""The target page's table of values entered (up to 200 rows) as HTML, written in
Python as budget/rows.py writes the funding lines: the template engine spent most of
the page's time on its cells. The markup is exactly what the template wrote
(docs/decisions.md, "Big tables' rows written in Python")."""

from __future__ import annotations

from html import escape

from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def _e(value) -> str:
    return escape(str(value))


def _number(value) -> str:
    return str(floatformat(value, "-2"))


def value_rows(values) -> SafeString:
    """The ``<tbody>`` rows of ``values`` (IndicatorValue, with agency and report)."""
    if not values:
        empty = _("No value yet.")  # not in the f-string: xgettext would not find it
        return mark_safe(f'<tr><td colspan="5">{empty}</td></tr>')
    # Labels as {% translate %} wrote them: not escaped (the translations are trusted).
    report, entered = _("report"), _("entered")
    states: dict[str, str] = {}
    out = []
    for v in values:
        shown = _number(v.value)
        if v.denominator:
            shown += f" ({_number(v.numerator)}/{_number(v.denominator)})"
        if v.warning:
            warning = _e(v.warning)
            shown += f' <span class="text-warning-emphasis" title="{warning}">⚠ {warning}</span>'
        if v.report_id:
            if v.report.state not in states:
                states[v.report.state] = _e(v.report.get_state_display())
            source = f"{report} ({states[v.report.state]})"
        else:
            source = entered
        agency = _e(v.agency.name) if v.agency_id and v.agency.name else "—"
        out.append(
            f"<tr><td>{_e(localize(v.year))}</td><td>{_e(v.category)}</td><td>{agency}</td>"
            f"<td>{shown}</td><td>{source}</td></tr>"
        )
    return mark_safe("".join(out))
