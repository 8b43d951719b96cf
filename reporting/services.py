"""Every change to an agency report, each in one transaction with a row lock
and an audit entry: saving a draft (with a stale-revision check, so two people
never silently overwrite each other), submitting, returning, accepting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import rules
from audit.log import record
from planwatch.money import MoneyError, parse_dong
from reporting import reminders, workflow
from reporting.models import (
    AgencyReport,
    ItemStatus,
    PeriodStatus,
    ReminderKind,
    ReportItem,
    ReportState,
    ReportVersion,
    ReviewComment,
)


class ReportError(ValueError):
    """Bad input for a report: ``errors`` are Vietnamese sentences."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


class StaleRevision(ReportError):
    """The draft changed since it was read; nothing was overwritten."""


def snapshot_report(report: AgencyReport) -> dict[str, Any]:
    """The report's content as plain data (for versions, comparisons and the audit log)."""
    items = report.items.select_related("task", "task__group").order_by(
        "task__group__position", "task__position"
    )
    return {
        "agency": report.agency.name,
        "year": report.period.year,
        "difficulties": report.difficulties,
        "proposals": report.proposals,
        "items": [
            {
                "task": i.task.code,
                "role": i.role,
                "status": i.status,
                "reason": i.reason,
                "done": i.done,
                "results": i.results,
                "quantities": i.quantities,
                "spent": i.spent,
            }
            for i in items
        ],
    }


def is_late(report: AgencyReport, when: dt.datetime) -> bool:
    return timezone.localdate(when) > report.period.due_date


def _locked(report: AgencyReport) -> AgencyReport:
    return (
        AgencyReport.objects.select_for_update()
        .select_related("period", "agency")
        .get(pk=report.pk)
    )


def _clean_item(item: ReportItem, data: dict, errors: list[str]) -> None:
    code = item.task.code
    status = data.get("status", item.status)
    if status not in ItemStatus.values:
        errors.append(_("Task %(code)s: unknown status.") % {"code": code})
        return
    reason = (data.get("reason") or "").strip()
    if status == ItemStatus.NOT_DONE and not reason:
        errors.append(_("Task %(code)s: give the reason it will not be done.") % {"code": code})
    spent = data.get("spent", item.spent)
    if spent in (None, ""):
        spent = None
    else:
        try:
            spent = parse_dong(spent, _("Task %(code)s, money spent") % {"code": code})
        except MoneyError as exc:
            errors.append(exc.message)
            spent = None
    quantities = data.get("quantities", item.quantities) or []
    if not isinstance(quantities, list) or not all(
        isinstance(q, dict) and str(q.get("label", "")).strip() for q in quantities
    ):
        errors.append(_("Task %(code)s: each quantity needs a label.") % {"code": code})
        quantities = item.quantities
    item.status, item.reason, item.spent, item.quantities = status, reason, spent, quantities
    item.done = (data.get("done", item.done) or "").strip()
    item.results = (data.get("results", item.results) or "").strip()


def check_draft(report: AgencyReport, data: dict) -> list[str]:
    """The problems ``save_draft`` would find in ``data``, without saving anything."""
    errors: list[str] = []
    items = {str(i.task_id): i for i in report.items.select_related("task", "task__group")}
    for task_id, item_data in (data.get("items") or {}).items():
        item = items.get(str(task_id))
        if item is None:
            errors.append(_("Task %(id)s is not part of this report.") % {"id": task_id})
        else:
            _clean_item(item, item_data, errors)
    return errors


@transaction.atomic
def save_draft(report: AgencyReport, user, data: dict, revision: int) -> AgencyReport:
    """Save the agency's draft. ``revision`` is the one the editor read: when
    someone saved in between, StaleRevision is raised and nothing changes."""
    report = _locked(report)
    if not workflow.can(user, workflow.EDIT, report):
        raise PermissionDenied
    if revision != report.revision:
        raise StaleRevision(
            [
                _(
                    "Someone else saved this report after you opened it; reload "
                    "to see their changes. Nothing was overwritten."
                )
            ]
        )
    before = snapshot_report(report)
    errors: list[str] = []
    items = {str(i.task_id): i for i in report.items.select_related("task", "task__group")}
    for task_id, item_data in (data.get("items") or {}).items():
        item = items.get(str(task_id))
        if item is None:
            errors.append(_("Task %(id)s is not part of this report.") % {"id": task_id})
            continue
        _clean_item(item, item_data, errors)
    if errors:
        raise ReportError(errors)
    for item in items.values():
        item.save()
    report.difficulties = (data.get("difficulties", report.difficulties) or "").strip()
    report.proposals = (data.get("proposals", report.proposals) or "").strip()
    report.revision += 1
    report.updated_by = user
    report.save()
    record(user, "update", report, before=before, after=snapshot_report(report), note="draft")
    return report


@transaction.atomic
def submit_report(report: AgencyReport, user, now: dt.datetime | None = None) -> ReportVersion:
    """Send the report to the coordinator: a new immutable version."""
    report = _locked(report)
    if not workflow.can(user, workflow.SUBMIT, report):
        raise PermissionDenied
    version = record_submission(report, user, now)
    transaction.on_commit(
        lambda: reminders.announce_submitted(report, version.number, version.late)
    )
    return version


@transaction.atomic
def record_submission(report: AgencyReport, user, now: dt.datetime | None = None) -> ReportVersion:
    """The submission itself, once it is decided who may submit: ``submit_report``
    after its permission check, and the demo loader, which submits for every agency
    at moments of past years. Lateness follows the period's due date and status."""
    report = _locked(report)
    now = now or timezone.now()
    errors = [
        _("Task %(code)s: give the reason it will not be done.") % {"code": i.task.code}
        for i in report.items.select_related("task", "task__group")
        if i.status == ItemStatus.NOT_DONE and not i.reason
    ]
    if errors:
        raise ReportError(errors)
    late = is_late(report, now) or report.period.status == PeriodStatus.CLOSED
    number = report.versions.count() + 1
    version = ReportVersion.objects.create(
        report=report,
        number=number,
        data=snapshot_report(report),
        submitted_at=now,
        submitted_by=user,
        late=late,
    )
    before_state = report.state
    report.state = workflow.target(workflow.SUBMIT, report)
    report.submitted_at = now
    report.first_submitted_at = report.first_submitted_at or now
    report.late = report.late or (late and number == 1)
    report.revision += 1
    report.updated_by = user
    report.save()
    record(
        user,
        "update",
        report,
        before={"state": before_state},
        after={"state": report.state, "version": number, "late": late},
        note="submit",
    )
    return version


@transaction.atomic
def return_report(
    report: AgencyReport, user, comment: str, field_comments: dict[str, str] | None = None
) -> AgencyReport:
    """Send a submitted report back to its agency with the coordinator's comments."""
    report = _locked(report)
    if not workflow.can(user, workflow.RETURN, report):
        raise PermissionDenied
    comment = (comment or "").strip()
    if not comment:
        raise ReportError([_("Say what must change: a comment is required to return a report.")])
    version = report.versions.order_by("-number").first()
    ReviewComment.objects.create(
        report=report, version=version, field="", text=comment, author=user
    )
    for field, text in (field_comments or {}).items():
        if text and text.strip():
            ReviewComment.objects.create(
                report=report, version=version, field=field[:64], text=text.strip(), author=user
            )
    report.state = workflow.target(workflow.RETURN, report)
    report.revision += 1
    report.updated_by = user
    report.save()
    record(
        user,
        "update",
        report,
        before={"state": ReportState.SUBMITTED},
        after={"state": report.state, "comment": comment},
        note="return",
    )
    everything = "\n".join([comment, *_field_comment_lines(field_comments or {})])
    transaction.on_commit(
        lambda: reminders.notify(
            report, ReminderKind.RETURNED, timezone.localdate(), {"comment": everything}
        )
    )
    return report


def _field_comment_lines(field_comments: dict[str, str]) -> list[str]:
    """The per-item comments as lines of the notice ("- Nhiệm vụ I.2: ...")."""
    lines = []
    for field, text in field_comments.items():
        if text and text.strip():
            where = field.removeprefix("item-")
            label = f"Nhiệm vụ {where}" if field.startswith("item-") else field
            label = {"difficulties": "Khó khăn", "proposals": "Kiến nghị"}.get(field, label)
            lines.append(f"- {label}: {text.strip()}")
    return lines


@transaction.atomic
def accept_report(report: AgencyReport, user, now: dt.datetime | None = None) -> AgencyReport:
    """Accept a submitted report: from now on it counts in the consolidated figures."""
    report = _locked(report)
    if not workflow.can(user, workflow.ACCEPT, report):
        raise PermissionDenied
    report.state = workflow.target(workflow.ACCEPT, report)
    report.accepted_at = now or timezone.now()
    report.revision += 1
    report.updated_by = user
    report.save()
    record(
        user,
        "update",
        report,
        before={"state": ReportState.SUBMITTED},
        after={"state": report.state},
        note="accept",
    )
    transaction.on_commit(
        lambda: reminders.notify(report, ReminderKind.ACCEPTED, timezone.localdate())
    )
    return report


def remind(report: AgencyReport, user) -> bool:
    """The coordinator's one-click reminder to an agency that has not reported."""
    if not rules.has(user, rules.C.MANAGE_REPORTING):
        raise PermissionDenied
    sent = reminders.notify(report, ReminderKind.MANUAL, timezone.localdate())
    record(user, "event", report, note="reminder sent" if sent else "reminder not sent")
    return sent


def remind_all(period, user) -> tuple[list[AgencyReport], list[AgencyReport]]:
    """Remind every agency of ``period`` that has not sent its report (draft or
    returned): (reminded, not reached or already reminded today)."""
    if not rules.has(user, rules.C.MANAGE_REPORTING):
        raise PermissionDenied
    today = timezone.localdate()
    pending = period.reports.filter(
        state__in=[ReportState.DRAFT, ReportState.RETURNED]
    ).select_related("agency", "period", "period__plan")
    sent: list[AgencyReport] = []
    missed: list[AgencyReport] = []
    for report in pending:
        (sent if reminders.notify(report, ReminderKind.MANUAL, today) else missed).append(report)
    record(
        user,
        "event",
        period,
        after={"reminded": len(sent), "not_reminded": len(missed)},
        note="reminders sent to every agency not reported",
    )
    return sent, missed


def accept_many(reports: list[AgencyReport], user) -> tuple[list[AgencyReport], list[str]]:
    """Accept each report in its own step (each checked as one accepted alone);
    (accepted, problems) — one refused report does not stop the others."""
    accepted, problems = [], []
    for report in reports:
        try:
            accept_report(report, user)
        except PermissionDenied:
            problems.append(
                _("%(agency)s: this report cannot be accepted now (state: %(state)s).")
                % {"agency": report.agency.name, "state": report.get_state_display()}
            )
        except ReportError as exc:
            problems.extend(f"{report.agency.name}: {e}" for e in exc.errors)
        else:
            accepted.append(report)
    return accepted, problems
