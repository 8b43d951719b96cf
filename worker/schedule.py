"""Scheduled work, enqueued by the worker when its hour comes: no cron line to
install. Each (entry, slot) is enqueued once, whatever the number of workers
(a unique row), and a worker that was down at the hour catches up when it starts.
The tasks themselves are idempotent (reminders are rows unique per day)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from worker.models import ScheduledRun


@dataclass(frozen=True)
class Entry:
    name: str
    task_path: str
    at: dt.time  # every day, local time (TIME_ZONE)


def entries() -> list[Entry]:
    return [
        Entry("reminders", "reporting.tasks.send_reminders", settings.REMINDERS_AT),
        Entry("housekeeping", "worker.tasks.housekeeping", dt.time(3, 0)),
    ]


def latest_slot(entry: Entry, now: dt.datetime) -> dt.datetime:
    """The last time ``entry`` was due at or before ``now``."""
    local = timezone.localtime(now)
    slot = timezone.make_aware(dt.datetime.combine(local.date(), entry.at))
    if slot > now:
        slot = timezone.make_aware(
            dt.datetime.combine(local.date() - dt.timedelta(days=1), entry.at)
        )
    return slot


_seen: dict[str, dt.datetime] = {}  # per process: no query when nothing is due


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every entry whose latest slot has no run yet; returns their names."""
    now = now or timezone.now()
    started = []
    for entry in entries():
        slot = latest_slot(entry, now)
        if _seen.get(entry.name) == slot:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=entry.name, slot=slot)
                result = import_string(entry.task_path).enqueue(slot.date().isoformat())
                run.task_id = result.id
                run.save(update_fields=["task_id"])
        except IntegrityError:
            pass  # another worker (or an earlier start) enqueued it
        else:
            started.append(entry.name)
        _seen[entry.name] = slot
    return started
