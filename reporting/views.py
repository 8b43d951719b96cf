"""Reporting pages: the year's periods and heat map, the coordinator's dashboard and
its steps (status, due date, reminders), an agency's report (edit with autosave,
submit, return, accept, compare versions), evidence files and the Excel round-trip.
One view per action, each on a form; who may do what is declared on each view
(access.decorators) and asked of the permission layer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from access import rules
from access.capabilities import Capability as C
from access.decorators import requires
from access.lookups import (
    get_editable_report_for_user,
    get_editable_report_with_items_for_user,
    get_evidence_for_user,
    get_period_for_user,
    get_plan_for_user,
    get_report_for_user,
    readable_reports,
)
from agencies.succession import current_names
from documents.pdf import available as pdf_available
from indicators import reports as indicator_reports
from notices.people import reach
from planwatch.http import attachment, post_or_redirect
from planwatch.money import dong
from planwatch.pagecache import cached_page
from reporting import dashboard, evidence, excel, services, workflow
from reporting.forms import (
    AcceptManyForm,
    CancelPeriodForm,
    DueDateForm,
    EvidenceForm,
    OpenPeriodForm,
    PeriodStatusForm,
    PostedUnitsForm,
    ReportForm,
    ReturnForm,
    WorkbookForm,
    format_quantities,
)
from reporting.models import AgencyReport, ItemStatus, ReportingPeriod, ReportItem
from reporting.periods import (
    PeriodError,
    cancel_period,
    cancellation_problem,
    open_period,
    opening_preview,
    set_due_date,
    set_period_status,
)
from reporting.rows import ItemCards, YearRows

READ_REPORTS = (C.READ_ALL_REPORTS, C.READ_OWN_REPORTS)


# --- the plan's periods and a year's dashboard ---------------------------------------


@requires(*READ_REPORTS, post=C.MANAGE_REPORTING)
def plan_periods(request, code: str):
    plan = get_plan_for_user(request.user, code)
    error, preview = None, None
    if request.method == "POST":
        form = OpenPeriodForm(request.POST, plan=plan)
        try:
            year = form.cleaned_data["year"] if form.is_valid() else -1
            # First what opening will do (who is asked, who is e-mailed), then, confirmed, do it.
            preview = opening_preview(plan, year)
            if form.cleaned_data.get("confirm"):
                period = open_period(plan, year, request.user)
        except PeriodError as exc:
            error = str(exc)
        else:
            if form.cleaned_data.get("confirm"):
                messages.success(
                    request,
                    _(
                        "Reporting period %(year)s opened: %(n)s agency reports; "
                        "%(m)s agencies e-mailed."
                    )
                    % {"year": period.year, "n": period.reports.count(), "m": preview.emailed},
                )
                missed = [
                    r
                    for r in reach(a.agency for a in period.reports.select_related("agency"))
                    if r.problem
                ]
                if missed:
                    messages.warning(
                        request,
                        _("Not reached by e-mail: %(list)s.")
                        % {"list": "; ".join(f"{r.agency.name} ({r.problem})" for r in missed)},
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
            "preview": preview,
            "can_manage": rules.has(request.user, C.MANAGE_REPORTING),
            "openable": [y for y in plan.years if y not in opened],
            "periods": ReportingPeriod.objects.filter(plan=plan).order_by("-year"),
        },
        status=400 if error else 200,
    )


@requires(*READ_REPORTS)
@cached_page
def year_dashboard(request, code: str, year: int):
    """Every agency's state for the year; one who reads only the own agency's reports
    goes to that report."""
    plan = get_plan_for_user(request.user, code)
    period = get_period_for_user(request.user, plan, year)
    if not rules.has(request.user, C.READ_ALL_REPORTS):
        readable = readable_reports(request.user, period.reports.all())
        own = readable.filter(agency_id=request.user.agency_id).first()
        if own is None:
            raise PermissionDenied
        return redirect("reporting:report", pk=own.pk)
    summary = dashboard.year_summary(period, timezone.localdate())
    _signature_status(summary.rows)
    can_manage = rules.has(request.user, C.MANAGE_REPORTING)
    return render(
        request,
        "reporting/year.html",
        {
            "plan": plan,
            "period": period,
            "summary": summary,
            "year_rows": YearRows(
                request,
                period,
                summary.rows,
                can_review=rules.has(request.user, C.REVIEW_REPORTS),
                can_manage=can_manage,
            ),
            "can_manage": can_manage,
            "cancellable": cancellation_problem(period) is None,
            "can_read_documents": rules.can_read_documents(request.user),
            "pdf_available": pdf_available(),
        },
    )


def _signature_status(rows) -> None:
    """Each row's latest signed PDF (outgoing.reports), as ``row.signed``."""
    from outgoing.reports import signature_status

    signed = signature_status([row.report.pk for row in rows])
    for row in rows:
        row.signed = signed.get(row.report.pk)


def _period_step(request, code: str, year: int, form, step) -> HttpResponse:
    """Run one step on a period (``step(period, cleaned_data)``); its problem as a message."""
    plan = get_plan_for_user(request.user, code)
    period = get_period_for_user(request.user, plan, year)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        try:
            step(period, form.cleaned_data)
        except PeriodError as exc:
            messages.error(request, str(exc))
    return redirect("reporting:year", code=plan.code, year=year)


@requires(C.MANAGE_REPORTING)
@post_or_redirect("reporting:year", "code", "year")
def period_status(request, code: str, year: int):
    """Close (late reports still accepted), reopen or lock the period."""
    return _period_step(
        request,
        code,
        year,
        PeriodStatusForm(request.POST),
        lambda period, data: set_period_status(period, data["status"], request.user),
    )


@requires(C.MANAGE_REPORTING)
@post_or_redirect("reporting:year", "code", "year")
def period_due_date(request, code: str, year: int):
    return _period_step(
        request,
        code,
        year,
        DueDateForm(request.POST),
        lambda period, data: set_due_date(period, data["due_date"], request.user),
    )


@requires(C.MANAGE_REPORTING)
@post_or_redirect("reporting:year", "code", "year")
def period_cancel(request, code: str, year: int):
    """Undo a year opened by mistake, while no agency has saved anything in it."""
    plan = get_plan_for_user(request.user, code)
    period = get_period_for_user(request.user, plan, year)
    form = CancelPeriodForm(request.POST)
    try:
        if not form.is_valid():
            raise PeriodError(" ".join(form.messages()))
        removed = cancel_period(period, request.user)
    except PeriodError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:year", code=plan.code, year=year)
    messages.success(
        request,
        _("The reporting period %(year)s was cancelled: %(n)s empty agency reports removed.")
        % {"year": year, "n": removed},
    )
    return redirect("reporting:plan", code=plan.code)


@requires(C.MANAGE_REPORTING)
@post_or_redirect("reporting:year", "code", "year")
def remind_all(request, code: str, year: int):
    """One click: remind every agency of the year that has not sent its report."""
    plan = get_plan_for_user(request.user, code)
    period = get_period_for_user(request.user, plan, year)
    sent, missed = services.remind_all(period, request.user)
    messages.success(
        request,
        ngettext("Reminder sent to %(n)s agency.", "Reminders sent to %(n)s agencies.", len(sent))
        % {"n": len(sent)},
    )
    if missed:
        messages.warning(
            request,
            _("Not reminded (already reminded today, or no account and no e-mail address): %(a)s.")
            % {"a": ", ".join(r.agency.name for r in missed)},
        )
    return redirect("reporting:year", code=plan.code, year=year)


@requires(C.REVIEW_REPORTS)
@post_or_redirect("reporting:year", "code", "year")
def accept_many(request, code: str, year: int):
    """Accept the ticked reports, each checked on its own."""
    plan = get_plan_for_user(request.user, code)
    period = get_period_for_user(request.user, plan, year)
    form = AcceptManyForm(request.POST, period=period)
    if not form.is_valid():
        for error in form.messages():
            messages.error(request, error)
    else:
        accepted, problems = services.accept_many(list(form.cleaned_data["reports"]), request.user)
        if accepted:
            messages.success(
                request,
                ngettext("%(n)s report accepted.", "%(n)s reports accepted.", len(accepted))
                % {"n": len(accepted)},
            )
        for problem in problems:
            messages.error(request, problem)
    return redirect("reporting:year", code=plan.code, year=year)


@requires(C.MANAGE_REPORTING)
@post_or_redirect("reporting:report", "pk")
def report_remind(request, pk: int):
    """The coordinator's one-click reminder to an agency that has not reported."""
    report = get_report_for_user(request.user, pk)
    sent = services.remind(report, request.user)
    messages.info(
        request,
        _("Reminder sent to %(a)s.") % {"a": report.agency.name}
        if sent
        else _("No reminder sent: already sent today, or the agency has no e-mail address."),
    )
    return redirect("reporting:year", code=report.period.plan.code, year=report.period.year)


# --- an agency's report -------------------------------------------------------------


def _items(report: AgencyReport, task_ids=None) -> list[ReportItem]:
    """The report's items in plan order (``task_ids``: only those)."""
    rows = ReportItem.objects.filter(report=report)
    if task_ids is not None:
        rows = rows.filter(task_id__in=task_ids)
    items = list(
        rows.select_related("task", "task__group").order_by(
            "task__group__position", "task__position"
        )
    )
    for row in items:
        item: Any = row  # what the template reads beside the model's fields
        item.quantities_text = format_quantities(row.quantities)
        item.field_errors = {}
        item.key = str(row.task_id)  # for the ids of its fields' messages
    return items


def _files(report: AgencyReport, items: list[ReportItem]) -> list:
    """The report's evidence files, each with its item from ``items`` (read already
    with their tasks) rather than read again with every file."""
    by_id = {item.pk: item for item in items}
    files = list(report.evidence.all())
    for file in files:
        if file.item_id in by_id:
            file.item = by_id[file.item_id]
    return files


def _render_report(request, report, items=None, errors=(), status=200):
    items = _items(report) if items is None else items
    comments = list(
        report.comments.select_related("author", "version")
        .defer("version__data")  # the version's number only, not the report it froze
        .order_by("created_at")
    )
    by_field: dict[str, list] = {}
    for comment in comments:
        by_field.setdefault(comment.field, []).append(comment)
    for item in items:
        item.comments = by_field.get(f"item-{item.task.code}", [])
    supplied = indicator_reports.indicators_for(report)
    entered = indicator_reports.current_values(report, supplied)
    can_edit = workflow.can(request.user, workflow.EDIT, report)
    actions = workflow.allowed_actions(request.user, report)
    return render(
        request,
        "reporting/report.html",
        {
            "report": report,
            "files": _files(report, items),
            "indicator_rows": [(i, entered.get(i.pk)) for i in supplied],
            "items": items,
            "item_cards": ItemCards(
                items, statuses=ItemStatus.choices, can_edit=can_edit, actions=actions
            ),
            "errors": list(errors),
            "can_edit": can_edit,
            "actions": actions,
            "versions": list(
                report.versions.select_related("submitted_by").defer("data").order_by("number")
            ),
            "general_comments": by_field.get("", []),
            "field_comments": by_field,
            "statuses": ItemStatus.choices,
            "text_fields": [("difficulties", _("Difficulties")), ("proposals", _("Proposals"))],
            "agency_label": current_names([report.agency], timezone.localdate())[report.agency_id],
        },
        status=status,
    )


@requires(*READ_REPORTS, post=C.EDIT_OWN_REPORT)
@cached_page
def report_page(request, pk: int):
    if request.method == "POST":
        return _save_report(request, pk)
    return _render_report(request, get_report_for_user(request.user, pk))


def _save_form(
    report: AgencyReport,
    user,
    form: ReportForm,
    *,
    submit: bool,
    locked: bool = False,
    value_rows: indicator_reports.ValueRows | None = None,
) -> AgencyReport:
    """Save a valid form's draft and indicator values and, with action=submit, send it:
    they stand or fall together (ReportError, StaleRevision), in one audit entry.
    ``locked``: ``report`` and the form's items were read under the report's lock in
    the caller's transaction (services.save_draft); ``value_rows``: the values of the
    form's indicators read and locked in it too (indicators.reports.supplied_with_values)."""
    with transaction.atomic(savepoint=not locked):
        values = form.indicator_values()
        saved = services.save_draft(
            report,
            user,
            form.draft_data(),
            form.cleaned_data["revision"],
            locked=locked,
            items=form.items if locked else None,
            also=(
                (
                    lambda r: indicator_reports.save_values(
                        r, values, user, form.indicators, value_rows
                    )
                )
                if values
                else None
            ),
        )
        if submit:
            services.submit_report(saved, user)
    return saved


def _save_report(request, pk: int) -> HttpResponse:
    """Save the draft (autosave: htmx) and, with action=submit, send it."""
    report = get_editable_report_for_user(request.user, pk)
    items = _items(report)
    form = ReportForm(
        request.POST, items=items, indicators=indicator_reports.indicators_for(report)
    )
    errors = form.messages() if not form.is_valid() else []
    if not errors:
        try:
            saved = _save_form(report, request.user, form, submit=form.submitting)
        except services.ReportError as exc:
            errors = exc.errors
    htmx = bool(request.headers.get("HX-Request"))
    if errors:
        if htmx:
            return render(
                request, "reporting/report.html#saved", {"report": report, "errors": errors}
            )
        form.show_typed(report)
        return _render_report(request, report, items, errors, status=400)
    if form.submitting:
        messages.success(request, _("Report submitted."))
    elif htmx:
        return render(
            request, "reporting/report.html#saved", {"report": saved, "now": timezone.now()}
        )
    else:
        messages.success(request, _("Draft saved."))
    return redirect("reporting:report", pk=report.pk)


@requires(C.EDIT_OWN_REPORT)
@post_or_redirect("reporting:report", "pk")
def report_draft(request, pk: int):
    """The page's autosave of one field (a status with its reason, an indicator's
    parts): JSON. 200 with the new revision; 400 with each message under its field,
    nothing saved; 409 when someone saved in between (nothing overwritten); 401 and
    403 come from the access layer as JSON too (planwatch.http.wants_json)."""
    try:
        with transaction.atomic():  # read under the report's lock, saved, one commit
            report, form, rows = _posted_form(request, pk)
            if not form.is_valid():
                return JsonResponse({"ok": False, "errors": form.field_errors()}, status=400)
            saved = _save_form(
                report, request.user, form, submit=False, locked=True, value_rows=rows
            )
    except services.StaleRevision as exc:
        if not form.indicator_values() and services.already_saved(report, form.draft_data()):
            report.refresh_from_db()
            return JsonResponse({"ok": True, "revision": report.revision, "saved_at": _now_hm()})
        return JsonResponse(
            {"ok": False, "code": "stale_revision", "message": " ".join(exc.errors)}, status=409
        )
    except services.ReportError as exc:
        return JsonResponse({"ok": False, "errors": {"__all__": exc.errors}}, status=400)
    return JsonResponse({"ok": True, "revision": saved.revision, "saved_at": _now_hm()})


def _posted_form(
    request, pk: int
) -> tuple[AgencyReport, ReportForm, indicator_reports.ValueRows | None]:
    """The report, read with its row locked, and the report form over only the items
    and indicators the POST names (an autosave sends one field): the items read with
    the report, the indicators with their values (locked); none named, no query."""
    tasks, indicator_ids = PostedUnitsForm(request.POST).ids()
    report, items = get_editable_report_with_items_for_user(request.user, pk, tasks)
    indicators, rows = (
        indicator_reports.supplied_with_values(report, indicator_ids)
        if indicator_ids
        else ([], None)
    )
    return report, ReportForm(request.POST, items=items, indicators=indicators), rows


def _now_hm() -> str:
    return timezone.localtime().strftime("%H:%M")


@requires(C.REVIEW_REPORTS)
@post_or_redirect("reporting:report", "pk")
def report_accept(request, pk: int):
    report = get_report_for_user(request.user, pk)
    try:
        services.accept_report(report, request.user)
    except services.ReportError as exc:
        return _render_report(request, report, errors=exc.errors, status=400)
    messages.success(request, _("Report accepted."))
    return redirect("reporting:report", pk=report.pk)


@requires(C.REVIEW_REPORTS)
@post_or_redirect("reporting:report", "pk")
def report_return(request, pk: int):
    """Send the report back with a comment (and comments on tasks and fields)."""
    report = get_report_for_user(request.user, pk)
    form = ReturnForm(request.POST, items=_items(report))
    try:
        if not form.is_valid():
            raise services.ReportError([str(e) for es in form.errors.values() for e in es])
        services.return_report(
            report, request.user, form.cleaned_data["comment"], form.field_comments()
        )
    except services.ReportError as exc:
        return _render_report(request, report, errors=exc.errors, status=400)
    messages.success(request, _("Report returned to the agency."))
    return redirect("reporting:report", pk=report.pk)


@requires(*READ_REPORTS)
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
                rows.append((item["task"], *_compared(field, old.get(field), item.get(field))))
    for field in ("difficulties", "proposals"):
        if left.data.get(field) != right.data.get(field):
            rows.append(("", *_compared(field, left.data.get(field), right.data.get(field))))
    return render(
        request,
        "reporting/compare.html",
        {"report": report, "left": left, "right": right, "rows": rows},
    )


def _compared(field: str, old, new) -> tuple[str, str | None, str | None]:
    """A compared field in words: its label and both values as a person reads them."""
    model = AgencyReport if field in ("difficulties", "proposals") else ReportItem
    label = str(getattr(model._meta.get_field(field), "verbose_name", field))
    statuses = dict(ItemStatus.choices)

    def shown(value):
        if value in (None, "", []):
            return None
        if field == "status":
            return str(statuses.get(value, value))
        if field == "quantities":
            return format_quantities(value)
        if field == "spent":
            return dong(value)
        return value

    return label[:1].upper() + label[1:], shown(old), shown(new)


@requires(*READ_REPORTS)
def my_reports(request):
    """The reports of the user's agency and of the agencies it succeeded, across years."""
    if not request.user.agency_id:
        return redirect("plans:list")
    agencies = {request.user.agency_id} | rules.predecessors_of(request.user)
    reports = readable_reports(
        request.user,
        AgencyReport.objects.filter(agency_id__in=agencies)
        .select_related("period", "period__plan", "agency")
        .order_by("-period__year", "agency__name"),
    )
    return render(
        request,
        "reporting/my_reports.html",
        {"reports": reports, "own": request.user.agency_id},
    )


# --- evidence and Excel ----------------------------------------------------------------


@requires(C.EDIT_OWN_REPORT)
@post_or_redirect("reporting:report", "pk")
def evidence_upload(request, pk: int):
    report = get_editable_report_for_user(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES, items=_items(report))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("reporting:report", pk=report.pk)
    try:
        evidence.attach(report, request.user, form.cleaned_data["file"], form.item())
    except services.ReportError as exc:
        messages.error(request, " ".join(exc.errors))
    else:
        messages.success(request, _("File attached."))
    return redirect("reporting:report", pk=report.pk)


@requires(*READ_REPORTS)
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


@requires(*READ_REPORTS, post=C.EDIT_OWN_REPORT)
def evidence_delete(request, pk: int):
    if request.method != "POST":
        return redirect("reporting:report", pk=get_evidence_for_user(request.user, pk).report_id)
    found = get_evidence_for_user(request.user, pk, edit=True)
    evidence.remove(found, request.user)
    messages.success(request, _("File removed."))
    return redirect("reporting:report", pk=found.report_id)


@requires(*READ_REPORTS)
def excel_download(request, pk: int):
    report = get_report_for_user(request.user, pk)
    response = HttpResponse(
        excel.build_workbook(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"bao-cao-{report.period.year}-{report.agency.code}.xlsx"
    attachment(response, name)
    return response


def _session_key(report: AgencyReport) -> str:
    return f"excel-{report.pk}"


@requires(C.EDIT_OWN_REPORT)
def excel_upload(request, pk: int):
    """Read a filled workbook and show what it holds; saving is ``excel_confirm``."""
    report = get_editable_report_for_user(request.user, pk)
    errors: list[str] = []
    data = None
    if request.method == "POST":
        form = WorkbookForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = [str(e) for e in form.errors["file"]]
        else:
            try:
                data = excel.read_workbook(report, form.cleaned_data["file"].read())
                errors = services.check_draft(report, data)
            except services.ReportError as exc:
                errors = exc.errors
        if not errors:
            # The revision the preview is made from goes with it: confirming a preview
            # of a draft someone has saved since is refused (409), never overwrites.
            request.session[_session_key(report)] = {"data": data, "revision": report.revision}
    items = {str(i.task_id): i for i in report.items.select_related("task", "task__group")}
    rows = [
        (items[task_id], values) for task_id, values in ((data or {}).get("items") or {}).items()
    ]
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


@requires(C.EDIT_OWN_REPORT)
@post_or_redirect("reporting:report", "pk")
def excel_confirm(request, pk: int):
    """Save the previewed workbook as the draft (never submit)."""
    report = get_editable_report_for_user(request.user, pk)
    preview = request.session.get(_session_key(report))
    if not isinstance(preview, dict) or "revision" not in preview:
        messages.error(request, _("Upload the workbook again."))
        return redirect("reporting:report", pk=report.pk)
    try:
        services.save_draft(report, request.user, preview["data"], preview["revision"])
    except services.StaleRevision as exc:
        del request.session[_session_key(report)]
        return render(
            request,
            "reporting/excel_preview.html",
            {"report": report, "errors": exc.errors, "rows": [], "data": None, "stale": True},
            status=409,
        )
    except services.ReportError as exc:
        messages.error(request, " ".join(exc.errors))
    else:
        del request.session[_session_key(report)]
        messages.success(
            request, _("The workbook was saved as the draft; it is not submitted yet.")
        )
    return redirect("reporting:report", pk=report.pk)
