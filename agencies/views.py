"""Agency pages: the registry list (diacritic-insensitive search) and one
agency's page with its tasks ("việc của đơn vị") for a chosen year."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.forms import BaseFormSet
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from access import rules
from access.capabilities import Capability as C
from access.decorators import requires
from access.lookups import readable_reports
from agencies.forms import (
    AgencyFileForm,
    ChangeForm,
    ConfirmForm,
    SuccessorFormSet,
    event_spec,
    form_errors,
)
from agencies.importing import AgencyImportError, import_agencies, read_rows
from agencies.models import Agency, AgencyGroup, AgencyKind, SuccessionEvent, SuccessionKind
from agencies.registry import province_of
from agencies.succession import (
    Graph,
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


@requires(C.READ_PLANS)
def agency_list(request):
    """The registry, one province at a time (the user's own by default)."""
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


@requires(C.READ_PLANS)
def agency_detail(request, code: str):
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
    chain = {agency.pk, *(a.pk for a in history.predecessors)}
    # The reports of the agency and those it succeeded that the user may read.
    reports = list(
        readable_reports(request.user, AgencyReport.objects.filter(agency_id__in=chain))
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
            "can_change": rules.has(request.user, C.MANAGE_AGENCIES),
        },
    )


@requires(C.READ_PLANS)
def my_tasks(request):
    """A reporter's shortcut to their own agency's page."""
    if request.user.agency_id is None:
        raise Http404(_("Your account is not attached to an agency."))
    url = reverse("agencies:detail", kwargs={"code": request.user.agency.code})
    if request.GET.get("year"):
        url += "?" + urlencode({"year": request.GET["year"][:10]})
    return redirect(url)


# --- Reorganisations -----------------------------------------------------------


@requires(C.READ_PLANS, post=C.MANAGE_AGENCIES)
def changes(request):
    """Every succession event, newest first; uncertain ones can be confirmed."""
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            raise Http404
        confirm(form.cleaned_data["event"], request.user)
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
            "can_change": rules.has(request.user, C.MANAGE_AGENCIES),
            "uncertain": sum(1 for e in events if not e.certain),
        },
    )


def _change(request) -> tuple[ChangeForm, BaseFormSet, list[str], object]:
    """The forms of a change, their errors and the preview; applied on "apply"."""
    change = ChangeForm(request.POST or None)
    rows = SuccessorFormSet(request.POST or None, prefix="after")
    if not request.method == "POST":
        return change, rows, [], None
    if not (change.is_valid() and rows.is_valid()):
        return change, rows, form_errors(change, rows), None
    spec = event_spec(change, rows)
    errors = validate(spec)
    if errors:
        return change, rows, errors, None
    if change.applying:
        try:
            return change, rows, [], restructuring.apply(spec, request.user)
        except SuccessionError as exc:
            return change, rows, exc.errors, None
    return change, rows, [], restructuring.preview(spec)


@requires(C.MANAGE_AGENCIES)
def change_new(request):
    """Record a reorganisation: fill in, preview what it moves, apply."""
    change, rows, errors, result = _change(request)
    if isinstance(result, SuccessionEvent):
        messages.success(
            request,
            _("The change of %(d)s is recorded.") % {"d": result.effective.strftime("%d/%m/%Y")},
        )
        return redirect("agencies:changes")
    agencies = vi_sorted(
        Agency.objects.select_related("province").order_by("name"), key=lambda a: a.name
    )
    return render(
        request,
        "agencies/change_form.html",
        {
            "errors": errors,
            "preview": result,
            "form": change,
            "rows": rows,
            "selected": set(change.data.getlist("predecessor")) if change.is_bound else set(),
            "agencies": agencies,
            "kinds": SuccessionKind.choices,
            "agency_kinds": AgencyKind.choices,
        },
        status=400 if errors else 200,
    )


@requires(C.MANAGE_AGENCIES)
def agency_import(request):
    """Load or correct agencies from a CSV or Excel sheet (commune-level units)."""
    errors: list[str] = []
    result = None
    if request.method == "POST":
        form = AgencyFileForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = form_errors(form)
        else:
            upload = form.cleaned_data["file"]
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
