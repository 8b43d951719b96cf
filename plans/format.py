"""The plan JSON format ``planwatch.plan/1``: export a plan from the database,
validate a document against the JSON Schema, and save one in a single transaction.

The importer (plans.importer) emits this format; the API serves it;
``export_plan`` prints it. See docs/plan-format.md.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from agencies.registry import Resolver, province_of
from audit.log import record
from plans.models import Assignment, Duty, Plan, Role, Target, Task, TaskGroup
from planwatch.text import clean, nfc

FORMAT = "planwatch.plan/1"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "planwatch.plan-1.schema.json"
SEED_PLAN = Path(__file__).resolve().parent / "data" / "qb-sxtdbv-2021.plan.json"


class PlanFormatError(ValueError):
    """A plan document that cannot be saved; ``errors`` are Vietnamese sentences."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def plan_queryset():
    """Plans with everything the export needs, in a fixed number of queries."""
    return Plan.objects.select_related("issuer", "coordinator").prefetch_related(
        "targets",
        Prefetch("task_groups", queryset=TaskGroup.objects.order_by("position")),
        Prefetch(
            "tasks",
            queryset=Task.objects.select_related("group").prefetch_related(
                Prefetch("assignments", queryset=Assignment.objects.select_related("agency"))
            ),
        ),
        Prefetch("duties", queryset=Duty.objects.select_related("agency")),
    )


def export_plan(plan: Plan) -> dict[str, Any]:
    """The plan as a ``planwatch.plan/1`` document (use ``plan_queryset`` to fetch it)."""
    tasks_by_group: dict[int, list[Task]] = {}
    for task in plan.tasks.all():
        tasks_by_group.setdefault(task.group_id, []).append(task)

    def task_json(task: Task) -> dict[str, Any]:
        assignments = sorted(task.assignments.all(), key=lambda a: a.position)
        return {
            "number": task.number,
            "content": task.content,
            "lead": [a.name for a in assignments if a.role == Role.LEAD],
            "partners": [a.name for a in assignments if a.role == Role.PARTNER],
            "output": task.output or None,
            "timeframe": {
                "text": task.timeframe_text or None,
                "start": task.start_year,
                "end": task.end_year,
                "recurrence": task.recurrence or None,
                "on_change": task.on_change,
            },
        }

    return {
        "format": FORMAT,
        "code": plan.code,
        "title": plan.title,
        "issuer": plan.issuer.name if plan.issuer_id else (plan.issuer_name or None),
        "decision": {"number": plan.decision_number or None, "date": _date(plan.decision_date)},
        "implements": list(plan.implements),
        "period": {"start": plan.period_start, "end": plan.period_end},
        "coordinator": (
            plan.coordinator.name if plan.coordinator_id else (plan.coordinator_name or None)
        ),
        "report_due": (
            {"month": plan.report_due_month, "day": plan.report_due_day}
            if plan.report_due_month and plan.report_due_day
            else None
        ),
        "general_objective": plan.general_objective or None,
        "targets": [
            {
                "milestone": t.milestone,
                "text": t.text,
                "measure": t.measure,
                "min": _number(t.min_value),
                "max": _number(t.max_value),
                "unit": t.unit or None,
                "breakdown": list(t.breakdown),
            }
            for t in sorted(plan.targets.all(), key=lambda t: (t.milestone, t.position))
        ],
        "task_groups": [
            {
                "number": g.number,
                "title": g.title,
                "tasks": [
                    task_json(t)
                    for t in sorted(tasks_by_group.get(g.pk, []), key=lambda t: t.position)
                ],
            }
            for g in plan.task_groups.all()
        ],
        "duties": [
            {"agency": d.name, "items": list(d.items)}
            for d in sorted(plan.duties.all(), key=lambda d: d.position)
        ],
    }


def validate(data: Any) -> list[str]:
    """Schema and consistency errors of a plan document, in Vietnamese (empty: valid)."""
    validator = jsonschema.Draft202012Validator(schema())
    errors = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(gốc)"
        errors.append(
            _("Field %(where)s: %(message)s") % {"where": where, "message": error.message}
        )
    if errors:
        return errors
    start, end = data["period"]["start"], data["period"]["end"]
    if end < start:
        errors.append(
            _("The plan period ends (%(end)s) before it starts (%(start)s).")
            % {"start": start, "end": end}
        )
    for i, target in enumerate(data["targets"]):
        lo, hi = target["min"], target["max"]
        if lo is not None and hi is not None and hi < lo:
            errors.append(_("Target %(n)s: the maximum is below the minimum.") % {"n": i + 1})
    for group in data["task_groups"]:
        for task in group["tasks"]:
            tf = task["timeframe"]
            if tf["start"] and tf["end"] and tf["end"] < tf["start"]:
                errors.append(
                    _("Task %(code)s: the timeframe ends before it starts.")
                    % {"code": f"{group['number']}.{task['number']}"}
                )
            if not task["lead"]:
                errors.append(
                    _("Task %(code)s has no lead agency.")
                    % {"code": f"{group['number']}.{task['number']}"}
                )
    for date_field in [data["decision"]["date"], *[p["date"] for p in data["implements"]]]:
        if date_field:
            try:
                dt.date.fromisoformat(date_field)
            except ValueError:
                errors.append(_("%(value)s is not a valid date.") % {"value": date_field})
    return errors


@transaction.atomic
def save_plan(
    data: dict[str, Any],
    actor=None,
    *,
    replace: bool = False,
    wordings: dict[str, dict[str, list[str]]] | None = None,
) -> Plan:
    """Save a ``planwatch.plan/1`` document as a plan, all or nothing.

    Every agency name must resolve to the registry (an agency or a group
    reference); otherwise nothing is saved and ``PlanFormatError`` lists the names.
    With ``replace`` an existing plan of the same code is replaced in place.

    The format writes agencies by full name; ``wordings`` (task code -> "lead" /
    "partners" -> the names as the document wrote them, e.g. "Sở NN&PTNT") keeps
    the document's own wording beside the resolved agency.
    """
    errors = validate(data)
    if errors:
        raise PlanFormatError(errors)
    # The plan's own province decides what "Sở Công Thương" means.
    issuer_found = Resolver().resolve(data["issuer"]) if data["issuer"] else None
    resolver = Resolver(scope=province_of(issuer_found.agency if issuer_found else None))
    unknown: list[str] = []

    def resolve(name: str):
        found = resolver.resolve(name)
        if not found.found:
            unknown.append(name)
        return found

    issuer = resolve(data["issuer"]) if data["issuer"] else None
    coordinator = resolve(data["coordinator"]) if data["coordinator"] else None
    wordings = wordings or {}

    def worded(code: str, key: str, names: list[str]) -> list[str]:
        original = wordings.get(code, {}).get(key)
        return original if original and len(original) == len(names) else names

    task_refs = [
        [
            (
                role,
                list(
                    zip(
                        [resolve(n) for n in task[key]],
                        worded(f"{group['number']}.{task['number']}", key, task[key]),
                        strict=True,
                    )
                ),
            )
            for role, key in ((Role.LEAD, "lead"), (Role.PARTNER, "partners"))
        ]
        for group in data["task_groups"]
        for task in group["tasks"]
    ]
    duty_refs = [resolve(d["agency"]) for d in data["duties"]]
    if unknown:
        names = ", ".join(sorted(set(unknown)))
        raise PlanFormatError([_("Agencies not in the registry: %(names)s.") % {"names": names}])

    existing = Plan.objects.select_for_update().filter(code=data["code"]).first()
    before = None
    if existing is not None:
        if not replace:
            raise PlanFormatError(
                [_("A plan with code %(code)s already exists.") % {"code": data["code"]}]
            )
        before = export_plan(plan_queryset().get(pk=existing.pk))
        existing.delete()

    plan = Plan.objects.create(
        code=data["code"],
        title=clean(data["title"]),
        issuer_name=clean(data["issuer"] or ""),
        issuer=issuer.agency if issuer else None,
        decision_number=data["decision"]["number"] or "",
        decision_date=data["decision"]["date"],
        implements=data["implements"],
        period_start=data["period"]["start"],
        period_end=data["period"]["end"],
        coordinator_name=clean(data["coordinator"] or ""),
        coordinator=coordinator.agency if coordinator else None,
        report_due_month=(data["report_due"] or {}).get("month"),
        report_due_day=(data["report_due"] or {}).get("day"),
        general_objective=nfc(data["general_objective"] or ""),
    )
    positions: dict[int, int] = {}
    targets = []
    for t in data["targets"]:
        positions[t["milestone"]] = positions.get(t["milestone"], 0) + 1
        targets.append(
            Target(
                plan=plan,
                position=positions[t["milestone"]],
                milestone=t["milestone"],
                text=nfc(t["text"]),
                measure=t["measure"],
                min_value=None if t["min"] is None else Decimal(str(t["min"])),
                max_value=None if t["max"] is None else Decimal(str(t["max"])),
                unit=t["unit"] or "",
                breakdown=[nfc(b) for b in t["breakdown"]],
            )
        )
    Target.objects.bulk_create(targets)
    refs = iter(task_refs)
    assignments: list[Assignment] = []
    for g_pos, group_data in enumerate(data["task_groups"], start=1):
        group = TaskGroup.objects.create(
            plan=plan, position=g_pos, number=group_data["number"], title=clean(group_data["title"])
        )
        for t_pos, task_data in enumerate(group_data["tasks"], start=1):
            tf = task_data["timeframe"]
            task = Task(
                plan=plan,
                group=group,
                position=t_pos,
                number=task_data["number"],
                content=nfc(task_data["content"]).strip(),
                output=nfc(task_data["output"] or ""),
                timeframe_text=clean(tf["text"] or ""),
                start_year=tf["start"],
                end_year=tf["end"],
                recurrence=tf["recurrence"] or "",
                on_change=tf["on_change"],
            )
            search_words: list[str] = []
            task_assignments = []
            for role, resolutions in next(refs):
                for a_pos, (res, wording) in enumerate(resolutions, start=1):
                    search_words.append(wording)
                    if res.agency:
                        search_words.append(res.agency.name)
                    task_assignments.append(
                        Assignment(
                            role=role,
                            position=a_pos,
                            wording=clean(wording),
                            agency=res.agency,
                            group=res.group,
                        )
                    )
            task.refresh_search_key(search_words)
            task.save()
            for a in task_assignments:
                a.task = task
            assignments.extend(task_assignments)
    Assignment.objects.bulk_create(assignments)
    Duty.objects.bulk_create(
        [
            Duty(
                plan=plan,
                position=i,
                wording=res.wording,
                agency=res.agency,
                group=res.group,
                items=[nfc(x) for x in d["items"]],
            )
            for i, (d, res) in enumerate(zip(data["duties"], duty_refs, strict=True), start=1)
        ]
    )
    after = export_plan(plan_queryset().get(pk=plan.pk))
    record(actor, "update" if before else "create", plan, before=before, after=after, note=FORMAT)
    return plan


def load_plan_file(path: Path, actor=None) -> tuple[Plan, bool]:
    """Load a plan file unless the same plan is already saved; (plan, changed).

    A file ``NAME.wordings.json`` beside ``NAME.plan.json`` gives the document's
    own wording of the agencies (see ``save_plan``).
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    wordings_path = path.with_name(path.name.replace(".plan.json", ".wordings.json"))
    wordings = (
        json.loads(wordings_path.read_text(encoding="utf-8")) if wordings_path.exists() else None
    )
    existing = plan_queryset().filter(code=data["code"]).first()
    if existing is not None and export_plan(existing) == data:
        return existing, False
    return save_plan(data, actor, replace=existing is not None, wordings=wordings), True
