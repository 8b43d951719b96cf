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
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from plans.models import Assignment, Duty, Plan, Role, Target, Task, TaskGroup

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
    """Plans with everything the export needs (current version only), in a fixed
    number of queries."""
    return Plan.objects.select_related("issuer", "coordinator").prefetch_related(
        Prefetch("targets", queryset=Target.objects.current()),
        Prefetch("task_groups", queryset=TaskGroup.objects.current().order_by("position")),
        Prefetch(
            "tasks",
            queryset=Task.objects.current()
            .select_related("group")
            .prefetch_related(
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
        "issuer": plan.issuer.name if plan.issuer is not None else (plan.issuer_name or None),
        "decision": {"number": plan.decision_number or None, "date": _date(plan.decision_date)},
        "implements": list(plan.implements),
        "period": {"start": plan.period_start, "end": plan.period_end},
        "coordinator": (
            plan.coordinator.name
            if plan.coordinator is not None
            else (plan.coordinator_name or None)
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
        where = "/".join(str(p) for p in error.absolute_path) or _("(the whole document)")
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
