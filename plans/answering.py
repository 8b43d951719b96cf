"""Who answers for a task on a day: each lead and partner reference of the plan as
issued, resolved through the agencies' succession (agencies.succession) and the group
references' meaning on that day. The plan keeps its 2021 wording; this is the
"as of a date" reading of it. A fixed number of queries for a whole plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from agencies.models import Agency, AgencyGroup
from agencies.succession import Graph
from plans.models import Assignment, Plan, Role, Task


@dataclass
class Answer:
    """One reference of a task, as issued and as of the day."""

    role: str
    wording: str
    agencies: list[Agency]
    group: AgencyGroup | None = None
    open_group: bool = False  # "các đơn vị có liên quan": no registry can list it
    changed: bool = False


@dataclass
class TaskAnswer:
    task: Task
    references: list[Answer] = field(default_factory=list)

    def agencies(self, role: str | None = None) -> list[Agency]:
        seen: dict[int, Agency] = {}
        for ref in self.references:
            if role is None or ref.role == role:
                for agency in ref.agencies:
                    seen.setdefault(agency.pk, agency)
        return list(seen.values())

    @property
    def lead_refs(self) -> list[Answer]:
        return [r for r in self.references if r.role == Role.LEAD]

    @property
    def partner_refs(self) -> list[Answer]:
        return [r for r in self.references if r.role == Role.PARTNER]

    @property
    def leads(self) -> list[Agency]:
        return self.agencies(Role.LEAD)

    @property
    def partners(self) -> list[Agency]:
        lead_ids = {a.pk for a in self.leads}
        return [a for a in self.agencies(Role.PARTNER) if a.pk not in lead_ids]


def answering(tasks: list[Task], day: dt.date, graph: Graph | None = None) -> dict[int, TaskAnswer]:
    """{task id: TaskAnswer} on ``day`` for ``tasks``."""
    graph = graph or Graph.load()
    by_task: dict[int, TaskAnswer] = {t.pk: TaskAnswer(t) for t in tasks}
    assignments = (
        Assignment.objects.filter(task__in=tasks)
        .select_related("agency", "agency__province", "group", "group__successor", "group__scope")
        .order_by("task_id", "role", "position")
    )
    members: dict[int, list[Agency]] = {}
    for a in assignments:
        task = by_task[a.task_id].task
        text = f"{task.content} {task.output}"
        if a.agency is not None:
            found = graph.resolve(a.agency, day, text)
            answer = Answer(
                a.role, a.wording, found, changed=[x.pk for x in found] != [a.agency_id]
            )
        elif a.group is not None:  # "assignment_exactly_one_target": one of the two
            group = a.group.on(day)
            if group.pk not in members:
                members[group.pk] = list(
                    group.members_on(day, province_on=graph.province_on).order_by("name")
                )
            answer = Answer(
                a.role,
                a.wording,
                members[group.pk],
                group=group,
                open_group=group.rule == AgencyGroup.Rule.OPEN,
                changed=group.pk != a.group_id,
            )
        by_task[a.task_id].references.append(answer)
    return by_task


def plan_tasks_on(plan: Plan, day: dt.date) -> list[TaskAnswer]:
    """The plan's current tasks in table order, each with who answers for it on ``day``."""
    tasks = list(
        Task.objects.current()
        .filter(plan=plan)
        .select_related("group")
        .order_by("group__position", "position")
    )
    answers = answering(tasks, day, Graph.load())
    return [answers[task.pk] for task in tasks]
