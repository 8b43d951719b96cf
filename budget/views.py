"""Funding pages: the plan's years (estimated → appraised → allocated → spent, with a
chart), a year's lines with the step each role may take, its summaries, versions and
the Excel proposal."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import rules
from access.lookups import budget_lines_for_user, get_plan_for_user
from agencies.models import Agency
from budget import excel, services
from budget.models import BudgetLine, BudgetState, Decision, Source
from budget.summary import plan_figures, year_figures
from plans.models import Task
from planwatch.text import vi_sorted


def _plan(user, code):
    if not rules.can_read_budget(user):
        raise PermissionDenied
    return get_plan_for_user(user, code)


def _year(plan, year):
    try:
        return services.budget_for(plan, year, create=False)
    except services.BudgetError as exc:
        raise Http404(" ".join(exc.errors)) from exc


@login_required
def overview(request, code: str):
    plan = _plan(request.user, code)
    if request.method == "POST":
        if not rules.has(request.user, rules.C.SUBMIT_BUDGET):
            raise PermissionDenied
        try:
            year = int(request.POST.get("year", ""))
            services.budget_for(plan, year, create=True)
        except (ValueError, services.BudgetError) as exc:
            messages.error(
                request,
                " ".join(exc.errors)
                if isinstance(exc, services.BudgetError)
                else _("Choose a year."),
            )
            return redirect("budget:overview", code=plan.code)
        return redirect("budget:year", code=plan.code, year=year)
    rows = plan_figures(plan) if rules.has(request.user, rules.C.READ_ALL_BUDGET) else []
    existing = (
        {y for y, _f, _s in rows} if rows else set(plan.budgets.values_list("year", flat=True))
    )
    return render(
        request,
        "budget/overview.html",
        {
            "plan": plan,
            "rows": rows,
            "years": sorted(existing, reverse=True),
            "openable": [y for y in plan.years if y not in existing],
            "can_open": rules.has(request.user, rules.C.SUBMIT_BUDGET),
            "chart": {
                "years": [y for y, _f, _s in rows],
                "estimated": [f.estimated for _y, f, _s in rows],
                "allocated": [f.allocated for _y, f, _s in rows],
                "spent": [f.spent for _y, f, _s in rows],
            },
        },
    )


def _post_amounts(post) -> dict[int, str]:
    return {
        int(key.split("-")[1]): value
        for key, value in post.items()
        if key.startswith("allocated-") and key.split("-")[1].isdigit()
    }


@login_required
def year_page(request, code: str, year: int):
    plan = _plan(request.user, code)
    budget = _year(plan, year)
    if budget is None:
        raise Http404(_("No funding has been opened for %(year)s.") % {"year": year})
    user = request.user
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            revision = int(request.POST["revision"]) if request.POST.get("revision") else None
            if action == "add":
                _saved, warnings = services.save_line(
                    budget, user, _line_data(request.POST), revision=revision
                )
                for w in warnings:
                    messages.warning(request, w)
                messages.success(request, _("The estimate line is saved."))
            elif action == "edit":
                line = _line(budget, request.POST.get("line"))
                _saved, warnings = services.save_line(
                    budget, user, _line_data(request.POST), line, revision=revision
                )
                for w in warnings:
                    messages.warning(request, w)
                messages.success(request, _("The estimate line is saved."))
            elif action == "delete":
                services.delete_line(budget, user, _line(budget, request.POST.get("line")))
            elif action == "submit":
                services.submit(budget, user, revision=revision)
                messages.success(request, _("The proposal is sent to the finance department."))
            elif action == "appraise":
                line = _line(budget, request.POST.get("line"))
                services.appraise_line(
                    line,
                    user,
                    request.POST.get("decision", ""),
                    request.POST.get("appraised", ""),
                    request.POST.get("reason", ""),
                )
            elif action == "return":
                services.return_budget(budget, user, request.POST.get("reason", ""))
            elif action == "complete":
                services.complete_appraisal(budget, user)
            elif action == "allocate":
                services.allocate(
                    budget,
                    user,
                    request.POST.get("allocation_number", ""),
                    _day(request.POST.get("allocation_date", "")),
                    _post_amounts(request.POST),
                )
            else:
                errors = [_("Unknown action.")]
        except services.BudgetError as exc:
            errors = exc.errors
        if not errors:
            return redirect("budget:year", code=plan.code, year=year)
        budget.refresh_from_db()
    lines_qs = budget_lines_for_user(user, budget)
    figures = year_figures(plan, year, lines_qs)
    tasks = [
        t
        for t in Task.objects.current().filter(plan=plan).order_by("group__position", "position")
        if t.is_active_in(year)
    ]
    responsible = (
        services.answering_agencies(plan, year) if services.can(user, services.EDIT, budget) else {}
    )
    agencies = {}
    if responsible:
        ids = set().union(*responsible.values())
        agencies = {a.pk: a for a in Agency.objects.filter(pk__in=ids)}
    return render(
        request,
        "budget/year.html",
        {
            "plan": plan,
            "budget": budget,
            "figures": figures,
            "errors": errors,
            "post": request.POST if errors else {},
            "tasks": tasks,
            "agency_choices": vi_sorted(agencies.values(), key=lambda a: a.name),
            "sources": Source.choices,
            "decisions": [(v, label) for v, label in Decision.choices if v != Decision.PENDING],
            "can_edit": services.can(user, services.EDIT, budget),
            "can_submit": services.can(user, services.SUBMIT, budget),
            "can_appraise": services.can(user, services.APPRAISE, budget),
            "can_allocate": services.can(user, services.ALLOCATE, budget),
            "editable": {
                lf.line.pk
                for lf in figures.lines
                if services.can(user, services.EDIT, budget, lf.line)
            },
            "versions": budget.versions.select_related("created_by").order_by("-number"),
            "states": BudgetState,
        },
        status=400 if errors else 200,
    )


def _line(budget, raw) -> BudgetLine:
    line = BudgetLine.objects.filter(
        budget=budget, pk=int(raw or 0) if str(raw or "0").isdigit() else 0
    ).first()
    if line is None:
        raise services.BudgetError([_("There is no such estimate line.")])
    return line


def _line_data(post) -> dict:
    task = Task.objects.filter(
        pk=int(post.get("task") or 0) if str(post.get("task") or "").isdigit() else 0
    ).first()
    agency = (
        Agency.objects.filter(code=post.get("agency", "")[:80]).first()
        if post.get("agency")
        else None
    )
    return {
        "task": task,
        "agency": agency,
        "source": post.get("source", ""),
        "content": post.get("content", ""),
        "amount": post.get("amount", ""),
    }


def _day(raw: str) -> dt.date | None:
    raw = (raw or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


@login_required
def excel_download(request, code: str, year: int):
    plan = _plan(request.user, code)
    budget = _year(plan, year)
    if budget is None:
        raise Http404
    agency = None if rules.has(request.user, rules.C.READ_ALL_BUDGET) else request.user.agency
    data = excel.build_workbook(budget, agency)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="du-toan-{plan.code}-{year}.xlsx"'
    return response


@login_required
@require_POST
def excel_upload(request, code: str, year: int):
    plan = _plan(request.user, code)
    budget = _year(plan, year)
    if budget is None:
        raise Http404
    upload = request.FILES.get("file")
    url = reverse("budget:year", kwargs={"code": plan.code, "year": year})
    if upload is None:
        messages.error(request, _("Choose the Excel file."))
        return redirect(url)
    if upload.size > excel.MAX_BYTES:
        messages.error(request, _("The file is too large."))
        return redirect(url)
    try:
        count, warnings = excel.apply_workbook(budget, request.user, upload.read())
    except services.BudgetError as exc:
        for error in exc.errors[:30]:
            messages.error(request, error)
    else:
        messages.success(request, _("%(n)s estimate lines read from the file.") % {"n": count})
        for w in warnings:
            messages.warning(request, w)
    return redirect(url)
