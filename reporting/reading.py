"""Reading reports: a year's reporting period, the reports a user sees in it, one
report found by plan, year and agency for a user, and a report as plain data with the
ids its tasks are written back with."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from reporting import services, workflow
from reporting.models import AgencyReport, ReportingPeriod


def get_period(plan_code: str, year: int) -> ReportingPeriod:
    """The plan's reporting period of ``year``; Http404 when none was opened."""
    period = (
        ReportingPeriod.objects.select_related("plan")
        .filter(plan__code=plan_code, year=year)
        .first()
    )
    if period is None:
        raise Http404(_("The reporting period %(year)s is not open.") % {"year": year})
    return period


def reports_for(user, period: ReportingPeriod) -> QuerySet[AgencyReport]:
    """The period's reports the user sees (a reporter: their agency's and those of the
    agencies it succeeded), by agency name."""
    reports = period.reports.select_related("agency", "period__plan").order_by("agency__name")
    if user.is_reporter:
        reports = reports.filter(agency_id__in={user.agency_id} | workflow.predecessors_of(user))
    return reports


def get_report_for_user(user, plan_code: str, year: int, agency_code: str) -> AgencyReport:
    """The report of ``agency_code`` for the plan's ``year``: Http404 when there is none,
    PermissionDenied when the user may not read it."""
    report = (
        AgencyReport.objects.select_related("period", "period__plan", "agency")
        .filter(period__plan__code=plan_code, period__year=year, agency__code=agency_code)
        .first()
    )
    if report is None:
        raise Http404(_("There is no such report."))
    if not workflow.can_view(user, report):
        raise PermissionDenied
    return report


def report_data(report: AgencyReport) -> dict[str, Any]:
    """The report's content (``services.snapshot_report``) with its state, revision,
    lateness, agency code and ``task_ids``: task code -> the id a draft is saved with."""
    data = services.snapshot_report(report)
    ids = report.items.order_by("task__group__position", "task__position").values_list(
        "task_id", flat=True
    )
    data.update(
        {
            "state": report.state,
            "revision": report.revision,
            "late": report.late,
            "agency_code": report.agency.code,
            "task_ids": {
                item["task"]: str(task_id) for item, task_id in zip(data["items"], ids, strict=True)
            },
        }
    )
    return data
