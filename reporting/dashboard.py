"""The coordinator's view of a year: each agency's state, on time / late / not yet,
days overdue; completeness and timeliness rates as DHIS2 counts them (expected,
submitted, on time), against the plan's due date; and a heat map of agencies by year.
Fixed number of queries, whatever the number of agencies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from agencies.models import Agency
from agencies.succession import current_names
from plans.models import Plan
from planwatch.text import vi_sorted
from reporting.models import AgencyReport, ReportingPeriod, ReportState


@dataclass
class Row:
    report: AgencyReport
    timeliness: str  # "on_time" | "late" | "missing"
    days_overdue: int
    items: int
    name: str = ""  # "Sở Du lịch (nay: Sở Văn hóa, Thể thao và Du lịch)" once it merged


@dataclass
class YearSummary:
    period: ReportingPeriod
    rows: list[Row]
    expected: int
    submitted: int
    on_time: int
    accepted: int

    @property
    def completeness(self) -> float:
        """Reports received (submitted at least once) / reports expected, in %."""
        return round(100 * self.submitted / self.expected, 1) if self.expected else 0.0

    @property
    def timeliness(self) -> float:
        """Reports received by the due date / reports expected, in % (DHIS2's rate)."""
        return round(100 * self.on_time / self.expected, 1) if self.expected else 0.0


def _timeliness(report: AgencyReport, due: dt.date, today: dt.date) -> tuple[str, int]:
    if report.first_submitted_at is None:
        return "missing", max(0, (today - due).days)
    return ("late" if report.late else "on_time"), 0


def year_summary(period: ReportingPeriod, today: dt.date) -> YearSummary:
    """Every agency of a period with its state and timeliness."""
    reports = list(
        AgencyReport.objects.filter(period=period)
        .select_related("agency")
        .annotate(n_items=Count("items"))
        .order_by("agency__name")
    )
    rows = []
    names = current_names([r.agency for r in reports], today)
    for report in vi_sorted(reports, key=lambda r: r.agency.name):
        status, overdue = _timeliness(report, period.due_date, today)
        rows.append(Row(report, status, overdue, report.n_items, names[report.agency_id]))
    return YearSummary(
        period=period,
        rows=rows,
        expected=len(rows),
        submitted=sum(r.timeliness != "missing" for r in rows),
        on_time=sum(r.timeliness == "on_time" for r in rows),
        accepted=sum(r.report.state == ReportState.ACCEPTED for r in rows),
    )


def heat_map(
    plan: Plan, today: dt.date | None = None
) -> tuple[list[int], list[tuple[str, str, list[str | None]]]]:
    """(years, [(agency code, agency name, [cell per year])]); a cell is the
    report's state with its timeliness ("accepted", "submitted-late", "missing"...)
    or None where the agency had no report that year."""
    periods = list(ReportingPeriod.objects.filter(plan=plan).order_by("year"))
    years = [p.year for p in periods]
    index = {p.pk: i for i, p in enumerate(periods)}
    cells: dict[int, list[str | None]] = {}
    names: dict[int, tuple[str, str]] = {}
    agencies: dict[int, Agency] = {}
    for report in AgencyReport.objects.filter(period__plan=plan).select_related("agency"):
        row = cells.setdefault(report.agency_id, [None] * len(years))
        names[report.agency_id] = (report.agency.code, report.agency.name)
        agencies[report.agency_id] = report.agency
        if report.first_submitted_at is None:
            value = "missing"
        else:
            value = report.state + ("-late" if report.late else "")
        row[index[report.period_id]] = value
    ordered = vi_sorted(names.items(), key=lambda kv: kv[1][1])
    now = current_names(list(agencies.values()), today or timezone.localdate())
    return years, [(code, now[pk], cells[pk]) for pk, (code, _name) in ordered]
