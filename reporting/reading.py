"""A report as plain data, with the ids its tasks are written back with (the API's
read of a report; finding one for a user is access.lookups')."""

from __future__ import annotations

from typing import Any

from reporting import services
from reporting.models import AgencyReport


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
