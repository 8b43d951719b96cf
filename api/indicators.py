"""Progress routes: each target's status for a year, and an indicator's values."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from access.capabilities import Capability as C
from access.decorators import requires
from access.lookups import get_plan_for_user
from api.errors import NotFound, responses
from api.fields import Id, PlanCode, Year
from indicators.models import Indicator
from indicators.overview import TargetProgress, plan_progress
from indicators.progress import Status
from indicators.reading import IndicatorReading, progress_year, read_indicator

router = Router(tags=["indicators"])


def _number(value) -> float | None:
    return float(value) if value is not None else None


class IndicatorBrief(Schema):
    id: int
    name: str
    unit: str


class YearValue(Schema):
    year: int
    value: float


class TargetStatus(Schema):
    milestone: int
    target: str
    measure: str
    min: float | None
    max: float | None
    indicator: IndicatorBrief | None
    latest: YearValue | None
    year: int
    status: Status
    label: str
    reason: str
    numbers: dict[str, int | float | str | None]

    @classmethod
    def of(cls, row: TargetProgress, year: int) -> dict:
        return {
            "milestone": row.target.milestone,
            "target": row.target.text,
            "measure": row.target.measure,
            "min": _number(row.target.min_value),
            "max": _number(row.target.max_value),
            "indicator": (
                {"id": row.indicator.pk, "name": row.indicator.name, "unit": row.indicator.unit}
                if row.indicator
                else None
            ),
            "latest": {"year": row.latest[0], "value": row.latest[1]} if row.latest else None,
            "year": year,
            "status": row.assessment.status,
            "label": str(row.assessment.label),
            "reason": row.assessment.reason,
            "numbers": row.assessment.numbers,
        }


class Baseline(Schema):
    year: int | None
    value: float | None


class EnteredValue(Schema):
    year: int
    category: str
    agency: str | None
    value: float | None
    numerator: float | None
    denominator: float | None
    counts: bool = Field(description="false until the report it came from is accepted")
    warning: str


class IndicatorValues(Schema):
    id: int
    name: str
    unit: str
    baseline: Baseline
    series: dict[str, dict[int, float]] = Field(
        description='breakdown value ("total" for the whole) -> {year: value}'
    )
    values: list[EnteredValue]

    @classmethod
    def of(cls, reading: IndicatorReading) -> dict:
        indicator = reading.indicator
        return {
            "id": indicator.pk,
            "name": indicator.name,
            "unit": indicator.unit,
            "baseline": {
                "year": indicator.baseline_year,
                "value": _number(indicator.baseline_value),
            },
            "series": reading.series,
            "values": [
                {
                    "year": v.year,
                    "category": v.category,
                    "agency": v.agency,
                    "value": _number(v.value),
                    "numerator": _number(v.numerator),
                    "denominator": _number(v.denominator),
                    "counts": v.counts,
                    "warning": v.warning,
                }
                for v in reading.values
            ],
        }


class ProgressQuery(Schema):
    year: Year | None = Field(None, description="last year (within the plan) when omitted")


@router.get("/plans/{code}/progress", response=responses(list[TargetStatus], 403, 404))
@requires(C.READ_PLANS)
def plan_progress_route(request, code: PlanCode, query: Query[ProgressQuery]):
    """Each target: its indicator, latest value, and status for the year, with the numbers
    the status came from (400 for a year outside the plan)."""
    plan = get_plan_for_user(request.user, code)
    year = progress_year(plan, query.year)
    return [TargetStatus.of(row, year) for row in plan_progress(plan, year)]


@router.get("/indicators/{indicator_id}/values", response=responses(IndicatorValues, 403, 404))
@requires(C.READ_PLANS)
def indicator_values(request, indicator_id: Id):
    """The indicator's provincial series (total and breakdown) and the values entered
    (a reporter sees another agency's values only once its report is accepted)."""
    indicator = Indicator.objects.select_related("plan").filter(pk=indicator_id).first()
    if indicator is None:
        raise NotFound(_("There is no such indicator."))
    return IndicatorValues.of(read_indicator(request.user, indicator))
