"""Benchmark on a generated national dataset: 34 provinces, each with the seed's
registry and plan under its own codes. Not a timed test: it prints query counts
and timings for the pages of one province, so that growth with the data shows.

    .venv/bin/python bench/national.py            # SQLite under var/bench/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planwatch_bench \\
        .venv/bin/python bench/national.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planwatch.settings")
os.environ.setdefault("PLANWATCH_VAR_DIR", str(ROOT / "var" / "bench"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User, UserRole  # noqa: E402
from agencies.registry import SEED_REGISTRY, load_registry  # noqa: E402
from plans.format import SEED_PLAN  # noqa: E402
from plans.models import Plan  # noqa: E402
from plans.saving import save_plan  # noqa: E402
from reporting.periods import open_period  # noqa: E402

PROVINCES = 34


def province_registry(n: int) -> dict:
    text = SEED_REGISTRY.read_text(encoding="utf-8")
    text = text.replace('"qb-', f'"p{n:02d}-').replace("Quảng Bình", f"Tỉnh {n:02d}")
    data = json.loads(text)
    # Ministries and the open groups are national: keep one copy of them.
    if n > 1:
        data["agencies"] = [a for a in data["agencies"] if not a["code"].startswith("bo-")]
        data["groups"] = [g for g in data["groups"] if g.get("scope")]
    return data


def generate() -> None:
    call_command("migrate", verbosity=0)
    if Plan.objects.count() >= PROVINCES:
        return
    plan_data = json.loads(SEED_PLAN.read_text(encoding="utf-8"))
    for n in range(1, PROVINCES + 1):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
            json.dump(province_registry(n), f, ensure_ascii=False)
        load_registry(Path(f.name))
        os.unlink(f.name)
        data = dict(plan_data)
        data["code"] = f"p{n:02d}-sxtdbv-2021"
        data["issuer"] = f"UBND tỉnh Tỉnh {n:02d}"
        save_plan(data)
    for plan in Plan.objects.all():
        if not plan.periods.filter(year=2025).exists():
            open_period(plan, 2025, announce=False)
    if not User.objects.filter(username="bench").exists():
        User.objects.create_user(
            "bench", "bench@example.vn", "bench-password-123", role=UserRole.VIEWER
        )


def measure() -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bench"))
    pages = [
        "/plans/p17-sxtdbv-2021/",
        "/plans/p17-sxtdbv-2021/targets/",
        "/plans/p17-sxtdbv-2021/tasks/",
        "/plans/p17-sxtdbv-2021/tasks/?agency=p17-so-du-lich&year=2022&q=ban",
        "/plans/p17-sxtdbv-2021/timeline/",
        "/agencies/",
        "/agencies/?province=p17-ubnd-tinh",
        "/agencies/p17-so-du-lich/?year=2022",
        "/plans/p17-sxtdbv-2021/reporting/",
        "/plans/p17-sxtdbv-2021/reporting/2025/",
        "/plans/p17-sxtdbv-2021/progress/?year=2025",
        "/api/v1/plans/p17-sxtdbv-2021",
        "/api/v1/agencies",
        "/api/v1/plans/p17-sxtdbv-2021/years/2025/reports",
        "/api/v1/plans/p17-sxtdbv-2021/progress?year=2025",
        "/plans/p17-sxtdbv-2021/budget/",
        "/agencies/changes/",
        "/plans/p17-sxtdbv-2021/tasks/?as_of=2026-01-01",
        "/api/v1/plans/p17-sxtdbv-2021/tasks?as_of=2026-01-01",
        "/plans/p17-sxtdbv-2021/documents/",
        "/plans/p17-sxtdbv-2021/documents/print/?kind=annual&year=2025",
        "/api/v1/plans/p17-sxtdbv-2021/years/2025/report.docx",
        "/api/v1/plans/p17-sxtdbv-2021/years/2025/report.xlsx",
    ]
    print(f"{'page':<62} {'queries':>7} {'ms':>8}")
    for url in pages:
        client.get(url)  # warm up
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (url, response.status_code)
        print(f"{url:<62} {len(ctx.captured_queries):>7} {elapsed:>8.1f}")


if __name__ == "__main__":
    start = time.perf_counter()
    generate()
    print(
        f"dataset: {Plan.objects.count()} plans, generated/checked in "
        f"{time.perf_counter() - start:.1f} s on {connection.vendor}"
    )
    measure()
