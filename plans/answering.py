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

from django.db.models import F

from agencies.models import Agency, AgencyGroup
from agencies.succession import Graph, current_names, display_names
from plans.models import Assignment, Plan, Role, Task
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


def answering(
    tasks: list[Task], day: dt.date, graph: Graph | None = None, plans=None
) -> dict[int, TaskAnswer]:
    """{task id: TaskAnswer} on ``day`` for ``tasks`` (of ``plans``, if the caller has
    them loaded)."""
    graph = graph or Graph.load()
    by_task: dict[int, TaskAnswer] = {t.pk: TaskAnswer(t) for t in tasks}
    area = territories({t.plan_id for t in tasks}, graph, plans)
    assignments = (
        Assignment.objects.filter(task__in=tasks)
        .select_related(
            "agency",
            "agency__province",
            "group__scope",
            "group__successor__scope",
        )
        .order_by("task_id", "role", "position")
    )
    rows = list(assignments)
    groups = {a.group.on(day) for a in rows if a.group is not None}
    members = _members(
        list({g.pk: g for g in groups}.values()),
        day,
        graph,
    )
    for a in rows:
        task = by_task[a.task_id].task
        text = f"{task.content} {task.output}"
        if a.agency is not None:
            found = graph.resolve(a.agency, day, text)
            answer = Answer(
                a.role, a.wording, found, changed=[x.pk for x in found] != [a.agency_id]
            )
        elif a.group is not None:  # "assignment_exactly_one_target": one of the two
            group = a.group.on(day)
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


def _members(groups: list[AgencyGroup], day: dt.date, graph: Graph) -> dict[int, list[Agency]]:
    """{group id: its members on ``day``} (AgencyGroup.members_on), the groups by kind
    read in one query together, whatever their number: only the agencies of their
    provinces when every one of them has a province (not the nation's); the listed
    groups' members in one more query."""
    by_kind = [
        g
        for g in groups
        if g.rule == AgencyGroup.Rule.BY_KIND and not (g.valid_to and day > g.valid_to)
    ]
    kinds = {kind for g in by_kind for kind in g.member_kinds}
    scopes = {g.pk: graph.province_on(g.scope, day) if g.scope_id else None for g in by_kind}
    pool_qs = Agency.objects.filter(kind__in=kinds).valid_on(day)
    if scopes and None not in scopes.values():
        # Every group names a province's agencies: read only those provinces', not the
        # nation's (a province's task table does not read 2,000 agencies).
        pool_qs = pool_qs.filter(province__in=[s.pk for s in scopes.values() if s is not None])
    pool = list(pool_qs.select_related("province").order_by("name")) if kinds else []
    listed = _listed(groups, day)
    out: dict[int, list[Agency]] = {}
    for group in groups:
        if group in by_kind:
            scope = scopes[group.pk]
            out[group.pk] = [
                a
                for a in pool
                if a.kind in group.member_kinds and (scope is None or a.province_id == scope.pk)
            ]
        else:
            out[group.pk] = listed.get(group.pk, [])
    return out


def _listed(groups: list[AgencyGroup], day: dt.date) -> dict[int, list[Agency]]:
    """{group id: its listed members on ``day``, by name} for the groups that list them
    (AgencyGroup.Rule.EXPLICIT, as AgencyGroup.members_on), in one query for them all."""
    explicit = [
        g.pk
        for g in groups
        if g.rule == AgencyGroup.Rule.EXPLICIT and not (g.valid_to and day > g.valid_to)
    ]
    if not explicit:
        return {}
    rows = (
        Agency.objects.filter(listed_in_groups__in=explicit)
        .valid_on(day)
        .annotate(listed_in=F("listed_in_groups"))
        .select_related("province")
        .order_by("name", "pk")
    )
    out: dict[int, list[Agency]] = {}
    for agency in rows:
        out.setdefault(agency.listed_in, []).append(agency)
    return out


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
    tasks: list[Task], day: dt.date, graph: Graph | None = None, now: dt.date | None = None
) -> dict[int, NamedAnswer]:
    """{task id: NamedAnswer}: for each task, who leads and who partners on ``day``,
    named as on that day; with ``now`` (the day a document is made), an agency that
    has ended by then is followed by who answers now ("Sở Du lịch (nay: Sở Văn hóa,
    Thể thao và Du lịch)"). A lead is not listed again as a partner (decision 7)."""
    graph = graph or Graph.load()
    answers = answering(tasks, day, graph)
    every = {a.pk: a for ans in answers.values() for a in ans.agencies()}
    names = display_names(list(every.values()))
    if now is not None and now > day:
        ended = [a for a in every.values() if not a.is_valid_on(now)]
        names.update(current_names(ended, now, graph))
    out = {}
    for pk, ans in answers.items():
        lead_ids = {a.pk for a in ans.leads}
        named: dict[str, list[NamedReference]] = {Role.LEAD: [], Role.PARTNER: []}
        taken: dict[str, set[int]] = {Role.LEAD: set(), Role.PARTNER: set(lead_ids)}
        for ref in ans.references:
            agencies = [a for a in ref.agencies if a.pk not in taken[ref.role]]
            if ref.agencies and not agencies:
                # Named already: Sở Kế hoạch và Đầu tư is now Sở Tài chính, the other lead
                # of VII.1; "Các sở, ban, ngành" when the lead is its only member.
                continue
            taken[ref.role].update(a.pk for a in agencies)
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
