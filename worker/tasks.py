"""The worker's own scheduled task: forgetting old finished tasks."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from worker.models import ScheduledRun, WorkerProcess
from worker.registry import background


@background(time_limit=600, attempts=2)
def housekeeping(day: str) -> dict:
    """Delete finished tasks (and their attempts) older than WORKER_KEEP_DAYS,
    workers stopped a week ago, scheduled runs older than a year."""
    now = timezone.now()
    keep = now - dt.timedelta(days=settings.WORKER_KEEP_DAYS)
    tasks, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=keep
    ).delete()
    workers, _ = WorkerProcess.objects.filter(stopped_at__lt=now - dt.timedelta(days=7)).delete()
    runs, _ = ScheduledRun.objects.filter(slot__lt=now - dt.timedelta(days=366)).delete()
    return {"day": day, "tasks": tasks, "workers": workers, "runs": runs}
