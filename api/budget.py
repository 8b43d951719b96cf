"""Funding routes: a year's budget (lines, totals, summaries) and its steps: submit
(coordinator), appraise a line, return, complete, allocate (finance). Each step answers
the budget as it is after the step; a step the user may not take answers 403, bad
figures 400, a budget changed meanwhile 409."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Router, Schema
from pydantic import Field, StringConstraints

from access import lookups
from access.capabilities import Capability as C
from access.decorators import requires
from api.errors import responses
from api.fields import Id, LongText, Money, PlanCode, Text, Year
from api.schemas import Input
from budget import services
from budget.models import BudgetState, Decision, Source
from budget.summary import Figures, YearFigures, year_figures

router = Router(tags=["budget"])

LineKey = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,10}$")]
# Whole đồng as a number, or written as people write it: "1.250.000.000".
Amount = Money | Text(40)


class FiguresOut(Schema):
    label: str
    estimated: int
    appraised: int
    allocated: int
    spent: int
    execution_rate: float | None = Field(description="spent ÷ allocated, in %")

    @classmethod
    def of(cls, f: Figures) -> dict:
        return {
            "label": f.label,
            "estimated": f.estimated,
            "appraised": f.appraised,
            "allocated": f.allocated,
            "spent": f.spent,
            "execution_rate": f.rate,
        }


class AllocationOut(Schema):
    number: str | None
    date: dt.date | None


class LineOut(Schema):
    id: int
    task: str
    agency: str
    source: Source
    content: str
    estimated: int
    decision: Decision
    appraised: int | None
    reason: str
    allocated: int | None
    spent: int
    over_allocation: bool


class BudgetOut(Schema):
    year: int
    state: BudgetState
    revision: int
    allocation: AllocationOut
    lines: list[LineOut]
    total: FiguresOut
    by_group: list[FiguresOut]
    by_agency: list[FiguresOut]
    by_source: list[FiguresOut]

    @classmethod
    def of(cls, figures: YearFigures) -> dict:
        budget = figures.budget
        return {
            "year": figures.year,
            "state": budget.state,
            "revision": budget.revision,
            "allocation": {
                "number": budget.allocation_number or None,
                "date": budget.allocation_date,
            },
            "lines": [
                {
                    "id": lf.line.pk,
                    "task": lf.line.task_code,
                    "agency": lf.line.agency_code,
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
            "total": FiguresOut.of(figures.total),
            "by_group": [FiguresOut.of(f) for f in figures.by_group],
            "by_agency": [FiguresOut.of(f) for f in figures.by_agency],
            "by_source": [FiguresOut.of(f) for f in figures.by_source],
        }


class AppraisalIn(Input):
    decision: Literal["accepted", "reduced", "rejected"]
    amount: Amount | None = Field(None, description="the appraised amount when reduced")
    reason: LongText = ""


class ReasonIn(Input):
    reason: LongText = ""


class AllocationIn(Input):
    number: Text(64)
    date: dt.date
    amounts: dict[LineKey, Amount] = Field(
        default_factory=dict, max_length=5000, description="line id -> allocated amount"
    )


BUDGET = "/plans/{code}/years/{year}/budget"
STEP = responses(BudgetOut, 403, 404, 409)


def _out(request, budget) -> dict:
    """The budget as the user reads it (a reporter: their agency's lines)."""
    lines = lookups.budget_lines_for_user(request.user, budget)
    return BudgetOut.of(year_figures(budget.plan, budget.year, lines, budget))


def _after(request, budget) -> dict:
    budget.refresh_from_db()
    return _out(request, budget)


@router.get(BUDGET, response=responses(BudgetOut, 403, 404))
@requires(C.READ_ALL_BUDGET, C.READ_OWN_BUDGET)
def get_budget(request, code: PlanCode, year: Year):
    """The year's estimate lines with their appraisal, allocation and spending, the totals
    by task group, agency and source (a reporter sees only their agency's lines)."""
    return _out(request, lookups.get_budget_for_user(request.user, code, year))


@router.post(BUDGET + "/submit", response=STEP)
@requires(C.SUBMIT_BUDGET)
def submit_budget(request, code: PlanCode, year: Year):
    """The coordinator sends the year's proposal to the finance department."""
    budget = lookups.get_budget_for_user(request.user, code, year)
    services.submit(budget, request.user)
    return _after(request, budget)


@router.post(BUDGET + "/lines/{line_id}/appraisal", response=STEP)
@requires(C.APPRAISE_BUDGET)
def appraise(request, code: PlanCode, year: Year, line_id: Id, body: AppraisalIn):
    """Finance: accept, reduce (amount and reason) or reject (reason) a line."""
    budget = lookups.get_budget_for_user(request.user, code, year)
    line = lookups.get_budget_line_for_user(request.user, budget, line_id)
    services.appraise_line(line, request.user, body.decision, body.amount, body.reason)
    return _after(request, budget)


@router.post(BUDGET + "/return", response=STEP)
@requires(C.APPRAISE_BUDGET)
def return_budget(request, code: PlanCode, year: Year, body: ReasonIn):
    """Finance returns the proposal to the coordinator, with the reason."""
    budget = lookups.get_budget_for_user(request.user, code, year)
    services.return_budget(budget, request.user, body.reason)
    return _after(request, budget)


@router.post(BUDGET + "/complete", response=STEP)
@requires(C.APPRAISE_BUDGET)
def complete(request, code: PlanCode, year: Year):
    """Finance completes the appraisal of every line."""
    budget = lookups.get_budget_for_user(request.user, code, year)
    services.complete_appraisal(budget, request.user)
    return _after(request, budget)


@router.post(BUDGET + "/allocate", response=STEP)
@requires(C.APPRAISE_BUDGET)
def allocate(request, code: PlanCode, year: Year, body: AllocationIn):
    """Finance records UBND tỉnh's decision (number, date, and amounts where a line's
    allocation differs from its appraised amount)."""
    budget = lookups.get_budget_for_user(request.user, code, year)
    amounts = {int(k): v for k, v in body.amounts.items()}
    services.allocate(budget, request.user, body.number, body.date, amounts)
    return _after(request, budget)
