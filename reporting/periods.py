"""Opening a reporting period: the due date and data cut-off of the year, and one
report per responsible agency listing the tasks it leads or partners that year."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from agencies.models import Agency
from audit.log import record, snapshot
from plans.answering import answering
from plans.models import Plan, Role, Task
from reporting.models import AgencyReport, PeriodStatus, ReportingPeriod, ReportItem


class PeriodError(ValueError):
    """A period that cannot be opened or changed; the message is Vietnamese."""


def default_due_date(plan: Plan, year: int) -> dt.date:
    """The plan's yearly deadline in ``year`` (10/12 in the seed); 31/12 if none."""
    month, day = plan.report_due_month or 12, plan.report_due_day or 31
    try:
        return dt.date(year, month, day)
    except ValueError:  # 29/2 in a common year
        return dt.date(year, month, 28)


def cutoff(year: int) -> tuple[dt.date, dt.date]:
    """The data period of an annual report (Nghị định 09/2019/NĐ-CP, Điều 12):
    from 15/12 of the previous year to 14/12 of the reporting year."""
    return dt.date(year - 1, 12, 15), dt.date(year, 12, 14)


def responsibilities(plan: Plan, year: int, on: dt.date) -> dict[Agency, dict[Task, str]]:
    """Each agency answerable in ``year`` and its tasks with its role (lead wins).

    References are resolved on ``on`` (plans.answering): an agency that was merged or
    split answers through its successors, a group reference means its members of that
    day; open groups ("các đơn vị có liên quan") name no agency that could report.
    """
    tasks = list(Task.objects.current().filter(plan=plan, start_year__lte=year, end_year__gte=year))
    result: dict[Agency, dict[Task, str]] = {}
    for answer in answering(tasks, on).values():
        for ref in answer.references:
            for agency in ref.agencies:
                roles = result.setdefault(agency, {})
                if roles.get(answer.task) != Role.LEAD:
                    roles[answer.task] = ref.role
    return result


@transaction.atomic
def open_period(
    plan: Plan, year: int, actor=None, due_date: dt.date | None = None, *, announce: bool = True
) -> ReportingPeriod:
    """Open the reporting period of ``year`` and create every agency's report."""
    if not plan.period_start <= year <= plan.period_end:
        raise PeriodError(
            _("The year must be between %(start)s and %(end)s.")
            % {"start": plan.period_start, "end": plan.period_end}
        )
    if ReportingPeriod.objects.filter(plan=plan, year=year).exists():
        raise PeriodError(_("The reporting period %(year)s is already open.") % {"year": year})
    start, end = cutoff(year)
    period = ReportingPeriod.objects.create(
        plan=plan,
        year=year,
        due_date=due_date or default_due_date(plan, year),
        cutoff_start=start,
        cutoff_end=end,
        opened_by=actor if getattr(actor, "pk", None) else None,
    )
    items = []
    for agency, tasks in sorted(
        responsibilities(plan, year, period.due_date).items(), key=lambda kv: kv[0].name
    ):
        report = AgencyReport.objects.create(period=period, agency=agency)
        items += [ReportItem(report=report, task=task, role=role) for task, role in tasks.items()]
    ReportItem.objects.bulk_create(items)
    record(
        actor,
        "create",
        period,
        after=snapshot(period),
        note=f"{period.reports.count()} agency reports",
    )
    if announce:
        transaction.on_commit(lambda: _announce(period))
    return period


def _announce(period: ReportingPeriod) -> None:
    """Tell every agency of a newly opened period (and the coordinators who was missed)."""
    from django.utils import timezone

    from reporting.reminders import announce_opened

    announce_opened(period, timezone.localdate())


@transaction.atomic
def set_period_status(period: ReportingPeriod, status: str, actor=None) -> ReportingPeriod:
    """Close (late reports still accepted, marked late) or lock (nothing changes) a
    period, or reopen it. A locked period stays locked."""
    locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if locked.status == PeriodStatus.LOCKED:
        raise PeriodError(_("The period is locked; nothing can change."))
    if status not in PeriodStatus.values:
        raise PeriodError(_("Unknown status."))
    before = snapshot(locked)
    locked.status = status
    locked.save(update_fields=["status"])
    record(actor, "update", locked, before=before, after=snapshot(locked))
    return locked


@transaction.atomic
def set_due_date(period: ReportingPeriod, due_date: dt.date, actor=None) -> ReportingPeriod:
    """Move the year's deadline (the plan's date is the default)."""
    locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if locked.status == PeriodStatus.LOCKED:
        raise PeriodError(_("The period is locked; nothing can change."))
    if due_date.year not in (locked.year, locked.year + 1):
        raise PeriodError(
            _("The due date must fall in %(year)s or early the year after.") % {"year": locked.year}
        )
    before = snapshot(locked)
    locked.due_date = due_date
    locked.save(update_fields=["due_date"])
    record(actor, "update", locked, before=before, after=snapshot(locked))
    return locked
