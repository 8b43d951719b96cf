"""Measure the streamed CSV export of indicator values (issue 17: 1M values in 30 s,
memory flat): adds generated values to the demo data, then writes the nation's values
CSV (indicators.exports) to nowhere, printing rows/s, the queries and the memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pw_exports_bench \\
        .venv/bin/python bench/exports.py 200000
    .venv/bin/python bench/exports.py 200000      # SQLite under var/bench-exports/

Not a test: a busy machine gives slower figures. The database must be empty or hold
only demo data (``load_demo`` refuses others)."""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planwatch.settings")
os.environ.setdefault("PLANWATCH_VAR_DIR", str(ROOT / "var" / "bench-exports"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from indicators import exports  # noqa: E402
from indicators.models import Indicator, IndicatorValue  # noqa: E402

BATCH = 5000


def generate(total: int) -> None:
    """Generated provincial values until the database holds ``total`` (bulk inserts)."""
    have = IndicatorValue.objects.count()
    indicators = list(Indicator.objects.values_list("pk", flat=True))
    n = IndicatorValue.objects.filter(category__startswith="sinh ").count()
    while have < total:
        size = min(BATCH, total - have)
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator_id=indicators[(n + i) % len(indicators)],
                year=2021 + (n + i) % 10,
                category=f"sinh {n + i}",
                value=(n + i) % 9973,
            )
            for i in range(size)
        )
        have += size
        n += size


def measure(trace: bool) -> tuple[int, float, int, int]:
    admin = User.objects.filter(role="admin").first()
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    size = 0
    with CaptureQueriesContext(connection) as queries:
        for piece in exports.csv_chunks(exports.table("values", admin)):
            size += len(piece)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    reset_queries()
    return size, seconds, len(queries.captured_queries), peak


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    start = time.perf_counter()
    generate(total)
    rows = IndicatorValue.objects.count()
    print(f"{connection.vendor}: {rows} values ({time.perf_counter() - start:.1f} s to generate)")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size, seconds, queries, _peak = measure(trace=False)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"values CSV: {size / 1e6:.1f} MB in {seconds:.2f} s = {rows / seconds:,.0f} values/s; "
        f"{queries} queries; peak RSS {rss_before / 1024:.0f} MB before, "
        f"{rss_after / 1024:.0f} MB after"
    )
    _size, traced, _q, peak = measure(trace=True)
    print(f"under tracemalloc: {traced:.2f} s, peak Python allocation {peak / 1e6:.2f} MB")
    print(f"1M values at this rate: {1_000_000 / (rows / seconds):.1f} s (goal 30 s)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
