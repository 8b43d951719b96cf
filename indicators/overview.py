"""Every target of a plan with its indicator, its values and its status for a year
and milestone: what the progress dashboard, the API and the reports show."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from indicators.models import Indicator
from indicators.progress import Assessment, Status, assess
from indicators.series import plan_series
from plans.models import Plan, Target


@dataclass
class TargetProgress:
    target: Target
    indicator: Indicator | None
    series: dict[int, float]
    breakdown: dict[str, dict[int, float]]
    assessment: Assessment

    @property
    def latest(self) -> tuple[int, float] | None:
        if not self.series:
            return None
        year = max(self.series)
        return year, self.series[year]


def assess_target(
    target: Target,
    indicator: Indicator | None,
    series: dict[int, float],
    year: int,
    period_start: int,
) -> Assessment:
    if indicator is None:
        if target.measure == "qualitative":
            return assess("qualitative", None, None, target.milestone, {}, year)
        return Assessment(Status.NOT_ASSESSABLE, _("No indicator follows this target yet."))
    return assess(
        target.measure,
        float(target.min_value) if target.min_value is not None else None,
        float(target.max_value) if target.max_value is not None else None,
        target.milestone,
        series,
        year,
        base_year=indicator.baseline_year,
        base=float(indicator.baseline_value) if indicator.baseline_value is not None else None,
        period_start=period_start,
        direction=indicator.direction,
    )


def chart_legend() -> dict[str, str]:
    """The legends of a target's chart, in the user's language."""
    return {
        "value": _("Value"),
        "trajectory": _("Trajectory needed"),
        "low": _("Target (minimum)"),
        "high": _("Target (upper end)"),
    }


def plan_progress(
    plan: Plan,
    year: int,
    milestone: int | None = None,
    *,
    target: Target | None = None,
    target_id: int | None = None,
) -> list[TargetProgress]:
    """All targets (of one milestone, or all; or only ``target``, or the current target
    ``target_id`` of the plan: none when there is no such target) with their status in
    ``year``; the series of their indicators only."""
    targets = Target.objects.current().filter(plan=plan).order_by("milestone", "position")
    found = Indicator.objects.filter(plan=plan).order_by()
    if milestone:
        targets = targets.filter(milestone=milestone)
        found = found.filter(target__milestone=milestone)
    if target is not None:
        target_id = target.pk
    if target_id is not None:
        targets = targets.filter(pk=target_id)
        found = found.filter(target_id=target_id)
    indicators = {i.target_id: i for i in found}
    series = plan_series(plan, indicators.values())
    result = []
    for target in targets:
        indicator = indicators.get(target.pk)
        by_category = series.get(indicator.pk, {}) if indicator else {}
        total = by_category.get("", {})
        breakdown = {k: v for k, v in by_category.items() if k}
        result.append(
            TargetProgress(
                target,
                indicator,
                total,
                breakdown,
                assess_target(target, indicator, total, year, plan.period_start),
            )
        )
    return result
