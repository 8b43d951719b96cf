"""Notices of the funding cycle: when Sở Tài chính completes the appraisal, the
coordinators who sent the proposal and the agencies whose lines were appraised are
told (in the app and by e-mail, once per appraisal version)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from budget.models import BudgetLine, BudgetYear, Decision
from notices import people
from notices.models import Kind
from notices.send import Message, deliver
from planwatch.money import dong


def appraisal_done(budget: BudgetYear, version: int) -> int:
    """Tell the coordinators and the agencies of the lines; returns how many notices."""
    plan = budget.plan
    lines = list(BudgetLine.objects.filter(budget=budget).select_related("agency"))
    path = f"/plans/{plan.code}/budget/{budget.year}/"
    sent = 0
    with translation.override("vi"):
        estimated = sum(line.amount for line in lines)
        appraised = sum(line.appraised_amount or 0 for line in lines)
        title = _("The appraisal of the %(year)s funding is done") % {"year": budget.year}
        body = _("Estimated %(e)s; appraised %(a)s (%(n)s lines).") % {
            "e": dong(estimated),
            "a": dong(appraised),
            "n": len(lines),
        }
        key = f"budget:{budget.pk}:appraised:{version}"
        sent += len(
            deliver(
                Message(Kind.APPRAISED, key, title, body, path),
                people.coordinators(plan.coordinator_id),
            )
        )
        by_agency: dict[int, list[BudgetLine]] = {}
        for line in lines:
            by_agency.setdefault(line.agency_id, []).append(line)
        accounts = people.reporters(by_agency)
        for agency_id, own in by_agency.items():
            if accounts.get(agency_id):
                sent += len(deliver(_agency_message(own, title, key, path), accounts[agency_id]))
    return sent


def _agency_message(lines: list[BudgetLine], title: str, key: str, path: str) -> Message:
    label = dict(Decision.choices)
    text = [
        f"- {line.content}: {dong(line.amount)} → {label[line.decision]}"
        + (f" {dong(line.appraised_amount)}" if line.decision == Decision.REDUCED else "")
        + (f" ({line.reason})" if line.reason else "")
        for line in lines
    ]
    return Message(Kind.APPRAISED, key, title, "\n".join(text), path)
