"""Reading plans: the task table with its filters, and an agency's tasks in a year.
Each function runs a fixed number of queries, whatever the size of the plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from agencies.membership import group_ids_of, representative_day
from agencies.models import Agency
from agencies.succession import Graph
from plans.models import Assignment, Duty, Plan, Recurrence, Role, Target, Task
from plans.territory import LOCAL_KINDS, territories
from planwatch.memo import remembered
from planwatch.text import fold, vi_sorted

if TYPE_CHECKING:
    from plans.answering import TaskAnswer

MAX_QUERY_LENGTH = 200


@dataclass
class TaskFilter:
    """The task table's filters, parsed from request parameters; bad values are
    dropped and reported in ``problems`` rather than raising."""

    group: str | None = None
    agency: Agency | None = None
    role: str | None = None  # "lead", "partner" or None for either
    year: int | None = None
    recurrence: str | None = None
    q: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return any([self.group, self.agency, self.role, self.year, self.recurrence, self.q])


def plan_counts(plan: Plan) -> dict[str, int]:
    """{"targets": n, "tasks": n}: the plan's current targets and tasks, in one query."""

    def count(model) -> Coalesce:
        rows = model.objects.current().filter(plan=OuterRef("pk")).order_by().values("plan")
        return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), 0)

    row = (
        Plan.objects.filter(pk=plan.pk)
        .order_by()
        .values(n_targets=count(Target), n_tasks=count(Task))
        .get()
    )
    return {"targets": row["n_targets"], "tasks": row["n_tasks"]}


def tasks_with_assignments(plan: Plan) -> QuerySet[Task]:
    return (
        Task.objects.current()
        .filter(plan=plan)
        .select_related("group")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("agency", "group"))
        )
        .order_by("group__position", "position")
    )


def filter_tasks(plan: Plan, flt: TaskFilter, day: dt.date | None = None) -> QuerySet[Task]:
    """The plan's tasks matching every filter that is set. The words searched are
    found in the task, in its references as issued, and in the names of the agencies
    answering it on ``day`` (today by default): "so nong nghiep va moi truong" finds
    the tasks of Sở Tài nguyên và Môi trường, and the old name finds them too."""
    qs = tasks_with_assignments(plan)
    if flt.group:
        qs = qs.filter(group__number=flt.group)
    if flt.recurrence:
        qs = qs.filter(recurrence=flt.recurrence)
    if flt.year:
        qs = qs.filter(start_year__lte=flt.year, end_year__gte=flt.year)
    graph = None
    if flt.agency:
        graph = Graph.load()
        mine = agency_tasks(flt.agency, flt.year, Plan.objects.filter(pk=plan.pk), graph)
        qs = qs.filter(pk__in=[i.task.pk for i in mine if not flt.role or flt.role in i.roles])
    words = [w for w in fold(flt.q[:MAX_QUERY_LENGTH]).split(" ") if w] if flt.q else []
    if words:
        qs = qs.filter(pk__in=_matching(plan, words, day or timezone.localdate(), graph))
    return qs


def table_tasks(plan: Plan, flt: TaskFilter, day: dt.date | None = None) -> list[Task]:
    """``filter_tasks`` as a list, kept in the process until a table it read is written
    (planwatch.memo; ``plan`` and ``flt.agency`` were read by the caller), but for a
    search of words (any text: too many lists to keep). The tasks may be shared with
    other requests: not to be changed."""
    if flt.q:
        return list(filter_tasks(plan, flt, day))
    agency = flt.agency.pk if flt.agency else None
    key = (plan.pk, flt.group, agency, flt.role, flt.year, flt.recurrence)
    tasks = remembered(
        ("plans.table_tasks", *key, timezone.localdate()),  # an agency's tasks of today
        lambda: list(filter_tasks(plan, flt, day)),
        also=["plans_plan", "agencies_agency"],
    )
    return list(tasks)


def table_answers(plan: Plan, tasks: list[Task], day: dt.date) -> dict[int, TaskAnswer]:
    """plans.answering.answering of the task table's ``tasks`` on ``day``, kept in the
    process until a table it read is written (planwatch.memo; ``plan`` and the tasks
    were read by the caller). The answers may be shared: not to be changed."""
    from plans.answering import answering

    return remembered(
        ("plans.table_answers", plan.pk, tuple(t.pk for t in tasks), day),
        lambda: answering(tasks, day, plans=[plan]),
        also=["plans_plan", "plans_task"],
    )


def _matching(plan: Plan, words: list[str], day: dt.date, graph: Graph | None) -> list[int]:
    """Tasks in which every word is found, counting the names and abbreviations of the
    agencies the task names as issued and of those answering for them on ``day`` (not
    every member of "Các sở, ban, ngành", which would match nearly every task)."""
    texts = remembered(
        ("plans.search_texts", plan.pk, day),
        lambda: _search_texts(plan, day, graph),
        # ``plan`` and ``graph`` (Graph.load) were read by the caller.
        also=["plans_plan", "agencies_agency", *GRAPH_TABLES],
    )
    return [pk for pk, text in texts.items() if all(word in text for word in words)]


GRAPH_TABLES = ("agencies_successionlink", "agencies_successionevent")


def _search_texts(plan: Plan, day: dt.date, graph: Graph | None) -> dict[int, str]:
    """{task id: the words a search finds it by}: its own, and the names of the agencies
    it names as issued and of those answering for them on ``day``."""
    from plans.answering import answering

    tasks = list(
        Task.objects.current()
        .filter(plan=plan)
        .select_related("group")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("agency"))
        )
    )
    answers = answering(tasks, day, graph or Graph.load(), plans=[plan])
    texts = {}
    for task in tasks:
        issued = [a.agency for a in task.assignments.all() if a.agency_id]
        named = [
            a for ref in answers[task.pk].references if ref.group is None for a in ref.agencies
        ]
        names = " ".join(a.search_key for a in [*issued, *named])
        texts[task.pk] = f"{task.search_key} {names}"
    return texts


def parse_filter(plan: Plan, params) -> TaskFilter:
    """Read filters from GET parameters; nonsense is reported, never fatal."""
    from django.utils.translation import gettext as _

    flt = TaskFilter()
    group = (params.get("group") or "").strip()
    if group:
        if plan.task_groups.current().filter(number=group).exists():
            flt.group = group
        else:
            flt.problems.append(_("There is no task group %(g)s.") % {"g": group[:20]})
    agency_code = (params.get("agency") or "").strip()
    if agency_code:
        flt.agency = Agency.objects.filter(code=agency_code[:80]).first()
        if flt.agency is None:
            flt.problems.append(_("Unknown agency."))
    role = (params.get("role") or "").strip()
    if role in (Role.LEAD, Role.PARTNER):
        flt.role = role
    elif role:
        flt.problems.append(_("Unknown role."))
    year = (params.get("year") or "").strip()
    if year:
        if year.isdigit() and plan.period_start <= int(year) <= plan.period_end:
            flt.year = int(year)
        else:
            flt.problems.append(
                _("The year must be between %(start)s and %(end)s.")
                % {"start": plan.period_start, "end": plan.period_end}
            )
    recurrence = (params.get("recurrence") or "").strip()
    if recurrence in Recurrence.values:
        flt.recurrence = recurrence
    elif recurrence:
        flt.problems.append(_("Unknown recurrence."))
    flt.q = (params.get("q") or "").strip()[:MAX_QUERY_LENGTH]
    return flt


@dataclass
class AgencyTask:
    task: Task
    roles: list[str]  # "lead" / "partner"
    via_groups: list[str]  # group wordings through which the agency is named


def agency_tasks(
    agency: Agency,
    year: int | None = None,
    plans: QuerySet[Plan] | None = None,
    graph: Graph | None = None,
) -> list[AgencyTask]:
    """ "Việc của đơn vị": the tasks ``agency`` leads or partners in, active in ``year``.

    Direct naming and membership of a group reference both count; the result
    says which. A commune answers for a plan's group references only within the plan's
    territory (plans.territory): xã Vĩnh Linh, of the old Quảng Trị, has no task of
    Quyết định 800 of Quảng Bình.
    """
    graph = graph or Graph.load()
    groups = group_ids_of(agency, year, graph)
    ancestors = graph.ancestors(agency.pk)
    day = representative_day(agency, year)
    matching = Assignment.objects.filter(
        Q(agency=agency) | Q(agency__in=ancestors) | Q(group__in=groups)
    )
    tasks = (
        Task.objects.current()
        .filter(pk__in=matching.values("task_id"))
        .select_related("group", "plan")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("agency", "group"))
        )
        .order_by("plan__code", "group__position", "position")
    )
    if plans is not None:
        tasks = tasks.filter(plan__in=plans)
    if year is not None:
        tasks = tasks.filter(start_year__lte=year, end_year__gte=year)
    tasks = list(tasks)
    outside: set[int] = set()
    if agency.kind in LOCAL_KINDS:
        area = territories({t.plan_id for t in tasks}, graph)
        outside = {pk for pk, t in area.items() if not t.contains(agency)}
    result = []
    for task in tasks:
        text = f"{task.content} {task.output}"
        mine, inherited = [], []
        in_groups = groups if task.plan_id not in outside else set()
        for a in task.assignments.all():
            if a.agency_id == agency.pk or a.group_id in in_groups:
                mine.append(a)
            elif a.agency_id in ancestors and any(
                x.pk == agency.pk for x in graph.resolve(a.agency, day, text)
            ):
                mine.append(a)
                inherited.append(a)
        if not mine:
            continue
        # An agency that leads a task is not also its partner through a group
        # ("Các sở, ban, ngành" includes the lead department itself).
        role = Role.LEAD if any(a.role == Role.LEAD for a in mine) else Role.PARTNER
        via = [a.wording for a in mine if a.role == role and a.group_id in in_groups]
        via += [f"thay cho {a.wording}" for a in inherited if a.role == role]
        result.append(AgencyTask(task, [role], via))
    return result


@dataclass
class AgencyChoice:
    agency: Agency
    label: str


def agency_choices(plan: Plan, day: dt.date) -> tuple[list[AgencyChoice], list[AgencyChoice]]:
    """The task table's agency filter: the agencies the plan names as issued, and
    those answering its tasks on ``day`` (today's departments, the communes and wards
    of its territory). Same-named agencies carry their province. Kept in the process
    until a table it read is written (planwatch.memo; ``plan`` was read by the caller):
    the lists are shared, not to be changed."""
    issued, today = remembered(
        ("plans.agency_choices", plan.pk, day),
        lambda: _agency_choices(plan, day),
        also=["plans_plan"],
    )
    return list(issued), list(today)


def _agency_choices(plan: Plan, day: dt.date) -> tuple[list[AgencyChoice], list[AgencyChoice]]:
    from agencies.succession import display_names
    from plans.answering import answering

    issued = list(
        Agency.objects.filter(assignments__task__plan=plan, assignments__task__retired=False)
        .select_related("province")
        .distinct()
    )
    tasks = list(Task.objects.current().filter(plan=plan))
    seen = {a.pk for a in issued}
    today: dict[int, Agency] = {}
    for answer in answering(tasks, day, plans=[plan]).values():
        for agency in answer.agencies():
            if agency.pk not in seen:
                today.setdefault(agency.pk, agency)
    names = display_names([*issued, *today.values()])

    def choices(agencies):
        return vi_sorted([AgencyChoice(a, names[a.pk]) for a in agencies], key=lambda c: c.label)

    return choices(issued), choices(today.values())


def agency_duties(agency: Agency, year: int | None, graph: Graph) -> tuple[set[int], QuerySet]:
    """(the group references naming ``agency`` in ``year``, its standing duties): named
    directly, or through a group in a plan whose territory holds it (xã Vĩnh Linh has no
    duty of Quảng Bình's plan)."""
    groups = group_ids_of(agency, year, graph)
    plans: list[Plan] | None = None  # None: every plan
    if agency.kind in LOCAL_KINDS:
        every = list(Plan.objects.select_related("issuer", "issuer__province"))
        area = territories([p.pk for p in every], graph, every)
        plans = [p for p in every if area[p.pk].contains(agency)]
        if not plans:
            groups = set()
    through_groups = Duty.objects.filter(group__in=groups)
    if plans is not None:
        through_groups = through_groups.filter(plan__in=plans)
    duties = Duty.objects.filter(agency=agency) | through_groups
    return groups, duties.select_related("plan").order_by("plan__code", "position")
