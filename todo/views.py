"""Việc cần làm: the landing page after signing in, each role's own work first."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from access.decorators import signed_in
from indicators.progress import LABELS
from indicators.views import COLOURS
from plans.models import Plan
from todo import work


@signed_in
def home(request):
    user, today = request.user, timezone.localdate()
    parts = work.parts(user)
    context: dict = {"parts": parts, "today": today}
    if "reporter" in parts:
        context["mine"] = work.reporter_work(user.agency_id, today)
    if "coordinator" in parts:
        context["years"] = work.coordinator_work(today)
    if "finance" in parts:
        context["proposals"] = work.finance_work()
    if "glance" in parts:
        plan = Plan.objects.select_related("coordinator").order_by("-period_start", "code").first()
        context["glance"] = work.glance(plan, today) if plan else None
        context["colours"], context["labels"] = COLOURS, LABELS
    return render(request, "todo/home.html", context)
