"""E-mail notices of the reporting cycle: when a period opens, before the due
date, on it, after it (to agencies that have not submitted), and when a report is
returned or accepted, in the app and by e-mail (notices); to the coordinators when
a report is submitted and when a year is opened (with the agencies that could not
be reached). Each reminder is sent at most once a day per report, so the worker's
daily schedule (reporting.tasks) and ``send_reminders`` can both run without harm."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from notices import people
from notices.models import Kind
from notices.send import Message, deliver
from reporting.models import (
    AgencyReport,
    PeriodStatus,
    Reminder,
    ReminderKind,
    ReportingPeriod,
    ReportState,
)


def recipients(report: AgencyReport) -> list[str]:
    """The e-mail addresses a notice about ``report`` goes to: the agency's accounts
    that report for it (EDIT_OWN_REPORT), or the agency's own address."""
    found = people.reach([report.agency])[0]
    return found.emails or ([found.address] if found.address else [])


# the reporting notice -> the kind a user chooses e-mail for (notices.models.Kind)
NOTICE_KIND: dict[str, str] = {
    ReminderKind.OPENED: Kind.OPENED,
    ReminderKind.RETURNED: Kind.RETURNED,
    ReminderKind.ACCEPTED: Kind.ACCEPTED,
}


def _message(report: AgencyReport, kind: str, key: str, extra: dict | None) -> Message:
    context = {
        "report": report,
        "period": report.period,
        "plan": report.period.plan,
        "kind": kind,
        "site_url": settings.SITE_URL,
        **(extra or {}),
    }
    with translation.override("vi"):
        subject = render_to_string("reporting/email_subject.txt", context).strip()
        body = render_to_string("reporting/email_body.txt", context)
    subject = subject.removeprefix("[planwatch]").strip()
    return Message(
        NOTICE_KIND.get(kind, str(Kind.REMINDER)), key, subject, body, report_path(report)
    )


def report_path(report: AgencyReport) -> str:
    return f"/reporting/{report.pk}/"


def notify(report: AgencyReport, kind: str, today: dt.date, extra: dict | None = None) -> bool:
    """Tell the agency (its reporting accounts in the app and by e-mail, or its own
    address) unless this kind was already sent today. True if anyone was reached."""
    found = people.reach([report.agency])[0]
    if not found.reached:
        return False
    key = f"report:{report.pk}:{kind}:{today.isoformat()}"
    message = _message(report, kind, key, extra)
    try:
        # The row, the notices and the queued e-mails (worker.mail) are saved together.
        with transaction.atomic():
            Reminder.objects.create(
                report=report, kind=kind, sent_on=today, recipients=recipients(report)
            )
            deliver(message, found.accounts, [found.address] if found.address else [])
    except IntegrityError:
        return False  # already sent today
    return True


def announce_opened(period: ReportingPeriod, today: dt.date) -> list[people.Reach]:
    """Tell every agency of a newly opened period, and the plan's coordinators which
    agencies could not be reached and why. Returns how each agency was reached."""
    reports = list(period.reports.select_related("agency", "period", "period__plan"))
    reach = people.reach(r.agency for r in reports)
    for report in reports:
        notify(report, ReminderKind.OPENED, today)
    missed = [r for r in reach if r.problem]
    lines = [f"- {r.agency.name}: {r.problem}" for r in missed]
    with translation.override("vi"):
        title = _("Reporting year %(year)s opened: %(n)s of %(total)s agencies reached") % {
            "year": period.year,
            "n": sum(r.reached for r in reach),
            "total": len(reach),
        }
        body = "\n".join(
            [
                _("Due date: %(due)s.") % {"due": period.due_date.strftime("%d/%m/%Y")},
                _("Agencies not reached by e-mail:") if lines else _("Every agency was e-mailed."),
                *lines,
            ]
        )
    plan = period.plan
    deliver(
        Message(
            Kind.OPENED,
            f"period:{period.pk}:opened",
            title,
            body,
            f"/plans/{plan.code}/reporting/{period.year}/",
        ),
        people.coordinators(plan.coordinator_id),
    )
    return reach


def announce_submitted(report: AgencyReport, number: int, late: bool) -> None:
    """Tell the plan's coordinators that an agency submitted (version ``number``)."""
    period = report.period
    with translation.override("vi"):
        title = _("%(agency)s submitted its %(year)s report (version %(n)s)") % {
            "agency": report.agency.name,
            "year": period.year,
            "n": number,
        }
        body = _("The report is waiting for your review.") + (
            " " + _("It was submitted after the due date.") if late else ""
        )
    deliver(
        Message(
            Kind.SUBMITTED,
            f"report:{report.pk}:submitted:{number}",
            title,
            body,
            report_path(report),
        ),
        people.coordinators(period.plan.coordinator_id),
    )


def due_notices(period: ReportingPeriod, today: dt.date) -> list[tuple[AgencyReport, str]]:
    """The reminders a period calls for today: before, on and after the due date,
    to agencies that have not submitted."""
    if period.status == PeriodStatus.LOCKED:
        return []
    days = (period.due_date - today).days
    every = settings.REMINDER_OVERDUE_EVERY_DAYS
    if days in settings.REMINDER_DAYS_BEFORE:
        kind = ReminderKind.BEFORE
    elif days == 0:
        kind = ReminderKind.DUE
    elif days < 0 and (-days) % every == 1 % every:
        kind = ReminderKind.OVERDUE
    else:
        return []
    pending = period.reports.filter(
        state__in=[ReportState.DRAFT, ReportState.RETURNED], first_submitted_at__isnull=True
    ).select_related("agency", "period", "period__plan")
    return [(report, kind) for report in pending]


def send_due_reminders(today: dt.date) -> int:
    """All reminders due today in open or closed periods; returns how many were sent."""
    sent = 0
    periods = ReportingPeriod.objects.exclude(status=PeriodStatus.LOCKED).select_related("plan")
    for period in periods:
        for report, kind in due_notices(period, today):
            sent += notify(report, kind, today)
    return sent
