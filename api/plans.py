"""Plan routes: the list, a plan in the planwatch.plan/1 format, importing a plan
document, and the tasks with the agencies answering for them on a date."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from access.capabilities import Capability as C
from access.decorators import requires
from access.lookups import get_plan_for_user
from api.errors import responses
from api.fields import PlanCode
from api.schemas import AgencyRef, PlanDocument, PlanSummary
from plans.answering import TaskAnswer, plan_tasks_on
from plans.format import export_plan, plan_queryset
from plans.importing import check_upload_size, import_upload
from plans.models import Plan

router = Router(tags=["plans"])


class ImportWarning(Schema):
    where: str
    message: str


class SavedPlan(Schema):
    code: str
    version: int
    changes: dict


class ImportOut(PlanDocument):
    """The plan read from the document, what the reader was unsure of, and (unless a
    dry run) the version saved."""

    warnings: list[ImportWarning]
    saved: SavedPlan | None = None


class Reference(Schema):
    role: str
    as_issued: str
    group: str | None
    open_group: bool
    changed: bool
    agencies: list[str]


class TaskOnDay(Schema):
    code: str
    content: str
    timeframe: str
    as_of: dt.date
    references: list[Reference]
    lead: list[AgencyRef]
    partners: list[str]

    @classmethod
    def of(cls, answer: TaskAnswer, day: dt.date) -> dict:
        return {
            "code": answer.task.code,
            "content": answer.task.content,
            "timeframe": answer.task.timeframe_text,
            "as_of": day,
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
            "lead": answer.leads,
            "partners": [a.code for a in answer.partners],
        }


class TasksQuery(Schema):
    as_of: dt.date | None = Field(None, description="YYYY-MM-DD; today when omitted")


@router.get("/plans", response=responses(list[PlanSummary], 403))
@requires(C.READ_PLANS)
def list_plans(request):
    """All plans, newest period first."""
    return Plan.objects.order_by("-period_start", "code")


@router.post("/plans/import", response=responses(ImportOut, 403), exclude_unset=True)
@requires(C.IMPORT_PLANS)
def import_plan(
    request,
    document: UploadedFile = File(
        ...,
        description=".docx, .doc, .txt, .md or .pdf (text or scan; read in the request, a scan about 6 s a page)",
    ),
    dry_run: bool = Form(False),
):
    """Read a plan document (multipart field ``document``, coordinators and
    administrators): the plan in planwatch.plan/1 with a ``warnings`` list; unless
    ``dry_run``, also saved (a new plan, or a new version of the plan with the same
    code), with ``saved``."""
    check_upload_size(document.size)
    # Django keeps an upload's name printable and within 255 characters.
    return import_upload(document.read(), document.name or "", request.user, save=not dry_run)


@router.get("/plans/{code}", response=responses(PlanDocument, 403, 404))
@requires(C.READ_PLANS)
def get_plan(request, code: PlanCode):
    """The plan in the planwatch.plan/1 format (docs/plan-format.md)."""
    plan = get_plan_for_user(request.user, code)
    return export_plan(plan_queryset().get(pk=plan.pk))


@router.get("/plans/{code}/tasks", response=responses(list[TaskOnDay], 403, 404))
@requires(C.READ_PLANS)
def plan_tasks(request, code: PlanCode, query: Query[TasksQuery]):
    """Every task with its lead and partner references as issued and the agencies
    answering for them on ``as_of`` (today when omitted)."""
    plan = get_plan_for_user(request.user, code)
    day = query.as_of or timezone.localdate()
    return [TaskOnDay.of(answer, day) for answer in plan_tasks_on(plan, day)]
