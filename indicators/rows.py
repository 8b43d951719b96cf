"""The target page's table of values entered (up to 200 rows) as HTML, written in
Python as budget/rows.py writes the funding lines: the template engine spent most of
the page's time on its cells. The markup is exactly what the template wrote
(docs/decisions.md, "Big tables' rows written in Python")."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import NamedTuple

from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce
from django.template.defaultfilters import floatformat
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from indicators.models import Indicator, IndicatorValue
from reporting.models import AgencyReport

SHOWN = 200  # the latest values a target's page lists


class Named(NamedTuple):
    """An agency as the table reads it: its name."""

    name: str


class ReportShown(NamedTuple):
    """A report as the table reads it: its state and the state's label."""

    state: str
    label: str

    def get_state_display(self) -> str:
        return self.label


class ValueRow(NamedTuple):
    """One value as the table reads it: the fields of IndicatorValue it shows, its
    agency and its report (None without one)."""

    year: int
    category: str
    agency_id: int | None
    agency: Named | None
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    warning: str
    report_id: int | None
    report: ReportShown | None


def latest_values(indicator: Indicator) -> list[ValueRow]:
    """The SHOWN latest values of ``indicator`` (year down, then breakdown value and
    agency name), read as tuples; their reports' states read apart in one query (joined,
    PostgreSQL hashes the nation's reports)."""
    order = ("-year", "category", "agency__name")
    values = IndicatorValue.objects.filter(indicator=indicator)
    # Only the rows of the SHOWN latest rows' years are joined to their agencies and
    # sorted (the query's cost: a province's indicator has thousands of values): those
    # from the year of the SHOWN-th row down, or all of them when there are fewer.
    last = values.order_by("-year").values("year")[SHOWN - 1 : SHOWN]
    recent = values.filter(year__gte=Coalesce(Subquery(last), Value(0)))
    # The rows chosen from the index alone (value_progress_cover), then read.
    first = recent.order_by(*order)
    rows = list(
        IndicatorValue.objects.filter(pk__in=first.values("pk")[:SHOWN])
        .order_by(*order)
        .values_list(
            "year",
            "category",
            "agency_id",
            "agency__name",
            "value",
            "numerator",
            "denominator",
            "warning",
            "report_id",
        )
    )
    report_ids = {r[-1] for r in rows if r[-1] is not None}
    states = (
        dict(AgencyReport.objects.filter(pk__in=report_ids).values_list("pk", "state"))
        if report_ids
        else {}
    )
    labels = dict(AgencyReport._meta.get_field("state").flatchoices)
    reports = {
        pk: ReportShown(state, force_str(labels.get(state, state))) for pk, state in states.items()
    }
    out = []
    for year, category, agency_id, name, value, part, whole, warning, report_id in rows:
        agency = None if agency_id is None else Named(name)
        report = reports.get(report_id)
        out.append(
            ValueRow(
                year, category, agency_id, agency, value, part, whole, warning, report_id, report
            )
        )
    return out


def _e(value) -> str:
    return escape(str(value))


def _remembered(shown):
    """``shown(value)``, remembered by the value's type and text (all that floatformat
    and localize read of it) for one table: years and figures recur down a column."""
    known: dict[tuple[type, str], str] = {}

    def show(value) -> str:
        key = (type(value), str(value))
        text = known.get(key)
        if text is None:
            text = known[key] = shown(value)
        return text

    return show


def value_rows(values) -> SafeString:
    """The ``<tbody>`` rows of ``values`` (IndicatorValue with agency and report, or
    ValueRow)."""
    if not values:
        empty = _("No value yet.")  # not in the f-string: xgettext would not find it
        return mark_safe(f'<tr><td colspan="5">{empty}</td></tr>')
    # Labels as {% translate %} wrote them: not escaped (the translations are trusted).
    report, entered = _("report"), _("entered")
    states: dict[str, str] = {}
    _number = _remembered(lambda value: str(floatformat(value, "-2")))
    _year = _remembered(lambda value: _e(localize(value)))
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
            f"<tr><td>{_year(v.year)}</td><td>{_e(v.category)}</td><td>{agency}</td>"
            f"<td>{shown}</td><td>{source}</td></tr>"
        )
    return mark_safe("".join(out))
