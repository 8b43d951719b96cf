"""The reference computation of indicators.series.plan_series: every counted value
loaded as an IndicatorValue and aggregated in Python with Decimal arithmetic. It is
what the figures were computed by before they were aggregated in the database
(docs/decisions.md), kept so that tests/test_series.py compares the fast path with
it on generated data, and used by the fast path where SQLite could not sum exactly
(numbers beyond its 15 significant digits)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from indicators.models import Aggregation, Indicator, IndicatorValue, Kind, RegistryEntry
from plans.models import Plan
from reporting.models import ReportState

Series = dict[int, float]


def _aggregate(rows: list[IndicatorValue], how: str) -> float | None:
    """Agencies' values into one: ratio of sums (Σ part ÷ Σ whole), mean, weighted mean
    (weights in ``denominator``), or sum."""
    zero = Decimal(0)
    if how == Aggregation.RATIO_OF_SUMS:
        part = sum((r.numerator or zero for r in rows), zero)
        whole = sum((r.denominator or zero for r in rows), zero)
        return float(100 * part / whole) if whole else None
    # (value, weight) of the rows that have a value; the weight is ``denominator``.
    values = [(r.value, r.denominator or Decimal(1)) for r in rows if r.value is not None]
    if not values:
        return None
    if how == Aggregation.MEAN:
        return float(sum((v for v, _w in values), zero) / len(values))
    if how == Aggregation.WEIGHTED_MEAN:
        weights = sum((w for _v, w in values), zero)
        return float(sum((v * w for v, w in values), zero) / weights)
    return float(sum((v for v, _w in values), zero))


def plan_series_reference(plan: Plan) -> dict[int, dict[str, Series]]:
    """{indicator id: {breakdown value ("" = total): {year: value}}}."""
    indicators = list(Indicator.objects.filter(plan=plan).select_related("target"))
    counted = Q(report__isnull=True) | Q(report__state=ReportState.ACCEPTED)
    rows: dict[tuple[int, str, int], list[IndicatorValue]] = defaultdict(list)
    province: dict[tuple[int, str, int], IndicatorValue] = {}
    for row in IndicatorValue.objects.filter(indicator__plan=plan).filter(counted):
        key = (row.indicator_id, row.category, row.year)
        if row.agency_id is None:
            province[key] = row
        else:
            rows[key].append(row)
    result: dict[int, dict[str, Series]] = {i.pk: {} for i in indicators}
    by_id = {i.pk: i for i in indicators}
    for key in set(rows) | set(province):
        indicator_id, category, year = key
        indicator = by_id[indicator_id]
        own = province[key].value if key in province else None
        value: float | None
        if own is not None:
            value = float(own)
        elif indicator.kind == Kind.YES_SHARE:
            answers = [r.value for r in rows[key] if r.value is not None]
            value = float(100 * sum(answers) / len(answers)) if answers else None
        else:
            how = (
                Aggregation.RATIO_OF_SUMS if indicator.kind == Kind.RATIO else indicator.aggregation
            )
            value = _aggregate(rows[key], how)
        if value is not None:
            result[indicator_id].setdefault(category, {})[year] = round(value, 4)
    registry = [i for i in indicators if i.kind == Kind.REGISTRY]
    if registry:
        # Counts accumulate from the start of the plan: the entries up to each year.
        per_year: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for category, locality, year in RegistryEntry.objects.filter(plan=plan).values_list(
            "category", "locality", "year"
        ):
            per_year[(category, "")][year] += 1
            if locality:
                per_year[(category, locality)][year] += 1
        for indicator in registry:
            for (category, locality), counts in per_year.items():
                if category != indicator.registry_category:
                    continue
                running = 0
                series: Series = {}
                last = min(plan.period_end, max(counts))
                for year in range(plan.period_start, last + 1):
                    running += counts.get(year, 0)
                    series[year] = running
                result[indicator.pk][locality] = series
    return result
