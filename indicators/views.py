"""The progress dashboard (every target coloured by its status), a target's page
with its chart, band, needed trajectory and breakdown, CSV, and the coordinator's
baseline and value entry."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access import rules
from access.capabilities import Capability as C
from access.decorators import requires
from access.lookups import get_plan_for_user
from agencies.models import Agency
from indicators import exports
from indicators import registry as registry_service
from indicators import values as value_service
from indicators.forms import BaselineForm, RegistryForm, ValueForm
from indicators.models import Category, RegistryEntry
from indicators.overview import chart_legend, plan_progress
from indicators.progress import LABELS, Status, describe_numbers
from indicators.rows import latest_values, value_rows
from planwatch.http import attachment, post_or_redirect
from planwatch.pagecache import cached_page
from planwatch.text import vi_sorted

COLOURS = {
    Status.ACHIEVED: "success",
    Status.RANGE_MET: "success",
    Status.ON_TRACK: "primary",
    Status.ACCELERATION_NEEDED: "warning",
    Status.LIMITED_PROGRESS: "orange",
    Status.DETERIORATION: "danger",
    Status.NOT_ACHIEVED: "danger",
    Status.NOT_ASSESSABLE: "secondary",
}


def _plan(user, code):
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


@requires(C.READ_PLANS)
@cached_page
def dashboard(request, code: str):
    plan = _plan(request.user, code)
    year, problem = _year(request, plan)
    milestone = request.GET.get("milestone", "")
    # Every target once: the milestones from them, then the chosen milestone's (each
    # target's figures are its indicator's alone, whatever else is read with it).
    rows = plan_progress(plan, year)
    milestones = sorted({row.target.milestone for row in rows})
    chosen = int(milestone) if milestone.isdigit() and int(milestone) in milestones else None
    if chosen:
        rows = [row for row in rows if row.target.milestone == chosen]
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


@requires(C.READ_PLANS)
def progress_csv(request, code: str):
    plan = _plan(request.user, code)
    year, _problem = _year(request, plan)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    attachment(response, f"tien-do-{plan.code}-{year}.csv")
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
    return "'" + text if text and text[0] in "=+-@" else text


def _target(request, code: str, target_id: int):
    plan = _plan(request.user, code)
    year, problem = _year(request, plan)
    rows = plan_progress(plan, year, target_id=target_id)
    if not rows:
        raise Http404(_("There is no such target."))
    return plan, rows[0].target, year, problem, rows[0]


def _render_target(request, code: str, target_id: int, failed=None, status=200):
    """The target's page; ``failed`` is ``(which, form, errors)`` of a refused entry
    (``which``: "value" or "baseline"), shown in its own form with what was typed."""
    plan, target, year, problem, row = _target(request, code, target_id)
    indicator = row.indicator
    values = latest_values(indicator) if indicator is not None else []
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
            "numbers": describe_numbers(row.assessment.numbers),
            "chart": _chart(plan, target, indicator, row),
            "value_rows": value_rows(values),
            **_failed_context(failed),
            "can_manage": rules.can_enter_values(request.user),
            "breakdown": sorted(row.breakdown.items()),
            "years": list(plan.years),
        },
        status=status,
    )


def _failed_context(failed) -> dict:
    if failed is None:
        return {}
    which, form, errors = failed
    # Errors of a field are shown beside it; the others (the service's) in the form.
    return {f"{which}_form": form, f"{which}_errors": [] if form.errors else list(errors)}


@requires(C.READ_PLANS)
@cached_page
def target_page(request, code: str, target_id: int):
    return _render_target(request, code, target_id)


def _enter(request, code: str, target_id: int, which: str, form, save):
    """Save with ``save(indicator, cleaned_data)``; the page with the errors otherwise."""
    row = _target(request, code, target_id)[-1]
    if row.indicator is None:
        raise Http404(_("There is no such target."))
    try:
        if not form.is_valid():
            raise value_service.ValueError_(form.messages())
        saved = save(row.indicator, form.cleaned_data)
    except value_service.ValueError_ as exc:
        return _render_target(request, code, target_id, (which, form, exc.errors), status=400)
    if getattr(saved, "warning", None):
        messages.warning(request, saved.warning)
    messages.success(request, _("Saved."))
    url = reverse("indicators:target", kwargs={"code": code, "target_id": target_id})
    return redirect(url + ("?" + request.GET.urlencode() if request.GET else ""))


@requires(C.ENTER_VALUES)
@post_or_redirect("indicators:target", "code", "target_id")
def target_baseline(request, code: str, target_id: int):
    return _enter(
        request,
        code,
        target_id,
        "baseline",
        BaselineForm(request.POST),
        lambda indicator, data: value_service.set_baseline(
            indicator, data["baseline_year"], data["baseline_value"], request.user
        ),
    )


@requires(C.ENTER_VALUES)
@post_or_redirect("indicators:target", "code", "target_id")
def target_value(request, code: str, target_id: int):
    """A provincial value entered by the coordinator (a warning when it jumps)."""
    return _enter(
        request,
        code,
        target_id,
        "value",
        ValueForm(request.POST),
        lambda indicator, data: value_service.save_value(
            indicator,
            data["year"],
            value=data["value"],
            numerator=data["numerator"],
            denominator=data["denominator"],
            category=data["category"],
            actor=request.user,
        ),
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


@requires(C.READ_PLANS, post=(C.REGISTER_ANY_AGENCY, C.REGISTER_OWN_AGENCY))
def registry(request, code: str):
    plan = _plan(request.user, code)
    errors: list[str] = []
    if request.method == "POST":
        form = RegistryForm(request.POST)
        try:
            if not form.is_valid():
                raise value_service.ValueError_(form.messages())
            data = form.cleaned_data
            agency = data["agency"]
            if not rules.registers_for_any_agency(request.user):
                agency = request.user.agency  # the own agency's registry entries only
            registry_service.add_entry(
                plan,
                request.user,
                category=data["category"],
                name=data["name"],
                year=data["year"],
                agency=agency,
                locality=data["locality"],
                evidence=data["evidence"],
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
            "can_add": rules.can_register(request.user),
            "categories": Category.choices,
            "agencies": agencies,
            "years": list(plan.years),
        },
        status=400 if errors else 200,
    )


# --- exports (issue 17) -------------------------------------------------------------


def _export(request, table: str, fmt: str, plan=None):
    if table not in exports.TABLES or fmt not in exports.FORMATS:
        raise Http404(_("There is no such export."))
    try:
        return exports.download(table, fmt, request.user, plan)
    except exports.ExportRefused:
        raise PermissionDenied from None


@requires(C.READ_PLANS)
def plan_export(request, code: str, table: str, fmt: str):
    """One plan's values, reports or items as CSV or Excel (a reporter: a plan its
    agency reports in, with what it may read)."""
    return _export(request, table, fmt, _plan(request.user, code))


@requires(C.EXPORT_NATION)
def nation_export(request, table: str, fmt: str):
    """Every plan's values, reports or items in one file."""
    return _export(request, table, fmt)
