"""Agency pages: the registry list (diacritic-insensitive search) and one
agency's page with its tasks ("việc của đơn vị") for a chosen year."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.permissions import can_manage_agencies, can_view_plans, require
from agencies.importing import MAX_BYTES as MAX_IMPORT_BYTES
from agencies.importing import AgencyImportError, import_agencies, read_rows
from agencies.models import Agency, AgencyGroup, AgencyKind, SuccessionEvent, SuccessionKind
from agencies.registry import province_of
from agencies.succession import (
    EventSpec,
    Graph,
    LinkSpec,
    NewAgency,
    SuccessionError,
    confirm,
    lineage,
    validate,
)
from plans.models import Plan
from plans.queries import MAX_QUERY_LENGTH, agency_duties, agency_tasks
from planwatch.text import fold, vi_sorted
from reporting import restructuring
from reporting.models import AgencyReport


def agency_list(request):
    """The registry, one province at a time (the user's own by default)."""
    require(can_view_plans(request.user))
    q = (request.GET.get("q") or "").strip()[:MAX_QUERY_LENGTH]
    provinces = vi_sorted(
        Agency.objects.filter(kind=AgencyKind.PROVINCE_COMMITTEE), key=lambda a: a.name
    )
    chosen = (request.GET.get("province") or "").strip()[:80]
    province = next((p for p in provinces if p.code == chosen), None)
    if province is None and not chosen and request.user.agency_id:
        province = province_of(request.user.agency)
    qs = Agency.objects.all()
    if province is not None:
        qs = qs.filter(Q(province=province) | Q(pk=province.pk) | Q(kind=AgencyKind.MINISTRY))
    for word in fold(q).split(" "):
        if word:
            qs = qs.filter(search_key__contains=word)
    agencies = vi_sorted(qs, key=lambda a: a.name)
    by_kind = []
    for kind, label in AgencyKind.choices:
        members = [a for a in agencies if a.kind == kind]
        if members:
            by_kind.append((label, members))
    groups = []
    if not q:
        groups = vi_sorted(
            AgencyGroup.objects.filter(Q(scope=province) | Q(scope__isnull=True))
            if province
            else AgencyGroup.objects.all(),
            key=lambda g: g.name,
        )
    return render(
        request,
        "agencies/agency_list.html",
        {
            "by_kind": by_kind,
            "q": q,
            "groups": groups,
            "count": len(agencies),
            "provinces": provinces,
            "province": province,
        },
    )


def _year_param(request, plans) -> tuple[int | None, str | None]:
    raw = (request.GET.get("year") or "").strip()
    if raw == "all":
        return None, None
    if not raw:
        return timezone.localdate().year, None
    if raw.isdigit() and 1900 <= int(raw) <= 2200:
        return int(raw), None
    return timezone.localdate().year, _("The year %(y)s is not valid; showing this year.") % {
        "y": raw[:10]
    }


def agency_detail(request, code: str):
    require(can_view_plans(request.user))
    agency = Agency.objects.select_related("parent").filter(code=code[:80]).first()
    if agency is None:
        raise Http404(_("There is no agency with code %(code)s.") % {"code": code[:80]})
    plans = Plan.objects.all()
    year, problem = _year_param(request, plans)
    if agency.valid_to and not request.GET.get("year") and year and year > agency.valid_to.year:
        year = agency.valid_to.year  # an agency that has ended: its last year
    graph = Graph.load()
    items = agency_tasks(agency, year, graph=graph)
    groups, duties = agency_duties(agency, year, graph)
    member_groups = AgencyGroup.objects.filter(pk__in=groups).order_by("name")
    years = sorted({y for p in plans for y in p.years})
    history = lineage(agency, timezone.localdate(), graph)
    reports = []
    chain = {agency.pk, *(a.pk for a in history.predecessors)}
    user = request.user
    if (
        not user.is_reporter
        or user.agency_id == agency.pk
        or user.agency_id in {a.pk for a in history.successors}
    ):
        reports = list(
            AgencyReport.objects.filter(agency_id__in=chain)
            .select_related("period", "agency")
            .order_by("period__year", "agency__name")
        )
    return render(
        request,
        "agencies/agency_detail.html",
        {
            "agency": agency,
            "items": items,
            "year": year,
            "years": years,
            "problem": problem,
            "duties": duties,
            "member_groups": member_groups,
            "lead_count": sum(1 for i in items if "lead" in i.roles),
            "is_own": request.user.agency_id == agency.pk,
            "history": history,
            "reports": reports,
            "can_change": can_manage_agencies(request.user),
        },
    )


def my_tasks(request):
    """A reporter's shortcut to their own agency's page."""
    if request.user.agency_id is None:
        raise Http404(_("Your account is not attached to an agency."))
    url = reverse("agencies:detail", kwargs={"code": request.user.agency.code})
    if request.GET.get("year"):
        url += "?" + urlencode({"year": request.GET["year"][:10]})
    return redirect(url)


# --- Reorganisations -----------------------------------------------------------


def changes(request):
    """Every succession event, newest first; uncertain ones can be confirmed."""
    require(can_view_plans(request.user))
    if request.method == "POST":
        require(can_manage_agencies(request.user))
        event = SuccessionEvent.objects.filter(pk=request.POST.get("event") or 0).first()
        if event is None:
            raise Http404
        confirm(event, request.user)
        messages.success(request, _("The change is confirmed."))
        return redirect("agencies:changes")
    events = (
        SuccessionEvent.objects.prefetch_related("links__predecessor", "links__successor")
        .select_related("confirmed_by")
        .order_by("-effective", "-pk")
    )
    return render(
        request,
        "agencies/changes.html",
        {
            "events": events,
            "can_change": can_manage_agencies(request.user),
            "uncertain": sum(1 for e in events if not e.certain),
        },
    )


def _parse_day(raw: str) -> dt.date | None:
    raw = (raw or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


LINE_ROWS = 3


def _spec_from_post(post) -> tuple[EventSpec | None, list[str]]:
    errors: list[str] = []
    kind = post.get("kind", "")
    effective = _parse_day(post.get("effective", ""))
    if effective is None:
        errors.append(_("The effective date is not valid: write it as day/month/year."))
    codes = [c for c in post.getlist("predecessor") if c]
    preds = list(Agency.objects.filter(code__in=codes).select_related("province"))
    if not preds:
        errors.append(_("Choose the agency or agencies before the change."))
    rows = []
    for i in range(1, LINE_ROWS + 1):
        code = post.get(f"successor_{i}", "").strip()
        new_name = post.get(f"new_name_{i}", "").strip()
        function = post.get(f"function_{i}", "").strip()
        keywords = [k.strip() for k in post.get(f"keywords_{i}", "").split(",") if k.strip()]
        if not (code or new_name or function or keywords):
            continue
        if code:
            successor = Agency.objects.filter(code=code).first()
            if successor is None:
                errors.append(_("Unknown agency %(code)s.") % {"code": code[:80]})
                continue
        elif new_name:
            province = province_of(preds[0]) if preds else None
            if preds and preds[0].kind == AgencyKind.PROVINCE_COMMITTEE:
                province = None
            successor = NewAgency(
                name=new_name,
                kind=post.get(f"new_kind_{i}", "") or (preds[0].kind if preds else ""),
                province=province,
                parent=province,
            )
        else:
            successor = None
        rows.append((successor, function, keywords))
    if errors:
        return None, errors
    links = []
    for pred in preds:
        if kind == SuccessionKind.ABOLITION or not rows:
            links.append(LinkSpec(pred, None))
        for successor, function, keywords in rows:
            if kind != SuccessionKind.ABOLITION:
                links.append(LinkSpec(pred, successor, function, keywords))
    spec = EventSpec(
        kind=kind,
        effective=effective,
        act=post.get("act", ""),
        links=links,
        note=post.get("note", ""),
        certain=post.get("certain") == "on",
    )
    return spec, []


def change_new(request):
    """Record a reorganisation: fill in, preview what it moves, apply."""
    require(can_manage_agencies(request.user))
    errors: list[str] = []
    preview_result = None
    if request.method == "POST":
        spec, errors = _spec_from_post(request.POST)
        if spec is not None:
            errors = validate(spec)
        if not errors and request.POST.get("action") == "apply":
            try:
                event = restructuring.apply(spec, request.user)
            except SuccessionError as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    _("The change of %(d)s is recorded.")
                    % {"d": event.effective.strftime("%d/%m/%Y")},
                )
                return redirect("agencies:changes")
        elif not errors:
            preview_result = restructuring.preview(spec)
    agencies = vi_sorted(
        Agency.objects.select_related("province").order_by("name"), key=lambda a: a.name
    )
    return render(
        request,
        "agencies/change_form.html",
        {
            "errors": errors,
            "preview": preview_result,
            "post": request.POST,
            "selected": set(request.POST.getlist("predecessor")),
            "agencies": agencies,
            "kinds": SuccessionKind.choices,
            "agency_kinds": AgencyKind.choices,
            "rows": [
                {
                    "i": i,
                    **{
                        key: request.POST.get(f"{key}_{i}", "")
                        for key in ("successor", "new_name", "new_kind", "function", "keywords")
                    },
                }
                for i in range(1, LINE_ROWS + 1)
            ],
        },
        status=400 if errors else 200,
    )


def agency_import(request):
    """Load or correct agencies from a CSV or Excel sheet (commune-level units)."""
    require(can_manage_agencies(request.user))
    errors: list[str] = []
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Choose a .csv or .xlsx file.")]
        elif upload.size > MAX_IMPORT_BYTES:
            errors = [_("The file is too large.")]
        else:
            try:
                result = import_agencies(read_rows(upload.read(), upload.name), request.user)
            except AgencyImportError as exc:
                errors = exc.errors
    return render(
        request,
        "agencies/import.html",
        {"errors": errors, "result": result},
        status=400 if errors else 200,
    )
