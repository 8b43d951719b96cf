"""A report as plain data, with the ids its tasks are written back with (the API's
read of a report; finding one for a user is access.lookups')."""

from __future__ import annotations

from typing import Any

from reporting import services
from reporting.models import AgencyReport, ReportItem


def report_data(report: AgencyReport, items: list[ReportItem] | None = None) -> dict[str, Any]:
    """The report's content (``services.snapshot_report``) with its state, revision,
    lateness, agency code and ``task_ids``: task code -> the id a draft is saved with.
    ``items``: all of the report's items already read (``services.report_items``)."""
    items = services.report_items(report) if items is None else items
    data = services.snapshot_report(report, items)
    data.update(
        {
            "state": report.state,
            "revision": report.revision,
            "late": report.late,
            "agency_code": report.agency.code,
            "task_ids": {item.task.code: str(item.task_id) for item in items},
        }
    )
    return data
