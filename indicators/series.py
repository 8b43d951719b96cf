"""The provincial value of every indicator of a plan, by year and by breakdown,
from accepted reports, coordinators' entries and the registries.

The database does the work: one grouped query returns, for each (indicator,
breakdown value, year), the province's own value and the sums and counts of the
agencies' counted values; Python then divides, in Decimal as before. So the cost is
in the number of groups (a few hundred), not in the number of values (tens of
thousands), and the figures are those of indicators.series_reference (the values
loaded one by one), to the last digit: PostgreSQL sums numerics exactly; SQLite,
which keeps decimals as floats, sums them as whole numbers of ten-thousandths
(the fields have 4 decimal places), and a group whose numbers are too large for
that is summed in Python from its values. A fixed number of queries for the whole plan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DecimalField,
    Expression,
    ExpressionWrapper,
    F,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from indicators.models import Aggregation, Indicator, IndicatorValue, Kind, RegistryEntry
from plans.models import Plan
from reporting.models import AgencyReport, ReportState

Series = dict[int, float]

# SQLite keeps a decimal as a float: there it is summed as a whole number of
# ten-thousandths (exact while below 9·10¹⁰, 15 digits as Django reads them back),
# and value × weight as a whole number of 10⁻⁸ while below 9·10⁶, so that no sum of
# up to 10⁴ terms leaves SQLite's 64-bit integers. A group with a number past that
# ("over" counts them) is summed in Python from its values instead.
_SCALED = "(CASE WHEN ABS({x}) < 90000000000 THEN CAST(ROUND({x} * 10000) AS INTEGER) ELSE 0 END)"
_WEIGHT = "(CASE WHEN {x} IS NULL OR {x} = 0 THEN 10000 ELSE " + _SCALED + " END)"
_RAW_WEIGHT = "(CASE WHEN {w} IS NULL OR {w} = 0 THEN 1 ELSE {w} END)"
_PRODUCT = (
    "(CASE WHEN ABS({v} * "
    + _RAW_WEIGHT
    + ") < 9000000 THEN "
    + _SCALED.replace("{x}", "{v}")
    + " * "
    + _WEIGHT.replace("{x}", "{w}")
    + " ELSE 0 END)"
)
_OVER = (
    "(CASE WHEN ABS({v}) >= 90000000000 OR ABS({p}) >= 90000000000 "
    "OR ABS({w}) >= 90000000000 OR ABS({v} * " + _RAW_WEIGHT + ") >= 9000000 THEN 1 ELSE 0 END)"
)
_PLACES = {"total": 4, "part": 4, "whole": 4, "weighted": 8, "weights": 4}
Key = tuple[int, str, int]


def _sqlite(template: str, output, **parts) -> RawSQL:
    """A SQLite expression over the value table's columns (no parameters)."""
    table = IndicatorValue._meta.db_table
    columns = {k: f'"{table}"."{v}"' for k, v in parts.items()}
    return RawSQL(template.format(**columns), (), output_field=output)


def _method(indicator: Indicator) -> str:
    """How the agencies' values of ``indicator`` make the province's (as _value reads them)."""
    if indicator.kind == Kind.YES_SHARE:
        return "yes_share"
    if indicator.kind == Kind.RATIO:
        return Aggregation.RATIO_OF_SUMS
    return indicator.aggregation


# The sums each way of aggregating reads (besides "own" and "n", always there).
_SUMS = {
    "yes_share": ("total",),
    Aggregation.RATIO_OF_SUMS: ("part", "whole"),
    Aggregation.MEAN: ("total",),
    Aggregation.WEIGHTED_MEAN: ("weighted", "weights"),
}


def _needed(indicators: Iterable[Indicator]) -> set[str]:
    """The sums _value reads for ``indicators``: a sum no indicator reads is not asked
    of the database (each is a numeric addition for every value of the plan)."""
    return {name for i in indicators for name in _SUMS.get(_method(i), ("total",))}


def _aggregates(scaled: bool, needed: Iterable[str] = tuple(_PLACES)) -> dict:
    """What each (indicator, breakdown value, year) needs, as aggregates: the province's
    own value, then over the agencies' rows: the count and sum of values, the sums of
    parts and wholes, and the sums of value × weight and of weights (the weight is the
    whole, 1 when there is none or it is 0) over the rows that have a value; of the
    sums, only those ``needed``."""
    agency = Q(agency__isnull=False)
    has_value = Q(agency__isnull=False, value__isnull=False)
    terms: dict[str, Expression | F]
    if scaled:
        big: BigIntegerField = BigIntegerField()
        terms = {
            "total": _sqlite(_SCALED, big, x="value"),
            "part": _sqlite(_SCALED, big, x="numerator"),
            "whole": _sqlite(_SCALED, big, x="denominator"),
            "weighted": _sqlite(_PRODUCT, big, v="value", w="denominator"),
            "weights": _sqlite(_WEIGHT, big, x="denominator"),
        }
        over = {
            "over": Sum(
                _sqlite(_OVER, big, v="value", p="numerator", w="denominator"), filter=agency
            )
        }
    else:
        exact: DecimalField = DecimalField(max_digits=40, decimal_places=8)
        weight_of = Case(
            When(Q(denominator__isnull=True) | Q(denominator=0), then=Value(Decimal(1))),
            default=F("denominator"),
            output_field=exact,
        )
        terms = {
            "total": F("value"),
            "part": F("numerator"),
            "whole": F("denominator"),
            "weighted": ExpressionWrapper(F("value") * weight_of, output_field=exact),
            "weights": weight_of,
        }
        over = {}
    sums = {
        "total": Sum(terms["total"], filter=agency),
        "part": Sum(terms["part"], filter=agency),
        "whole": Sum(terms["whole"], filter=agency),
        "weighted": Sum(terms["weighted"], filter=has_value),
        "weights": Sum(terms["weights"], filter=has_value),
    }
    return {
        "own": Max("value", filter=Q(agency__isnull=True)),
        "n": Count("value", filter=agency),
        **{name: sums[name] for name in _PLACES if name in needed},
        **over,
    }


def _unscale(row: dict) -> bool:
    """SQLite's whole numbers back to Decimals, in place; False when the group has a
    number too large for them (not summed exactly)."""
    for name, places in _PLACES.items():
        if row.get(name) is not None:
            row[name] = Decimal(row[name]).scaleb(-places)
    return not row["over"]


def _summed_in_python(values: QuerySet[IndicatorValue], keys: set[Key]) -> dict[Key, dict]:
    """The sums of _aggregates for the groups ``keys``, from their agencies' values."""
    zero = Decimal(0)
    sums: dict[Key, dict] = {
        key: {"total": zero, "part": zero, "whole": zero, "weighted": zero, "weights": zero}
        for key in keys
    }
    chosen = values.filter(indicator_id__in={k[0] for k in keys}, agency__isnull=False)
    rows = chosen.order_by().values_list(
        "indicator_id", "category", "year", "value", "numerator", "denominator"
    )
    for indicator_id, category, year, value, numerator, denominator in rows:
        g = sums.get((indicator_id, category, year))
        if g is None:
            continue
        g["part"] += numerator or zero
        g["whole"] += denominator or zero
        if value is not None:
            weight = denominator or Decimal(1)
            g["total"] += value
            g["weighted"] += value * weight
            g["weights"] += weight
    return sums


def _groups(plan: Plan, indicators: list[Indicator]) -> list[dict]:
    """One row per (indicator, category, year) with the aggregates of _aggregates that
    ``indicators`` read, over the counted values: the coordinator's (no report) and
    those of accepted reports."""
    accepted = AgencyReport.objects.filter(period__plan=plan, state=ReportState.ACCEPTED)
    counted = Q(report__isnull=True) | Q(report_id__in=accepted.order_by().values("pk"))
    ids = [i.pk for i in indicators]
    values = IndicatorValue.objects.filter(indicator_id__in=ids).filter(counted)
    scaled = connection.vendor == "sqlite"
    rows = list(
        values.order_by()
        .values("indicator_id", "category", "year")
        .annotate(**_aggregates(scaled, _needed(indicators)))
        .order_by("indicator_id", "category", "year")
    )
    if scaled:
        inexact = {(r["indicator_id"], r["category"], r["year"]) for r in rows if not _unscale(r)}
        if inexact:
            exact = _summed_in_python(values, inexact)
            for r in rows:
                r.update(exact.get((r["indicator_id"], r["category"], r["year"]), {}))
    return rows


def _value(indicator: Indicator, g: dict) -> float | None:
    """The province's figure of one group: its own value when it has one, else the
    agencies' values aggregated as the indicator says (Decimal arithmetic)."""
    if g["own"] is not None:
        return float(g["own"])
    n = g["n"]
    how = _method(indicator)
    if how == "yes_share":
        return float(100 * g["total"] / n) if n else None
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
    for g in _groups(plan, chosen):
        value = _value(by_id[g["indicator_id"]], g)
        if value is not None:
            result[g["indicator_id"]].setdefault(g["category"], {})[g["year"]] = round(value, 4)
    registry = [i for i in chosen if i.kind == Kind.REGISTRY]
    if registry:
        _registry_series(plan, registry, result)
    return result
