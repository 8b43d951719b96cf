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

from agencies.models import Agency
from agencies.registry import province_of
from agencies.succession import Graph, current_names
from budget.summary import years_figures
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
from plans.answering import NamedAnswer, who_answers
from plans.models import Plan, Role, Task, TaskGroup
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
    answers: dict[int, NamedAnswer]  # task id -> who answers, as of the report's year
    upcoming: dict[int, NamedAnswer]  # task id -> who answers next year
    names: dict[int, str]  # agency id -> its name today ("… (nay: …)" if it has ended)


def as_of(periods: list[ReportingPeriod], years: list[int], today: dt.date) -> dt.date:
    """The day whose agencies a report names for the tasks of its years: the due date
    of its last year (31/12 without a period), not later than the day it is made."""
    last = next((p for p in periods if p.year == years[-1]), None)
    day = last.due_date if last else dt.date(years[-1], 12, 31)
    return min(day, max(today, dt.date(years[0], 1, 1)))


def load_sources(plan: Plan, years: list[int], today: dt.date) -> Sources:
    periods = list(ReportingPeriod.objects.filter(plan=plan, year__in=years).order_by("year"))
    reports = list(
        AgencyReport.objects.filter(period__in=periods).select_related("agency", "period")
    )
    last = _last_versions(periods)
    groups = list(TaskGroup.objects.current().filter(plan=plan).order_by("position"))
    tasks = list(
        Task.objects.current().filter(plan=plan).select_related("group").order_by("position")
    )
    graph = Graph.load()
    day = as_of(periods, years, today)
    answers = who_answers(tasks, day, graph, now=today)
    upcoming = who_answers(tasks, max(today, dt.date(years[-1] + 1, 1, 1)), graph)
    agencies: dict[int, Agency] = {r.agency_id: r.agency for r in reports}
    names = current_names(list(agencies.values()), today, graph)
    return Sources(plan, years, periods, reports, last, groups, tasks, answers, upcoming, names)


def _last_versions(periods: list[ReportingPeriod]) -> dict[int, ReportVersion]:
    """The last submitted version of every accepted report of these periods."""
    versions = ReportVersion.objects.filter(
        report__period__in=periods, report__state=ReportState.ACCEPTED
    ).order_by("report_id", "-number")
    last: dict[int, ReportVersion] = {}
    for v in versions:
        last.setdefault(v.report_id, v)
    return last


def _lead_label(answer: NamedAnswer | None) -> str:
    return answer.lead_label if answer else ""


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


def recipients(issuer: Issuer) -> list[str]:
    """Whom a report of Sở Công Thương goes to (Kính gửi): the province's People's
    Committee and the ministry."""
    return [f"UBND tỉnh {issuer.place}", "Bộ Công Thương"]


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
                _entry(sources.names[report.agency_id], item)
            )
        difficulties, proposals = (
            paragraphs(data.get("difficulties")),
            paragraphs(data.get("proposals")),
        )
        if difficulties or proposals:
            notes.append(
                AgencyNote(
                    sources.names[report.agency_id], report.period.year, difficulties, proposals
                )
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
    answer = sources.answers.get(task.pk)
    task_years = [
        TaskYear(y, task.is_active_in(y), entries.get((task.code, y), [])) for y in sources.years
    ]
    return TaskPart(
        code=task.code,
        number=task.number,
        content=safe_text(task.content),
        output=safe_text(task.output),
        leads=_lead_label(answer),
        partners=answer.partner_label if answer else "",
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
                sources.names[r.agency_id], {"on_time": 0, "late": 0, "missing": 0, "detail": []}
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
    by_source: list[FundRow]
    reported: int  # every đồng the agencies reported, estimated or not
    unbudgeted: int  # reported on tasks without an estimate line
    rated_years: list[int]  # the years with an allocation: the rate is over them


class _Sum:
    """Figures of the funding cycle added up over years; the rate only over the years
    with an allocation (a year still waiting for one does not inflate it)."""

    def __init__(self, label: str):
        self.label, self.estimated, self.allocated, self.spent, self.rated = label, 0, 0, 0, 0
        self.any_allocation = False

    def add(self, figures, allocated_year: bool) -> None:
        self.estimated += figures.estimated
        self.spent += figures.spent
        if allocated_year:
            self.allocated += figures.allocated
            self.rated += figures.spent
            self.any_allocation = True

    def row(self) -> FundRow:
        allocated = self.allocated if self.any_allocation else None
        return FundRow(self.label, self.estimated, allocated, self.spent, rated_spent=self.rated)


def funds(sources: Sources, groups: list[GroupPart], entries: Entries) -> Funds:
    """The money of the years covered, as the funding pages show it (budget.summary):
    estimate, allocation and spending on the estimate's lines, by task group, year and
    source; the execution rate (spent ÷ allocated) only where an allocation exists.
    Without a funding cycle, what the agencies report spending."""
    reported = sum(e.spent or 0 for es in entries.values() for e in es)
    figures = years_figures(sources.plan, sources.years)
    if not any(f.budget is not None for f in figures.values()):
        by_year = [
            FundRow(str(y), None, None, sum(e.spent or 0 for (_c, yr), es in entries.items()
                                           if yr == y for e in es))
            for y in sources.years
        ]  # fmt: skip
        by_group = [FundRow(f"{g.number}. {g.title}", None, None, g.spent) for g in groups]
        total = FundRow("Tổng cộng", None, None, reported)
        return Funds(by_group, by_year, total, False, [], reported, reported, [])
    labels = {f"{g.number}. {g.title}": _Sum(f"{g.number}. {safe_text(g.title)}")
              for g in sources.groups}  # fmt: skip
    by_source: dict[str, _Sum] = {}
    overall, by_year, rated = _Sum("Tổng cộng"), [], []
    for year, yf in figures.items():
        allocated_year = yf.total.allocated > 0
        rated += [year] if allocated_year else []
        for f in yf.by_group:
            labels.setdefault(f.label, _Sum(f.label)).add(f, allocated_year)
        for f in yf.by_source:
            by_source.setdefault(f.label, _Sum(f.label.capitalize())).add(f, allocated_year)
        overall.add(yf.total, allocated_year)
        row = _Sum(str(year))
        row.add(yf.total, allocated_year)
        by_year.append(row.row() if yf.budget else FundRow(str(year), None, None, 0))
    unbudgeted = sum(f.unbudgeted_spent for f in figures.values())
    return Funds(
        [s.row() for s in labels.values()],
        by_year,
        overall.row(),
        True,
        [s.row() for s in by_source.values()],
        reported,
        unbudgeted,
        rated,
    )


# --- the targets and the directions -------------------------------------------------


# Where a target's value comes from: a registry counts each model, chain or product
# once with its evidence; what agencies report in their task results is their own
# count of their activities, which may differ (the two are labelled, not mixed).
VALUE_SOURCES = {
    "registry": "danh mục đã xác minh",
    "reported": "báo cáo của các đơn vị",
    "ratio": "báo cáo của các đơn vị",
    "yes_share": "báo cáo của các đơn vị",
}


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
                values={y: number(v) for y, v in row.series.items() if y <= years[-1]},
                source=VALUE_SOURCES.get(ind.kind, "") if ind else "",
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
            Direction(t.code, safe_text(t.content), _lead_label(sources.upcoming.get(t.pk)))
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
