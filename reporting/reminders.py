"""E-mail notices of the reporting cycle: when a period opens, before the due
date, on it, after it (to agencies that have not submitted), and when a report is
returned or accepted. Each notice is sent at most once a day per report, so
the worker's daily schedule (reporting.tasks) and ``send_reminders`` can both run
without harm."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from access import rules
from accounts.models import User
from reporting.models import (
    AgencyReport,
    PeriodStatus,
    Reminder,
    ReminderKind,
    ReportingPeriod,
    ReportState,
)


def recipients(report: AgencyReport) -> list[str]:
    """The active accounts that report for the agency (EDIT_OWN_REPORT), or the
    agency's own address."""
    emails = [
        user.email
        for user in User.objects.filter(agency_id=report.agency_id, is_active=True).exclude(
            email=""
        )
        if rules.has(user, rules.C.EDIT_OWN_REPORT)
    ]
    if not emails and report.agency.email:
        emails = [report.agency.email]
    return sorted(set(emails))


def notify(report: AgencyReport, kind: str, today: dt.date, extra: dict | None = None) -> bool:
    """Send one notice unless this kind was already sent today. True if sent."""
    to = recipients(report)
    if not to:
        return False
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
    try:
        # The row and the queued e-mail (worker.mail) are saved together or not at all.
        with transaction.atomic():
            Reminder.objects.create(report=report, kind=kind, sent_on=today, recipients=to)
            send_mail(subject, body, None, to)
    except IntegrityError:
        return False  # already sent today
    return True


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
