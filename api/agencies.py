"""Agency routes of the API beyond the registry list: an agency's lineage through
reorganisations, and a plan's tasks with the agencies answering for them on a date."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from access.capabilities import Capability as C
from access.decorators import requires
from agencies.models import Agency
from agencies.succession import Graph, lineage
from api.schemas import Message
from plans.answering import answering
from plans.models import Plan, Task

router = Router()


def _agency(a: Agency) -> dict:
    return {
        "id": a.pk,
        "code": a.code,
        "name": a.name,
        "kind": a.kind,
        "province": a.province.code if a.province_id else None,
        "valid_from": a.valid_from.isoformat() if a.valid_from else None,
        "valid_to": a.valid_to.isoformat() if a.valid_to else None,
    }


@router.get(
    "/agencies/{agency_id}/lineage",
    response={200: dict, 403: Message, 404: Message},
    tags=["agencies"],
)
@requires(C.READ_PLANS)
def agency_lineage(request, agency_id: str):
    """An agency's history: the events of its chain (oldest first) with their dates,
    acts and whether they are confirmed, its predecessors and successors, and who
    answers today for what it answered for. ``agency_id`` is the id or the code."""
    key = agency_id[:80]
    agency = (
        Agency.objects.select_related("province")
        .filter(**({"pk": int(key)} if key.isdigit() else {"code": key}))
        .first()
    )
    if agency is None:
        return Status(404, {"detail": _("There is no agency with code %(code)s.") % {"code": key}})
    history = lineage(agency, timezone.localdate())
    return Status(
        200,
        {
            "agency": _agency(agency),
            "predecessors": [_agency(a) for a in history.predecessors],
            "successors": [_agency(a) for a in history.successors],
            "answering_today": [_agency(a) for a in history.now] if history.now else None,
            "events": [
                {
                    "id": step.event_id,
                    "kind": step.kind,
                    "effective": step.effective.isoformat(),
                    "act": step.act,
                    "confirmed": step.certain,
                    "before": [a.code for a in step.predecessors],
                    "after": [a.code for a in step.successors],
                    "functions": step.functions,
                }
                for step in history.steps
            ],
        },
    )


@router.get(
    "/plans/{code}/tasks",
    response={200: list[dict], 400: Message, 403: Message, 404: Message},
    tags=["plans"],
)
@requires(C.READ_PLANS)
def plan_tasks(request, code: str, as_of: str | None = None):
    """Every task with its lead and partner references as issued and the agencies
    answering for them on ``as_of`` (YYYY-MM-DD; today when omitted)."""
    plan = Plan.objects.filter(code=code[:64]).first()
    if plan is None:
        return Status(
            404, {"detail": _("There is no plan with code %(code)s.") % {"code": code[:64]}}
        )
    try:
        day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    except ValueError:
        return Status(400, {"detail": _("The date must be written YYYY-MM-DD.")})
    tasks = list(
        Task.objects.current()
        .filter(plan=plan)
        .select_related("group")
        .order_by("group__position", "position")
    )
    answers = answering(tasks, day, Graph.load())
    out = []
    for task in tasks:
        answer = answers[task.pk]
        out.append(
            {
                "code": task.code,
                "content": task.content,
                "timeframe": task.timeframe_text,
                "as_of": day.isoformat(),
                "references": [
                    {
                        "role": ref.role,
                        "as_issued": ref.wording,
                        "group": ref.group.code if ref.group else None,
                        "open_group": ref.open_group,
                        "changed": ref.changed,
                        "agencies": [a.code for a in ref.agencies],
                    }
                    for ref in answer.references
                ],
                "lead": [_agency(a) for a in answer.leads],
                "partners": [a.code for a in answer.partners],
            }
        )
    return Status(200, out)
