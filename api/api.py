"""The JSON API under /api/v1/, with its OpenAPI schema at /api/v1/openapi.json.
Routers only translate HTTP to calls of the domain modules; no logic lives here."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, NinjaAPI
from ninja.files import UploadedFile
from ninja.responses import Status

from access.capabilities import Capability as C
from access.decorators import public, requires
from accounts.models import ApiToken
from agencies.models import Agency
from api.agencies import router as agencies_router
from api.auth import AUTH
from api.budget import router as budget_router
from api.documents import router as documents_router
from api.reporting import router as reporting_router
from api.schemas import AgencyOut, Message, PlanSummary, TokenIn, TokenOut
from indicators.models import Indicator
from indicators.overview import plan_progress
from indicators.series import plan_series
from plans.format import PlanFormatError, export_plan, plan_queryset
from plans.importer import DocumentError, ImportFailure
from plans.importer.document import MAX_BYTES
from plans.importing import import_document, save_result
from plans.models import Plan
from planwatch.text import vi_sorted

api = NinjaAPI(
    title="planwatch API",
    version="1",
    description="Kế hoạch, chỉ tiêu, nhiệm vụ và cơ quan (plans, targets, tasks, agencies).",
    auth=AUTH,
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    """A route's access rule (access.decorators) or an object rule said no."""
    detail = _("You do not have permission to do this.")
    return api.create_response(request, {"detail": detail}, status=403)


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: Message}, tags=["auth"])
@public
def issue_token(request, body: TokenIn):
    """Exchange a username and password for a bearer token."""
    user = authenticate(request, username=body.username[:150], password=body.password[:1024])
    if user is None or not user.is_active:
        return Status(401, {"detail": _("Wrong username or password.")})
    days = settings.API_TOKEN_DAYS
    return Status(200, {"token": ApiToken.issue(user, days), "expires_in_days": days})


@api.get("/plans", response={200: list[PlanSummary], 403: Message}, tags=["plans"])
@requires(C.READ_PLANS)
def list_plans(request):
    """All plans, newest period first."""
    return [
        {
            "code": p.code,
            "title": p.title,
            "decision_number": p.decision_number,
            "period_start": p.period_start,
            "period_end": p.period_end,
            "url": f"/api/v1/plans/{p.code}",
        }
        for p in Plan.objects.order_by("-period_start", "code")
    ]


@api.post("/plans/import", response={200: dict, 400: Message, 403: Message}, tags=["plans"])
@requires(C.IMPORT_PLANS)
def import_plan(request, document: UploadedFile = File(...), dry_run: bool = Form(False)):
    """Read a plan document (.docx, .txt, .md, .pdf; multipart field ``document``).

    Answers the plan in planwatch.plan/1 with a ``warnings`` list. With
    ``dry_run=false`` it also saves the plan (a new plan, or a new version of the
    plan with the same code) and adds ``saved`` with the version and the changes."""
    if document.size > MAX_BYTES:
        return Status(
            400,
            {
                "detail": _("The file is too large (%(mb)s MB); the limit is %(limit)s MB.")
                % {"mb": document.size // 1048576, "limit": MAX_BYTES // 1048576}
            },
        )
    try:
        result = import_document(document.read(), document.name or "")
    except (DocumentError, ImportFailure) as exc:
        return Status(400, {"detail": str(exc)})
    body = result.as_json()
    if not dry_run:
        try:
            plan, changes = save_result(result, actor=request.user, source=document.name or "")
        except PlanFormatError as exc:
            return Status(400, {"detail": "; ".join(exc.errors)})
        body["saved"] = {"code": plan.code, "version": plan.version, "changes": changes}
    return Status(200, body)


@api.get("/plans/{code}", response={200: dict, 403: Message, 404: Message}, tags=["plans"])
@requires(C.READ_PLANS)
def get_plan(request, code: str):
    """The plan in the planwatch.plan/1 format (docs/plan-format.md)."""
    plan = plan_queryset().filter(code=code[:64]).first()
    if plan is None:
        return Status(
            404, {"detail": _("There is no plan with code %(code)s.") % {"code": code[:64]}}
        )
    return Status(200, export_plan(plan))


@api.get("/agencies", response={200: list[AgencyOut], 403: Message}, tags=["agencies"])
@requires(C.READ_PLANS)
def list_agencies(request):
    """The agency registry in Vietnamese alphabetical order."""
    agencies = vi_sorted(Agency.objects.select_related("parent"), key=lambda a: a.name)
    return [
        {
            "id": a.pk,
            "code": a.code,
            "name": a.name,
            "abbreviation": a.abbreviation,
            "kind": a.kind,
            "parent": a.parent.code if a.parent_id else None,
            "valid_from": a.valid_from.isoformat() if a.valid_from else None,
            "valid_to": a.valid_to.isoformat() if a.valid_to else None,
        }
        for a in agencies
    ]


api.add_router("", reporting_router)
api.add_router("", documents_router)
api.add_router("", agencies_router)
api.add_router("", budget_router)


@api.get(
    "/plans/{code}/progress",
    response={200: list[dict], 400: Message, 404: Message},
    tags=["indicators"],
)
@requires(C.READ_PLANS)
def plan_progress_route(request, code: str, year: int | None = None):
    """Each target: its indicator, latest value, and status for the year, with the numbers
    the status came from."""
    plan = Plan.objects.filter(code=code[:64]).first()
    if plan is None:
        return Status(
            404, {"detail": _("There is no plan with code %(code)s.") % {"code": code[:64]}}
        )
    year = year or min(max(plan.period_start, timezone.localdate().year - 1), plan.period_end)
    if not plan.period_start <= year <= plan.period_end:
        return Status(
            400,
            {
                "detail": _("The year must be between %(start)s and %(end)s.")
                % {"start": plan.period_start, "end": plan.period_end}
            },
        )
    return Status(
        200,
        [
            {
                "milestone": row.target.milestone,
                "target": row.target.text,
                "measure": row.target.measure,
                "min": float(row.target.min_value) if row.target.min_value is not None else None,
                "max": float(row.target.max_value) if row.target.max_value is not None else None,
                "indicator": (
                    {"id": row.indicator.pk, "name": row.indicator.name, "unit": row.indicator.unit}
                    if row.indicator
                    else None
                ),
                "latest": ({"year": row.latest[0], "value": row.latest[1]} if row.latest else None),
                "year": year,
                "status": row.assessment.status.value,
                "label": row.assessment.label,
                "reason": row.assessment.reason,
                "numbers": row.assessment.numbers,
            }
            for row in plan_progress(plan, year)
        ],
    )


@api.get(
    "/indicators/{indicator_id}/values", response={200: dict, 404: Message}, tags=["indicators"]
)
@requires(C.READ_PLANS)
def indicator_values(request, indicator_id: int):
    """The indicator's provincial series (total and breakdown) and the values entered."""
    indicator = Indicator.objects.select_related("plan").filter(pk=indicator_id).first()
    if indicator is None:
        return Status(404, {"detail": _("There is no such indicator.")})
    series = plan_series(indicator.plan).get(indicator.pk, {})
    return Status(
        200,
        {
            "id": indicator.pk,
            "name": indicator.name,
            "unit": indicator.unit,
            "baseline": {
                "year": indicator.baseline_year,
                "value": float(indicator.baseline_value)
                if indicator.baseline_value is not None
                else None,
            },
            "series": {k or "total": v for k, v in series.items()},
            "values": [
                {
                    "year": v.year,
                    "category": v.category,
                    "agency": v.agency.code if v.agency else None,
                    "value": float(v.value) if v.value is not None else None,
                    "numerator": float(v.numerator) if v.numerator is not None else None,
                    "denominator": float(v.denominator) if v.denominator is not None else None,
                    "counts": v.report_id is None or v.report.state == "accepted",
                    "warning": v.warning,
                }
                for v in indicator.values.select_related("agency", "report").order_by("year")
            ],
        },
    )
