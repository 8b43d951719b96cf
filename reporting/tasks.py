"""Scheduled work of the reporting cycle, run by the task worker (worker.schedule)."""

from __future__ import annotations

import datetime as dt

from worker.registry import background


@background(time_limit=900, attempts=3, retry_delay=300)
def send_reminders(day: str) -> int:
    """The reminders due on ``day`` (YYYY-MM-DD); idempotent (one per report, kind, day)."""
    from reporting.reminders import send_due_reminders

    return send_due_reminders(dt.date.fromisoformat(day))
