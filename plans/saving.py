"""Saving a plan document: the first version creates the plan; a later version
is applied in place, so that tasks keep their identity (reports made against
them stay attached) and tasks removed by the new version are retired, not deleted.
All or nothing, with the version and the audit entry in the same transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from agencies.registry import Resolution, Resolver, province_of
from audit.log import record
from plans import versions
from plans.format import PlanFormatError, export_plan, plan_queryset, validate
from plans.models import (
    Assignment,
    Duty,
    Plan,
    PlanVersion,
    Role,
    Target,
    Task,
    TaskGroup,
)
from planwatch.text import clean, nfc

Wordings = dict[str, dict[str, list[str]]]


class _Names:
    """Resolves every agency name of a document once, collecting the unknown."""

    def __init__(self, data: dict[str, Any]):
        issuer = Resolver().resolve(data["issuer"]) if data["issuer"] else None
        self.resolver = Resolver(scope=province_of(issuer.agency if issuer else None))
        self.unknown: list[str] = []

    def __call__(self, name: str) -> Resolution:
        found = self.resolver.resolve(name)
        if not found.found:
            self.unknown.append(name)
        return found


def _worded(wordings: Wordings, code: str, key: str, names: list[str]) -> list[str]:
    original = wordings.get(code, {}).get(key)
    return original if original and len(original) == len(names) else names


@transaction.atomic
def save_plan(
    data: dict[str, Any],
    actor=None,
    *,
    replace: bool = False,
    wordings: Wordings | None = None,
    source: str = "",
) -> Plan:
    """Save a ``planwatch.plan/1`` document, all or nothing.

    Every agency name must resolve to the registry (within the issuer's province,
    then nationally); otherwise nothing is saved and ``PlanFormatError`` lists the
    names. A plan whose code exists is refused unless ``replace``: then the
    document becomes the plan's next version. ``wordings`` (task code -> "lead" /
    "partners" -> names as the document wrote them, e.g. "Sở NN&PTNT") keeps the
    document's own wording beside the resolved agency.
    """
    errors = validate(data)
    if errors:
        raise PlanFormatError(errors)
    refs = _resolve(data, wordings or {})
    plan = Plan.objects.select_for_update().filter(code=data["code"]).first()
    before = None
    if plan is not None:
        if not replace:
            raise PlanFormatError(
                [_("A plan with code %(code)s already exists.") % {"code": data["code"]}]
            )
        before = export_plan(plan_queryset().get(pk=plan.pk))
        plan.version += 1
    else:
        plan = Plan(code=data["code"], version=1)
    _set_header(plan, data, refs.issuer, refs.coordinator)
    plan.save()
    _sync_targets(plan, data["targets"], before)
    _sync_tasks(plan, data, refs.tasks, before)
    _replace_duties(plan, data["duties"], refs.duties)
    _record_version(plan, data, before, actor, source)
    return plan


class _References:
    """Every agency a document names, resolved against the registry."""

    def __init__(self, data: dict[str, Any], wordings: Wordings):
        names = _Names(data)
        self.issuer = names(data["issuer"]) if data["issuer"] else None
        self.coordinator = names(data["coordinator"]) if data["coordinator"] else None
        # task code -> [(role, [(resolution, wording as the document wrote it)])]
        self.tasks = {
            f"{g['number']}.{t['number']}": [
                (
                    role,
                    list(
                        zip(
                            [names(n) for n in t[key]],
                            _worded(wordings, f"{g['number']}.{t['number']}", key, t[key]),
                            strict=True,
                        )
                    ),
                )
                for role, key in ((Role.LEAD, "lead"), (Role.PARTNER, "partners"))
            ]
            for g in data["task_groups"]
            for t in g["tasks"]
        }
        self.duties = [names(d["agency"]) for d in data["duties"]]
        self.unknown = names.unknown


def _resolve(data: dict[str, Any], wordings: Wordings) -> _References:
    """The document's agencies; PlanFormatError listing the names the registry lacks."""
    refs = _References(data, wordings)
    if refs.unknown:
        listed = ", ".join(sorted(set(refs.unknown)))
        raise PlanFormatError([_("Agencies not in the registry: %(names)s.") % {"names": listed}])
    return refs


def _replace_duties(plan: Plan, duties: list[dict], refs: list[Resolution]) -> None:
    Duty.objects.filter(plan=plan).delete()
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
            for i, (d, res) in enumerate(zip(duties, refs, strict=True), start=1)
        ]
    )


def _record_version(
    plan: Plan, data: dict[str, Any], before: dict | None, actor, source: str
) -> None:
    """The plan as saved, kept as its new version with the changes, and audited."""
    after = export_plan(plan_queryset().get(pk=plan.pk))
    changes = versions.diff(before, after)
    PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        data=after,
        changes=changes,
        source=source[:255],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record(
        actor,
        "update" if before else "create",
        plan,
        before=before,
        after=after,
        note=f"{data['format']} v{plan.version} {source}".strip(),
    )


def _set_header(plan: Plan, data, issuer, coordinator) -> None:
    plan.title = clean(data["title"])
    plan.issuer_name = clean(data["issuer"] or "")
    plan.issuer = issuer.agency if issuer else None
    plan.decision_number = data["decision"]["number"] or ""
    plan.decision_date = data["decision"]["date"]
    plan.implements = data["implements"]
    plan.period_start = data["period"]["start"]
    plan.period_end = data["period"]["end"]
    plan.coordinator_name = clean(data["coordinator"] or "")
    plan.coordinator = coordinator.agency if coordinator else None
    plan.report_due_month = (data["report_due"] or {}).get("month")
    plan.report_due_day = (data["report_due"] or {}).get("day")
    plan.general_objective = nfc(data["general_objective"] or "")


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _sync_targets(plan: Plan, targets: list[dict], before: dict | None) -> None:
    current = list(Target.objects.current().filter(plan=plan).order_by("milestone", "position"))
    # Move the current rows out of the way of the unique positions first.
    Target.objects.filter(pk__in=[t.pk for t in current]).update(position=F("position") + 10000)
    pairs = versions.match(
        [(t.code, t.text) for t in current], [(str(t["milestone"]), t["text"]) for t in targets]
    )
    positions: dict[int, int] = {}
    kept = set()
    for j, item in enumerate(targets):
        positions[item["milestone"]] = positions.get(item["milestone"], 0) + 1
        target = current[pairs[j]] if j in pairs else Target(plan=plan)
        kept.add(target.pk)
        target.position = positions[item["milestone"]]
        target.milestone = item["milestone"]
        target.text = nfc(item["text"])
        target.measure = item["measure"]
        target.min_value = _decimal(item["min"])
        target.max_value = _decimal(item["max"])
        target.unit = item["unit"] or ""
        target.breakdown = [nfc(b) for b in item["breakdown"]]
        target.save()
    Target.objects.filter(pk__in=[t.pk for t in current if t.pk not in kept]).update(retired=True)


def _sync_tasks(plan: Plan, data, task_refs, before) -> None:
    groups = {g.number: g for g in TaskGroup.objects.filter(plan=plan)}
    TaskGroup.objects.filter(plan=plan, retired=False).update(position=F("position") + 10000)
    current = list(Task.objects.current().filter(plan=plan).select_related("group"))
    Task.objects.filter(pk__in=[t.pk for t in current]).update(position=F("position") + 10000)
    new_items = [(g, t) for g in data["task_groups"] for t in g["tasks"]]
    pairs = versions.match(
        [(t.code, t.content) for t in current],
        [(f"{g['number']}.{t['number']}", t["content"]) for g, t in new_items],
    )
    used_groups = set()
    group_positions = {}
    for position, g in enumerate(data["task_groups"], start=1):
        group = groups.get(g["number"]) or TaskGroup(plan=plan, number=g["number"])
        group.position, group.title, group.retired = position, clean(g["title"]), False
        group.save()
        groups[g["number"]] = group
        used_groups.add(group.pk)
        group_positions[g["number"]] = 0
    TaskGroup.objects.filter(plan=plan).exclude(pk__in=used_groups).update(retired=True)
    kept = set()
    assignments = []
    for j, (g, item) in enumerate(new_items):
        group_positions[g["number"]] += 1
        task = current[pairs[j]] if j in pairs else Task(plan=plan)
        tf = item["timeframe"]
        task.group = groups[g["number"]]
        task.position = group_positions[g["number"]]
        task.number = item["number"]
        task.content = nfc(item["content"]).strip()
        task.output = nfc(item["output"] or "")
        task.timeframe_text = clean(tf["text"] or "")
        task.start_year, task.end_year = tf["start"], tf["end"]
        task.recurrence = tf["recurrence"] or ""
        task.on_change = tf["on_change"]
        task.retired = False
        words: list[str] = []
        task_assignments = []
        for role, resolutions in task_refs[f"{g['number']}.{item['number']}"]:
            for position, (res, wording) in enumerate(resolutions, start=1):
                words += [wording] + ([res.agency.name] if res.agency else [])
                task_assignments.append(
                    Assignment(
                        role=role,
                        position=position,
                        wording=clean(wording),
                        agency=res.agency,
                        group=res.group,
                    )
                )
        task.refresh_search_key(words)
        task.save()
        kept.add(task.pk)
        for a in task_assignments:
            a.task = task
        assignments += task_assignments
    Task.objects.filter(pk__in=[t.pk for t in current if t.pk not in kept]).update(retired=True)
    Assignment.objects.filter(task__plan=plan).delete()
    Assignment.objects.bulk_create(assignments)


def load_plan_file(path, actor=None) -> tuple[Plan, bool]:
    """Load a plan file unless the same plan is already saved; (plan, changed).

    A file ``NAME.wordings.json`` beside ``NAME.plan.json`` gives the document's
    own wording of the agencies (see ``save_plan``).
    """
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    wordings_path = path.with_name(path.name.replace(".plan.json", ".wordings.json"))
    wordings = (
        json.loads(wordings_path.read_text(encoding="utf-8")) if wordings_path.exists() else None
    )
    existing = plan_queryset().filter(code=data["code"]).first()
    if existing is not None and export_plan(existing) == data:
        return existing, False
    return save_plan(
        data, actor, replace=existing is not None, wordings=wordings, source=path.name
    ), True
