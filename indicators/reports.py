"""Indicator values inside an agency's annual report: which indicators the agency
supplies, and saving what it enters with the report (counted once accepted)."""

from __future__ import annotations

from decimal import Decimal

from indicators.models import Indicator, IndicatorValue, Kind
from indicators.values import ValueError_, parse_entry, warning_from
from planwatch import fastsql
from reporting.models import AgencyReport
from reporting.services import Changes, ReportError


def indicators_for(report: AgencyReport, only=None) -> list[Indicator]:
    """The indicators of the report's plan that the agency supplies (``only``: those
    of them with these ids), each with its target, and the report's plan as its plan
    (the one filtered on: not read again with every indicator)."""
    plan = report.period.plan
    rows = Indicator.objects.filter(plan=plan, suppliers=report.agency)
    if only is not None:
        rows = rows.filter(pk__in=only)
    indicators = list(
        rows.select_related("target").order_by("target__milestone", "target__position")
    )
    for indicator in indicators:
        indicator.plan = plan
    return indicators


ValueRows = dict[tuple[int, int], IndicatorValue]  # (indicator id, year) -> its value


# The autosave's read of values (planwatch.fastsql: compiled once, run on every save).
_LOCKED_VALUES = fastsql.Read(
    lambda indicators, plan, agency, years: (
        IndicatorValue.objects.select_for_update(of=("self",))
        .select_related("indicator__target")
        .filter(
            indicator_id__in=indicators,
            indicator__plan_id=plan,
            indicator__suppliers=agency,
            agency_id=agency,
            category="",
            year__in=years,
        )
        .order_by()  # rows keyed below: no ordering to compile
    )
)


def supplied_with_values(report: AgencyReport, only: set[int]) -> tuple[list[Indicator], ValueRows]:
    """The indicators of ``only`` that the agency supplies (as ``indicators_for``) and
    their values of the report's year and the year before, locked for ``save_values``
    (in the caller's transaction), in one query: the values read with their
    indicators. An indicator with neither value is read on its own."""
    year = report.period.year
    rows: ValueRows = {}
    found: dict[int, Indicator] = {}
    for row in _LOCKED_VALUES(
        indicators=sorted(only), plan=report.period.plan_id, agency=report.agency_id,
        years=[year - 1, year],
    ):  # fmt: skip
        indicator = found.setdefault(row.indicator_id, row.indicator)
        indicator.plan = report.period.plan  # the one filtered on
        row.indicator = indicator
        rows[(row.indicator_id, row.year)] = row
    missing = set(only) - set(found)
    indicators = list(found.values()) + (indicators_for(report, missing) if missing else [])
    indicators.sort(key=lambda i: (i.target.milestone, i.target.position, i.pk))
    return indicators, rows


def current_values(report: AgencyReport, indicators: list[Indicator]) -> dict[int, IndicatorValue]:
    rows = IndicatorValue.objects.filter(
        indicator__in=indicators, year=report.period.year, agency=report.agency, category=""
    )
    return {row.indicator_id: row for row in rows}


VALUE_FIELDS = ("value", "numerator", "denominator")


def save_values(
    report: AgencyReport,
    values: dict[int, dict[str, str]],
    actor,
    indicators: list[Indicator] | None = None,
    rows: ValueRows | None = None,
) -> Changes:
    """Save the indicator values entered with a report ({indicator id: {"value",
    "numerator", "denominator": text}}, as the report form gives them), inside the
    report's save (``reporting.services.save_draft``'s ``also``, under its lock).

    Every value is checked first: ReportError with every problem, nothing written.
    Then one query reads the current and last year's values of all of them, and only
    a value that changes (its numbers, or the report it belongs to) is written, with
    its jump warning from last year's value. Returns the changes for the report's one
    audit entry ({"indicator 4 value": (before, after)}). ``indicators``: those the
    agency supplies, already read (``indicators_for``); ``rows``: their values read
    and locked with them in this transaction (``supplied_with_values``)."""
    indicators = indicators_for(report) if indicators is None else indicators
    year = report.period.year
    wanted, errors = _parsed(indicators, values, year)
    if errors:
        raise ReportError(errors)
    if not wanted:
        return {}
    if rows is None:
        rows = {
            (row.indicator_id, row.year): row
            for row in IndicatorValue.objects.select_for_update(of=("self",)).filter(
                indicator__in=[indicator for indicator, _numbers in wanted],
                agency=report.agency,
                category="",
                year__in=[year - 1, year],
            )
        }
    changes: Changes = {}
    for indicator, numbers in wanted:
        row = rows.get((indicator.pk, year))
        before = (row.value, row.numerator, row.denominator, row.report_id) if row else None
        if before == (*numbers, report.pk):
            continue
        last = rows.get((indicator.pk, year - 1))
        row = row or IndicatorValue(
            indicator=indicator, year=year, category="", agency=report.agency
        )
        row.value, row.numerator, row.denominator = numbers
        row.report = report
        row.entered_by = actor if getattr(actor, "pk", None) else None
        row.warning = warning_from(row.value, last.value if last else None)
        fastsql.save(row)
        for position, name in enumerate((*VALUE_FIELDS, "report")):
            old = before[position] if before else None
            new = (*numbers, report.pk)[position]
            if old != new:
                changes[f"indicator {indicator.pk} {name}"] = (_plain(old), _plain(new))
    return changes


def _plain(number):
    """10.0000 -> "10" for the audit entry (a report id stays as it is)."""
    return f"{number.normalize():f}" if isinstance(number, Decimal) else number


def _parsed(indicators: list[Indicator], values: dict[int, dict[str, str]], year: int):
    """[(indicator, (value, numerator, denominator))] for each indicator given a value,
    and the problems of the others."""
    wanted, errors = [], []
    for indicator in indicators:
        fields = dict(values.get(indicator.pk) or {})
        if not any(str(v).strip() for v in fields.values()):
            continue
        if indicator.kind == Kind.YES_SHARE:
            fields = {"value": "1" if fields.get("value") in ("1", "yes", "on") else "0"}
        try:
            numbers = parse_entry(
                indicator,
                year,
                **{k: v for k, v in fields.items() if v != "" and k in VALUE_FIELDS},
            )
        except ValueError_ as exc:
            errors.extend(exc.errors)
        else:
            wanted.append((indicator, numbers))
    return wanted, errors
