"""Every change to an agency report, each in one transaction with a row lock
and an audit entry: saving a draft (with a stale-revision check, so two people
never silently overwrite each other), submitting, returning, accepting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import rules
from audit.log import record
from planwatch import fastsql
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


ITEM_FIELDS = ("status", "reason", "done", "results", "quantities", "spent")


def report_items(report: AgencyReport) -> list[ReportItem]:
    """The report's items with their tasks and groups, in plan order."""
    return list(
        report.items.select_related("task", "task__group").order_by(
            "task__group__position", "task__position"
        )
    )


def snapshot_report(report: AgencyReport, items: list[ReportItem] | None = None) -> dict[str, Any]:
    """The report's content as plain data (for versions, comparisons and the API);
    ``items``: all of its items already read (``report_items``), or None to read them."""
    if items is None:
        items = report_items(report)
    else:
        items = sorted(items, key=lambda i: (i.task.group.position, i.task.position))
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
    """The report read again with its row locked: only its own row (``of``), not its
    period's nor its agency's, so that the agencies of one period save side by side."""
    return (
        AgencyReport.objects.select_for_update(of=("self",))
        .select_related("period", "period__plan", "agency")
        .get(pk=report.pk)
    )


def _clean_item(item: ReportItem, data: dict, errors: list[str]) -> None:
    code = item.task.code
    status = data.get("status", item.status)
    if status not in ItemStatus.values:
        errors.append(_("Task %(code)s: unknown status.") % {"code": code})
        return
    reason = (data.get("reason", item.reason) or "").strip()
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


Changes = dict[str, tuple[Any, Any]]  # what a save changed: {key: (before, after)}


def save_draft(
    report: AgencyReport,
    user,
    data: dict,
    revision: int,
    *,
    locked: bool = False,
    items: list[ReportItem] | None = None,
    also: Callable[[AgencyReport], Changes] | None = None,
) -> AgencyReport:
    """Save the agency's draft. ``revision`` is the one the editor read: when
    someone saved in between, StaleRevision is raised and nothing changes.

    Only what changes is written: each item whose fields differ (those fields), the
    report's texts, and the revision once; then one audit entry with the before and
    after of each change ("item I.2 done", "difficulties", "indicator 4 value", ...).
    A save that changes nothing writes nothing and keeps the revision.

    ``locked``: the caller read ``report`` with its row locked in the transaction it
    is in (access.lookups ``lock=True``). ``items``: the report's items (with task and
    group) the caller read after that lock, at least those ``data`` names, which are
    then updated in place (``snapshot_report(report, items)`` needs no query).
    ``also(report)``: more of the same save (the indicator values entered with it):
    it writes what changes and returns it for the audit entry, or raises ReportError
    before writing anything."""
    if locked:  # the caller's transaction: no savepoint of its own (2 statements less)
        assert transaction.get_connection().in_atomic_block, "locked: read in this transaction"
        with transaction.atomic(savepoint=False):
            return _save_draft(report, user, data, revision, items, also)
    with transaction.atomic():
        return _save_draft(_locked(report), user, data, revision, None, also)


def _save_draft(report, user, data, revision, items, also) -> AgencyReport:
    _check_revision(report, user, revision)
    items_by_task = {str(i.task_id): i for i in (report_items(report) if items is None else items)}
    changes, changed_items = _apply_items(items_by_task, data.get("items") or {})
    texts = _apply_texts(report, data)
    changes.update(texts)
    if also is not None:
        changes.update(also(report))
    for task_id, fields in changed_items.items():
        fastsql.update(items_by_task[task_id], sorted(fields))
    if not changes:
        return report
    changes["revision"] = (report.revision, report.revision + 1)
    report.revision += 1
    report.updated_by = user
    fastsql.update(report, ["revision", "updated_by", "updated_at", *texts])
    record(
        user,
        "update",
        report,
        before={key: old for key, (old, _new) in changes.items()},
        after={key: new for key, (_old, new) in changes.items()},
        note="draft",
    )
    return report


def _check_revision(report: AgencyReport, user, revision: int) -> None:
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


def _apply_items(items: dict[str, ReportItem], posted: dict) -> tuple[Changes, dict[str, set[str]]]:
    """Clean each posted item onto its ReportItem (in memory): ReportError with every
    problem; else the changes ({"item I.2 done": (before, after)}) and, for each item
    that changed, the names of its changed fields (to write)."""
    errors: list[str] = []
    changes: Changes = {}
    fields_by_task: dict[str, set[str]] = {}
    for task_id, item_data in posted.items():
        item = items.get(str(task_id))
        if item is None:
            errors.append(_("Task %(id)s is not part of this report.") % {"id": task_id})
            continue
        old = {name: getattr(item, name) for name in ITEM_FIELDS}
        _clean_item(item, item_data, errors)
        for name in ITEM_FIELDS:
            if getattr(item, name) != old[name]:
                changes[f"item {item.task.code} {name}"] = (old[name], getattr(item, name))
                fields_by_task.setdefault(str(task_id), set()).add(name)
    if errors:
        raise ReportError(errors)
    return changes, fields_by_task


def _apply_texts(report: AgencyReport, data: dict) -> Changes:
    """The report's own texts that ``data`` changes, set on ``report`` (in memory)."""
    changes: Changes = {}
    for name in ("difficulties", "proposals"):
        if name in data:
            new = (data[name] or "").strip()
            if new != getattr(report, name):
                changes[name] = (getattr(report, name), new)
                setattr(report, name, new)
    return changes


def already_saved(report: AgencyReport, data: dict) -> bool:
    """Whether the draft already holds ``data`` (a ``save_draft`` payload): a save
    sent again on a stale revision because a reload overtook its answer overwrites
    nothing, so it is not a conflict."""
    report = AgencyReport.objects.get(pk=report.pk)
    items = {str(i.task_id): i for i in report.items.all()}
    for task_id, values in (data.get("items") or {}).items():
        item = items.get(str(task_id))
        if item is None:
            return False
        for name, value in values.items():
            if isinstance(value, str):
                value = value.strip() or (None if name == "spent" else "")
            if getattr(item, name) != value:
                return False
    return all(
        (data[name] or "").strip() == getattr(report, name)
        for name in ("difficulties", "proposals")
        if name in data
    )


@transaction.atomic
def submit_report(report: AgencyReport, user, now: dt.datetime | None = None) -> ReportVersion:
    """Send the report to the coordinator: a new immutable version."""
    report = _locked(report)
    if not workflow.can(user, workflow.SUBMIT, report):
        raise PermissionDenied
    empty = empty_items(report)
    if empty and len(empty) == report.items.count():
        raise ReportError(
            [
                _(
                    "Nothing is reported yet on any task (%(codes)s): give at least one "
                    "task's status or what was done before submitting."
                )
                % {"codes": ", ".join(empty)}
            ]
        )
    version = record_submission(report, user, now)
    transaction.on_commit(
        lambda: reminders.announce_submitted(report, version.number, version.late)
    )
    return version


def is_empty(item: ReportItem) -> bool:
    """Nothing reported on the task: still "not started", no text, quantity or money."""
    return (
        item.status == ItemStatus.NOT_STARTED
        and not (item.reason or item.done or item.results or item.quantities)
        and item.spent is None
    )


def empty_items(report: AgencyReport) -> list[str]:
    """The codes of the report's tasks on which nothing is reported, in plan order."""
    items = report.items.select_related("task", "task__group").order_by(
        "task__group__position", "task__position"
    )
    return [i.task.code for i in items if is_empty(i)]


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
    per_field = {f: t.strip() for f, t in (field_comments or {}).items() if t and t.strip()}
    if not comment and not per_field:
        raise ReportError([_("Say what must change: a comment is required to return a report.")])
    version = report.versions.order_by("-number").first()
    if comment:
        ReviewComment.objects.create(
            report=report, version=version, field="", text=comment, author=user
        )
    for field, text in per_field.items():
        ReviewComment.objects.create(
            report=report, version=version, field=field[:64], text=text, author=user
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
    everything = "\n".join([comment, *_field_comment_lines(per_field)]).strip()
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
