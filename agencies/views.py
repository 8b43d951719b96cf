"""Agency pages: the registry list (diacritic-insensitive search) and one
agency's page with its tasks ("việc của đơn vị") for a chosen year."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.permissions import can_view_plans, require
from agencies.membership import group_ids_of
from agencies.models import Agency, AgencyGroup, AgencyKind
from agencies.registry import province_of
from plans.models import Duty, Plan
from plans.queries import MAX_QUERY_LENGTH, agency_tasks
from planwatch.text import fold, vi_sorted


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
    items = agency_tasks(agency, year)
    groups = group_ids_of(agency, year)
    duties = Duty.objects.filter(plan__in=plans).filter(agency=agency) | Duty.objects.filter(
        plan__in=plans, group__in=groups
    )
    duties = duties.select_related("plan").order_by("plan__code", "position")
    member_groups = AgencyGroup.objects.filter(pk__in=groups).order_by("name")
    years = sorted({y for p in plans for y in p.years})
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
