"""Who answers for a task on a day: each lead and partner reference of the plan as
issued, resolved through the agencies' succession (agencies.succession), the group
references' meaning on that day, and the plan's territory (plans.territory: after
1/7/2025 "UBND các huyện, thị xã, thành phố" of Quyết định 800 means the communes and
wards formed from the former Quảng Bình, not all of the new Quảng Trị's). The plan
keeps its 2021 wording; this is the "as of a date" reading of it. A fixed number of
queries for a whole plan.

``who_answers`` gives documents and pages, for tasks and a date, the answering
agencies with their names as of that date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from agencies.models import Agency, AgencyGroup
from agencies.succession import Graph, display_names
from plans.models import Assignment, Role, Task
from plans.territory import territories


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
    area = territories({t.plan_id for t in tasks}, graph)
    assignments = (
        Assignment.objects.filter(task__in=tasks)
        .select_related("agency", "agency__province", "group", "group__successor", "group__scope")
        .order_by("task_id", "role", "position")
    )
    members: dict[int, list[Agency]] = {}
    for a in assignments:
        task = by_task[a.task_id].task
        text = f"{task.content} {task.output}"
        if a.agency_id:
            found = graph.resolve(a.agency, day, text)
            answer = Answer(
                a.role, a.wording, found, changed=[x.pk for x in found] != [a.agency_id]
            )
        else:
            group = a.group.on(day)
            if group.pk not in members:
                members[group.pk] = list(
                    group.members_on(day, province_on=graph.province_on)
                    .select_related("province")
                    .order_by("name")
                )
            territory = area.get(task.plan_id)
            found = territory.keep(members[group.pk]) if territory else members[group.pk]
            answer = Answer(
                a.role,
                a.wording,
                found,
                group=group,
                open_group=group.rule == AgencyGroup.Rule.OPEN,
                changed=group.pk != a.group_id,
            )
        by_task[a.task_id].references.append(answer)
    return by_task


# ---------------------------------------------------------------------------
# Names as of a date (for documents and pages)


@dataclass
class NamedReference:
    """One reference as a document of ``day`` names it: the issued wording, the
    label of that day ("Sở Nông nghiệp và Môi trường"; "UBND cấp xã (41 đơn vị)") and
    the agencies behind it with their names of that day."""

    role: str
    wording: str
    label: str
    agencies: list[tuple[Agency, str]]
    changed: bool


@dataclass
class NamedAnswer:
    task: Task
    day: dt.date
    leads: list[NamedReference]
    partners: list[NamedReference]

    @property
    def lead_label(self) -> str:
        return "; ".join(r.label for r in self.leads if r.label)

    @property
    def partner_label(self) -> str:
        return "; ".join(r.label for r in self.partners if r.label)


def _label(ref: Answer, names: dict[int, str]) -> str:
    if ref.group is None:
        return "; ".join(names[a.pk] for a in ref.agencies) or ref.wording
    if ref.changed and not ref.open_group:
        return f"{ref.group.name} ({len(ref.agencies)} đơn vị)"
    return ref.wording


def who_answers(
    tasks: list[Task], day: dt.date, graph: Graph | None = None
) -> dict[int, NamedAnswer]:
    """{task id: NamedAnswer}: for each task, who leads and who partners on ``day``,
    named as on that day. A lead is not listed again as a partner (decision 7)."""
    graph = graph or Graph.load()
    answers = answering(tasks, day, graph)
    every = {a.pk: a for ans in answers.values() for a in ans.agencies()}
    names = display_names(list(every.values()))
    out = {}
    for pk, ans in answers.items():
        lead_ids = {a.pk for a in ans.leads}
        named = {Role.LEAD: [], Role.PARTNER: []}
        for ref in ans.references:
            agencies = [a for a in ref.agencies if ref.role == Role.LEAD or a.pk not in lead_ids]
            if ref.role == Role.PARTNER and ref.agencies and not agencies:
                continue  # e.g. "Các sở, ban, ngành" when the lead is the only member
            shown = Answer(ref.role, ref.wording, agencies, ref.group, ref.open_group, ref.changed)
            named[ref.role].append(
                NamedReference(
                    ref.role,
                    ref.wording,
                    _label(shown, names),
                    [(a, names[a.pk]) for a in agencies],
                    ref.changed,
                )
            )
        out[pk] = NamedAnswer(ans.task, day, named[Role.LEAD], named[Role.PARTNER])
    return out
