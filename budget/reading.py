"""Reading a year's funding: the budget found for a user, and its figures as the user
may see them (a reporter: their agency's lines only)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from budget import services
from budget.models import BudgetLine, BudgetYear
from budget.summary import YearFigures, year_figures
from plans.models import Plan


def get_budget_for_user(user, plan: Plan, year: int) -> BudgetYear:
    """The plan's budget of ``year``: PermissionDenied when the user may not read
    budgets, BudgetError for a year outside the plan, Http404 when none was opened."""
    if not services.can_read(user):
        raise PermissionDenied
    budget = services.budget_for(plan, year)
    if budget is None:
        raise Http404(_("No funding has been opened for %(year)s.") % {"year": year})
    return budget


def get_line(budget: BudgetYear, line_id: int) -> BudgetLine:
    """The estimate line ``line_id`` of ``budget``; Http404 otherwise."""
    line = BudgetLine.objects.filter(budget=budget, pk=line_id).first()
    if line is None:
        raise Http404(_("There is no such estimate line."))
    return line


def figures_for(user, budget: BudgetYear) -> YearFigures:
    """The year's lines with appraisal, allocation and spending, and the totals."""
    lines = BudgetLine.objects.filter(budget=budget)
    if user.is_reporter:
        lines = lines.filter(agency_id=user.agency_id)
    return year_figures(budget.plan, budget.year, lines)
