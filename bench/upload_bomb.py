"""Benchmark of a hostile upload (issue 15): a budget workbook of 400,000 rows (a few
MB packed) sent by the viewer, and by a reporter who may upload. Goal: each refused
in under a second with the process's memory up by less than 50 MB. Not a timed
test: this script prints the figures and, with ``--check``, exits non-zero when one
is over its goal.

    .venv/bin/python bench/upload_bomb.py [--check] [--rows 400000]

The viewer's request goes through Django's request handling (the multipart body
parsed as the server does: to a temporary file past 2.5 MB) and the route's access
rule; the reporter's through the checks the budget upload makes before it parses
(planwatch.uploads: archive, rows and cells streamed). No database is needed.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planwatch.settings")

import django  # noqa: E402

django.setup()

from django.core.exceptions import PermissionDenied  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from accounts.models import User  # noqa: E402
from budget import excel, services  # noqa: E402
from budget import views as budget_views  # noqa: E402
from tests import hostile  # noqa: E402

GOAL_SECONDS = 1.0
GOAL_MB = 50


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(name: str, work) -> tuple[str, float, float, str]:
    """The time of ``work()`` (untraced), then its memory: the larger of the growth of
    the process's peak resident memory and the peak traced by tracemalloc (a second
    run, as tracing slows the work)."""
    before = _rss_mb()
    start = time.perf_counter()
    outcome = work()
    seconds = time.perf_counter() - start
    grown = _rss_mb() - before
    tracemalloc.start()
    work()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return name, seconds, max(grown, peak / (1024 * 1024)), outcome


def viewer_posts(data: bytes) -> str:
    request = RequestFactory().post(
        "/plans/qb-sxtdbv-2021/budget/2022/excel/upload/",
        {"file": _upload(data)},
    )
    request.user = User(username="viewer", role="viewer")
    try:
        budget_views.excel_upload(request, code="qb-sxtdbv-2021", year=2022)
    except PermissionDenied:
        return "403"
    return "ACCEPTED"


def reporter_posts(data: bytes) -> str:
    try:
        excel._sheet(data)
    except services.BudgetError as exc:
        return "refused: " + exc.errors[0][:60]
    return "ACCEPTED"


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("du-toan.xlsx", data)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--rows", type=int, default=400_000)
    args = parser.parse_args()
    data = hostile.many_rows_workbook(args.rows, compact=True)
    print(f"workbook: {args.rows:,} rows, {len(data) / 1024:,.0f} kB packed")
    late = False
    for name, seconds, grown, outcome in (
        _measure("viewer: the route's rule", lambda: viewer_posts(data)),
        _measure("reporter: checks before parsing", lambda: reporter_posts(data)),
    ):
        over = seconds > GOAL_SECONDS or grown > GOAL_MB or outcome == "ACCEPTED"
        late |= over
        print(
            f"{name:36} {seconds:6.3f} s  memory +{grown:5.1f} MB  {outcome}"
            + ("  OVER GOAL" if over else "")
        )
    print(f"goals: under {GOAL_SECONDS} s and {GOAL_MB} MB each")
    return 1 if args.check and late else 0


if __name__ == "__main__":
    sys.exit(main())
