"""/healthz: is this server fit to serve? The database answers, a task worker
beat within its lease, the data directory has room. Public (a load balancer or
a monitoring probe asks it without signing in), so it says no more than that:
no host names, paths, versions or error texts (those go to the log)."""

from __future__ import annotations

import logging
import shutil
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access.decorators import public

log = logging.getLogger("planwatch.health")


def _database() -> dict:
    start = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        log.exception("health: the database does not answer")
        return {"ok": False}
    return {"ok": True, "ms": round((time.perf_counter() - start) * 1000, 1)}


def _worker() -> dict:
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from worker.models import WorkerProcess

    try:
        last = (
            WorkerProcess.objects.filter(stopped_at__isnull=True)
            .order_by("-last_beat")
            .values_list("last_beat", flat=True)
            .first()
        )
        oldest = (
            DBTaskResult.objects.ready()
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
            .first()
        )
        queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
    except Exception:
        log.exception("health: cannot read the worker's heartbeat")
        return {"ok": False}
    now = timezone.now()
    age = (now - last).total_seconds() if last else None
    return {
        "ok": age is not None and age <= settings.WORKER_LEASE_SECONDS,
        "last_beat_seconds_ago": round(age, 1) if age is not None else None,
        "queued": queued,
        "oldest_waiting_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0,
    }


def _disk() -> dict:
    usage = shutil.disk_usage(settings.VAR_DIR)
    free_mb = usage.free // (1024 * 1024)
    return {
        "ok": free_mb >= settings.HEALTH_MIN_FREE_MB,
        "free_mb": free_mb,
        "free_percent": round(100 * usage.free / usage.total, 1),
    }


@public
@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database(), "worker": _worker(), "disk": _disk()}
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "failing", "checks": checks}, status=200 if ok else 503
    )
