"""Reporting routes of the API: each agency's state for a year, the draft with its
revision (a stale revision answers 409 and overwrites nothing), and the workflow."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from access import lookups, rules
from access.capabilities import Capability as C
from access.decorators import requires
from api.schemas import Message
from reporting import services
from reporting.models import AgencyReport, ReportingPeriod

router = Router(tags=["reporting"])


class ReportState(Schema):
    agency: str
    agency_name: str
    state: str
    late: bool
    submitted_at: str | None
    revision: int
    url: str


class Draft(Schema):
    revision: int
    difficulties: str | None = None
    proposals: str | None = None
    items: dict[str, dict] = {}


class Comment(Schema):
    comment: str
    fields: dict[str, str] = {}


def _period(code: str, year: int) -> ReportingPeriod | None:
    return (
        ReportingPeriod.objects.select_related("plan")
        .filter(plan__code=code[:64], year=year)
        .first()
    )


def _report(request, code: str, year: int, agency: str):
    report = (
        AgencyReport.objects.select_related("period", "period__plan", "agency")
        .filter(period__plan__code=code[:64], period__year=year, agency__code=agency[:80])
        .first()
    )
    if report is None:
        return None, Status(404, {"detail": _("There is no such report.")})
    if not rules.can_read_report(request.user, report):
        return None, Status(403, {"detail": _("You do not have permission to do this.")})
    return report, None


def _body(report: AgencyReport) -> dict:
    data = services.snapshot_report(report)
    data.update(
        {
            "state": report.state,
            "revision": report.revision,
            "late": report.late,
            "agency_code": report.agency.code,
            "task_ids": {
                i["task"]: str(t)
                for i, t in zip(
                    data["items"],
                    report.items.order_by("task__group__position", "task__position").values_list(
                        "task_id", flat=True
                    ),
                    strict=True,
                )
            },
        }
    )
    return data


@router.get("/plans/{code}/years/{year}/reports", response={200: list[ReportState], 404: Message})
@requires(C.READ_ALL_REPORTS, C.READ_OWN_REPORTS)
def list_reports(request, code: str, year: int):
    """Each agency's report for the year (a reporter sees only their own)."""
    period = _period(code, year)
    if period is None:
        return Status(
            404, {"detail": _("The reporting period %(year)s is not open.") % {"year": year}}
        )
    reports = lookups.readable_reports(
        request.user, period.reports.select_related("agency", "period").order_by("agency__name")
    )
    return Status(
        200,
        [
            {
                "agency": r.agency.code,
                "agency_name": r.agency.name,
                "state": r.state,
                "late": r.late,
                "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
                "revision": r.revision,
                "url": f"/api/v1/plans/{code}/years/{year}/reports/{r.agency.code}",
            }
            for r in reports
        ],
    )


@router.get(
    "/plans/{code}/years/{year}/reports/{agency}", response={200: dict, 403: Message, 404: Message}
)
@requires(C.READ_ALL_REPORTS, C.READ_OWN_REPORTS)
def get_report(request, code: str, year: int, agency: str):
    """The report with its revision; ``task_ids`` maps task codes to the ids PUT uses."""
    report, error = _report(request, code, year, agency)
    return error or Status(200, _body(report))


@router.put(
    "/plans/{code}/years/{year}/reports/{agency}",
    response={200: dict, 400: Message, 403: Message, 404: Message, 409: Message},
)
@requires(C.EDIT_OWN_REPORT)
def put_report(request, code: str, year: int, agency: str, draft: Draft):
    """Save the draft. ``revision`` must be the one last read: 409 otherwise."""
    report, error = _report(request, code, year, agency)
    if error:
        return error
    data = draft.dict(exclude_none=True)
    revision = data.pop("revision")
    try:
        report = services.save_draft(report, request.user, data, revision)
    except services.StaleRevision as exc:
        return Status(409, {"detail": "; ".join(exc.errors)})
    except services.ReportError as exc:
        return Status(400, {"detail": "; ".join(exc.errors)})
    except PermissionDenied:
        return Status(403, {"detail": _("You do not have permission to do this.")})
    return Status(200, _body(report))


def _act(request, code, year, agency, action, comment: Comment | None = None):
    report, error = _report(request, code, year, agency)
    if error:
        return error
    try:
        if action == "submit":
            services.submit_report(report, request.user)
        elif action == "accept":
            services.accept_report(report, request.user)
        else:
            services.return_report(
                report,
                request.user,
                comment.comment if comment else "",
                comment.fields if comment else None,
            )
    except PermissionDenied:
        return Status(403, {"detail": _("You do not have permission to do this.")})
    except services.ReportError as exc:
        return Status(400, {"detail": "; ".join(exc.errors)})
    report.refresh_from_db()
    return Status(200, _body(report))


@router.post(
    "/plans/{code}/years/{year}/reports/{agency}/submit",
    response={200: dict, 400: Message, 403: Message, 404: Message},
)
@requires(C.EDIT_OWN_REPORT)
def submit(request, code: str, year: int, agency: str):
    return _act(request, code, year, agency, "submit")


@router.post(
    "/plans/{code}/years/{year}/reports/{agency}/accept",
    response={200: dict, 400: Message, 403: Message, 404: Message},
)
@requires(C.REVIEW_REPORTS)
def accept(request, code: str, year: int, agency: str):
    return _act(request, code, year, agency, "accept")


@router.post(
    "/plans/{code}/years/{year}/reports/{agency}/return",
    response={200: dict, 400: Message, 403: Message, 404: Message},
)
@requires(C.REVIEW_REPORTS)
def return_(request, code: str, year: int, agency: str, body: Comment):
    return _act(request, code, year, agency, "return", body)
