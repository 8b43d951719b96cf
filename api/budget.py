"""Funding routes of the API: a year's budget (lines, totals, summaries) and the
steps: submit (coordinator), appraise a line, return, complete, allocate (finance)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from access import lookups, rules
from access.capabilities import Capability as C
from access.decorators import requires
from api.schemas import Message
from budget import services
from budget.models import BudgetLine
from budget.summary import Figures, year_figures
from plans.models import Plan

router = Router(tags=["budget"])


class Appraisal(Schema):
    decision: str
    amount: str | int | None = None
    reason: str = ""


class Reason(Schema):
    reason: str = ""


class Allocation(Schema):
    number: str
    date: str
    amounts: dict[str, str | int] = {}


def _figures(f: Figures) -> dict:
    return {
        "label": f.label,
        "estimated": f.estimated,
        "appraised": f.appraised,
        "allocated": f.allocated,
        "spent": f.spent,
        "execution_rate": f.rate,
    }


def _budget(request, code: str, year: int):
    if not rules.can_read_budget(request.user):
        return None, Status(403, {"detail": _("You do not have permission to do this.")})
    plan = Plan.objects.filter(code=code[:64]).first()
    if plan is None:
        return None, Status(
            404, {"detail": _("There is no plan with code %(code)s.") % {"code": code[:64]}}
        )
    try:
        budget = services.budget_for(plan, year)
    except services.BudgetError as exc:
        return None, Status(400, {"detail": " ".join(exc.errors)})
    if budget is None:
        return None, Status(
            404, {"detail": _("No funding has been opened for %(year)s.") % {"year": year}}
        )
    return budget, None


@router.get(
    "/plans/{code}/years/{year}/budget",
    response={200: dict, 400: Message, 403: Message, 404: Message},
)
@requires(C.READ_ALL_BUDGET, C.READ_OWN_BUDGET)
def get_budget(request, code: str, year: int):
    """The year's estimate lines with their appraisal, allocation and spending, the totals
    by task group, agency and source (a reporter sees only their agency's lines)."""
    budget, error = _budget(request, code, year)
    if error:
        return error
    lines = lookups.budget_lines_for_user(request.user, budget)
    figures = year_figures(budget.plan, year, lines)
    return Status(
        200,
        {
            "year": year,
            "state": budget.state,
            "revision": budget.revision,
            "allocation": {
                "number": budget.allocation_number or None,
                "date": budget.allocation_date.isoformat() if budget.allocation_date else None,
            },
            "lines": [
                {
                    "id": lf.line.pk,
                    "task": lf.line.task.code,
                    "agency": lf.line.agency.code,
                    "source": lf.line.source,
                    "content": lf.line.content,
                    "estimated": lf.line.amount,
                    "decision": lf.line.decision,
                    "appraised": lf.line.appraised_amount,
                    "reason": lf.line.reason,
                    "allocated": lf.line.allocated_amount,
                    "spent": lf.spent,
                    "over_allocation": lf.over,
                }
                for lf in figures.lines
            ],
            "total": _figures(figures.total),
            "by_group": [_figures(f) for f in figures.by_group],
            "by_agency": [_figures(f) for f in figures.by_agency],
            "by_source": [_figures(f) for f in figures.by_source],
        },
    )


def _step(call):
    try:
        call()
    except services.StaleBudget as exc:
        return Status(409, {"detail": " ".join(exc.errors)})
    except services.BudgetError as exc:
        status = 403 if any(e in services.MESSAGES.values() for e in exc.errors) else 400
        return Status(status, {"detail": " ".join(exc.errors)})
    return Status(200, {"detail": "ok"})


STEP_RESPONSES = {200: Message, 400: Message, 403: Message, 404: Message, 409: Message}


@router.post("/plans/{code}/years/{year}/budget/submit", response=STEP_RESPONSES)
@requires(C.SUBMIT_BUDGET)
def submit_budget(request, code: str, year: int):
    """The coordinator sends the year's proposal to the finance department."""
    budget, error = _budget(request, code, year)
    return error or _step(lambda: services.submit(budget, request.user))


@router.post("/plans/{code}/years/{year}/budget/lines/{line_id}/appraisal", response=STEP_RESPONSES)
@requires(C.APPRAISE_BUDGET)
def appraise(request, code: str, year: int, line_id: int, body: Appraisal):
    """Finance: accept, reduce (amount and reason) or reject (reason) a line."""
    budget, error = _budget(request, code, year)
    if error:
        return error
    line = BudgetLine.objects.filter(budget=budget, pk=line_id).first()
    if line is None:
        return Status(404, {"detail": _("There is no such estimate line.")})
    return _step(
        lambda: services.appraise_line(line, request.user, body.decision, body.amount, body.reason)
    )


@router.post("/plans/{code}/years/{year}/budget/return", response=STEP_RESPONSES)
@requires(C.APPRAISE_BUDGET)
def return_budget(request, code: str, year: int, body: Reason):
    budget, error = _budget(request, code, year)
    return error or _step(lambda: services.return_budget(budget, request.user, body.reason))


@router.post("/plans/{code}/years/{year}/budget/complete", response=STEP_RESPONSES)
@requires(C.APPRAISE_BUDGET)
def complete(request, code: str, year: int):
    budget, error = _budget(request, code, year)
    return error or _step(lambda: services.complete_appraisal(budget, request.user))


@router.post("/plans/{code}/years/{year}/budget/allocate", response=STEP_RESPONSES)
@requires(C.APPRAISE_BUDGET)
def allocate(request, code: str, year: int, body: Allocation):
    """Finance records UBND tỉnh's decision (number, date YYYY-MM-DD, optional amounts)."""
    budget, error = _budget(request, code, year)
    if error:
        return error
    try:
        day = dt.date.fromisoformat(body.date)
    except ValueError:
        return Status(400, {"detail": _("The date must be written YYYY-MM-DD.")})
    amounts = {int(k): v for k, v in body.amounts.items() if str(k).isdigit()}
    return _step(lambda: services.allocate(budget, request.user, body.number, day, amounts))
