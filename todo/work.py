"""What each role has to do today, gathered across every plan:

- a reporter: its agency's reports still to send (days left, or days overdue), those
  returned with the coordinator's comments, the funding estimates open for drafting;
- a coordinator: per open year, the agencies that have not reported, the reports
  waiting for review, the days to the deadline, the reminders sent, and the agencies
  that have no account or no e-mail address;
- finance: the proposals to appraise (and those waiting for the allocation);
- a leader: the province at a glance (targets by status, completeness, funds).

Each part is a fixed number of queries, whatever the number of agencies or reports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Sum

from access import rules
from access.capabilities import Capability as C
from budget.models import BudgetState, BudgetYear, Decision
from budget.summary import Figures, plan_figures
from indicators.overview import plan_progress
from indicators.progress import Status
from notices import people
from plans.models import Plan
from reporting.dashboard import year_summary
from reporting.models import (
    AgencyReport,
    ItemStatus,
    PeriodStatus,
    Reminder,
    ReminderKind,
    ReportingPeriod,
    ReportState,
    ReviewComment,
)

TO_SEND = (ReportState.DRAFT, ReportState.RETURNED)
# the reminders about the deadline (not the notices of a year opened, a return...)
REMINDERS = (ReminderKind.BEFORE, ReminderKind.DUE, ReminderKind.OVERDUE, ReminderKind.MANUAL)


# --- a reporter ---------------------------------------------------------------------


@dataclass
class Due:
    report: AgencyReport
    days_left: int  # negative: overdue
    filled: int
    items: int
    comments: list[ReviewComment] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return max(0, -self.days_left)


@dataclass
class Estimate:
    budget: BudgetYear
    own_lines: int
    own_amount: int


@dataclass
class ReporterWork:
    due: list[Due]
    estimates: list[Estimate]

    @property
    def returned(self) -> list[Due]:
        return [d for d in self.due if d.report.state == ReportState.RETURNED]

    @property
    def empty(self) -> bool:
        return not self.due and not self.estimates


def reporter_work(agency_id: int, today: dt.date) -> ReporterWork:
    """The agency's reports still to send in open years, and estimates to draft."""
    reports = list(
        AgencyReport.objects.filter(agency_id=agency_id, state__in=TO_SEND)
        .exclude(period__status=PeriodStatus.LOCKED)
        .select_related("period", "period__plan", "agency")
        .annotate(
            n_items=Count("items", distinct=True),
            n_filled=Count(
                "items",
                filter=~Q(items__status=ItemStatus.NOT_STARTED) | ~Q(items__done=""),
                distinct=True,
            ),
        )
        .order_by("period__due_date", "period__plan__code")
    )
    comments: dict[int, list[ReviewComment]] = {}
    returned = [r.pk for r in reports if r.state == ReportState.RETURNED]
    if returned:
        latest = (
            ReviewComment.objects.filter(report_id__in=returned)
            .values("report_id")
            .annotate(v=Max("version_id"))
        )
        last = {row["report_id"]: row["v"] for row in latest}
        for c in ReviewComment.objects.filter(report_id__in=returned).order_by("created_at"):
            if c.version_id == last.get(c.report_id):
                comments.setdefault(c.report_id, []).append(c)
    due = [
        Due(r, (r.period.due_date - today).days, r.n_filled, r.n_items, comments.get(r.pk, []))
        for r in reports
    ]
    budgets = (
        BudgetYear.objects.filter(state__in=[BudgetState.DRAFTING, BudgetState.RETURNED])
        .filter(plan__in=Plan.objects.filter(periods__reports__agency_id=agency_id))
        .select_related("plan")
        .annotate(
            own=Count("lines", filter=Q(lines__agency_id=agency_id)),
            own_amount=Sum("lines__amount", filter=Q(lines__agency_id=agency_id)),
        )
        .order_by("year", "plan__code")
    )
    return ReporterWork(due, [Estimate(b, b.own, b.own_amount or 0) for b in budgets])


# --- a coordinator ------------------------------------------------------------------


@dataclass
class YearWork:
    period: ReportingPeriod
    days_left: int
    expected: int
    missing: list[AgencyReport]  # not submitted yet (draft or returned)
    to_review: list[AgencyReport]  # submitted, waiting for the coordinator
    accepted: int
    reminders: int
    last_reminder: dt.date | None
    unreached: list[people.Reach]

    @property
    def overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def received(self) -> int:
        return self.expected - len(self.missing)


def coordinator_work(today: dt.date) -> list[YearWork]:
    """Every open (or closed, not locked) reporting year, the nearest deadline first."""
    periods = list(
        ReportingPeriod.objects.exclude(status=PeriodStatus.LOCKED)
        .select_related("plan")
        .order_by("due_date", "plan__code")
    )
    if not periods:
        return []
    reports = list(
        AgencyReport.objects.filter(period__in=periods)
        .select_related("agency", "period")
        .order_by("agency__name")
    )
    sent = {
        row["report__period"]: row
        for row in Reminder.objects.filter(report__period__in=periods, kind__in=REMINDERS)
        .values("report__period")
        .annotate(n=Count("pk"), last=Max("sent_on"))
    }
    reach = {r.agency.pk: r for r in people.reach({r.agency for r in reports})}
    out = []
    for period in periods:
        own = [r for r in reports if r.period_id == period.pk]
        row = sent.get(period.pk, {})
        out.append(
            YearWork(
                period=period,
                days_left=(period.due_date - today).days,
                expected=len(own),
                missing=[r for r in own if r.state in TO_SEND],
                to_review=[r for r in own if r.state == ReportState.SUBMITTED],
                accepted=sum(r.state == ReportState.ACCEPTED for r in own),
                reminders=row.get("n", 0),
                last_reminder=row.get("last"),
                unreached=[reach[r.agency_id] for r in own if reach[r.agency_id].problem],
            )
        )
    return out


# --- finance ------------------------------------------------------------------------


@dataclass
class Proposal:
    budget: BudgetYear
    lines: int
    pending: int
    estimated: int


def finance_work() -> list[Proposal]:
    """Proposals sent to finance (to appraise) and appraised ones (to allocate)."""
    budgets = (
        BudgetYear.objects.filter(state__in=[BudgetState.SUBMITTED, BudgetState.APPRAISED])
        .select_related("plan")
        .annotate(
            n=Count("lines"),
            pending=Count("lines", filter=Q(lines__decision=Decision.PENDING)),
            estimated=Sum("lines__amount"),
        )
        .order_by("state", "year")
    )
    return [Proposal(b, b.n, b.pending, b.estimated or 0) for b in budgets]


# --- a leader -----------------------------------------------------------------------


@dataclass
class Glance:
    plan: Plan
    year: int
    statuses: list[tuple[Status, int]]
    targets: int
    completeness: float | None
    timeliness: float | None
    reported_year: int | None
    funds: Figures | None
    funds_years: tuple[int, int] | None


def glance(plan: Plan, today: dt.date) -> Glance:
    """The plan at a glance: targets by status this year, the latest reporting year's
    completeness, the latest funding year's figures."""
    year = min(max(today.year, plan.period_start), plan.period_end)
    rows = plan_progress(plan, year)
    counts = {s: 0 for s in Status}
    for row in rows:
        counts[row.assessment.status] += 1
    period = (
        ReportingPeriod.objects.filter(plan=plan, reports__first_submitted_at__isnull=False)
        .order_by("-year")
        .first()
    )
    summary = year_summary(period, today) if period else None
    years = plan_figures(plan)
    funds = Figures(plan.decision_number)
    for _year, figures, _state in years:
        funds.estimated += figures.estimated
        funds.appraised += figures.appraised
        funds.allocated += figures.allocated
        funds.spent += figures.spent
        funds.lines += figures.lines
    return Glance(
        plan=plan,
        year=year,
        statuses=[(s, n) for s, n in counts.items() if n],
        targets=len(rows),
        completeness=summary.completeness if summary else None,
        timeliness=summary.timeliness if summary else None,
        reported_year=period.year if period else None,
        funds=funds if years else None,
        funds_years=(years[0][0], years[-1][0]) if years else None,
    )


# --- who sees what ------------------------------------------------------------------


def parts(user) -> list[str]:
    """The parts of the page for ``user``, their own work first."""
    out = []
    if rules.has(user, C.EDIT_OWN_REPORT) and getattr(user, "agency_id", None):
        out.append("reporter")
    if rules.has(user, C.MANAGE_REPORTING):
        out.append("coordinator")
    if rules.has(user, C.APPRAISE_BUDGET):
        out.append("finance")
    if rules.has(user, C.READ_ALL_REPORTS):
        out.append("glance")
    return out
