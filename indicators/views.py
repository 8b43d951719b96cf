"""The progress dashboard (every target coloured by its status), a target's page
with its chart, band, needed trajectory and breakdown, CSV, and the coordinator's
baseline and value entry."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can_manage_reporting, require
from agencies.models import Agency
from indicators import registry as registry_service
from indicators import values as value_service
from indicators.models import Category, IndicatorValue, RegistryEntry
from indicators.overview import chart_legend, plan_progress
from indicators.progress import LABELS, NUMBER_LABELS, Status
from plans.models import Target
from planwatch.text import vi_sorted

COLOURS = {
    Status.ACHIEVED: "success",
    Status.RANGE_MET: "success",
    Status.ON_TRACK: "primary",
    Status.ACCELERATION_NEEDED: "warning",
    Status.LIMITED_PROGRESS: "orange",
    Status.DETERIORATION: "danger",
    Status.NOT_ASSESSABLE: "secondary",
}


def _plan(user, code):
    from plans.views import get_plan_for_user

    return get_plan_for_user(user, code)


def _year(request, plan) -> tuple[int, str | None]:
    default = min(max(plan.period_start, timezone.localdate().year - 1), plan.period_end)
    raw = (request.GET.get("year") or "").strip()
    if not raw:
        return default, None
    if raw.isdigit() and plan.period_start <= int(raw) <= plan.period_end:
        return int(raw), None
    return default, _("The year must be between %(start)s and %(end)s.") % {
        "start": plan.period_start,
        "end": plan.period_end,
    }


def dashboard(request, code: str):
    plan = _plan(request.user, code)
    year, problem = _year(request, plan)
    milestone = request.GET.get("milestone", "")
    milestones = sorted({t.milestone for t in plan.targets.current()})
    chosen = int(milestone) if milestone.isdigit() and int(milestone) in milestones else None
    rows = plan_progress(plan, year, chosen)
    counts = {s: 0 for s in Status}
    for row in rows:
        counts[row.assessment.status] += 1
    return render(
        request,
        "indicators/dashboard.html",
        {
            "plan": plan,
            "year": year,
            "rows": rows,
            "problem": problem,
            "colours": COLOURS,
            "labels": LABELS,
            "counts": counts,
            "milestones": milestones,
            "milestone": chosen,
            "years": list(plan.years),
        },
    )


def progress_csv(request, code: str):
    plan = _plan(request.user, code)
    year, _problem = _year(request, plan)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tien-do-{plan.code}-{year}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with a byte-order mark
    writer = csv.writer(response)
    writer.writerow(
        [
            "Mốc",
            "Chỉ tiêu",
            "Chỉ số",
            "Giá trị gốc",
            "Năm gốc",
            "Năm số liệu",
            "Giá trị",
            "Trạng thái",
            "Tỷ số R",
            "Ghi chú",
        ]
    )
    for row in plan_progress(plan, year):
        latest = row.assessment.numbers
        writer.writerow(
            [
                row.target.milestone,
                _safe(row.target.text),
                _safe(row.indicator.name) if row.indicator else "",
                row.indicator.baseline_value if row.indicator else "",
                row.indicator.baseline_year if row.indicator else "",
                latest.get("year", ""),
                latest.get("value", ""),
                row.assessment.label,
                latest.get("ratio", ""),
                _safe(row.assessment.reason),
            ]
        )
    return response


def _safe(text: str) -> str:
    """No spreadsheet formula from a text cell."""
    return "'" + text if text[:1] in "=+-@" else text


def target_page(request, code: str, target_id: int):
    plan = _plan(request.user, code)
    target = Target.objects.current().filter(plan=plan, pk=target_id).first()
    if target is None:
        raise Http404(_("There is no such target."))
    year, problem = _year(request, plan)
    row = next(r for r in plan_progress(plan, year) if r.target.pk == target.pk)
    indicator = row.indicator
    errors: list[str] = []
    if request.method == "POST" and indicator is not None:
        require(can_manage_reporting(request.user))
        try:
            if request.POST.get("action") == "baseline":
                value_service.set_baseline(
                    indicator,
                    request.POST.get("baseline_year"),
                    request.POST.get("baseline_value"),
                    request.user,
                )
            else:
                saved = value_service.save_value(
                    indicator,
                    int(request.POST.get("year") or 0),
                    value=request.POST.get("value"),
                    numerator=request.POST.get("numerator"),
                    denominator=request.POST.get("denominator"),
                    category=(request.POST.get("category") or "")[:120],
                    actor=request.user,
                )
                if saved.warning:
                    messages.warning(request, saved.warning)
            messages.success(request, _("Saved."))
            return redirect(request.get_full_path())
        except value_service.ValueError_ as exc:
            errors = exc.errors
    chart = _chart(plan, target, indicator, row)
    values = []
    if indicator is not None:
        values = list(
            IndicatorValue.objects.filter(indicator=indicator)
            .select_related("agency", "report")
            .order_by("-year", "category", "agency__name")[:200]
        )
    return render(
        request,
        "indicators/target.html",
        {
            "plan": plan,
            "target": target,
            "row": row,
            "indicator": indicator,
            "year": year,
            "problem": problem,
            "colours": COLOURS,
            "number_labels": NUMBER_LABELS,
            "chart": chart,
            "values": values,
            "errors": errors,
            "can_manage": can_manage_reporting(request.user),
            "breakdown": sorted(row.breakdown.items()),
            "years": list(plan.years),
        },
        status=400 if errors else 200,
    )


def _chart(plan, target, indicator, row) -> dict:
    """Values, the target band at the milestone and the trajectory needed, as data."""
    years = list(
        range(
            min([plan.period_start - 1, *row.series]) if row.series else plan.period_start - 1,
            target.milestone + 1,
        )
    )
    band = {}
    trajectory = {}
    if indicator is not None and target.min_value is not None:
        floor = float(target.min_value)
        ceiling = float(target.max_value) if target.max_value is not None else None
        base = float(indicator.baseline_value) if indicator.baseline_value is not None else None
        if target.measure == "reduction" and base:
            floor, ceiling = (
                base * (1 - floor / 100),
                (base * (1 - ceiling / 100) if ceiling is not None else None),
            )
        band = {"year": target.milestone, "low": floor, "high": ceiling}
        start_year = indicator.baseline_year or plan.period_start - 1
        start = base if base is not None else 0.0
        if target.measure == "count":
            start_year, start = plan.period_start - 1, 0.0
        span = target.milestone - start_year
        if span > 0:
            trajectory = {
                y: round(start + (floor - start) * (y - start_year) / span, 3)
                for y in years
                if y >= start_year
            }
    base_point = {}
    if indicator is not None and indicator.baseline_year and indicator.baseline_value is not None:
        base_point = {indicator.baseline_year: float(indicator.baseline_value)}
    return {
        "years": years,
        "values": [row.series.get(y, base_point.get(y)) for y in years],
        "trajectory": [trajectory.get(y) for y in years],
        "band": band,
        "breakdown": {k: [v.get(y) for y in years] for k, v in sorted(row.breakdown.items())},
        "unit": indicator.unit if indicator else "",
        "legend": chart_legend(),
    }


def registry(request, code: str):
    plan = _plan(request.user, code)
    errors: list[str] = []
    can_add = can_manage_reporting(request.user) or request.user.is_reporter
    if request.method == "POST":
        require(can_add)
        agency = (
            request.user.agency
            if request.user.is_reporter
            else Agency.objects.filter(pk=request.POST.get("agency") or 0).first()
        )
        try:
            registry_service.add_entry(
                plan,
                request.user,
                category=request.POST.get("category", ""),
                name=request.POST.get("name", ""),
                year=request.POST.get("year", ""),
                agency=agency,
                locality=request.POST.get("locality", ""),
                evidence=request.POST.get("evidence", ""),
            )
        except value_service.ValueError_ as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Saved."))
            return redirect("indicators:registry", code=plan.code)
    entries = RegistryEntry.objects.filter(plan=plan).select_related("agency")
    province = plan.issuer.province_id or plan.issuer_id if plan.issuer_id else None
    agencies = vi_sorted(
        Agency.objects.filter(province_id=province) if province else Agency.objects.all(),
        key=lambda a: a.name,
    )
    return render(
        request,
        "indicators/registry.html",
        {
            "plan": plan,
            "entries": entries,
            "errors": errors,
            "can_add": can_add,
            "categories": Category.choices,
            "agencies": agencies,
            "years": list(plan.years),
        },
        status=400 if errors else 200,
    )
