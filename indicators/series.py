"""The provincial value of every indicator of a plan, by year and by breakdown,
from accepted reports, coordinators' entries and the registries.

The database does the work: one grouped query returns, for each (indicator,
breakdown value, year), the province's own value and the sums and counts of the
agencies' counted values; Python then divides, in Decimal as before. So the cost is
in the number of groups (a few hundred), not in the number of values (tens of
thousands), and the figures are those of indicators.series_reference (the values
loaded one by one), to the last digit: PostgreSQL sums numerics exactly; SQLite,
which keeps decimals as floats, sums them as whole numbers of ten-thousandths
(the fields have 4 decimal places) and hands over to the reference where that
could not be exact. A fixed number of queries for the whole plan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Abs

from indicators.models import Aggregation, Indicator, IndicatorValue, Kind, RegistryEntry
from plans.models import Plan
from reporting.models import AgencyReport, ReportState

Series = dict[int, float]

# SQLite: a decimal (a float there) as a whole number of ten-thousandths, exact below
# LIMIT (15 significant digits with 4 decimals, as Django reads them back).
SCALE = 10_000
LIMIT = Decimal(10) ** 11
_SCALED = "CAST(ROUND(%(expressions)s * 10000) AS INTEGER)"
_WEIGHT = (
    "CASE WHEN %(expressions)s IS NULL OR %(expressions)s = 0 THEN 10000 "
    "ELSE CAST(ROUND(%(expressions)s * 10000) AS INTEGER) END"
)

_LIMITED = ("value", "numerator", "denominator")


class Inexact(Exception):
    """SQLite could not sum these values exactly."""


def _aggregates(scaled: bool) -> dict:
    """What each (indicator, breakdown value, year) needs, as aggregates: the province's
    own value, then over the agencies' rows: the count and sum of values, the sums of
    parts and wholes, and the sums of value × weight and of weights (the weight is the
    whole, 1 when there is none or it is 0) over the rows that have a value."""
    agency = Q(agency__isnull=False)
    has_value = Q(agency__isnull=False, value__isnull=False)
    number: Callable[[str], F | Func]
    weight: Func | Case
    if scaled:
        big = BigIntegerField()

        def number(name: str) -> F | Func:
            return Func(F(name), template=_SCALED, output_field=big)

        weight = Func(F("denominator"), template=_WEIGHT, output_field=big)
        product = ExpressionWrapper(number("value") * weight, output_field=big)
        limits = {f"max_{name}": Max(Abs(name)) for name in _LIMITED}
    else:
        exact = DecimalField(max_digits=40, decimal_places=8)

        def number(name: str) -> F | Func:
            return F(name)

        weight = Case(
            When(Q(denominator__isnull=True) | Q(denominator=0), then=Value(Decimal(1))),
            default=F("denominator"),
            output_field=exact,
        )
        product = ExpressionWrapper(F("value") * weight, output_field=exact)
        limits = {}
    return {
        "own": Max("value", filter=Q(agency__isnull=True)),
        "n": Count("value", filter=agency),
        "total": Sum(number("value"), filter=agency),
        "part": Sum(number("numerator"), filter=agency),
        "whole": Sum(number("denominator"), filter=agency),
        "weighted": Sum(product, filter=has_value),
        "weights": Sum(weight, filter=has_value),
        **limits,
    }


def _unscale(row: dict) -> dict:
    """SQLite's whole numbers of ten-thousandths back to Decimals; Inexact when a sum
    went past the integers (a float came back) or a value past 15 digits."""
    if any(row[f"max_{n}"] is not None and row[f"max_{n}"] >= LIMIT for n in _LIMITED):
        raise Inexact
    out = {"own": row["own"], "n": row["n"]}
    for name, places in (("total", 4), ("part", 4), ("whole", 4), ("weighted", 8), ("weights", 4)):
        number = row[name]
        if number is not None and not isinstance(number, int):
            raise Inexact
        out[name] = Decimal(number).scaleb(-places) if number is not None else None
    return out


def _groups(plan: Plan, indicator_ids: list[int]) -> Iterable[dict]:
    """One row per (indicator, category, year) with the aggregates of _aggregates, over
    the counted values: the coordinator's (no report) and those of accepted reports."""
    accepted = AgencyReport.objects.filter(period__plan=plan, state=ReportState.ACCEPTED)
    counted = Q(report__isnull=True) | Q(report_id__in=accepted.order_by().values("pk"))
    scaled = connection.vendor == "sqlite"
    rows = (
        IndicatorValue.objects.filter(indicator_id__in=indicator_ids)
        .filter(counted)
        .order_by()
        .values("indicator_id", "category", "year")
        .annotate(**_aggregates(scaled))
        .order_by("indicator_id", "category", "year")
    )
    if not scaled:
        return list(rows)
    return [{**row, **_unscale(row)} for row in rows]


def _value(indicator: Indicator, g: dict) -> float | None:
    """The province's figure of one group: its own value when it has one, else the
    agencies' values aggregated as the indicator says (Decimal arithmetic)."""
    if g["own"] is not None:
        return float(g["own"])
    n = g["n"]
    if indicator.kind == Kind.YES_SHARE:
        return float(100 * g["total"] / n) if n else None
    how = Aggregation.RATIO_OF_SUMS if indicator.kind == Kind.RATIO else indicator.aggregation
    if how == Aggregation.RATIO_OF_SUMS:
        part, whole = g["part"] or Decimal(0), g["whole"] or Decimal(0)
        return float(100 * part / whole) if whole else None
    if not n:
        return None
    if how == Aggregation.MEAN:
        return float(g["total"] / n)
    if how == Aggregation.WEIGHTED_MEAN:
        return float(g["weighted"] / g["weights"])
    return float(g["total"])


def _registry_series(
    plan: Plan, registry: list[Indicator], result: dict[int, dict[str, Series]]
) -> None:
    """Counts accumulate from the start of the plan: the entries up to each year."""
    per_year: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    counts = (
        RegistryEntry.objects.filter(
            plan=plan, category__in={i.registry_category for i in registry}
        )
        .order_by()
        .values_list("category", "locality", "year")
        .annotate(n=Count("id"))
    )
    for category, locality, year, n in counts:
        per_year[(category, "")][year] += n
        if locality:
            per_year[(category, locality)][year] += n
    for indicator in registry:
        for (category, locality), by_year in per_year.items():
            if category != indicator.registry_category:
                continue
            running = 0
            series: Series = {}
            last = min(plan.period_end, max(by_year))
            for year in range(plan.period_start, last + 1):
                running += by_year.get(year, 0)
                series[year] = running
            result[indicator.pk][locality] = series


def plan_series(
    plan: Plan, indicators: Iterable[Indicator] | None = None
) -> dict[int, dict[str, Series]]:
    """{indicator id: {breakdown value ("" = total): {year: value}}}, for the plan's
    indicators (or only ``indicators``, of this plan); years and breakdown values in
    order."""
    chosen = list(
        Indicator.objects.filter(plan=plan).order_by() if indicators is None else indicators
    )
    result: dict[int, dict[str, Series]] = {i.pk: {} for i in chosen}
    if not chosen:
        return result
    by_id = {i.pk: i for i in chosen}
    try:
        groups = _groups(plan, list(by_id))
    except Inexact:
        from indicators.series_reference import plan_series_reference

        reference = plan_series_reference(plan)
        return {pk: reference.get(pk, {}) for pk in result}
    for g in groups:
        value = _value(by_id[g["indicator_id"]], g)
        if value is not None:
            result[g["indicator_id"]].setdefault(g["category"], {})[g["year"]] = round(value, 4)
    registry = [i for i in chosen if i.kind == Kind.REGISTRY]
    if registry:
        _registry_series(plan, registry, result)
    return result
