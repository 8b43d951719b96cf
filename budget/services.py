"""The funding cycle of a year, each step one transaction with its actor, time and
reason in the audit log:

drafting ──submit (coordinator)──▶ submitted ──complete appraisal (finance)──▶ appraised
   ▲                                   │                                         │
   └──── returned ◀──return (finance)──┘                      allocate (finance) ▼
                                                                              allocated

Agencies draft their own lines; the coordinator gathers (and may add or correct any
line) and submits; Sở Tài chính accepts, reduces (with a reason) or rejects (with a
reason) each line, returns the proposal or completes the appraisal, and records the
allocation decided by UBND tỉnh. A submitted proposal is frozen in a version; work
after a return makes new versions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, overload

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from access import rules
from accounts.models import User
from agencies.models import Agency
from audit.log import record
from budget import notify
from budget.models import BudgetLine, BudgetState, BudgetVersion, BudgetYear, Decision, Source
from plans.answering import answering
from plans.models import Plan, Task
from planwatch.money import MoneyError, dong, parse_dong
from planwatch.text import clean
from reporting.models import ReportingPeriod
from reporting.periods import default_due_date

if TYPE_CHECKING:
    from budget.summary import Line

PLAUSIBLE = 10**11  # 100 tỷ đồng for one line of this plan: warn, allow

EDIT, SUBMIT, APPRAISE, RETURN, COMPLETE, ALLOCATE = (
    "edit",
    "submit",
    "appraise",
    "return",
    "complete",
    "allocate",
)
# action -> the states it starts from; who may take it is access.rules.may_act_on_budget
ACTIONS: dict[str, set[str]] = {
    EDIT: {BudgetState.DRAFTING, BudgetState.RETURNED},
    SUBMIT: {BudgetState.DRAFTING, BudgetState.RETURNED},
    APPRAISE: {BudgetState.SUBMITTED},
    RETURN: {BudgetState.SUBMITTED},
    COMPLETE: {BudgetState.SUBMITTED},
    ALLOCATE: {BudgetState.APPRAISED},
}
MESSAGES = {
    EDIT: gettext_lazy(
        "Only the agency drafting the estimate (or the coordinator) changes it, while it is "
        "being drafted or after a return."
    ),
    SUBMIT: gettext_lazy(
        "Only the coordinator sends the estimate, while it is being drafted or after a return."
    ),
    APPRAISE: gettext_lazy("Only the finance department appraises, once the estimate is sent."),
    RETURN: gettext_lazy("Only the finance department returns an estimate that was sent."),
    COMPLETE: gettext_lazy(
        "Only the finance department completes the appraisal of an estimate that was sent."
    ),
    ALLOCATE: gettext_lazy(
        "Only the finance department records the allocation decision, after the appraisal."
    ),
}


class BudgetError(ValueError):
    """Bad input or a step not allowed: ``errors`` are sentences in the user's language."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


class StaleBudget(BudgetError):
    """The year changed since it was read; nothing was overwritten."""


class BudgetForbidden(BudgetError):
    """The step is not the user's to take (the permission layer said no)."""


def can(user: User, action: str, budget: BudgetYear, line: BudgetLine | Line | None = None) -> bool:
    """Whether ``user`` may take ``action`` now (on ``line``, a model or a page's row):
    the year's state and the permission layer."""
    return budget.state in ACTIONS[action] and rules.may_act_on_budget(user, action, line)


def require(user: User, action: str, budget: BudgetYear, line: BudgetLine | None = None):
    if not rules.may_act_on_budget(user, action, line):
        raise BudgetForbidden([str(MESSAGES[action])])
    if budget.state not in ACTIONS[action]:
        raise BudgetError([str(MESSAGES[action])])


# --- money --------------------------------------------------------------------


def parse_amount(value, label: str | None = None) -> int:
    """Whole đồng from 1250000000, "1250000000", "1.250.000.000", "1 250 000 000 đ"
    (planwatch.money.parse_dong, the one money parser); BudgetError otherwise."""
    try:
        return parse_dong(value, label or _("Amount"))
    except MoneyError as exc:
        raise BudgetError([exc.message]) from None


def plausibility_warning(amount: int, label: str) -> str | None:
    if amount > PLAUSIBLE:
        return _("%(label)s: %(amount)s is very large for one estimate line; check it.") % {
            "label": label,
            "amount": dong(amount),
        }
    return None


# --- the year -------------------------------------------------------------------


@overload
def budget_for(plan: Plan, year: int, *, create: Literal[True]) -> BudgetYear: ...
@overload
def budget_for(plan: Plan, year: int, *, create: bool = False) -> BudgetYear | None: ...
def budget_for(plan: Plan, year: int, *, create: bool = False) -> BudgetYear | None:
    """The year's funding (created when ``create``); None when there is none yet."""
    if not plan.period_start <= year <= plan.period_end:
        raise BudgetError(
            [
                _("The year %(year)s is outside the plan's period (%(start)s–%(end)s).")
                % {"year": year, "start": plan.period_start, "end": plan.period_end}
            ]
        )
    budget = BudgetYear.objects.filter(plan=plan, year=year).first()
    if budget is None and create:
        budget, _created = BudgetYear.objects.get_or_create(plan=plan, year=year)
    return budget


def snapshot(budget: BudgetYear) -> dict:
    lines = budget.lines.select_related("task", "agency").order_by("pk")
    return {
        "state": budget.state,
        "allocation": {
            "number": budget.allocation_number,
            "date": budget.allocation_date.isoformat() if budget.allocation_date else None,
        },
        "lines": [
            {
                "id": line.pk,
                "task": line.task.code,
                "agency": line.agency.code,
                "source": line.source,
                "content": line.content,
                "amount": line.amount,
                "decision": line.decision,
                "appraised": line.appraised_amount,
                "reason": line.reason,
                "allocated": line.allocated_amount,
            }
            for line in lines
        ],
    }


def _version(budget: BudgetYear, kind: str, actor) -> BudgetVersion:
    number = (budget.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return BudgetVersion.objects.create(
        budget=budget, number=number, kind=kind, data=snapshot(budget), created_by=actor
    )


def _locked(budget: BudgetYear, revision: int | None = None) -> BudgetYear:
    locked = BudgetYear.objects.select_for_update().select_related("plan").get(pk=budget.pk)
    if revision is not None and revision != locked.revision:
        raise StaleBudget(
            [
                _(
                    "Someone else changed the estimate just now; reload the page to see the "
                    "new version. Nothing was overwritten."
                )
            ]
        )
    return locked


def _bump(budget: BudgetYear, fields: list[str]) -> None:
    budget.revision += 1
    budget.save(update_fields=[*fields, "revision"])


@dataclass
class LineInput:
    task: Task | str | None
    agency: Agency | str | None
    source: str
    content: str
    amount: object
    errors: list[str] = field(default_factory=list)


def report_due_date(plan: Plan, year: int) -> dt.date:
    """The year's report due date: the open period's (a coordinator may have moved it),
    else the plan's own deadline."""
    due = (
        ReportingPeriod.objects.filter(plan=plan, year=year)
        .values_list("due_date", flat=True)
        .first()
    )
    return due or default_due_date(plan, year)


def answering_agencies(plan: Plan, year: int) -> dict[int, set[int]]:
    """{task id: agencies answering for it in ``year``} (on the report due date)."""
    day = report_due_date(plan, year)
    tasks = list(Task.objects.current().filter(plan=plan))
    return {pk: {a.pk for a in ans.agencies()} for pk, ans in answering(tasks, day).items()}


def _clean_line(
    budget: BudgetYear, actor: User, data: dict, responsible
) -> tuple[dict, list, list]:
    errors, warnings = [], []
    plan, year = budget.plan, budget.year
    task = data.get("task")
    if isinstance(task, str):
        task = Task.objects.current().filter(plan=plan).select_related("group").all()
        task = next((t for t in task if t.code == data["task"].strip()), None)
    if task is None:
        errors.append(_("Choose a task of the plan."))
    elif not task.is_active_in(year):
        errors.append(
            _(
                "Task %(code)s is not carried out in %(year)s (%(timeframe)s); no estimate "
                "for this year."
            )
            % {"code": task.code, "year": year, "timeframe": task.timeframe_text}
        )
    agency = data.get("agency")
    if isinstance(agency, str):
        agency = Agency.objects.filter(code=agency.strip()).first()
    own = rules.estimating_agency(actor)
    if own is not None:
        if agency is not None and agency.pk != own:
            errors.append(_("An agency drafts only its own estimate."))
        agency = actor.agency
    if agency is None:
        errors.append(_("Choose the agency drafting the estimate."))
    elif task is not None and agency.pk not in responsible.get(task.pk, set()):
        errors.append(
            _("%(agency)s neither leads nor partners task %(code)s in %(year)s.")
            % {"agency": agency.name, "code": task.code, "year": year}
        )
    source = data.get("source", "")
    if source not in Source.values:
        errors.append(_("Choose the source of funds."))
    content = clean(str(data.get("content", "")))
    if not content:
        errors.append(_("Write what the money is for."))
    amount = None
    try:
        amount = parse_amount(data.get("amount"), _("Estimated amount"))
    except BudgetError as exc:
        errors.extend(exc.errors)
    else:
        warning = plausibility_warning(amount, _("Estimated amount"))
        if warning:
            warnings.append(warning)
    return (
        {"task": task, "agency": agency, "source": source, "content": content, "amount": amount},
        errors,
        warnings,
    )


@transaction.atomic
def save_line(
    budget: BudgetYear,
    actor: User,
    data: dict,
    line: BudgetLine | None = None,
    revision: int | None = None,
    responsible: dict[int, set[int]] | None = None,
) -> tuple[BudgetLine, list[str]]:
    """Add or change an estimate line; (line, warnings). BudgetError, nothing saved.
    ``responsible`` (answering_agencies of the year) spares recomputing it when many
    lines are saved at once."""
    budget = _locked(budget, revision)
    if line is not None:
        line = BudgetLine.objects.select_for_update().get(pk=line.pk, budget=budget)
    require(actor, EDIT, budget, line)
    if responsible is None:
        responsible = answering_agencies(budget.plan, budget.year)
    values, errors, warnings = _clean_line(budget, actor, data, responsible)
    if errors:
        raise BudgetError(errors)
    before = None
    if line is None:
        line = BudgetLine(budget=budget)
    else:
        before = {"amount": line.amount, "content": line.content, "source": line.source}
    for key, value in values.items():
        setattr(line, key, value)
    line.updated_by = actor
    line.save()
    _bump(budget, [])
    record(
        actor,
        "create" if before is None else "update",
        line,
        before=before,
        after={
            "task": line.task.code,
            "agency": line.agency.code,
            "amount": line.amount,
            "source": line.source,
            "content": line.content,
        },
        note="estimate",
    )
    return line, warnings


@transaction.atomic
def delete_line(budget: BudgetYear, actor: User, line: BudgetLine) -> None:
    budget = _locked(budget)
    require(actor, EDIT, budget, line)
    record(actor, "delete", line, before={"task": line.task.code, "amount": line.amount})
    line.delete()
    _bump(budget, [])


@transaction.atomic
def submit(budget: BudgetYear, actor: User, revision: int | None = None) -> BudgetYear:
    budget = _locked(budget, revision)
    require(actor, SUBMIT, budget)
    if not budget.lines.exists():
        raise BudgetError([_("The estimate has no line to send yet.")])
    budget.lines.update(decision=Decision.PENDING, appraised_amount=None, reason="")
    budget.state, budget.submitted_at, budget.return_reason = (
        BudgetState.SUBMITTED,
        timezone.now(),
        "",
    )
    _bump(budget, ["state", "submitted_at", "return_reason"])
    version = _version(budget, BudgetVersion.Kind.SUBMISSION, actor)
    record(actor, "event", budget, after={"version": version.number}, note="proposal submitted")
    return budget


@transaction.atomic
def appraise_line(
    line: BudgetLine, actor: User, decision: str, amount=None, reason: str = ""
) -> BudgetLine:
    budget = _locked(line.budget)
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    require(actor, APPRAISE, budget)
    reason = clean(reason)
    errors = []
    if decision == Decision.ACCEPTED:
        appraised = line.amount
    elif decision == Decision.REDUCED:
        try:
            appraised = parse_amount(amount, _("Appraised amount"))
        except BudgetError as exc:
            raise BudgetError(exc.errors) from None
        if appraised >= line.amount:
            errors.append(_("When reducing, the appraised amount must be below the estimate."))
        if not reason:
            errors.append(_("Give the reason for the reduction."))
    elif decision == Decision.REJECTED:
        appraised = 0
        if not reason:
            errors.append(_("Give the reason for rejecting it."))
    else:
        errors.append(_("Choose: accept, reduce or reject."))
    if errors:
        raise BudgetError(errors)
    before = {"decision": line.decision, "appraised": line.appraised_amount}
    line.decision, line.appraised_amount, line.reason = decision, appraised, reason
    line.updated_by = actor
    line.save(update_fields=["decision", "appraised_amount", "reason", "updated_by", "updated_at"])
    _bump(budget, [])
    record(
        actor,
        "update",
        line,
        before=before,
        after={"decision": decision, "appraised": appraised, "reason": reason},
        note="appraisal",
    )
    return line


@transaction.atomic
def accept_all(budget: BudgetYear, actor: User) -> int:
    """Accept, as estimated, every line not yet appraised; returns how many."""
    budget = _locked(budget)
    require(actor, APPRAISE, budget)
    pending = list(budget.lines.filter(decision=Decision.PENDING).select_related("budget"))
    for line in pending:
        appraise_line(line, actor, Decision.ACCEPTED)
    return len(pending)


@transaction.atomic
def return_budget(budget: BudgetYear, actor: User, reason: str) -> BudgetYear:
    budget = _locked(budget)
    require(actor, RETURN, budget)
    reason = clean(reason)
    if not reason:
        raise BudgetError([_("Give the reason for returning it.")])
    budget.state, budget.return_reason = BudgetState.RETURNED, reason
    _bump(budget, ["state", "return_reason"])
    _version(budget, BudgetVersion.Kind.RETURN, actor)
    record(actor, "event", budget, after={"reason": reason}, note="proposal returned")
    return budget


@transaction.atomic
def complete_appraisal(budget: BudgetYear, actor: User) -> BudgetYear:
    budget = _locked(budget)
    require(actor, COMPLETE, budget)
    pending = budget.lines.filter(decision=Decision.PENDING).count()
    if pending:
        raise BudgetError(
            [
                ngettext(
                    "%(n)s line is not appraised yet.",
                    "%(n)s lines are not appraised yet.",
                    pending,
                )
                % {"n": pending}
            ]
        )
    budget.state, budget.appraised_at = BudgetState.APPRAISED, timezone.now()
    _bump(budget, ["state", "appraised_at"])
    version = _version(budget, BudgetVersion.Kind.APPRAISAL, actor)
    record(actor, "event", budget, after={"version": version.number}, note="appraisal completed")
    transaction.on_commit(lambda: notify.appraisal_done(budget, version.number))
    return budget


@transaction.atomic
def allocate(
    budget: BudgetYear,
    actor: User,
    number: str,
    date: dt.date | None,
    amounts: Mapping[int, object] | None = None,
) -> BudgetYear:
    """Record UBND tỉnh's allocation decision; each line gets its appraised amount
    unless ``amounts`` says otherwise."""
    budget = _locked(budget)
    require(actor, ALLOCATE, budget)
    errors = []
    number = clean(number)
    if not number:
        errors.append(
            _("Give the number of the provincial People's Committee's allocation decision.")
        )
    if date is None:
        errors.append(_("Give the date of the decision (day/month/year)."))
    lines = list(budget.lines.select_for_update())
    allocated: dict[int, int] = {}
    for line in lines:
        raw = (amounts or {}).get(line.pk)
        if raw in (None, ""):
            allocated[line.pk] = line.appraised_amount or 0
            continue
        try:
            allocated[line.pk] = parse_amount(
                raw,
                _("Line %(code)s (%(agency)s)")
                % {"code": line.task.code, "agency": line.agency.name},
            )
        except BudgetError as exc:
            errors.extend(exc.errors)
    if errors:
        raise BudgetError(errors)
    for line in lines:
        line.allocated_amount = allocated[line.pk]
        line.save(update_fields=["allocated_amount"])
    budget.state, budget.allocation_number, budget.allocation_date = (
        BudgetState.ALLOCATED,
        number,
        date,
    )
    budget.allocated_at = timezone.now()
    _bump(budget, ["state", "allocation_number", "allocation_date", "allocated_at"])
    version = _version(budget, BudgetVersion.Kind.ALLOCATION, actor)
    record(
        actor,
        "event",
        budget,
        after={"decision": number, "date": date, "version": version.number},
        note="allocation recorded",
    )
    return budget
