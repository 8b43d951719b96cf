"""Permission-checked lookups: the only way views and the API fetch a plan, a report,
a budget year or line, an import, a document job or an account by what the request
names. Each raises Http404 for what does not exist and PermissionDenied for what the
user may not see, so that a view never holds a bare ``.objects.get()``.

A top-layer module (like views): it composes the models of every app.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet, Value
from django.http import Http404
from django.utils.translation import gettext as _

from access import rules
from accounts.models import ApiToken, User
from budget.models import BudgetLine, BudgetYear
from documents.models import DocumentJob
from notices.models import Notice
from outgoing.models import OutgoingDocument, Version
from plans.models import Plan, PlanImport
from planwatch import fastsql
from reporting import workflow
from reporting.models import AgencyReport, Evidence, ReportingPeriod, ReportItem


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- plans --------------------------------------------------------------------------


# Read by every plan page (planwatch.fastsql: compiled once); codes are unique.
_PLAN = fastsql.Read(
    lambda code: Plan.objects.select_related("coordinator", "issuer").filter(code=code).order_by()
)


def get_plan_for_user(user: Any, code: str) -> Plan:
    """The plan ``code`` if the user may read it; 404 for an unknown code."""
    _require(rules.can_read_plan(user))
    found = _PLAN(code=code[:64])
    if not found:
        raise Http404(_("There is no plan with code %(code)s.") % {"code": code[:64]})
    plan = found[0]
    _require(rules.can_read_plan(user, plan))
    return plan


def get_import_for_user(user: Any, pk: int) -> PlanImport:
    """A plan import waiting for review, for those who import plans."""
    _require(rules.has(user, rules.C.IMPORT_PLANS))
    found = PlanImport.objects.filter(pk=pk).first()
    if found is None:
        raise Http404(_("There is no such import."))
    return found


# --- agency reports -------------------------------------------------------------------


def readable_reports(user: Any, reports: QuerySet[AgencyReport]) -> QuerySet[AgencyReport]:
    """``reports`` narrowed to those the user may read."""
    agencies = rules.readable_report_agencies(user)
    return reports if agencies is None else reports.filter(agency_id__in=agencies)


def _report(user: Any, lock: bool = False, **where: Any) -> AgencyReport:
    reports = AgencyReport.objects.select_related("period", "period__plan", "agency")
    if lock:  # its own row only: the period's and the agency's stay free for the others
        reports = reports.select_for_update(of=("self",))
    report = reports.filter(**where).order_by("pk").first()  # one at most
    if report is None:
        raise Http404(_("There is no such report."))
    _require(rules.can_read_report(user, report))
    return report


# The report pages' read without a lock (planwatch.fastsql: compiled once).
_REPORT = fastsql.Read(
    lambda report: (
        AgencyReport.objects.select_related("period", "period__plan", "agency")
        .filter(pk=report)
        .order_by()
    )
)


def get_report_for_user(user: Any, pk: int, *, lock: bool = False) -> AgencyReport:
    """The report if ``user`` may read it: 403 (and nothing shown) otherwise. ``lock``:
    its row locked until the end of the transaction the caller is in (a save reads
    and locks it in one query: reporting.services.save_draft ``locked``)."""
    if lock or type(pk) is not int:
        return _report(user, lock, pk=pk)
    found = _REPORT(report=pk)
    if not found:
        raise Http404(_("There is no such report."))
    _require(rules.can_read_report(user, found[0]))
    return found[0]


def get_report_by_agency_for_user(
    user: Any, code: str, year: int, agency: str, *, lock: bool = False
) -> AgencyReport:
    """The report of ``agency`` (its code) for ``year`` of plan ``code``."""
    return _report(
        user, lock, period__plan__code=code[:64], period__year=year, agency__code=agency[:80]
    )


def get_editable_report_for_user(user: Any, pk: int, *, lock: bool = False) -> AgencyReport:
    """The report if ``user`` may edit it now (own agency, draft or returned, not locked)."""
    report = get_report_for_user(user, pk, lock=lock)
    _require(workflow.can(user, workflow.EDIT, report))
    return report


# The autosave's read (planwatch.fastsql: compiled once, as it runs on every save).
_LOCKED_ITEMS = fastsql.Read(
    lambda report, tasks: (
        ReportItem.objects.select_related("report__period__plan", "report__agency", "task__group")
        .select_for_update(of=("report",))
        .filter(report_id=report, task_id__in=tasks)
        .order_by()  # sorted below: no ordering by joined columns to compile
    )
)

_LOCKED_REPORT = fastsql.Read(
    lambda report: (
        AgencyReport.objects.select_related("period", "period__plan", "agency")
        .select_for_update(of=("self",))
        .filter(pk=report)
        .order_by()
    )
)


def get_editable_report_with_items_for_user(
    user: Any, pk: int, task_ids: set[int]
) -> tuple[AgencyReport, list[ReportItem]]:
    """``get_editable_report_for_user(user, pk, lock=True)`` and the report's items of
    ``task_ids`` (with task and group, in plan order) read in the same query: the
    report's row locked (only it), each item's ``report`` that one object. Without
    such an item, the report is read on its own (no item)."""
    items = _LOCKED_ITEMS(report=pk, tasks=sorted(task_ids)) if task_ids else []
    if not items:
        found = _LOCKED_REPORT(report=pk)
        if not found:
            raise Http404(_("There is no such report."))
        _require(rules.can_read_report(user, found[0]))
        _require(workflow.can(user, workflow.EDIT, found[0]))
        return found[0], []
    items.sort(key=lambda i: (i.task.group.position, i.task.position))
    report = items[0].report
    for item in items:
        item.report = report
    _require(rules.can_read_report(user, report))
    _require(workflow.can(user, workflow.EDIT, report))
    return report, items


def get_evidence_for_user(user: Any, pk: int, *, edit: bool = False) -> Evidence:
    """An evidence file of a report the user may read (``edit``: may edit)."""
    found = (
        Evidence.objects.select_related("report", "report__period", "report__agency")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(_("There is no such file."))
    _require(rules.can_read_report(user, found.report))
    if edit:
        _require(workflow.can(user, workflow.EDIT, found.report))
    return found


def get_period_for_user(user: Any, plan: Plan, year: int) -> ReportingPeriod:
    """The reporting period of ``year`` of a plan the user reads."""
    _require(rules.can_read_reports(user))
    period = ReportingPeriod.objects.filter(plan=plan, year=year).first()
    if period is None:
        raise Http404(_("The reporting period %(year)s is not open.") % {"year": year})
    return period


# --- funding ----------------------------------------------------------------------------


# A year's funding with its plan in one query (planwatch.fastsql: compiled once);
# (plan, year) is unique. The year as a Value: the lookup would find fastsql's
# stand-in out of a small integer's range and compile no SQL.
_BUDGET = fastsql.Read(
    lambda code, year: (
        BudgetYear.objects.select_related("plan")
        .filter(plan__code=code, year=Value(year))
        .order_by()
    )
)


def get_budget_for_user(user: Any, code: str, year: int) -> BudgetYear:
    """The funding of ``year`` of plan ``code``; 404 when not opened (or out of the
    plan's period). The plan's checks are ``get_plan_for_user``'s."""
    _require(rules.can_read_budget(user))
    _require(rules.can_read_plan(user))
    found = _BUDGET(code=code[:64], year=int(year))
    if not found:
        get_plan_for_user(user, code)  # 404 for an unknown plan
        raise Http404(_("No funding has been opened for %(year)s.") % {"year": year})
    budget = found[0]
    plan = budget.plan
    _require(rules.can_read_plan(user, plan))
    if not plan.period_start <= year <= plan.period_end:
        raise Http404(_("No funding has been opened for %(year)s.") % {"year": year})
    return budget


def budget_lines_for_user(user: Any, budget: BudgetYear) -> QuerySet[BudgetLine]:
    """The year's estimate lines the user may read."""
    lines = BudgetLine.objects.filter(budget=budget)
    agencies = rules.readable_budget_agencies(user)
    return lines if agencies is None else lines.filter(agency_id__in=agencies)


def get_budget_line_for_user(user: Any, budget: BudgetYear, pk: Any) -> BudgetLine:
    """An estimate line of ``budget``: 404 when there is none, 403 when the user may
    not read it (another agency's line)."""
    pk = int(pk) if str(pk or "").isdigit() else 0
    line = BudgetLine.objects.select_related("task", "agency").filter(budget=budget, pk=pk).first()
    if line is None:
        raise Http404(_("There is no such estimate line."))
    agencies = rules.readable_budget_agencies(user)
    _require(agencies is None or line.agency_id in agencies)
    return line


# --- documents and accounts -----------------------------------------------------------


def get_job_for_user(user: Any, pk: int) -> DocumentJob:
    """A document generation job: its maker's (MANAGE_DOCUMENTS: anyone's)."""
    _require(rules.can_read_documents(user))
    job = DocumentJob.objects.select_related("plan").defer("result").filter(pk=pk).first()
    if job is None or not rules.can_read_job(user, job):
        raise Http404
    return job


def get_manageable_user_for(actor: Any, pk: int) -> User:
    """The user ``pk`` if ``actor`` may manage them; PermissionDenied otherwise."""
    _require(rules.has(actor, rules.C.MANAGE_ACCOUNTS))
    target = User.objects.select_related("agency").filter(pk=pk).first()
    if target is None or not rules.can_manage_user(actor, target):
        raise PermissionDenied
    return target


def get_notice_for_user(user: Any, pk: int) -> Notice:
    """A notice of the user's own; 404 for anyone else's (nobody reads another's)."""
    found = Notice.objects.filter(pk=pk, user_id=getattr(user, "pk", None) or 0).first()
    if found is None:
        raise Http404(_("There is no such notice."))
    return found


def tokens_for_user(actor: Any, owner: User) -> QuerySet[ApiToken]:
    """The API tokens of ``owner`` that ``actor`` sees: their own, or anyone's for an
    administrator (MANAGE_ADMINISTRATORS); none otherwise."""
    if actor.pk != owner.pk and not rules.has(actor, rules.C.MANAGE_ADMINISTRATORS):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=owner).order_by("-created_at")


def get_token_for_user(actor: Any, pk: int) -> ApiToken:
    """An API token that ``actor`` may revoke (their own, or any for an administrator);
    404 otherwise, so that the tokens of others are not revealed."""
    found = ApiToken.objects.select_related("user").filter(pk=pk).first()
    if found is None or (
        found.user_id != actor.pk and not rules.has(actor, rules.C.MANAGE_ADMINISTRATORS)
    ):
        raise Http404(_("No such API token."))
    return found


# --- outgoing documents -----------------------------------------------------------------


def can_read_outgoing(user: Any) -> bool:
    """The coordinator's office and the leaders who sign read outgoing documents."""
    return rules.has_any(user, (rules.C.READ_DOCUMENTS, rules.C.SIGN_DOCUMENTS))


def get_outgoing_for_user(user: Any, pk: int) -> OutgoingDocument:
    _require(can_read_outgoing(user))
    found = OutgoingDocument.objects.select_related("agency", "plan").filter(pk=pk).first()
    if found is None:
        raise Http404(_("There is no such document."))
    return found


def get_outgoing_version_for_user(user: Any, pk: int) -> Version:
    _require(can_read_outgoing(user))
    found = Version.objects.select_related("document").filter(pk=pk).first()
    if found is None:
        raise Http404(_("There is no such document."))
    return found
