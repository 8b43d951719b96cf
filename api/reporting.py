"""Reporting routes: each agency's state for a year, the draft with its revision (a
stale revision answers 409 and overwrites nothing), and the workflow (submit, accept,
return). A bad draft answers 400 and saves nothing."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db import transaction
from ninja import Router, Schema
from pydantic import Field, StringConstraints

from access import lookups
from access.capabilities import Capability as C
from access.decorators import requires
from api.errors import responses
from api.fields import MAX_ID, Code, LongText, Money, PlanCode, Text, Year
from api.schemas import Input
from reporting import services
from reporting.models import ItemStatus, ReportState
from reporting.reading import report_data

router = Router(tags=["reporting"])

TaskId = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,10}$")]
Number = Annotated[float, Field(allow_inf_nan=False, ge=-(10**15), le=10**15)]


class ReportSummary(Schema):
    agency: str
    agency_name: str
    state: ReportState
    late: bool
    submitted_at: dt.datetime | None
    revision: int
    url: str

    @classmethod
    def of(cls, report) -> dict:
        period = report.period
        return {
            "agency": report.agency.code,
            "agency_name": report.agency.name,
            "state": report.state,
            "late": report.late,
            "submitted_at": report.submitted_at,
            "revision": report.revision,
            "url": f"/api/v1/plans/{period.plan.code}/years/{period.year}/reports/"
            f"{report.agency.code}",
        }


class Quantity(Schema):
    label: str
    value: int | float | str | None = None
    unit: str = ""


class ItemOut(Schema):
    task: str
    role: str
    status: ItemStatus
    reason: str
    done: str
    results: str
    quantities: list[Quantity]
    spent: int | None


class ReportOut(Schema):
    agency: str
    agency_code: str
    year: int
    state: ReportState
    revision: int
    late: bool
    difficulties: str
    proposals: str
    items: list[ItemOut]
    task_ids: dict[str, str] = Field(description="task code -> the key of ``items`` in a PUT")


class QuantityIn(Input):
    label: Text(200, min_length=1)
    value: int | Number
    unit: Text(60) = ""


class ItemIn(Input):
    """What changes in one task's line; a field left out keeps its value, null clears it."""

    status: ItemStatus = Field(None, description="left out: unchanged (never null)")
    reason: LongText | None = None
    done: LongText | None = None
    results: LongText | None = None
    quantities: list[QuantityIn] | None = Field(None, max_length=100)
    spent: Money | None = Field(None, description="whole đồng")


class DraftIn(Input):
    revision: int = Field(ge=0, le=MAX_ID, description="the revision last read")
    difficulties: LongText | None = None
    proposals: LongText | None = None
    items: dict[TaskId, ItemIn] = Field(
        default_factory=dict, max_length=1000, description="task id (see task_ids) -> item"
    )


class CommentIn(Input):
    comment: LongText
    fields: dict[Text(64, min_length=1), LongText] = Field(default_factory=dict, max_length=100)


REPORT = "/plans/{code}/years/{year}/reports/{agency}"


@router.get("/plans/{code}/years/{year}/reports", response=responses(list[ReportSummary], 403, 404))
@requires(C.READ_ALL_REPORTS, C.READ_OWN_REPORTS)
def list_reports(request, code: PlanCode, year: Year):
    """Each agency's report for the year (a reporter sees only their own)."""
    period = lookups.get_period_for_user(
        request.user, lookups.get_plan_for_user(request.user, code), year
    )
    reports = period.reports.select_related("agency", "period__plan").order_by("agency__name")
    return [ReportSummary.of(r) for r in lookups.readable_reports(request.user, reports)]


@router.get(REPORT, response=responses(ReportOut, 403, 404))
@requires(C.READ_ALL_REPORTS, C.READ_OWN_REPORTS)
def get_report(request, code: PlanCode, year: Year, agency: Code):
    """The report with its revision; ``task_ids`` maps task codes to the ids PUT uses."""
    return report_data(lookups.get_report_by_agency_for_user(request.user, code, year, agency))


@router.put(REPORT, response=responses(ReportOut, 403, 404, 409))
@requires(C.EDIT_OWN_REPORT)
def put_report(request, code: PlanCode, year: Year, agency: Code, body: DraftIn):
    """Save the draft. ``revision`` must be the one last read: 409 otherwise. Only what
    changes is written (one audit entry with each changed field's before and after);
    a PUT that changes nothing writes nothing and answers the same revision."""
    data = body.model_dump(mode="json", exclude_unset=True)
    revision = data.pop("revision")
    with transaction.atomic():  # read under the report's lock, saved, answered from memory
        report = lookups.get_report_by_agency_for_user(request.user, code, year, agency, lock=True)
        items = services.report_items(report)
        saved = services.save_draft(report, request.user, data, revision, locked=True, items=items)
    return report_data(saved, items)


@router.post(REPORT + "/submit", response=responses(ReportOut, 403, 404))
@requires(C.EDIT_OWN_REPORT)
def submit(request, code: PlanCode, year: Year, agency: Code):
    """The agency sends its report to the coordinator (a new immutable version)."""
    report = lookups.get_report_by_agency_for_user(request.user, code, year, agency)
    services.submit_report(report, request.user)
    report.refresh_from_db()
    return report_data(report)


@router.post(REPORT + "/accept", response=responses(ReportOut, 403, 404))
@requires(C.REVIEW_REPORTS)
def accept(request, code: PlanCode, year: Year, agency: Code):
    """The coordinator accepts a submitted report: from now on it counts."""
    report = lookups.get_report_by_agency_for_user(request.user, code, year, agency)
    return report_data(services.accept_report(report, request.user))


@router.post(REPORT + "/return", response=responses(ReportOut, 403, 404))
@requires(C.REVIEW_REPORTS)
def return_(request, code: PlanCode, year: Year, agency: Code, body: CommentIn):
    """The coordinator returns a submitted report with a comment (and per field)."""
    report = lookups.get_report_by_agency_for_user(request.user, code, year, agency)
    return report_data(services.return_report(report, request.user, body.comment, body.fields))
