"""Reading a plan's progress and an indicator's values: the year a reading is for,
and which entered values a user may see. A value from an agency report that is not
accepted yet is that agency's work in progress: a reporter sees it only for their own
agency (or one it succeeded), as they see only those reports (access.rules)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access import rules
from indicators.models import Indicator, IndicatorValue
from indicators.series import Series, plan_series
from plans.models import Plan
from reporting.models import ReportState


class YearOutsidePlan(ValueError):
    """A year the plan does not cover; ``fields`` says so against ``year``."""

    def __init__(self, plan: Plan):
        message = _("The year must be between %(start)s and %(end)s.") % {
            "start": plan.period_start,
            "end": plan.period_end,
        }
        super().__init__(message)
        self.errors = [message]
        self.fields = {"year": message}


def progress_year(plan: Plan, year: int | None = None) -> int:
    """``year`` when the plan covers it (YearOutsidePlan otherwise); without one, last
    year, kept within the plan's period."""
    if year is None:
        return min(max(plan.period_start, timezone.localdate().year - 1), plan.period_end)
    if not plan.period_start <= year <= plan.period_end:
        raise YearOutsidePlan(plan)
    return year


def values_visible_to(user, indicator: Indicator) -> QuerySet[IndicatorValue]:
    """The indicator's entered values that ``user`` may read, by year."""
    values = indicator.values.order_by("year", "category")
    agencies = rules.readable_report_agencies(user)
    if agencies is not None:
        values = values.filter(
            Q(report__isnull=True)
            | Q(report__state=ReportState.ACCEPTED)
            | Q(report__agency_id__in=agencies)
        )
    return values


@dataclass(slots=True)
class EnteredValue:
    """One entered value as a reader sees it: the agency by its code (None for the
    province's own), and whether it counts (no report, or an accepted one)."""

    year: int
    category: str
    agency: str | None
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    counts: bool
    warning: str


@dataclass
class IndicatorReading:
    indicator: Indicator
    series: dict[str, Series]  # breakdown value ("total" for the whole) -> {year: value}
    values: list[EnteredValue]


def read_indicator(user, indicator: Indicator) -> IndicatorReading:
    """The indicator's provincial series (only counted values) and the values the user
    sees, read as tuples (thousands of them: no model instances)."""
    series = plan_series(indicator.plan, [indicator])[indicator.pk]
    rows = values_visible_to(user, indicator).values_list(
        "year",
        "category",
        "agency__code",
        "value",
        "numerator",
        "denominator",
        "report_id",
        "report__state",
        "warning",
    )
    return IndicatorReading(
        indicator,
        {k or "total": v for k, v in series.items()},
        [
            EnteredValue(
                year,
                category,
                agency,
                value,
                numerator,
                denominator,
                report_id is None or state == ReportState.ACCEPTED,
                warning,
            )
            for year, category, agency, value, numerator, denominator, report_id, state, warning in rows
        ],
    )
