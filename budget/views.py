"""Funding pages: the plan's years (estimated → appraised → allocated → spent, with a
chart), a year's lines with the step each role may take, its summaries, versions and
the Excel proposal. Each step is its own view on its own form (budget.forms); a step
refused shows the year's page again with the reason and nothing saved."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from access import rules
from access.capabilities import Capability as C
from access.decorators import requires
from access.lookups import (
    budget_lines_for_user,
    get_budget_for_user,
    get_budget_line_for_user,
    get_plan_for_user,
)
from agencies.models import Agency
from budget import excel, services
from budget.forms import (
    AllocationForm,
    AppraisalForm,
    LineForm,
    OpenYearForm,
    ReasonForm,
    RevisionForm,
    WorkbookForm,
)
from budget.models import BudgetState, Decision, Source
from budget.rows import FigureTables, LineRows
from budget.summary import plan_figures, year_figures
from plans.models import Task
from planwatch.http import attachment, post_or_redirect
from planwatch.money import dong
from planwatch.pagecache import cached_page
from planwatch.text import vi_sorted

READ = (C.READ_ALL_BUDGET, C.READ_OWN_BUDGET)
ESTIMATE = (C.ESTIMATE_ANY_AGENCY, C.ESTIMATE_OWN_AGENCY)


@requires(*READ)
@cached_page
def overview(request, code: str):
    plan = get_plan_for_user(request.user, code)
    rows = plan_figures(plan) if rules.has(request.user, C.READ_ALL_BUDGET) else []
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
            "can_open": rules.has(request.user, C.SUBMIT_BUDGET),
            "chart": {
                "years": [y for y, _f, _s in rows],
                "estimated": [f.estimated for _y, f, _s in rows],
                "allocated": [f.allocated for _y, f, _s in rows],
                "spent": [f.spent for _y, f, _s in rows],
            },
        },
    )


@requires(C.SUBMIT_BUDGET)
@post_or_redirect("budget:overview", "code")
def open_year(request, code: str):
    """Open the funding of a year of the plan."""
    plan = get_plan_for_user(request.user, code)
    form = OpenYearForm(request.POST)
    try:
        if not form.is_valid():
            raise services.BudgetError(form.messages())
        services.budget_for(plan, form.cleaned_data["year"], create=True)
    except services.BudgetError as exc:
        messages.error(request, " ".join(exc.errors))
        return redirect("budget:overview", code=plan.code)
    return redirect("budget:year", code=plan.code, year=form.cleaned_data["year"])


def _year_context(request, budget) -> dict:
    user = request.user
    plan, year = budget.plan, budget.year
    figures = year_figures(plan, year, budget_lines_for_user(user, budget), budget)
    can_edit = services.can(user, services.EDIT, budget)
    responsible = services.answering_agencies(plan, year) if can_edit else {}
    agencies = {}
    if responsible:
        ids = set().union(*responsible.values())
        agencies = {a.pk: a for a in Agency.objects.filter(pk__in=ids)}
    can_appraise = services.can(user, services.APPRAISE, budget)
    editable = {
        lf.line.pk for lf in figures.lines if services.can(user, services.EDIT, budget, lf.line)
    }
    return {
        "plan": plan,
        "budget": budget,
        "figures": figures,
        "figure_tables": FigureTables(figures),
        "line_rows": LineRows(
            request, budget, figures.lines, can_appraise=can_appraise, editable=editable
        ),
        "tasks": [  # the add-line form's choices
            t
            for t in Task.objects.current()
            .filter(plan=plan)
            .select_related("group")
            .order_by("group__position", "position")
            if t.is_active_in(year)
        ]
        if can_edit
        else [],
        "agency_choices": vi_sorted(agencies.values(), key=lambda a: a.name),
        "sources": Source.choices,
        "decisions": [(v, label) for v, label in Decision.choices if v != Decision.PENDING],
        "can_edit": can_edit,
        "can_submit": services.can(user, services.SUBMIT, budget),
        "can_appraise": can_appraise,
        "can_allocate": services.can(user, services.ALLOCATE, budget),
        "editable": editable,
        "versions": budget.versions.select_related("created_by").defer("data").order_by("-number"),
        "states": BudgetState,
    }


def _render_year(request, budget, errors=(), form=None, status=200):
    context = _year_context(request, budget)
    context.update(
        errors=list(errors),
        post=form.data if form is not None and errors else {},
        field_errors=form.errors if form is not None else {},
    )
    return render(request, "budget/year.html", context, status=status)


@requires(*READ)
@cached_page
def year_page(request, code: str, year: int):
    return _render_year(request, get_budget_for_user(request.user, code, year))


def _step(request, budget, form, call, success: str | None = None, refill: bool = False):
    """Run ``call()`` (which may answer warnings) when ``form`` is valid; the year's page
    with the errors (400), nothing saved, otherwise (``refill``: the add-line form shows
    what was typed, with its errors beside its fields)."""
    try:
        if form is not None and not form.is_valid():
            raise services.BudgetError(form.messages())
        warnings = call()
    except services.BudgetError as exc:
        budget.refresh_from_db()
        return _render_year(request, budget, exc.errors, form if refill else None, 400)
    for warning in warnings if isinstance(warnings, list) else []:
        messages.warning(request, warning)
    if success:
        messages.success(request, success)
    return redirect("budget:year", code=budget.plan.code, year=budget.year)


@requires(*ESTIMATE)
@post_or_redirect("budget:year", "code", "year")
def line_add(request, code: str, year: int):
    budget = get_budget_for_user(request.user, code, year)
    form = LineForm(request.POST, plan=budget.plan)
    return _step(
        request,
        budget,
        form,
        lambda: services.save_line(
            budget, request.user, form.line_data(), revision=form.cleaned_data["revision"]
        )[1],  # the warnings
        _("The estimate line is saved."),
        refill=True,
    )


@requires(*ESTIMATE)
@post_or_redirect("budget:year", "code", "year")
def line_edit(request, code: str, year: int, line_id: int):
    budget = get_budget_for_user(request.user, code, year)
    line = get_budget_line_for_user(request.user, budget, line_id)
    form = LineForm(request.POST, plan=budget.plan)
    return _step(
        request,
        budget,
        form,
        lambda: services.save_line(
            budget, request.user, form.line_data(), line, revision=form.cleaned_data["revision"]
        )[1],  # the warnings
        _("The estimate line is saved."),
    )


@requires(*ESTIMATE)
@post_or_redirect("budget:year", "code", "year")
def line_delete(request, code: str, year: int, line_id: int):
    budget = get_budget_for_user(request.user, code, year)
    line = get_budget_line_for_user(request.user, budget, line_id)
    return _step(request, budget, None, lambda: services.delete_line(budget, request.user, line))


@requires(C.SUBMIT_BUDGET)
@post_or_redirect("budget:year", "code", "year")
def submit(request, code: str, year: int):
    budget = get_budget_for_user(request.user, code, year)
    form = RevisionForm(request.POST)
    return _step(
        request,
        budget,
        form,
        lambda: services.submit(budget, request.user, revision=form.cleaned_data["revision"]),
        _("The proposal is sent to the finance department."),
    )


@requires(C.APPRAISE_BUDGET)
@post_or_redirect("budget:year", "code", "year")
def appraise(request, code: str, year: int, line_id: int):
    """One line's appraisal; with htmx, only its row, the totals and a message change."""
    budget = get_budget_for_user(request.user, code, year)
    line = get_budget_line_for_user(request.user, budget, line_id)
    form = AppraisalForm(request.POST)
    save = lambda: services.appraise_line(  # noqa: E731
        line,
        request.user,
        form.cleaned_data["decision"],
        form.cleaned_data["appraised"],
        form.cleaned_data["reason"],
    )
    if not request.headers.get("HX-Request"):
        return _step(request, budget, form, save)
    errors: list[str] = []
    try:
        if not form.is_valid():
            raise services.BudgetError(form.messages())
        saved = save()
    except services.BudgetError as exc:
        errors = exc.errors
    budget.refresh_from_db()
    context = _year_context(request, budget)
    lf = next(f for f in context["figures"].lines if f.line.pk == line.pk)
    if errors:
        message = _("Line %(code)s not saved: %(e)s") % {
            "code": line.task.code,
            "e": " ".join(errors),
        }
    else:
        decision = saved.get_decision_display()
        if saved.decision == Decision.REDUCED:
            decision = f"{decision} {dong(saved.appraised_amount)}"
        message = _("Line %(code)s (%(agency)s): %(decision)s.") % {
            "code": line.task.code,
            "agency": line.agency.name,
            "decision": decision,
        }
    level = "danger" if errors else "success"
    context.update(oob=True)
    if errors:  # what was typed comes back beside its error, not the stored values
        row = context["line_rows"].one(lf, form.data, form.errors, errors=errors)
    else:
        row = context["line_rows"].one(lf, saved=True)
    context.update(row_html=row)
    context.update(status_message=message, status_level=level)
    return render(request, "budget/_appraise_response.html", context)


@requires(C.APPRAISE_BUDGET)
@post_or_redirect("budget:year", "code", "year")
def accept_all(request, code: str, year: int):
    """Accept every line not yet appraised, as estimated."""
    budget = get_budget_for_user(request.user, code, year)
    try:
        count = services.accept_all(budget, request.user)
    except services.BudgetError as exc:
        messages.error(request, " ".join(exc.errors))
        return redirect("budget:year", code=budget.plan.code, year=budget.year)
    message = ngettext(
        "%(n)s line accepted as estimated.", "%(n)s lines accepted as estimated.", count
    ) % {"n": count}
    if not request.headers.get("HX-Request"):
        messages.success(request, message)
        return redirect("budget:year", code=budget.plan.code, year=budget.year)
    budget.refresh_from_db()
    context = _year_context(request, budget)
    context.update(oob=True, status_message=message, status_level="success")
    return render(request, "budget/_accept_all_response.html", context)


@requires(C.APPRAISE_BUDGET)
@post_or_redirect("budget:year", "code", "year")
def return_budget(request, code: str, year: int):
    budget = get_budget_for_user(request.user, code, year)
    form = ReasonForm(request.POST)
    return _step(
        request,
        budget,
        form,
        lambda: services.return_budget(budget, request.user, form.cleaned_data["reason"]),
    )


@requires(C.APPRAISE_BUDGET)
@post_or_redirect("budget:year", "code", "year")
def complete(request, code: str, year: int):
    budget = get_budget_for_user(request.user, code, year)
    return _step(request, budget, None, lambda: services.complete_appraisal(budget, request.user))


@requires(C.APPRAISE_BUDGET)
@post_or_redirect("budget:year", "code", "year")
def allocate(request, code: str, year: int):
    budget = get_budget_for_user(request.user, code, year)
    lines = list(budget_lines_for_user(request.user, budget).select_related("task", "agency"))
    form = AllocationForm(request.POST, lines=lines)
    return _step(
        request,
        budget,
        form,
        lambda: services.allocate(
            budget,
            request.user,
            form.cleaned_data["allocation_number"],
            form.cleaned_data["allocation_date"],
            form.amounts(),
        ),
    )


@requires(*READ)
def excel_download(request, code: str, year: int):
    budget = get_budget_for_user(request.user, code, year)
    agency = None if rules.has(request.user, C.READ_ALL_BUDGET) else request.user.agency
    data = excel.build_workbook(budget, agency)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"du-toan-{budget.plan.code}-{year}.xlsx"
    attachment(response, name)
    return response


@requires(*ESTIMATE)
@post_or_redirect("budget:year", "code", "year")
def excel_upload(request, code: str, year: int):
    budget = get_budget_for_user(request.user, code, year)
    url = reverse("budget:year", kwargs={"code": budget.plan.code, "year": year})
    form = WorkbookForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.messages():
            messages.error(request, error)
        return redirect(url)
    try:
        count, warnings = excel.apply_workbook(
            budget, request.user, form.cleaned_data["file"].read()
        )
    except services.BudgetError as exc:
        for error in exc.errors[:30]:
            messages.error(request, error)
    else:
        messages.success(request, _("%(n)s estimate lines read from the file.") % {"n": count})
        for w in warnings:
            messages.warning(request, w)
    return redirect(url)
