"""The consolidated report as data: one model, assembled from the agencies' accepted
reports (their last submitted version, which is immutable), the indicators'
progress and the money the agencies report, that every writer (Word, Excel, PDF,
the printable page) is fed from.

An annual report covers one year; the mid-term review (sơ kết) and the final
review (tổng kết) cover several, each part per year and in total, with the
targets' progress at the review's last year. A fixed number of queries, whatever
the number of agencies, tasks or years.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from agencies.registry import province_of
from agencies.succession import Graph
from budget.models import BudgetLine, BudgetYear
from documents.formatting import (
    initials,
    money,
    nd30_date,
    number,
    paragraphs,
    percent,
    safe_text,
    short_date,
    upper_vi,
)
from indicators.overview import plan_progress
from indicators.progress import Status
from plans.models import Assignment, Plan, Role, Task, TaskGroup
from planwatch.text import vi_sorted
from reporting.models import AgencyReport, ReportingPeriod, ReportState, ReportVersion


class Kind:
    ANNUAL = "annual"
    MIDTERM = "midterm"
    FINAL = "final"


KIND_LABELS = {
    Kind.ANNUAL: "Báo cáo năm",
    Kind.MIDTERM: "Sơ kết giữa kỳ",
    Kind.FINAL: "Tổng kết",
}
ITEM_STATUS = {
    "not_started": "chưa triển khai",
    "in_progress": "đang thực hiện",
    "done": "đã hoàn thành",
    "not_done": "không thực hiện",
}
ROLE_LABELS = {Role.LEAD: "chủ trì", Role.PARTNER: "phối hợp"}
STATUS_COLOURS = {
    Status.ACHIEVED: "#198754",
    Status.RANGE_MET: "#0f5132",
    Status.ON_TRACK: "#20c997",
    Status.ACCELERATION_NEEDED: "#ffc107",
    Status.LIMITED_PROGRESS: "#fd7e14",
    Status.DETERIORATION: "#dc3545",
    Status.NOT_ASSESSABLE: "#adb5bd",
}


class DocumentError(ValueError):
    """A report that cannot be made (unknown year, bad range): Vietnamese text."""


@dataclass
class Entry:
    """What one agency reported on one task in one year."""

    agency: str
    role: str
    status: str
    done: list[str]
    results: list[str]
    reason: list[str]
    quantities: list[str]
    spent: int | None
    figures: list[tuple[str, float, str]] = field(default_factory=list)

    @property
    def money(self) -> str:
        return money(self.spent)

    @property
    def has_content(self) -> bool:
        return bool(self.done or self.results or self.quantities or self.spent or self.reason)


@dataclass
class TaskYear:
    year: int
    active: bool
    entries: list[Entry]

    @property
    def detailed(self) -> list[Entry]:
        """The lead agencies' entries with something written, in full. (Every
        agency's own words are in the Excel appendix, one row each.)"""
        return [e for e in self.entries if e.has_content and e.role == ROLE_LABELS[Role.LEAD]]

    @property
    def brief(self) -> list[str]:
        """Everything else, one line per role and status: "Phối hợp, đang thực hiện:
        Sở A, Sở B." and "Chưa triển khai: …"."""
        lines: dict[str, list[str]] = {}
        for e in self.entries:
            if e.has_content and e.role == ROLE_LABELS[Role.LEAD]:
                continue
            label = f"{e.role.capitalize()}, {e.status}" if e.has_content else e.status.capitalize()
            lines.setdefault(label, []).append(e.agency)
        return [f"{label}: {', '.join(names)}." for label, names in lines.items()]

    @property
    def totals(self) -> str:
        """The figures every agency reported, added up by label and unit, and money."""
        sums: dict[tuple[str, str], float] = {}
        for e in self.entries:
            for label, value, unit in e.figures:
                sums[(label, unit)] = sums.get((label, unit), 0) + value
        parts = [f"{label}: {number(v)} {unit}".strip() for (label, unit), v in sums.items()]
        spent = sum(e.spent or 0 for e in self.entries)
        if spent:
            parts.append(f"kinh phí {money(spent)}")
        if not parts or len(self.entries) < 2:
            return ""
        return "Tổng hợp các đơn vị báo cáo: " + "; ".join(parts) + "."


@dataclass
class TaskPart:
    code: str
    number: str
    content: str
    output: str
    leads: str
    partners: str
    timeframe: str
    years: list[TaskYear]
    spent: int = 0

    @property
    def reported(self) -> bool:
        return any(y.entries for y in self.years)

    @property
    def status_line(self) -> str:
        """The statuses agencies gave in the last year reported ("đã hoàn thành (2)…")."""
        for year in reversed(self.years):
            if year.entries:
                counts: dict[str, int] = {}
                for e in year.entries:
                    counts[e.status] = counts.get(e.status, 0) + 1
                return "; ".join(f"{s} ({n})" if n > 1 else s for s, n in counts.items())
        return ""


@dataclass
class GroupPart:
    number: str
    title: str
    tasks: list[TaskPart]

    @property
    def spent(self) -> int:
        return sum(t.spent for t in self.tasks)


@dataclass
class TargetRow:
    position: int
    milestone: int
    text: str
    indicator: str
    unit: str
    baseline: str
    value: str
    value_year: str
    status: str
    status_label: str
    reason: str
    values: dict[int, str] = field(default_factory=dict)


@dataclass
class ComplianceYear:
    year: int
    due_date: dt.date
    expected: int
    on_time: int
    late: int
    missing: int
    accepted: int

    @property
    def completeness(self) -> str:
        return percent(100 * (self.on_time + self.late) / self.expected) if self.expected else ""

    @property
    def timeliness(self) -> str:
        return percent(100 * self.on_time / self.expected) if self.expected else ""


@dataclass
class ComplianceRow:
    agency: str
    on_time: int
    late: int
    missing: int
    detail: str


@dataclass
class FundRow:
    label: str
    estimated: int | None
    allocated: int | None
    spent: int

    @property
    def rate(self) -> str:
        base = self.allocated or self.estimated
        return percent(100 * self.spent / base) if base else ""

    @property
    def estimated_text(self) -> str:
        return money(self.estimated) if self.estimated is not None else "—"

    @property
    def allocated_text(self) -> str:
        return money(self.allocated) if self.allocated is not None else "—"

    @property
    def spent_text(self) -> str:
        return money(self.spent)


@dataclass
class AgencyNote:
    agency: str
    year: int
    difficulties: list[str]
    proposals: list[str]


@dataclass
class Direction:
    code: str
    content: str
    leads: str


@dataclass
class Chart:
    name: str
    title: str
    png: bytes


@dataclass
class ConsolidatedReport:
    kind: str
    years: list[int]
    plan_code: str
    plan_title: str
    plan_reference: str
    parent_body: str
    issuer: str
    issuer_name: str
    symbol: str
    place: str
    date_line: str
    title: str
    intro: str
    situation: list[str]
    groups: list[GroupPart]
    targets: list[TargetRow]
    compliance_years: list[ComplianceYear]
    compliance: list[ComplianceRow]
    funds: list[FundRow]
    funds_years: list[FundRow]
    funds_total: FundRow
    budget_available: bool
    notes: list[AgencyNote]
    directions: list[Direction]
    directions_targets: list[TargetRow]
    next_label: str
    accepted_reports: int
    generated_on: dt.date
    charts: dict[str, Chart] = field(default_factory=dict)

    @property
    def review(self) -> bool:
        return self.kind != Kind.ANNUAL

    @property
    def year_label(self) -> str:
        if len(self.years) == 1:
            return str(self.years[0])
        return f"{self.years[0]}–{self.years[-1]}"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def empty(self) -> bool:
        return self.accepted_reports == 0

    @property
    def filename(self) -> str:
        stem = {"annual": "bao-cao", "midterm": "so-ket", "final": "tong-ket"}[self.kind]
        years = str(self.years[0]) if len(self.years) == 1 else f"{self.years[0]}-{self.years[-1]}"
        return f"{stem}-{self.plan_code}-{years}"


# ---------------------------------------------------------------------------


def review_years(plan: Plan, kind: str) -> list[int]:
    """The years a review covers: the mid-term one to the first milestone (2025 for
    the seed), the final one the whole period."""
    if kind == Kind.FINAL:
        return list(range(plan.period_start, plan.period_end + 1))
    milestones = sorted(
        {t.milestone for t in plan.targets.filter(retired=False)} - {plan.period_end}
    )
    end = milestones[0] if milestones else (plan.period_start + plan.period_end) // 2
    return list(range(plan.period_start, end + 1))


def _body_place(issuer_name: str) -> tuple[str, str]:
    """("UBND tỉnh Quảng Bình") → ("UBND TỈNH QUẢNG BÌNH", "Quảng Bình")."""
    name = safe_text(issuer_name)
    name = re.sub(r"^(Ủy ban nhân dân|Uỷ ban nhân dân)\b", "UBND", name, flags=re.IGNORECASE)
    place = re.sub(r"^UBND\s+(tỉnh|thành phố|TP\.?)\s+", "", name, flags=re.IGNORECASE)
    return upper_vi(name), place


def _names(assignments: list[Assignment], role: str) -> str:
    return "; ".join(a.name for a in assignments if a.role == role)


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


def _last_versions(periods: list[ReportingPeriod]) -> dict[int, ReportVersion]:
    """The last submitted version of every accepted report of these periods."""
    versions = ReportVersion.objects.filter(
        report__period__in=periods, report__state=ReportState.ACCEPTED
    ).order_by("report_id", "-number")
    last: dict[int, ReportVersion] = {}
    for v in versions:
        last.setdefault(v.report_id, v)
    return last


def check_years(plan: Plan, years: list[int]) -> None:
    """DocumentError unless ``years`` are some years of the plan's period."""
    if not years:
        raise DocumentError("Chưa chọn năm báo cáo.")
    bad = [y for y in years if not plan.period_start <= y <= plan.period_end]
    if bad:
        raise DocumentError(
            "Năm %s nằm ngoài thời kỳ của kế hoạch (%s–%s)."
            % (bad[0], plan.period_start, plan.period_end)
        )


def assemble(
    plan: Plan, years: list[int], kind: str = Kind.ANNUAL, today: dt.date | None = None
) -> ConsolidatedReport:
    """The consolidated report of ``plan`` over ``years`` (one for an annual report)."""
    today = today or timezone.localdate()
    check_years(plan, years)
    years = sorted(set(years))
    plan = Plan.objects.select_related("coordinator", "issuer").get(pk=plan.pk)
    coordinator = plan.coordinator
    if coordinator is not None and not coordinator.is_valid_on(today):
        # The report is issued by whoever coordinates today (Sở Công Thương of Quảng Trị
        # since 1/7/2025 for the seed), not by the 2021 agency.
        now = Graph.load().resolve(coordinator, today)
        coordinator = now[0] if now else coordinator
    issuer_name = coordinator.name if coordinator else (plan.coordinator_name or "Sở Công Thương")
    province = province_of(coordinator) if coordinator else plan.issuer
    parent_body, place = _body_place(province.name if province else plan.issuer_name)

    periods = list(ReportingPeriod.objects.filter(plan=plan, year__in=years).order_by("year"))
    reports = list(
        AgencyReport.objects.filter(period__in=periods).select_related("agency", "period")
    )
    last = _last_versions(periods)

    groups_qs = TaskGroup.objects.current().filter(plan=plan).order_by("position")
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

    # What each accepted report said, by task code and year.
    entries: dict[tuple[str, int], list[Entry]] = defaultdict(list)
    notes: list[AgencyNote] = []
    report_by_id = {r.pk: r for r in reports}
    for report_id, version in last.items():
        report = report_by_id[report_id]
        data = version.data or {}
        for item in data.get("items", []):
            entries[(item.get("task", ""), report.period.year)].append(
                Entry(
                    agency=report.agency.name,
                    role=ROLE_LABELS.get(item.get("role"), ""),
                    status=ITEM_STATUS.get(item.get("status"), ""),
                    done=paragraphs(item.get("done")),
                    results=paragraphs(item.get("results")),
                    reason=paragraphs(item.get("reason")),
                    quantities=_quantities(item.get("quantities")),
                    spent=item.get("spent") if isinstance(item.get("spent"), int) else None,
                    figures=_figures(item.get("quantities")),
                )
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

    groups: list[GroupPart] = []
    by_group: dict[int, list[Task]] = defaultdict(list)
    for task in tasks:
        by_group[task.group_id].append(task)
    for group in groups_qs:
        parts = []
        for task in by_group.get(group.pk, []):
            own = assignments.get(task.pk, [])
            task_years = [
                TaskYear(y, task.is_active_in(y), entries.get((task.code, y), [])) for y in years
            ]
            spent = sum(e.spent or 0 for ty in task_years for e in ty.entries)
            parts.append(
                TaskPart(
                    code=task.code,
                    number=task.number,
                    content=safe_text(task.content),
                    output=safe_text(task.output),
                    leads=_names(own, Role.LEAD),
                    partners=_names(own, Role.PARTNER),
                    timeframe=safe_text(task.timeframe_text),
                    years=task_years,
                    spent=spent,
                )
            )
        groups.append(GroupPart(group.number, safe_text(group.title), parts))

    # Compliance: who reported on time, late, or not at all.
    compliance_years = []
    per_agency: dict[str, dict[str, object]] = {}
    for period in periods:
        rows = [r for r in reports if r.period_id == period.pk]
        on_time = sum(1 for r in rows if r.first_submitted_at and not r.late)
        late = sum(1 for r in rows if r.first_submitted_at and r.late)
        compliance_years.append(
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
            if r.first_submitted_at is None:
                row["missing"] += 1
                what = "chưa báo cáo"
            elif r.late:
                row["late"] += 1
                what = f"muộn, gửi {short_date(r.first_submitted_at.date())}"
            else:
                row["on_time"] += 1
                what = f"đúng hạn, gửi {short_date(r.first_submitted_at.date())}"
            if r.first_submitted_at and r.state != ReportState.ACCEPTED:
                what += "; chưa được chấp nhận"
            row["detail"].append(what if len(years) == 1 else f"{period.year}: {what}")
    compliance = [
        ComplianceRow(name, v["on_time"], v["late"], v["missing"], "; ".join(v["detail"]))
        for name, v in vi_sorted(per_agency.items(), key=lambda kv: kv[0])
    ]

    # Money: what the agencies report spending; estimates and allocations from the
    # funding cycle (budget) where the year has one.
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
    group_ids = [g.pk for g in groups_qs]
    has_budget = bool(budget_years)

    def _fund(label, key, spent):
        if not has_budget:
            return FundRow(label, None, None, spent)
        return FundRow(label, estimated_by.get(key, 0), allocated_by.get(key, 0), spent)

    funds = [
        _fund(f"{g.number}. {g.title}", ("g", pk), g.spent)
        for g, pk in zip(groups, group_ids, strict=True)
    ]
    funds_years = []
    for y in years:
        spent = sum(e.spent or 0 for (code, year), es in entries.items() if year == y for e in es)
        row = _fund(str(y), y, spent)
        if has_budget and y not in budget_years:
            row = FundRow(str(y), None, None, spent)
        funds_years.append(row)
    funds_total = _fund("Tổng cộng", "total", sum(g.spent for g in groups))

    # Targets at the last year covered.
    end = years[-1]
    targets = []
    for row in plan_progress(plan, end):
        numbers = row.assessment.numbers
        ind = row.indicator
        targets.append(
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
                value=number(numbers["value"]) if numbers.get("value") is not None else "",
                value_year=str(numbers.get("year") or ""),
                status=str(row.assessment.status),
                status_label=row.assessment.label,
                reason=safe_text(row.assessment.reason),
                values={y: number(v) for y, v in row.series.items() if y in years},
            )
        )

    # Directions: next year's tasks and the targets that need more effort.
    if end < plan.period_end:
        nxt = end + 1
        next_label = f"năm {nxt}"
        directions = [
            Direction(t.code, safe_text(t.content), _names(assignments.get(t.pk, []), Role.LEAD))
            for t in tasks
            if t.is_active_in(nxt)
        ]
    else:
        next_label = "giai đoạn tiếp theo"
        directions = []
    directions_targets = [
        t
        for t in targets
        if t.status in (Status.ACCELERATION_NEEDED, Status.LIMITED_PROGRESS, Status.DETERIORATION)
    ]

    accepted = len(last)
    active_tasks = sum(1 for t in tasks if any(t.is_active_in(y) for y in years))
    reported_tasks = sum(1 for g in groups for t in g.tasks if t.reported)
    decision = plan.decision_number
    plan_reference = (
        f"Quyết định số {decision}"
        + (f" ngày {short_date(plan.decision_date)}" if plan.decision_date else "")
        + f" của {plan.issuer_name}"
        if decision
        else plan.issuer_name
    )
    situation = []
    if not periods:
        situation.append(
            f"Kỳ báo cáo năm {end} chưa được mở; chưa có báo cáo của đơn vị nào."
            if len(years) == 1
            else "Chưa có kỳ báo cáo nào được mở trong giai đoạn này."
        )
    else:
        for c in compliance_years:
            situation.append(
                f"Năm {c.year}: {c.expected} đơn vị phải báo cáo (hạn {short_date(c.due_date)}); "
                f"{c.on_time} đơn vị báo cáo đúng hạn, {c.late} đơn vị báo cáo muộn, "
                f"{c.missing} đơn vị chưa báo cáo; {c.accepted} báo cáo đã được chấp nhận."
            )
    if accepted == 0:
        situation.append(
            "Chưa có báo cáo nào của các đơn vị được chấp nhận; báo cáo này chưa có kết quả "
            "thực hiện nhiệm vụ để tổng hợp."
        )
    else:
        situation.append(
            f"Báo cáo này tổng hợp {accepted} báo cáo đã được chấp nhận, về {reported_tasks} "
            f"trong số {active_tasks} nhiệm vụ triển khai trong "
            + ("năm." if len(years) == 1 else "giai đoạn.")
        )
    if periods:
        first, lastp = periods[0], periods[-1]
        situation.append(
            f"Số liệu từ ngày {short_date(first.cutoff_start)} đến ngày "
            f"{short_date(lastp.cutoff_end)}."
        )

    if kind == Kind.ANNUAL:
        title = f"Kết quả thực hiện {safe_text(plan.title)} năm {end}"
    elif kind == Kind.MIDTERM:
        title = f"Sơ kết giai đoạn {years[0]}–{end} thực hiện {safe_text(plan.title)}"
    else:
        title = f"Tổng kết giai đoạn {years[0]}–{end} thực hiện {safe_text(plan.title)}"
    intro = (
        f"Thực hiện {plan_reference} ban hành {safe_text(plan.title)}; trên cơ sở báo cáo "
        f"của các sở, ban, ngành và địa phương, {issuer_name} báo cáo "
        + (
            f"kết quả thực hiện năm {end} như sau:"
            if kind == Kind.ANNUAL
            else f"{'sơ kết' if kind == Kind.MIDTERM else 'tổng kết'} giai đoạn "
            f"{years[0]}–{end} như sau:"
        )
    )
    return ConsolidatedReport(
        kind=kind,
        years=years,
        plan_code=plan.code,
        plan_title=safe_text(plan.title),
        plan_reference=plan_reference,
        parent_body=parent_body,
        issuer=upper_vi(issuer_name),
        issuer_name=issuer_name,
        symbol=f"BC-{initials(issuer_name)}",
        place=place,
        date_line=f"{place}, {nd30_date(today)}",
        title=title,
        intro=intro,
        situation=situation,
        groups=groups,
        targets=targets,
        compliance_years=compliance_years,
        compliance=compliance,
        funds=funds,
        funds_years=funds_years,
        funds_total=funds_total,
        budget_available=has_budget,
        notes=notes,
        directions=directions,
        directions_targets=directions_targets,
        next_label=next_label,
        accepted_reports=accepted,
        generated_on=today,
    )


def periods_of(plan: Plan) -> list[int]:
    """Years with a reporting period, newest first."""
    return list(
        ReportingPeriod.objects.filter(plan=plan).order_by("-year").values_list("year", flat=True)
    )
