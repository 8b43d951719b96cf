"""Reporting pages: the year's periods and heat map, the coordinator's dashboard,
an agency's report (edit with autosave, submit, return, accept, compare versions)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from access import rules
from access.lookups import (
    get_evidence_for_user,
    get_plan_for_user,
    get_report_for_user,
)
from accounts.permissions import (
    can_manage_reporting,
    can_read_consolidated_reports,
    can_view_plans,
    require,
)
from agencies.succession import current_names
from documents.pdf import available as pdf_available
from indicators import reports as indicator_reports
from reporting import dashboard, evidence, excel, services, workflow
from reporting.forms import format_quantities, report_data
from reporting.models import (
    AgencyReport,
    ItemStatus,
    ReportingPeriod,
    ReportItem,
)
from reporting.periods import PeriodError, open_period, set_due_date, set_period_status


def _plan(user, code):
    return get_plan_for_user(user, code)


def plan_periods(request, code: str):
    plan = _plan(request.user, code)
    error = None
    if request.method == "POST":
        require(can_manage_reporting(request.user))
        year = (request.POST.get("year") or "").strip()
        try:
            period = open_period(plan, int(year) if year.isdigit() else -1, request.user)
        except PeriodError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("Reporting period %(year)s opened: %(n)s agency reports.")
                % {"year": period.year, "n": period.reports.count()},
            )
            return redirect("reporting:year", code=plan.code, year=period.year)
    years, rows = dashboard.heat_map(plan, timezone.localdate())
    opened = set(years)
    return render(
        request,
        "reporting/plan_periods.html",
        {
            "plan": plan,
            "years": years,
            "rows": rows,
            "error": error,
            "can_manage": can_manage_reporting(request.user),
            "openable": [y for y in plan.years if y not in opened],
            "periods": ReportingPeriod.objects.filter(plan=plan).order_by("-year"),
        },
        status=400 if error else 200,
    )


def year_dashboard(request, code: str, year: int):
    plan = _plan(request.user, code)
    period = ReportingPeriod.objects.filter(plan=plan, year=year).first()
    if period is None:
        raise Http404(_("The reporting period %(year)s is not open.") % {"year": year})
    if request.user.is_reporter:
        own = period.reports.filter(agency_id=request.user.agency_id).first()
        if own is None:
            raise PermissionDenied
        return redirect("reporting:report", pk=own.pk)
    if request.method == "POST":
        require(can_manage_reporting(request.user))
        action = request.POST.get("action")
        try:
            if action in ("open", "closed", "locked"):
                set_period_status(period, action, request.user)
            elif action == "due_date":
                set_due_date(
                    period, dt.date.fromisoformat(request.POST.get("due_date", "")), request.user
                )
            elif action == "remind":
                report = period.reports.get(pk=int(request.POST.get("report", 0)))
                sent = services.remind(report, request.user)
                messages.info(
                    request,
                    _("Reminder sent to %(a)s.") % {"a": report.agency.name}
                    if sent
                    else _(
                        "No reminder sent: already sent today, or the agency has no e-mail address."
                    ),
                )
        except (PeriodError, ValueError, AgencyReport.DoesNotExist) as exc:
            messages.error(
                request,
                str(exc)
                if isinstance(exc, PeriodError)
                else _("The request was not valid; nothing changed."),
            )
        return redirect("reporting:year", code=plan.code, year=year)
    summary = dashboard.year_summary(period, timezone.localdate())
    return render(
        request,
        "reporting/year.html",
        {
            "plan": plan,
            "period": period,
            "summary": summary,
            "can_manage": can_manage_reporting(request.user),
            "can_read_documents": can_read_consolidated_reports(request.user),
            "pdf_available": pdf_available(),
        },
    )


def report_page(request, pk: int):
    report = get_report_for_user(request.user, pk)
    items = list(
        ReportItem.objects.filter(report=report)
        .select_related("task", "task__group")
        .order_by("task__group__position", "task__position")
    )
    errors: list[str] = []
    can_edit = workflow.can(request.user, workflow.EDIT, report)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action in ("save", "submit"):
                data, errors = report_data(request.POST, [i.task_id for i in items])
                if errors:
                    raise services.ReportError(errors)
                revision = int(request.POST.get("revision", "0") or 0)
                # The draft, its indicator values and the submission stand or fall together.
                with transaction.atomic():
                    report = services.save_draft(report, request.user, data, revision)
                    errors = indicator_reports.save_from_post(report, request.POST, request.user)
                    if errors:
                        raise services.ReportError(errors)
                    if action == "submit":
                        services.submit_report(report, request.user)
                if action == "submit":
                    messages.success(request, _("Report submitted."))
                elif request.headers.get("HX-Request"):
                    return render(
                        request,
                        "reporting/report.html#saved",
                        {"report": report, "now": timezone.now()},
                    )
                else:
                    messages.success(request, _("Draft saved."))
            elif action == "accept":
                services.accept_report(report, request.user)
                messages.success(request, _("Report accepted."))
            elif action == "return":
                field_comments = {
                    k[len("comment-") :]: v
                    for k, v in request.POST.items()
                    if k.startswith("comment-")
                }
                services.return_report(
                    report, request.user, request.POST.get("comment", ""), field_comments
                )
                messages.success(request, _("Report returned to the agency."))
            else:
                raise PermissionDenied
        except services.ReportError as exc:
            errors = exc.errors
            if request.headers.get("HX-Request"):
                return render(
                    request,
                    "reporting/report.html#saved",
                    {"report": report, "errors": errors},
                    status=200,
                )
        else:
            return redirect("reporting:report", pk=report.pk)
        report.refresh_from_db()
    versions = list(report.versions.order_by("number"))
    comments = list(report.comments.select_related("author", "version").order_by("created_at"))
    by_field: dict[str, list] = {}
    for comment in comments:
        by_field.setdefault(comment.field, []).append(comment)
    for item in items:
        item.quantities_text = format_quantities(item.quantities)
        item.comments = by_field.get(f"item-{item.task.code}", [])
    files = list(report.evidence.select_related("item__task__group"))
    supplied = indicator_reports.indicators_for(report)
    entered = indicator_reports.current_values(report, supplied)
    indicator_rows = [(i, entered.get(i.pk)) for i in supplied]
    return render(
        request,
        "reporting/report.html",
        {
            "report": report,
            "files": files,
            "indicator_rows": indicator_rows,
            "items": items,
            "errors": errors,
            "can_edit": can_edit,
            "actions": workflow.allowed_actions(request.user, report),
            "versions": versions,
            "general_comments": by_field.get("", []),
            "field_comments": by_field,
            "statuses": ItemStatus.choices,
            "agency_label": current_names([report.agency], timezone.localdate())[report.agency_id],
        },
        status=400 if errors else 200,
    )


def compare(request, pk: int):
    report = get_report_for_user(request.user, pk)
    versions = {v.number: v for v in report.versions.all()}
    try:
        a, b = int(request.GET.get("a", 0)), int(request.GET.get("b", 0))
        left, right = versions[a], versions[b]
    except (ValueError, KeyError):
        raise Http404(_("Choose two versions of this report.")) from None
    rows = []
    left_items = {i["task"]: i for i in left.data["items"]}
    for item in right.data["items"]:
        old = left_items.get(item["task"], {})
        for field in ("status", "reason", "done", "results", "quantities", "spent"):
            if old.get(field) != item.get(field):
                rows.append((item["task"], field, old.get(field), item.get(field)))
    for field in ("difficulties", "proposals"):
        if left.data.get(field) != right.data.get(field):
            rows.append(("", field, left.data.get(field), right.data.get(field)))
    return render(
        request,
        "reporting/compare.html",
        {"report": report, "left": left, "right": right, "rows": rows},
    )


def my_reports(request):
    """A reporter's reports across years (everyone else: the plans' periods)."""
    require(can_view_plans(request.user))
    if not request.user.agency_id:
        return redirect("plans:list")
    agencies = {request.user.agency_id} | rules.predecessors_of(request.user)
    reports = (
        AgencyReport.objects.filter(agency_id__in=agencies)
        .select_related("period", "period__plan", "agency")
        .order_by("-period__year", "agency__name")
    )
    return render(
        request,
        "reporting/my_reports.html",
        {"reports": reports, "own": request.user.agency_id},
    )


def evidence_upload(request, pk: int):
    report = get_report_for_user(request.user, pk)
    if request.method != "POST":
        return redirect("reporting:report", pk=report.pk)
    upload = request.FILES.get("file")
    item = report.items.filter(task_id=request.POST.get("task") or 0).first()
    if upload is None:
        messages.error(request, _("Choose a file."))
    else:
        try:
            evidence.attach(report, request.user, upload, item)
        except services.ReportError as exc:
            messages.error(request, " ".join(exc.errors))
        else:
            messages.success(request, _("File attached."))
    return redirect("reporting:report", pk=report.pk)


def evidence_download(request, pk: int):
    found = get_evidence_for_user(request.user, pk)
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def evidence_delete(request, pk: int):
    found = get_evidence_for_user(request.user, pk)
    if request.method == "POST":
        evidence.remove(found, request.user)
        messages.success(request, _("File removed."))
    return redirect("reporting:report", pk=found.report_id)


def excel_download(request, pk: int):
    report = get_report_for_user(request.user, pk)
    response = HttpResponse(
        excel.build_workbook(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"bao-cao-{report.period.year}-{report.agency.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def excel_upload(request, pk: int):
    """Read a filled workbook: preview first, then save as a draft (never submit)."""
    report = get_report_for_user(request.user, pk)
    if not workflow.can(request.user, workflow.EDIT, report):
        raise PermissionDenied
    key = f"excel-{report.pk}"
    if request.method == "POST" and "confirm" in request.POST:
        data = request.session.get(key)
        if not data:
            messages.error(request, _("Upload the workbook again."))
            return redirect("reporting:report", pk=report.pk)
        try:
            services.save_draft(report, request.user, data, report.revision)
        except services.ReportError as exc:
            messages.error(request, " ".join(exc.errors))
        else:
            del request.session[key]
            messages.success(
                request, _("The workbook was saved as the draft; it is not submitted yet.")
            )
        return redirect("reporting:report", pk=report.pk)
    errors: list[str] = []
    data = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or not upload.name.lower().endswith(".xlsx"):
            errors = [_("Choose the report's Excel workbook (.xlsx).")]
        else:
            try:
                data = excel.read_workbook(report, upload.read())
                errors = services.check_draft(report, data)
            except services.ReportError as exc:
                errors = exc.errors
        if not errors:
            request.session[key] = data
    items = {str(i.task_id): i for i in report.items.select_related("task", "task__group")}
    rows = []
    for task_id, values in ((data or {}).get("items") or {}).items():
        rows.append((items[task_id], values))
    return render(
        request,
        "reporting/excel_preview.html",
        {
            "report": report,
            "errors": errors,
            "rows": rows,
            "data": data,
            "statuses": dict(ItemStatus.choices),
        },
        status=400 if errors else 200,
    )
