"""The progress dashboard's cards (one a target) as HTML, written in Python as
indicators/rows.py writes the target page's values: the template engine spent most of
the page's rendering on their lookups, filters and translations. The markup is exactly
what the template wrote (tests/test_progress_cards.py renders the old fragment on the
same rows and compares)."""

from __future__ import annotations

from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import floatformat, truncatechars
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from indicators.progress import Numbers
from plans.templatetags.plans_tags import target_range


class _Card:
    """What every card of one page shares: the labels, once, and the rendering context."""

    def __init__(self, code: str, year: int, colours: dict):
        self.context = Context(autoescape=True)
        self.code, self.colours = code, colours
        self.year = self.show(year)
        # Labels as {% translate %} wrote them: not escaped (the translations are trusted).
        self.t = {
            "increase": _("increase instead of reduction"),
            "reduction": _("reduction"),
            "baseline": _("baseline"),
            "expected": _("expected by now"),
        }

    def show(self, value) -> str:
        """``{{ value }}``: localized, escaped."""
        return str(render_value_in_context(value, self.context))

    def number(self, numbers: Numbers, key: str) -> str:
        """``{{ n.key }}``: nothing when the key is absent (the template's invalid variable)."""
        return self.show(numbers[key]) if key in numbers else ""

    def figures(self, row, n: Numbers) -> str:
        """The value, its reduction and the baseline ({% if n.value is not None %})."""
        if n.get("value") is None:
            return ""
        unit = self.show(row.indicator.unit) if row.indicator is not None else ""
        out = f"<div><strong>{floatformat(n['value'], '-2')}</strong> {unit} ({self.number(n, 'year')})"
        reduction = n.get("reduction")
        if reduction is not None:
            try:  # as {% if n.reduction < 0 %}
                negative = reduction < 0  # type: ignore[operator]
            except TypeError:
                negative = False
            if negative:
                shown = str(floatformat(reduction, "-1")).replace("-", "")
                out += f" · {self.t['increase']} {shown}%"
            else:
                out += f" · {self.t['reduction']} {floatformat(reduction, '-1')}%"
        if n.get("base") is not None:
            base = floatformat(n["base"], "-2")
            out += f" · {self.t['baseline']} {base} ({self.number(n, 'base_year')})"
        return out + "</div>"

    def pace(self, n: Numbers) -> str:
        """The ratio to the pace needed and what was expected ({% if n.ratio is not None %})."""
        ratio = n.get("ratio")
        if ratio is None:
            return ""
        try:  # as {% widthratio n.ratio 1 100 %}
            pct = str(round(float(ratio) / 1.0 * 100))
        except ZeroDivisionError:
            pct = "0"
        except (ValueError, TypeError, OverflowError):
            pct = ""
        out = '<div class="text-body-secondary">' + _("%(pct)s %% of the pace needed") % {
            "pct": self.show(pct)
        }
        if n.get("expected") is not None:
            out += f" · {self.t['expected']} {floatformat(n['expected'], '-1')}"
        return out + "</div>"

    def card(self, row) -> str:
        assessment, target = row.assessment, row.target
        colour = self.show(self.colours.get(assessment.status))
        url = conditional_escape(reverse("indicators:target", args=[self.code, target.pk]))
        by = _("By %(m)s") % {"m": self.show(target.milestone)}
        reason = assessment.reason
        reason = f'<div class="text-body-secondary">{self.show(reason)}</div>' if reason else ""
        n = assessment.numbers
        return (
            f'\n  <div class="col"><a class="card h-100 text-decoration-none border-{colour} '
            f'border-2" href="{url}?year={self.year}" data-status="{self.show(assessment.status)}">'
            '\n    <div class="card-header d-flex justify-content-between align-items-center '
            f'bg-{colour}-subtle">'
            f'\n      <span class="small fw-semibold">{by} · {conditional_escape(target_range(target))}</span>'
            f'\n      <span class="badge text-bg-{colour}">{self.show(assessment.label)}</span>'
            "\n    </div>"
            '\n    <div class="card-body small text-body">'
            f'\n      <p class="mb-2">{self.show(truncatechars(target.text, 140))}</p>'
            f"\n      \n      {self.figures(row, n)}\n      {self.pace(n)}\n      "
            f"\n      {reason}"
            "\n    </div>"
            "\n  </a></div>\n"
        )


def progress_cards(rows, code: str, year: int, colours: dict) -> SafeString:
    """The cards of ``rows`` (TargetProgress) of the plan ``code`` assessed in ``year``,
    coloured by ``colours`` (status → Bootstrap colour)."""
    card = _Card(code, year, colours)
    return mark_safe("".join(card.card(row) for row in rows))
