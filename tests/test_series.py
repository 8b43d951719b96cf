"""The progress series aggregated in the database (indicators.series) give the same
figures, to the last digit, as the reference computation that loads every value
(indicators.series_reference), on generated plans: many agencies, years and
breakdown values, every aggregation and kind, accepted, returned, submitted and
draft reports, the province's own values, registry entries. Run on SQLite and on
PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from agencies.models import Agency
from indicators.models import (
    Aggregation,
    Category,
    Dimension,
    Indicator,
    IndicatorValue,
    Kind,
    RegistryEntry,
)
from indicators.overview import plan_progress
from indicators.series import plan_series
from indicators.series_reference import plan_series_reference
from reporting.models import AgencyReport, ReportingPeriod, ReportState

CATEGORIES = ["dệt may", "thép", "nhựa", "Đồng Hới", "Ba Đồn"]
STATES = [ReportState.ACCEPTED] * 3 + [
    ReportState.RETURNED,
    ReportState.SUBMITTED,
    ReportState.DRAFT,
]


def _number(rng: random.Random, big: int) -> Decimal | None:
    """A value with up to 4 decimals, below ``big`` (None now and then; 0 sometimes)."""
    roll = rng.random()
    if roll < 0.1:
        return None
    if roll < 0.15:
        return Decimal(0)
    top = rng.choice([t for t in (10, 10**4, 10**6) if t < big] + [big])
    return Decimal(rng.randint(0, top * 10**4 - 1)).scaleb(-4)


def _value_row(rng, indicator, year, category, agency, report, big) -> IndicatorValue:
    value = numerator = denominator = None
    if indicator.kind == Kind.YES_SHARE:
        value = rng.choice([Decimal(0), Decimal(1), Decimal(1), None])
    else:
        value = _number(rng, big)
        denominator = _number(rng, big)
        numerator = _number(rng, big)
        if numerator is not None and denominator is not None and numerator > denominator:
            numerator, denominator = denominator, numerator
    return IndicatorValue(
        indicator=indicator,
        year=year,
        category=category,
        agency=agency,
        report=report,
        value=value,
        numerator=numerator,
        denominator=denominator,
    )


def _indicators(plan, rng) -> list[Indicator]:
    kinds = [(Kind.REPORTED, how) for how in Aggregation.values] + [
        (Kind.RATIO, Aggregation.SUM),
        (Kind.YES_SHARE, Aggregation.SUM),
        (Kind.REGISTRY, Aggregation.SUM),
        (Kind.REPORTED, Aggregation.WEIGHTED_MEAN),
        (Kind.RATIO, Aggregation.MEAN),
    ]
    targets = list(plan.targets.current().order_by("pk"))[: len(kinds)]
    made = []
    for n, (target, (kind, how)) in enumerate(zip(targets, kinds, strict=False)):
        made.append(
            Indicator.objects.create(
                plan=plan,
                target=target,
                name=f"Chỉ số {n}",
                unit=rng.choice(["%", "mô hình", "tỷ đồng"]),
                kind=kind,
                aggregation=how,
                dimension=Dimension.SECTOR if n % 3 == 0 else Dimension.NONE,
                categories=CATEGORIES[:3] if n % 3 == 0 else [],
                registry_category=Category.CLEANER_PRODUCTION if kind == Kind.REGISTRY else "",
            )
        )
    return made


def generate(plan, seed: int, big: int = 10**6) -> list[Indicator]:
    """A plan's worth of values, reports and registry entries from ``seed``."""
    rng = random.Random(seed)
    indicators = _indicators(plan, rng)
    agencies = list(Agency.objects.order_by("pk")[:14])
    years = list(plan.years)
    reports = {}
    for year in years:
        period = ReportingPeriod.objects.create(
            plan=plan,
            year=year,
            due_date=dt.date(year + 1, 1, 15),
            cutoff_start=dt.date(year, 1, 1),
            cutoff_end=dt.date(year, 12, 31),
        )
        for agency in agencies:
            if rng.random() < 0.9:
                reports[(year, agency.pk)] = AgencyReport.objects.create(
                    period=period, agency=agency, state=rng.choice(STATES)
                )
    rows = []
    for indicator in indicators:
        for year in years:
            for category in ["", *CATEGORIES[: rng.randint(0, 4)]]:
                if rng.random() < 0.3:  # the province's own value (None now and then)
                    rows.append(_value_row(rng, indicator, year, category, None, None, big))
                for agency in rng.sample(agencies, rng.randint(0, len(agencies))):
                    report = reports.get((year, agency.pk)) if rng.random() < 0.85 else None
                    rows.append(_value_row(rng, indicator, year, category, agency, report, big))
    IndicatorValue.objects.bulk_create(rows)
    RegistryEntry.objects.bulk_create(
        RegistryEntry(
            plan=plan,
            category=rng.choice([Category.CLEANER_PRODUCTION, Category.VALUE_CHAIN]),
            name=f"Mô hình {n}",
            agency=rng.choice(agencies),
            year=rng.choice([plan.period_start - 1, *years]),
            locality=rng.choice(["", "", *CATEGORIES[3:]]),
        )
        for n in range(rng.randint(0, 40))
    )
    return indicators


@pytest.mark.parametrize(
    ("seed", "big"), [(0, 100), (1, 10**4), (2, 10**6), (3, 10**6), (4, 10**9)]
)
def test_fast_series_equal_the_reference(plan, seed, big):
    indicators = generate(plan, seed, big)
    reference = plan_series_reference(plan)
    fast = plan_series(plan)
    assert fast == reference
    assert any(fast.values()) and any(len(s) > 1 for s in fast.values())
    # One indicator alone: its series as in the whole plan.
    for indicator in indicators:
        assert plan_series(plan, [indicator]) == {indicator.pk: reference[indicator.pk]}


def test_numbers_beyond_fifteen_digits_equal_the_reference(plan):
    """Up to the fields' 18 digits (SQLite sums those groups in Python)."""
    generate(plan, 99, big=10**14)
    assert plan_series(plan) == plan_series_reference(plan)


def test_a_report_counts_once_accepted(plan):
    indicator = generate(plan, 7)[1]  # a mean
    report = AgencyReport.objects.filter(state=ReportState.ACCEPTED).first()
    before = plan_series(plan)[indicator.pk]
    AgencyReport.objects.filter(period__plan=plan).update(state=ReportState.RETURNED)
    assert plan_series(plan) == plan_series_reference(plan)
    assert plan_series(plan)[indicator.pk] != before or report is None


def test_demo_series_equal_the_reference(demo_progress):
    assert plan_series(demo_progress) == plan_series_reference(demo_progress)


def test_the_series_take_a_fixed_number_of_queries(plan, django_assert_num_queries):
    generate(plan, 3, big=100)
    with django_assert_num_queries(3):  # indicators, grouped values, registry counts
        plan_series(plan)
    target = Indicator.objects.exclude(kind=Kind.REGISTRY).select_related("target").first().target
    with django_assert_num_queries(3):  # targets, indicators, grouped values
        rows = plan_progress(plan, plan.period_start + 4, target=target)
    assert len(rows) == 1


def test_only_the_sums_the_indicators_read_are_asked():
    """_value reads these sums of a group for each way of aggregating (and "own", "n"
    always): no other is asked of the database."""
    from indicators.series import _aggregates, _needed

    def of(kind, how=Aggregation.SUM):
        return _needed([Indicator(kind=kind, aggregation=how)])

    assert of(Kind.REPORTED) == {"total"}
    assert of(Kind.REPORTED, Aggregation.MEAN) == {"total"}
    assert of(Kind.REPORTED, Aggregation.WEIGHTED_MEAN) == {"weighted", "weights"}
    assert of(Kind.REPORTED, Aggregation.RATIO_OF_SUMS) == {"part", "whole"}
    assert of(Kind.RATIO, Aggregation.MEAN) == {"part", "whole"}
    assert of(Kind.YES_SHARE, Aggregation.WEIGHTED_MEAN) == {"total"}
    assert of(Kind.REGISTRY) == {"total"}
    assert _needed([]) == set()
    assert set(_aggregates(False, {"part", "whole"})) == {"own", "n", "part", "whole"}
    assert set(_aggregates(True, set())) == {"own", "n", "over"}
    assert set(_aggregates(False)) == {"own", "n", "total", "part", "whole", "weighted", "weights"}
