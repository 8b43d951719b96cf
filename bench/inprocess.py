"""The in-process half of bench/issue17.py, run on the database of DATABASE_URL (a
dataset of bench/dataset.py); prints one JSON line.

    inprocess.py --province 17 [--deep]   query count of each main page for province
                                          17's coordinator, and a session for HTTP;
                                          --deep: one changed field's save, documents
    inprocess.py --rush-prepare N FILE    N reporters with an open draft, their sessions
    inprocess.py --rush-verify FILE       did every submit and last save arrive? then the
                                          reports are put back to drafts
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planwatch.settings")
# The query counts and profiles are of the pages as rendered, not of kept ones
# (planwatch.pagecache; PAGE_CACHE=1 to measure those).
os.environ.setdefault("PAGE_CACHE", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from indicators.models import Indicator, IndicatorValue, Kind  # noqa: E402
from plans.models import Plan  # noqa: E402
from reporting.models import AgencyReport, ReportItem, ReportState, ReportVersion  # noqa: E402

CURRENT = 2026
HOST = "127.0.0.1"


def code_of(province: int) -> str:
    return f"p{province:02d}-sxtdbv-2021"


def signed_in(user: User) -> tuple[Client, str]:
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def main_pages(province: int) -> dict[str, str]:
    code = code_of(province)
    plan = Plan.objects.get(code=code)
    report = AgencyReport.objects.get(
        period__plan=plan, period__year=CURRENT, agency__code=f"p{province:02d}-so-cong-thuong"
    )
    indicator = (
        Indicator.objects.filter(plan=plan)
        .exclude(kind=Kind.REGISTRY)
        .order_by("target__milestone", "target__position")
        .first()
    )
    assert indicator is not None
    return {
        "plan overview": reverse("plans:overview", args=[code]),
        "task table": reverse("plans:tasks", args=[code]),
        "reporting dashboard": reverse("reporting:year", args=[code, CURRENT]),
        "report form": reverse("reporting:report", args=[report.pk]),
        "progress dashboard": reverse("indicators:dashboard", args=[code]),
        "target page": reverse("indicators:target", args=[code, indicator.target_id]),
        "funding summary": reverse("budget:overview", args=[code]),
        "funding year": reverse("budget:year", args=[code, CURRENT]),
    }


def count_queries(client: Client, pages: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, url in pages.items():
        client.get(url)  # warm up (caches, the session)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = len(ctx.captured_queries)
    return counts


FIELD = re.compile(r"<(input|textarea|select)\b([^>]*)>", re.S)


def autosave_units(html: str) -> dict[str, list[str]]:
    """unit -> the names of its fields, from the report form's data-unit attributes."""
    units: dict[str, list[str]] = {}
    for _tag, attrs in FIELD.findall(html):
        unit = re.search(r'data-unit="([^"]+)"', attrs)
        name = re.search(r'name="([^"]+)"', attrs)
        if unit and name and name.group(1) not in units.get(unit.group(1), []):
            units.setdefault(unit.group(1), []).append(name.group(1))
    return units


def save_cost(province: int, rounds: int = 15) -> dict:
    """One changed field saved through reporting:draft, as the browser's autosave
    sends it: queries and the server's CPU time (this process: PostgreSQL's own work is
    in its processes), the median of ``rounds`` saves; for an item's text and for an
    indicator's value."""
    report = (
        AgencyReport.objects.filter(
            period__plan__code=code_of(province),
            period__year=CURRENT,
            state=ReportState.DRAFT,
            items__done__gt="",
            agency__users__username__startswith="bench-reporter-",
        )
        .distinct()
        .order_by("pk")
        .first()
    )
    assert report is not None, "no filled draft"
    reporter = User.objects.get(username=f"bench-reporter-{report.agency.code}")
    client, _session = signed_in(reporter)
    html = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    units = autosave_units(html)
    url = reverse("reporting:draft", args=[report.pk])
    item_unit = next(u for u in units if u.endswith("-done"))
    value_unit = next(
        (u for u, names in units.items() if u.startswith("indicator-") and len(names) == 1
         and names[0].endswith("-value") and 'type="checkbox"' not in html.split(names[0])[1][:5]),
        None,
    )  # fmt: skip
    out = {}
    for label, unit in (("item text", item_unit), ("indicator value", value_unit)):
        if unit is None:
            continue
        queries, cpu, wall = [], [], []
        for n in range(2 * rounds):
            # Counting the queries (Django's debug cursor keeps each statement's SQL)
            # costs CPU itself: the first rounds count them, the others are timed.
            report.refresh_from_db(fields=["revision"])
            name = units[unit][0]
            value = f"Đã triển khai đợt {n}." if label == "item text" else str(100 + n)
            data = {"revision": report.revision, "action": "save", name: value}
            if n < rounds:
                with CaptureQueriesContext(connection) as ctx:
                    response = client.post(url, data, HTTP_ACCEPT="application/json")
                queries.append(len(ctx.captured_queries))
            else:
                c0, w0 = time.process_time(), time.perf_counter()
                response = client.post(url, data, HTTP_ACCEPT="application/json")
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - w0) * 1000)
            assert response.status_code == 200, (response.status_code, response.content[:300])
        out[label] = {
            "queries": statistics.median(queries),
            "cpu_ms": statistics.median(cpu),
            "wall_ms": statistics.median(wall),
        }
    return out


def documents(province: int) -> dict:
    from documents import generate
    from documents.content import Kind as DocKind

    plan = Plan.objects.get(code=code_of(province))
    out: dict[str, float | str] = {}
    for fmt, rounds in (("docx", 3), ("xlsx", 3), ("pdf", 2)):
        times = []
        try:
            for _ in range(rounds):
                start = time.perf_counter()
                generate.build(plan, DocKind.ANNUAL, [2025], fmt)
                times.append(time.perf_counter() - start)
            out[fmt] = statistics.median(times)
        except Exception as exc:
            out[fmt] = f"failed: {exc}"
    return out


def bench_admin() -> User:
    """The administrator who may export the nation (made once in the bench database)."""
    from accounts.models import UserRole

    admin, _made = User.objects.get_or_create(
        username="bench-admin", defaults={"role": UserRole.ADMIN, "is_staff": True}
    )
    return admin


def pages_mode(province: int, deep: bool) -> dict:
    coordinator = User.objects.get(username=f"bench-coordinator-p{province:02d}")
    client, session = signed_in(coordinator)
    pages = main_pages(province)
    result = {
        "province": province,
        "plans": Plan.objects.count(),
        "pages": pages,
        "queries": count_queries(client, pages),
        "session": session,
        "admin_session": signed_in(bench_admin())[1],  # the national export's reader
    }
    if deep:
        from bench.dataset import describe

        result["dataset"] = describe()
        result["save"] = save_cost(province)
        result["documents"] = documents(province)
    return result


def rush_prepare(count: int) -> list[dict]:
    """``count`` reporters, each of a different agency with a filled draft of this year."""
    reports = list(
        AgencyReport.objects.filter(
            period__year=CURRENT, state=ReportState.DRAFT, items__done__gt=""
        )
        .distinct()
        .select_related("agency")
        .order_by("agency__code")
    )
    users = {
        u.agency_id: u
        for u in User.objects.filter(username__startswith="bench-reporter-", is_active=True)
    }
    chosen = [r for r in reports if r.agency_id in users][:count]
    if len(chosen) < count:
        sys.exit(f"only {len(chosen)} drafts with a reporter: build a larger dataset")
    return [
        {
            "report": r.pk,
            "agency": r.agency.code,
            "versions": r.versions.count(),
            "session": signed_in(users[r.agency_id])[1],
        }
        for r in chosen
    ]


def same(stored, sent: str) -> bool:
    """The text stored is the one sent (as the form keeps text: NFC, trimmed)."""
    return unicodedata.normalize("NFC", str(stored or "")).strip() == (
        unicodedata.normalize("NFC", sent).strip()
    )


def rush_verify(path: Path) -> dict:
    """Every submit arrived (the report submitted, one version more) and what each
    reporter last sent is what the report and its version hold; then back to drafts."""
    runs = json.loads(path.read_text(encoding="utf-8"))
    submitted = lost = checked = 0
    problems = []
    for run in runs:
        report = AgencyReport.objects.select_related("period", "agency").get(pk=run["report"])
        versions = ReportVersion.objects.filter(report=report).order_by("number")
        arrived = report.state == ReportState.SUBMITTED and versions.count() == run["versions"] + 1
        submitted += arrived
        if run["submitted"] and not arrived:
            problems.append(f"report {report.pk}: submit answered but not stored")
        last = versions.last()
        items = {f"item-{i.task_id}": i for i in ReportItem.objects.filter(report=report)}
        for name, sent in run["last"].items():
            checked += 1
            kind, pk, field = name.split("-", 2)
            if kind == "item":
                stored = getattr(items[f"item-{pk}"], field)
                frozen = next(
                    (i.get(field) for i in (last.data["items"] if last else [])
                     if i["task"] == items[f"item-{pk}"].task.code),
                    None,
                )  # fmt: skip
                ok = same(stored, sent) and (not arrived or same(frozen, sent))
            else:
                row = IndicatorValue.objects.filter(
                    indicator_id=int(pk), year=report.period.year, agency=report.agency,
                    category="",
                ).first()  # fmt: skip
                ok = row is not None and row.value is not None and float(row.value) == float(sent)
            if not ok:
                lost += 1
                problems.append(f"report {report.pk} {name}: sent {sent!r}, stored otherwise")
        # Back to a draft, so that the next run finds its reporters again.
        versions.filter(number__gt=run["versions"]).delete()
        AgencyReport.objects.filter(pk=report.pk).update(
            state=ReportState.DRAFT, submitted_at=None, first_submitted_at=None, late=False
        )
    return {
        "reports": len(runs),
        "submitted_in_db": submitted,
        "fields_checked": checked,
        "lost": lost,
        "problems": problems[:20],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--province", type=int, default=17)
    parser.add_argument("--deep", action="store_true")
    parser.add_argument("--rush-prepare", nargs=2, metavar=("N", "FILE"))
    parser.add_argument("--rush-verify", metavar="FILE")
    args = parser.parse_args()
    if args.rush_prepare:
        count, file = args.rush_prepare
        Path(file).write_text(json.dumps(rush_prepare(int(count))), encoding="utf-8")
        print(json.dumps({"ok": True}))
    elif args.rush_verify:
        print(json.dumps(rush_verify(Path(args.rush_verify))))
    else:
        print(json.dumps(pages_mode(args.province, args.deep)))


if __name__ == "__main__":
    main()
