"""Benchmark on one province's demo data (what `make run` loads): the time of the work
a user waits for, against its goal. Not a timed test: tests never assert a duration
(a busy machine would fail them); this script prints the figures, and with
``--check`` exits non-zero when one is over its goal.

    .venv/bin/python bench/one_province.py [--check] [--repeat N]   # SQLite under var/bench-province/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planwatch_bench_province \\
        .venv/bin/python bench/one_province.py

The database must be empty or hold only demo data (``load_demo`` refuses others), so
it is not the one of bench/national.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planwatch.settings")
os.environ.setdefault("PLANWATCH_VAR_DIR", str(ROOT / "var" / "bench-province"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from documents import generate  # noqa: E402
from documents.content import Kind  # noqa: E402
from plans.importing import import_document  # noqa: E402
from plans.models import Plan  # noqa: E402

SEED_TXT = ROOT / "plans" / "data" / "ke-hoach-sxtdbv-quang-binh-2021.txt"
CODE = "qb-sxtdbv-2021"


def prepare() -> Plan:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)  # idempotent
    return Plan.objects.get(code=CODE)


def cases(plan: Plan) -> list[tuple[str, float, Callable[[], object]]]:
    """(what, goal in seconds, the work): the goals of issue 17 (a province-year
    .docx and .xlsx in 0.5 s each, its .pdf in 2 s) and of the seed import."""
    seed = SEED_TXT.read_bytes()
    return [
        (
            "consolidated report 2024, .docx",
            0.5,
            lambda: generate.build(plan, Kind.ANNUAL, [2024], "docx"),
        ),
        (
            "consolidated report 2024, .xlsx",
            0.5,
            lambda: generate.build(plan, Kind.ANNUAL, [2024], "xlsx"),
        ),
        (
            "consolidated report 2024, .pdf",
            2.0,
            lambda: generate.build(plan, Kind.ANNUAL, [2024], "pdf"),
        ),
        ("importing the seed plan (.txt)", 0.5, lambda: import_document(seed, "seed.txt")),
    ]


def measure(repeat: int) -> list[tuple[str, float, float]]:
    plan = prepare()
    rows = []
    for what, goal, work in cases(plan):
        work()  # warm up: templates, fonts, the registry query
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        rows.append((what, statistics.median(times), goal))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a case is over its goal")
    args = parser.parse_args()
    rows = measure(max(1, args.repeat))
    print(f"one province's demo data on {connection.vendor}; median of {args.repeat} runs")
    print(f"{'work':<40} {'ms':>8} {'goal ms':>8}")
    over = 0
    for what, seconds, goal in rows:
        flag = "" if seconds <= goal else "  over the goal"
        over += bool(flag)
        print(f"{what:<40} {seconds * 1000:>8.1f} {goal * 1000:>8.0f}{flag}")
    if os.getloadavg()[0] > (os.cpu_count() or 1):
        print(f"note: load average {os.getloadavg()[0]:.1f}: the machine is busy")
    return 1 if args.check and over else 0


if __name__ == "__main__":
    sys.exit(main())
