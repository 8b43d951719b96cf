"""The money of a plan-year from estimate to spending: every line with what was
appraised, allocated and spent, and the totals by task group, agency and source, with
the execution rate (spent ÷ allocated). Spending comes from the agencies' accepted
reports (money reported per task); where an agency has several lines for one task,
its spending is shared among them in proportion to their allocation (or estimate).
A fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import gettext as _

from budget.models import BudgetLine, BudgetState, BudgetYear, Source
from plans.models import Plan
from planwatch.text import vi_sorted
from reporting.models import ReportItem, ReportState


@dataclass
class Figures:
    label: str
    estimated: int = 0
    appraised: int = 0
    allocated: int = 0
    spent: int = 0
    lines: int = 0

    @property
    def rate(self) -> float | None:
        """Execution rate in % (spent ÷ allocated), None before an allocation."""
        return round(100 * self.spent / self.allocated, 1) if self.allocated else None

    def add(self, line: LineFigures) -> None:
        self.estimated += line.estimated
        self.appraised += line.appraised
        self.allocated += line.allocated
        self.spent += line.spent
        self.lines += 1


@dataclass(slots=True)
class Line:
    """An estimate line as the funding pages, the API and the documents read it: a row
    of the database with its task's code and group and its agency's code and name, not
    a model (a province-year has hundreds of lines, and four model instances a line cost
    more than the rest of the page's figures)."""

    pk: int
    task_id: int
    agency_id: int
    source: str
    content: str
    amount: int
    decision: str
    appraised_amount: int | None
    reason: str
    allocated_amount: int | None
    task_code: str
    group_id: int
    group_label: str  # "I. Title" as the totals by group name it
    agency_code: str
    agency_name: str


LINE_ORDER = ("task__group__position", "task__position", "agency__name", "pk")
# What a Line is read from, in its fields' order (task code and group label made of
# two columns each).
LINE_COLUMNS = (
    *("pk", "task_id", "agency_id", "source", "content", "amount", "decision"),
    *("appraised_amount", "reason", "allocated_amount"),
    *("task__group__number", "task__number", "task__group_id", "task__group__title"),
    *("agency__code", "agency__name"),
)


def read_lines(lines_qs, *extra: str) -> list[tuple[Line, tuple]]:
    """The lines of ``lines_qs`` (a BudgetLine queryset) in the pages' order, each with
    the values of the ``extra`` columns, in one query."""
    rows = []
    for row in lines_qs.order_by(*LINE_ORDER).values_list(*LINE_COLUMNS, *extra):
        pk, task_id, agency_id, source, content, amount, decision = row[:7]
        appraised, reason, allocated = row[7:10]
        group_number, task_number, group_id, group_title, code, name = row[10:16]
        line = Line(
            *(pk, task_id, agency_id, source, content, amount, decision),
            *(appraised, reason, allocated),
            f"{group_number}.{task_number}",
            group_id,
            f"{group_number}. {group_title}",
            code,
            name,
        )
        rows.append((line, row[16:]))
    return rows


@dataclass
class LineFigures:
    line: Line
    estimated: int
    appraised: int
    allocated: int
    spent: int

    @property
    def over(self) -> bool:
        """Spending above the allocation: allowed, flagged."""
        return bool(self.line.allocated_amount is not None and self.spent > self.allocated)


@dataclass
class YearFigures:
    budget: BudgetYear | None
    year: int
    lines: list[LineFigures] = field(default_factory=list)
    total: Figures = field(default_factory=lambda: Figures(_("Grand total")))
    by_group: list[Figures] = field(default_factory=list)
    by_agency: list[Figures] = field(default_factory=list)
    by_source: list[Figures] = field(default_factory=list)
    unbudgeted_spent: int = 0  # reported spending on tasks with no line

    @property
    def pending(self) -> int:
        """Lines not yet appraised."""
        return sum(lf.line.decision == "pending" for lf in self.lines)

    @property
    def over(self) -> list[LineFigures]:
        return [lf for lf in self.lines if lf.over]


def reported_spending(plan: Plan, year: int) -> dict[tuple[int, int], int]:
    """{(task id, agency id): đồng} from the accepted reports of ``year``."""
    return _spending(plan, [year]).get(year, {})


def _spending(plan: Plan, years: list[int]) -> dict[int, dict[tuple[int, int], int]]:
    """{year: {(task id, agency id): đồng}} from the accepted reports of ``years``."""
    spent: dict[int, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    for year, task_id, agency_id, money in (
        ReportItem.objects.filter(
            report__period__plan=plan,
            report__period__year__in=years,
            report__state=ReportState.ACCEPTED,
            spent__isnull=False,
        )
        .order_by()
        .values_list("report__period__year", "task_id", "report__agency_id")
        .annotate(money=Sum("spent"))
    ):
        spent[year][(task_id, agency_id)] += int(money)  # never None (spent__isnull=False)
    return spent


def _share(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights``, whole đồng, adding up exactly."""
    if not weights:
        return []
    base = sum(weights)
    if base == 0:
        weights, base = [1] * len(weights), len(weights)
    parts = [total * w // base for w in weights]
    parts[max(range(len(weights)), key=lambda i: weights[i])] += total - sum(parts)
    return parts


def year_figures(plan: Plan, year: int, lines_qs=None, budget=None) -> YearFigures:
    """The figures of ``plan``'s ``year`` (of the lines of ``lines_qs`` only, when
    given); ``budget``: that year's BudgetYear when the caller has it (one query fewer)."""
    if budget is None:
        budget = BudgetYear.objects.filter(plan=plan, year=year).first()
    lines = (
        [
            line
            for line, _extra in read_lines(
                lines_qs if lines_qs is not None else BudgetLine.objects.filter(budget=budget)
            )
        ]
        if budget
        else []
    )
    return _figures(budget, year, lines, reported_spending(plan, year))


def years_figures(plan: Plan, years: list[int]) -> dict[int, YearFigures]:
    """{year: YearFigures} for ``years`` in three queries, each exactly what the funding
    page of that year shows (year_figures): reports and the dashboard agree."""
    budgets = {b.year: b for b in BudgetYear.objects.filter(plan=plan, year__in=years)}
    lines: dict[int, list[Line]] = defaultdict(list)
    for line, (year,) in read_lines(
        BudgetLine.objects.filter(budget__in=list(budgets.values())), "budget__year"
    ):
        lines[year].append(line)
    spent = _spending(plan, years)
    return {y: _figures(budgets.get(y), y, lines.get(y, []), spent.get(y, {})) for y in years}


def _figures(
    budget: BudgetYear | None,
    year: int,
    lines: list[Line],
    spent: dict[tuple[int, int], int],
) -> YearFigures:
    result = YearFigures(budget, year)
    by_pair: dict[tuple[int, int], list[Line]] = defaultdict(list)
    for line in lines:
        by_pair[(line.task_id, line.agency_id)].append(line)
    shares: dict[int, int] = {}
    for pair, same in by_pair.items():
        weights = [
            (ln.allocated_amount if ln.allocated_amount is not None else ln.amount) for ln in same
        ]
        for ln, part in zip(same, _share(spent.get(pair, 0), weights), strict=True):
            shares[ln.pk] = part
    result.unbudgeted_spent = sum(v for k, v in spent.items() if k not in by_pair)
    groups: dict[int, Figures] = {}
    agencies: dict[int, Figures] = {}
    sources = {s: Figures(str(label)) for s, label in Source.choices}
    for line in lines:
        lf = LineFigures(
            line,
            line.amount,
            line.appraised_amount or 0,
            line.allocated_amount or 0,
            shares.get(line.pk, 0),
        )
        result.lines.append(lf)
        result.total.add(lf)
        groups.setdefault(line.group_id, Figures(line.group_label)).add(lf)
        agencies.setdefault(line.agency_id, Figures(line.agency_name)).add(lf)
        sources[line.source].add(lf)
    result.by_group = list(groups.values())
    result.by_agency = vi_sorted(agencies.values(), key=lambda f: f.label)
    result.by_source = [f for f in sources.values() if f.lines]
    return result


def plan_figures(plan: Plan) -> list[tuple[int, Figures, str]]:
    """(year, totals, state) for every year with a budget: the chart over the years.
    The spending counted is on tasks the agency has a line for that year (as
    year_figures counts it); reports' money summed in the database, no ordering."""
    budgets = {b.year: b for b in BudgetYear.objects.filter(plan=plan).order_by()}
    lines = (
        BudgetLine.objects.filter(budget__plan=plan)
        .order_by()
        .values_list(
            "budget__year", "task_id", "agency_id", "amount", "appraised_amount", "allocated_amount"
        )
    )
    totals: dict[int, Figures] = {y: Figures(str(y)) for y in budgets}
    pairs: dict[int, set] = defaultdict(set)
    for year, task_id, agency_id, amount, appraised, allocated in lines:
        f = totals[year]
        f.estimated += amount
        f.appraised += appraised or 0
        f.allocated += allocated or 0
        f.lines += 1
        pairs[year].add((task_id, agency_id))
    for task_id, agency_id, year, money in (
        ReportItem.objects.filter(
            report__period__plan=plan,
            report__state=ReportState.ACCEPTED,
            spent__isnull=False,
            report__period__year__in=list(budgets),
        )
        .order_by()
        .values_list("task_id", "report__agency_id", "report__period__year")
        .annotate(Sum("spent"))
    ):
        if (task_id, agency_id) in pairs[year]:
            totals[year].spent += int(money)  # never None here (spent__isnull=False)
    return [(y, totals[y], str(BudgetState(budgets[y].state).label)) for y in sorted(budgets)]
