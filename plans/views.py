"""Plan pages: overview, targets, task table, timeline. Thin views over
plans.queries; every lookup by code answers 404 for an unknown plan."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from access import rules
from access.capabilities import Capability as C
from access.decorators import requires
from access.lookups import get_plan_for_user
from plans.format import export_plan, plan_queryset
from plans.forms import TerritoryForm
from plans.models import Plan, Recurrence, Role
from plans.queries import (
    agency_choices,
    filter_tasks,
    parse_filter,
    plan_counts,
    table_answers,
    table_tasks,
)
from plans.territory import TerritoryError, set_territory, territory_of
from planwatch.forms import parse_date
from planwatch.http import attachment
from planwatch.pagecache import cached_page


@requires(C.READ_PLANS)
def plan_list(request):
    return render(
        request, "plans/plan_list.html", {"plans": Plan.objects.order_by("-period_start", "code")}
    )


@requires(C.READ_PLANS)
@cached_page
def overview(request, code: str):
    plan = get_plan_for_user(request.user, code)
    duties = plan.duties.select_related("agency", "group").order_by("position")
    groups = list(plan.task_groups.current().order_by("position"))
    history = plan.versions.select_related("created_by").order_by("-number")[:10]
    counts = {**plan_counts(plan), "groups": len(groups)}
    return render(
        request,
        "plans/overview.html",
        {"plan": plan, "duties": duties, "groups": groups, "counts": counts, "history": history},
    )


@requires(C.READ_PLANS)
@cached_page
def targets(request, code: str):
    plan = get_plan_for_user(request.user, code)
    by_milestone: dict[int, list] = {}
    for target in plan.targets.current().order_by("milestone", "position"):
        by_milestone.setdefault(target.milestone, []).append(target)
    return render(
        request, "plans/targets.html", {"plan": plan, "milestones": sorted(by_milestone.items())}
    )


@requires(C.READ_PLANS)
@cached_page
def tasks(request, code: str):
    plan = get_plan_for_user(request.user, code)
    flt = parse_filter(plan, request.GET)
    as_of, problem = _as_of(request.GET.get("as_of"))
    if problem:
        flt.problems.append(problem)
    task_list = table_tasks(plan, flt, as_of)  # shared with other requests: read only
    agencies, agencies_today = agency_choices(plan, timezone.localdate())
    context = {
        "plan": plan,
        "flt": flt,
        "as_of": as_of,
        "tasks": task_list,
        "answers": table_answers(plan, task_list, as_of) if as_of else {},
        "groups": plan.task_groups.current().order_by("position"),
        "agencies": agencies,
        "agencies_today": agencies_today,
        "today": timezone.localdate(),
        "years": list(plan.years),
        "recurrences": Recurrence.choices,
        "roles": Role.choices,
    }
    template = "plans/tasks.html"
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "task-results":
        template = "plans/tasks.html#results"
    response = render(request, template, context)
    # The fragment and the page share the pushed URL: the browser's back button must
    # not be given the fragment it keeps for it.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _as_of(raw: str | None) -> tuple[dt.date | None, str | None]:
    """The "as of" date of the task table (dd/mm/yyyy or yyyy-mm-dd); a wrong one is
    reported, never fatal."""
    raw = (raw or "").strip()
    if not raw:
        return None, None
    day = parse_date(raw[:10])
    if day is not None:
        return day, None
    return None, _("The date %(d)s is not valid (day/month/year); showing the plan as issued.") % {
        "d": raw[:12]
    }


@requires(C.READ_PLANS)
def timeline(request, code: str):
    plan = get_plan_for_user(request.user, code)
    years = list(plan.years)
    rows: list[dict[str, object]] = []
    current_group = None
    for task in filter_tasks(plan, parse_filter(plan, {})):
        if task.group_id != current_group:
            rows.append({"group": task.group})
            current_group = task.group_id
        cells = [task.is_active_in(y) for y in years]
        rows.append(
            {
                "task": task,
                "cells": cells,
                "leads": [a for a in task.assignments.all() if a.role == Role.LEAD],
            }
        )
    return render(
        request,
        "plans/timeline.html",
        {
            "plan": plan,
            "years": years,
            "rows": rows,
            "this_year": timezone.localdate().year,
        },
    )


@requires(C.READ_PLANS)
def plan_json(request, code: str):
    get_plan_for_user(request.user, code)
    plan = plan_queryset().get(code=code)
    body = json.dumps(export_plan(plan), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    attachment(response, f"{plan.code}.plan.json")
    return response


@requires(C.READ_PLANS, post=C.MANAGE_AGENCIES)
def territory(request, code: str):
    """The plan's territory: the rule, the local units it gives on a day, and (for a
    coordinator) the areas to change it (audited)."""
    plan = get_plan_for_user(request.user, code)
    can_change = rules.has(request.user, C.MANAGE_AGENCIES)
    form = TerritoryForm(request.POST or None, initial={"areas": list(plan.territory.all())})
    if request.method == "POST":
        if form.is_valid():
            try:
                set_territory(plan, list(form.cleaned_data["areas"]), request.user)
            except TerritoryError as exc:
                form.add_error("areas", str(exc))
            else:
                messages.success(request, _("The plan's territory is saved."))
                return redirect("plans:territory", code=plan.code)
    day, problem = _as_of(request.GET.get("on"))
    day = day or timezone.localdate()
    area = territory_of(plan)
    units = area.local_units_on(day)
    return render(
        request,
        "plans/territory.html",
        {
            "plan": plan,
            "form": form,
            "can_change": can_change,
            "territory": area,
            "day": day,
            "problem": problem,
            "units": units,
            "by_type": _count_by_type(units),
        },
        status=400 if form.errors else 200,
    )


def _count_by_type(units) -> list[tuple[str, int]]:
    """[("xã", 36), ("phường", 5)]: the local units of a territory by what they are."""
    counts: dict[str, int] = {}
    for unit in units:
        label = unit.get_unit_type_display() if unit.unit_type else unit.get_kind_display()
        counts[label] = counts.get(label, 0) + 1
    return list(counts.items())
