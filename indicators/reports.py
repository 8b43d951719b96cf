"""Indicator values inside an agency's annual report: which indicators the agency
supplies, and saving what it enters with the report (counted once accepted)."""

from __future__ import annotations

from django.db import transaction

from indicators.models import Indicator, IndicatorValue, Kind
from indicators.values import ValueError_, save_value
from reporting.models import AgencyReport


def indicators_for(report: AgencyReport) -> list[Indicator]:
    """The indicators of the report's plan that the agency supplies."""
    return list(
        Indicator.objects.filter(plan=report.period.plan, suppliers=report.agency)
        .select_related("target", "plan")
        .order_by("target__milestone", "target__position")
    )


def current_values(report: AgencyReport, indicators: list[Indicator]) -> dict[int, IndicatorValue]:
    rows = IndicatorValue.objects.filter(
        indicator__in=indicators, year=report.period.year, agency=report.agency, category=""
    )
    return {row.indicator_id: row for row in rows}


@transaction.atomic
def save_values(report: AgencyReport, values: dict[int, dict[str, str]], actor) -> list[str]:
    """Save the indicator values entered with a report ({indicator id: {"value",
    "numerator", "denominator": text}}, as the report form gives them); the
    problems, or [] (and then nothing of them stays)."""
    errors: list[str] = []
    for indicator in indicators_for(report):
        fields = dict(values.get(indicator.pk) or {})
        if not any(str(v).strip() for v in fields.values()):
            continue
        if indicator.kind == Kind.YES_SHARE:
            fields = {"value": "1" if fields.get("value") in ("1", "yes", "on") else "0"}
        try:
            save_value(
                indicator,
                report.period.year,
                agency=report.agency,
                report=report,
                actor=actor,
                **{k: v for k, v in fields.items() if v != ""},
            )
        except ValueError_ as exc:
            errors.extend(exc.errors)
    if errors:
        transaction.set_rollback(True)  # the caller's transaction: nothing of the form stays
    return errors
