"""The consolidated report as data: one model (documents.model), assembled from the
agencies' accepted reports (their last submitted version, which is immutable), the
indicators' progress and the money the agencies report, that every writer (Word,
Excel, PDF, the printable page) is fed from. Each section is made by its own function
(documents.sections).

An annual report covers one year; the mid-term review (sơ kết) and the final
review (tổng kết) cover several, each part per year and in total, with the
targets' progress at the review's last year. A fixed number of queries, whatever
the number of agencies, tasks or years.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from documents import sections
from documents.formatting import initials, nd30_date, safe_text, upper_vi
from documents.model import (
    ITEM_STATUS,
    KIND_LABELS,
    ROLE_LABELS,
    STATUS_COLOURS,
    AgencyNote,
    Chart,
    ComplianceRow,
    ComplianceYear,
    ConsolidatedReport,
    Direction,
    DocumentError,
    Entry,
    FundRow,
    GroupPart,
    Kind,
    TargetRow,
    TaskPart,
    TaskYear,
)
from plans.models import Plan
from planwatch.i18n import in_vietnamese
from reporting.models import ReportingPeriod

__all__ = [
    "ITEM_STATUS",
    "KIND_LABELS",
    "ROLE_LABELS",
    "STATUS_COLOURS",
    "AgencyNote",
    "Chart",
    "ComplianceRow",
    "ComplianceYear",
    "ConsolidatedReport",
    "Direction",
    "DocumentError",
    "Entry",
    "FundRow",
    "GroupPart",
    "Kind",
    "TargetRow",
    "TaskPart",
    "TaskYear",
    "assemble",
    "check_years",
    "periods_of",
    "review_years",
]


def review_years(plan: Plan, kind: str) -> list[int]:
    """The years a review covers: the mid-term one to the first milestone (2025 for
    the seed), the final one the whole period."""
    if kind == Kind.FINAL:
        return list(range(plan.period_start, plan.period_end + 1))
    milestones = sorted(
        {t.milestone for t in plan.targets.filter(retired=False)} - {plan.period_end}
    )
    end = milestones[0] if milestones else (plan.period_start + plan.period_end) // 2
    return list(range(plan.period_start, end + 1))


def check_years(plan: Plan, years: list[int]) -> None:
    """DocumentError unless ``years`` are some years of the plan's period."""
    if not years:
        raise DocumentError(_("No reporting year is chosen."))
    bad = [y for y in years if not plan.period_start <= y <= plan.period_end]
    if bad:
        raise DocumentError(
            _("The year %(year)s is outside the plan's period (%(start)s–%(end)s).")
            % {"year": bad[0], "start": plan.period_start, "end": plan.period_end}
        )


def assemble(
    plan: Plan, years: list[int], kind: str = Kind.ANNUAL, today: dt.date | None = None
) -> ConsolidatedReport:
    """The consolidated report of ``plan`` over ``years`` (one for an annual report),
    in Vietnamese whatever the language of the interface."""
    today = today or timezone.localdate()
    check_years(plan, years)
    return _assemble(plan, sorted(set(years)), kind, today)


@in_vietnamese
def _assemble(plan: Plan, years: list[int], kind: str, today: dt.date) -> ConsolidatedReport:
    plan = Plan.objects.select_related("coordinator", "issuer").get(pk=plan.pk)
    issuer = sections.issuer(plan, today)
    sources = sections.load_sources(plan, years, today)
    entries, notes = sections.reported(sources)
    groups = sections.results(sources, entries)
    compliance_years, compliance = sections.compliance(sources)
    funds = sections.funds(sources, groups, entries)
    targets = sections.targets(plan, years)
    next_label, directions, directions_targets = sections.directions(sources, targets)
    return ConsolidatedReport(
        kind=kind,
        years=years,
        plan_code=plan.code,
        plan_title=safe_text(plan.title),
        plan_reference=sections.plan_reference(plan),
        parent_body=issuer.parent_body,
        issuer=upper_vi(issuer.name),
        issuer_name=issuer.name,
        symbol=f"BC-{initials(issuer.name)}",
        place=issuer.place,
        date_line=f"{issuer.place}, {nd30_date(today)}",
        title=sections.title(plan, kind, years),
        intro=sections.intro(plan, kind, years, issuer.name),
        situation=sections.situation(sources, compliance_years, groups),
        groups=groups,
        targets=targets,
        compliance_years=compliance_years,
        compliance=compliance,
        funds=funds.by_group,
        funds_years=funds.by_year,
        funds_total=funds.total,
        budget_available=funds.budget_available,
        funds_sources=funds.by_source,
        funds_reported=funds.reported,
        funds_unbudgeted=funds.unbudgeted,
        funds_rated_years=funds.rated_years,
        notes=notes,
        directions=directions,
        directions_targets=directions_targets,
        next_label=next_label,
        accepted_reports=len(sources.last),
        generated_on=today,
        recipients=sections.recipients(issuer),
    )


def periods_of(plan: Plan) -> list[int]:
    """Years with a reporting period, newest first."""
    return list(
        ReportingPeriod.objects.filter(plan=plan).order_by("-year").values_list("year", flat=True)
    )
