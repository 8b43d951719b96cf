"""The sections of the consolidated report, each made by one function from the data
read once (``Sources``): who issues it, what the agencies reported (results by group
and task, difficulties and proposals), the targets, who reported on time, the money,
the directions for next year, and the opening situation. The texts are Vietnamese:
they are the document's, not the interface's.

A fixed number of queries, whatever the number of agencies, tasks or years.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from agencies.registry import province_of
from agencies.succession import Graph
from budget.models import BudgetLine, BudgetYear
from documents.formatting import number, paragraphs, safe_text, short_date, upper_vi
from documents.model import (
    ITEM_STATUS,
    ROLE_LABELS,
    AgencyNote,
    ComplianceRow,
    ComplianceYear,
    Direction,
    Entry,
    FundRow,
    GroupPart,
    Kind,
    TargetRow,
    TaskPart,
    TaskYear,
)
from indicators.overview import plan_progress
from indicators.progress import Status
from plans.models import Assignment, Plan, Role, Task, TaskGroup
from planwatch.text import vi_sorted
from reporting.models import AgencyReport, ReportingPeriod, ReportState, ReportVersion

Entries = dict[tuple[str, int], list[Entry]]  # (task code, year) -> what agencies said
NEEDS_EFFORT = (Status.ACCELERATION_NEEDED, Status.LIMITED_PROGRESS, Status.DETERIORATION)


@dataclass
class Sources:
    """What the report is made from, read once."""

    plan: Plan
    years: list[int]
    periods: list[ReportingPeriod]
    reports: list[AgencyReport]
    last: dict[int, ReportVersion]  # report id -> its last submitted version (accepted)
    groups: list[TaskGroup]
    tasks: list[Task]
    assignments: dict[int, list[Assignment]]  # task id -> its agencies as issued


def load_sources(plan: Plan, years: list[int]) -> Sources:
    periods = list(ReportingPeriod.objects.filter(plan=plan, year__in=years).order_by("year"))
    reports = list(
        AgencyReport.objects.filter(period__in=periods).select_related("agency", "period")
    )
    last = _last_versions(periods)
    groups = list(TaskGroup.objects.current().filter(plan=plan).order_by("position"))
    tasks = list(
        Task.objects.current().filter(plan=plan).select_related("group").order_by("position")
    )
    assignments: dict[int, list[Assignment]] = defaultdict(list)
    for a in (
        Assignment.objects.filter(task__in=tasks)
        .select_related("agency")
        .order_by("task_id", "role", "position")
    ):
        assignments[a.task_id].append(a)
    return Sources(plan, years, periods, reports, last, groups, tasks, assignments)


def _last_versions(periods: list[ReportingPeriod]) -> dict[int, ReportVersion]:
    """The last submitted version of every accepted report of these periods."""
    versions = ReportVersion.objects.filter(
        report__period__in=periods, report__state=ReportState.ACCEPTED
    ).order_by("report_id", "-number")
    last: dict[int, ReportVersion] = {}
    for v in versions:
        last.setdefault(v.report_id, v)
    return last


def _names(assignments: list[Assignment], role: str) -> str:
    return "; ".join(a.name for a in assignments if a.role == role)


# --- who issues it ------------------------------------------------------------


@dataclass
class Issuer:
    name: str  # "Sở Công Thương tỉnh Quảng Trị"
    parent_body: str  # "UBND TỈNH QUẢNG TRỊ"
    place: str  # "Quảng Trị"


def issuer(plan: Plan, today: dt.date) -> Issuer:
    """Whoever coordinates the plan today (Sở Công Thương of Quảng Trị since 1/7/2025
    for the seed), not the 2021 agency, and the province it belongs to."""
    coordinator = plan.coordinator
    if coordinator is not None and not coordinator.is_valid_on(today):
        now = Graph.load().resolve(coordinator, today)
        coordinator = now[0] if now else coordinator
    name = coordinator.name if coordinator else (plan.coordinator_name or "Sở Công Thương")
    province = province_of(coordinator) if coordinator else plan.issuer
    parent_body, place = _body_place(province.name if province else plan.issuer_name)
    return Issuer(name, parent_body, place)


def _body_place(issuer_name: str) -> tuple[str, str]:
    """("UBND tỉnh Quảng Bình") → ("UBND TỈNH QUẢNG BÌNH", "Quảng Bình")."""
    name = safe_text(issuer_name)
    name = re.sub(r"^(Ủy ban nhân dân|Uỷ ban nhân dân)\b", "UBND", name, flags=re.IGNORECASE)
    place = re.sub(r"^UBND\s+(tỉnh|thành phố|TP\.?)\s+", "", name, flags=re.IGNORECASE)
    return upper_vi(name), place


# --- what the agencies reported ---------------------------------------------


def reported(sources: Sources) -> tuple[Entries, list[AgencyNote]]:
    """What each accepted report said, by task and year (lead agencies first, then in
    Vietnamese order), and the agencies' difficulties and proposals."""
    entries: Entries = defaultdict(list)
    notes: list[AgencyNote] = []
    report_by_id = {r.pk: r for r in sources.reports}
    for report_id, version in sources.last.items():
        report = report_by_id[report_id]
        data = version.data or {}
        for item in data.get("items", []):
            entries[(item.get("task", ""), report.period.year)].append(
                _entry(report.agency.name, item)
            )
        difficulties, proposals = (
            paragraphs(data.get("difficulties")),
            paragraphs(data.get("proposals")),
        )
        if difficulties or proposals:
            notes.append(
                AgencyNote(report.agency.name, report.period.year, difficulties, proposals)
            )
    notes = sorted(vi_sorted(notes, key=lambda n: n.agency), key=lambda n: n.year)
    for key in entries:
        ordered = vi_sorted(entries[key], key=lambda e: e.agency)
        entries[key] = sorted(ordered, key=lambda e: e.role != ROLE_LABELS[Role.LEAD])
    return entries, notes


def _entry(agency: str, item: dict) -> Entry:
    return Entry(
        agency=agency,
        role=ROLE_LABELS.get(item.get("role") or "", ""),
        status=ITEM_STATUS.get(item.get("status") or "", ""),
        done=paragraphs(item.get("done")),
        results=paragraphs(item.get("results")),
        reason=paragraphs(item.get("reason")),
        quantities=_quantities(item.get("quantities")),
        spent=item.get("spent") if isinstance(item.get("spent"), int) else None,
        figures=_figures(item.get("quantities")),
    )


def _quantities(raw) -> list[str]:
    out = []
    for q in raw or []:
        if not isinstance(q, dict):
            continue
        value = q.get("value")
        if isinstance(value, int | float):
            value = number(value)
        text = f"{safe_text(str(q.get('label', '')))}: {safe_text(str(value or ''))} "
        out.append((text + safe_text(str(q.get("unit", "")))).strip())
    return out


def _figures(raw) -> list[tuple[str, float, str]]:
    """Numeric quantities as (label, value, unit), for adding up."""
    out = []
    for q in raw or []:
        if isinstance(q, dict) and isinstance(q.get("value"), int | float):
            out.append(
                (safe_text(str(q.get("label", ""))), q["value"], safe_text(str(q.get("unit", ""))))
            )
    return out


def results(sources: Sources, entries: Entries) -> list[GroupPart]:
    """The results by group and task, every year covered."""
    by_group: dict[int, list[Task]] = defaultdict(list)
    for task in sources.tasks:
        by_group[task.group_id].append(task)
    groups = []
    for group in sources.groups:
        parts = [_task_part(sources, task, entries) for task in by_group.get(group.pk, [])]
        groups.append(GroupPart(group.number, safe_text(group.title), parts))
    return groups


def _task_part(sources: Sources, task: Task, entries: Entries) -> TaskPart:
    own = sources.assignments.get(task.pk, [])
    task_years = [
        TaskYear(y, task.is_active_in(y), entries.get((task.code, y), [])) for y in sources.years
    ]
    return TaskPart(
        code=task.code,
        number=task.number,
        content=safe_text(task.content),
        output=safe_text(task.output),
        leads=_names(own, Role.LEAD),
        partners=_names(own, Role.PARTNER),
        timeframe=safe_text(task.timeframe_text),
        years=task_years,
        spent=sum(e.spent or 0 for ty in task_years for e in ty.entries),
    )


# --- who reported on time --------------------------------------------------------


def compliance(sources: Sources) -> tuple[list[ComplianceYear], list[ComplianceRow]]:
    """Who reported on time, late or not at all: by year, and by agency."""
    years: list[ComplianceYear] = []
    per_agency: dict[str, dict] = {}
    for period in sources.periods:
        rows = [r for r in sources.reports if r.period_id == period.pk]
        on_time = sum(1 for r in rows if r.first_submitted_at and not r.late)
        late = sum(1 for r in rows if r.first_submitted_at and r.late)
        years.append(
            ComplianceYear(
                period.year,
                period.due_date,
                len(rows),
                on_time,
                late,
                len(rows) - on_time - late,
                sum(1 for r in rows if r.state == ReportState.ACCEPTED),
            )
        )
        for r in rows:
            row = per_agency.setdefault(
                r.agency.name, {"on_time": 0, "late": 0, "missing": 0, "detail": []}
            )
            outcome, what = _timeliness(r)
            row[outcome] += 1
            row["detail"].append(what if len(sources.years) == 1 else f"{period.year}: {what}")
    agencies = [
        ComplianceRow(name, v["on_time"], v["late"], v["missing"], "; ".join(v["detail"]))
        for name, v in vi_sorted(per_agency.items(), key=lambda kv: kv[0])
    ]
    return years, agencies


def _timeliness(report: AgencyReport) -> tuple[str, str]:
    """("on_time" | "late" | "missing", what the document says of the report)."""
    if report.first_submitted_at is None:
        return "missing", "chưa báo cáo"
    sent = short_date(report.first_submitted_at.date())
    outcome, what = (
        ("late", f"muộn, gửi {sent}") if report.late else ("on_time", f"đúng hạn, gửi {sent}")
    )
    if report.state != ReportState.ACCEPTED:
        what += "; chưa được chấp nhận"
    return outcome, what


# --- the money ------------------------------------------------------------------


@dataclass
class Funds:
    by_group: list[FundRow]
    by_year: list[FundRow]
    total: FundRow
    budget_available: bool


def funds(sources: Sources, groups: list[GroupPart], entries: Entries) -> Funds:
    """What the agencies report spending; estimates and allocations from the funding
    cycle (budget) where the year has one."""
    plan, years = sources.plan, sources.years
    budget_lines = list(
        BudgetLine.objects.filter(budget__plan=plan, budget__year__in=years).values_list(
            "budget__year", "task__group_id", "amount", "allocated_amount"
        )
    )
    budget_years = set(
        BudgetYear.objects.filter(plan=plan, year__in=years).values_list("year", flat=True)
    )
    estimated_by: dict[object, int] = defaultdict(int)
    allocated_by: dict[object, int] = defaultdict(int)
    for year_, group_id, amount, allocated in budget_lines:
        for key in (year_, ("g", group_id), "total"):
            estimated_by[key] += amount
            allocated_by[key] += allocated or 0
    has_budget = bool(budget_years)

    def _fund(label: str, key: object, spent: int) -> FundRow:
        if not has_budget:
            return FundRow(label, None, None, spent)
        return FundRow(label, estimated_by.get(key, 0), allocated_by.get(key, 0), spent)

    by_group = [
        _fund(f"{g.number}. {g.title}", ("g", group.pk), g.spent)
        for g, group in zip(groups, sources.groups, strict=True)
    ]
    by_year = []
    for y in years:
        spent = sum(e.spent or 0 for (_code, year), es in entries.items() if year == y for e in es)
        row = _fund(str(y), y, spent)
        if has_budget and y not in budget_years:
            row = FundRow(str(y), None, None, spent)
        by_year.append(row)
    total = _fund("Tổng cộng", "total", sum(g.spent for g in groups))
    return Funds(by_group, by_year, total, has_budget)


# --- the targets and the directions -------------------------------------------------


def targets(plan: Plan, years: list[int]) -> list[TargetRow]:
    """Every target at the last year covered, with its values in the years covered."""
    rows = []
    for row in plan_progress(plan, years[-1]):
        numbers = row.assessment.numbers
        value = numbers.get("value")
        ind = row.indicator
        rows.append(
            TargetRow(
                position=row.target.position,
                milestone=row.target.milestone,
                text=safe_text(row.target.text),
                indicator=safe_text(ind.name) if ind else "",
                unit=ind.unit if ind else safe_text(row.target.unit),
                baseline=(
                    f"{number(ind.baseline_value)} ({ind.baseline_year})"
                    if ind and ind.baseline_value is not None
                    else ""
                ),
                value=number(value) if isinstance(value, int | float) else "",
                value_year=str(numbers.get("year") or ""),
                status=str(row.assessment.status),
                status_label=row.assessment.label,
                reason=safe_text(row.assessment.reason),
                values={y: number(v) for y, v in row.series.items() if y in years},
            )
        )
    return rows


def directions(
    sources: Sources, target_rows: list[TargetRow]
) -> tuple[str, list[Direction], list[TargetRow]]:
    """Next year's tasks (none after the plan's last year) and the targets that need
    more effort: (what "next" is called, the tasks, the targets)."""
    end = sources.years[-1]
    if end < sources.plan.period_end:
        nxt = end + 1
        label = f"năm {nxt}"
        tasks = [
            Direction(
                t.code, safe_text(t.content), _names(sources.assignments.get(t.pk, []), Role.LEAD)
            )
            for t in sources.tasks
            if t.is_active_in(nxt)
        ]
    else:
        label, tasks = "giai đoạn tiếp theo", []
    return label, tasks, [t for t in target_rows if t.status in NEEDS_EFFORT]


# --- the opening ------------------------------------------------------------------


def plan_reference(plan: Plan) -> str:
    """ "Quyết định số 800/QĐ-UBND ngày 19/5/2021 của UBND tỉnh Quảng Bình"."""
    decision = plan.decision_number
    if not decision:
        return plan.issuer_name
    when = f" ngày {short_date(plan.decision_date)}" if plan.decision_date else ""
    return f"Quyết định số {decision}{when} của {plan.issuer_name}"


def situation(
    sources: Sources, years_compliance: list[ComplianceYear], groups: list[GroupPart]
) -> list[str]:
    """The opening paragraphs: who had to report, who did, what the report covers."""
    years, periods, end = sources.years, sources.periods, sources.years[-1]
    lines = []
    if not periods:
        lines.append(
            f"Kỳ báo cáo năm {end} chưa được mở; chưa có báo cáo của đơn vị nào."
            if len(years) == 1
            else "Chưa có kỳ báo cáo nào được mở trong giai đoạn này."
        )
    for c in years_compliance:
        lines.append(
            f"Năm {c.year}: {c.expected} đơn vị phải báo cáo (hạn {short_date(c.due_date)}); "
            f"{c.on_time} đơn vị báo cáo đúng hạn, {c.late} đơn vị báo cáo muộn, "
            f"{c.missing} đơn vị chưa báo cáo; {c.accepted} báo cáo đã được chấp nhận."
        )
    accepted = len(sources.last)
    if accepted == 0:
        lines.append(
            "Chưa có báo cáo nào của các đơn vị được chấp nhận; báo cáo này chưa có kết quả "
            "thực hiện nhiệm vụ để tổng hợp."
        )
    else:
        active = sum(1 for t in sources.tasks if any(t.is_active_in(y) for y in years))
        covered = sum(1 for g in groups for t in g.tasks if t.reported)
        lines.append(
            f"Báo cáo này tổng hợp {accepted} báo cáo đã được chấp nhận, về {covered} "
            f"trong số {active} nhiệm vụ triển khai trong "
            + ("năm." if len(years) == 1 else "giai đoạn.")
        )
    if periods:
        lines.append(
            f"Số liệu từ ngày {short_date(periods[0].cutoff_start)} đến ngày "
            f"{short_date(periods[-1].cutoff_end)}."
        )
    return lines


def title(plan: Plan, kind: str, years: list[int]) -> str:
    first, end, plan_title = years[0], years[-1], safe_text(plan.title)
    if kind == Kind.ANNUAL:
        return f"Kết quả thực hiện {plan_title} năm {end}"
    if kind == Kind.MIDTERM:
        return f"Sơ kết giai đoạn {first}–{end} thực hiện {plan_title}"
    return f"Tổng kết giai đoạn {first}–{end} thực hiện {plan_title}"


def intro(plan: Plan, kind: str, years: list[int], issuer_name: str) -> str:
    first, end = years[0], years[-1]
    if kind == Kind.ANNUAL:
        what = f"kết quả thực hiện năm {end} như sau:"
    else:
        review = "sơ kết" if kind == Kind.MIDTERM else "tổng kết"
        what = f"{review} giai đoạn {first}–{end} như sau:"
    return (
        f"Thực hiện {plan_reference(plan)} ban hành {safe_text(plan.title)}; trên cơ sở báo "
        f"cáo của các sở, ban, ngành và địa phương, {issuer_name} báo cáo {what}"
    )
