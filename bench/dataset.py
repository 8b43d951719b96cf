"""The national dataset of issue 17, built with the project's own functions and bulk
inserts: N provinces (34 by default), each with the seed's registry under its own
codes plus 34 communes (about 2,178 agencies for 34), the 800/QĐ-UBND plan, its
reporting periods 2021–2030 opened by ``open_period`` (one report per responsible
agency, an item per task: ~21,000 reports, ~440,000 items), the demo's indicators
(``indicators.demo.DEFINITIONS``) supplied by every reporting agency (~940,000
values), and each year's funding (~95,000 budget lines).

States as the demo has them (``reporting.demo``, ``budget.demo``), as of December
2026: 2021–2024 locked, mostly accepted (some late, some never sent, a few returned
and sent again), 2025 closed with reports still waiting for review, 2026 open (due
10/12/2026) with reports accepted, waiting, returned with a comment, drafts and not
started; 2027–2030 open ahead, drafts holding the agencies' planned figures. Every
submission is a ``ReportVersion`` holding the report as ``snapshot_report`` shapes it.
Funding: 2021–2024 allocated, 2025 appraised, 2026 submitted, later years drafted.

Accounts: ``bench-coordinator-pNN`` (coordinator, the province's Sở Công Thương) and
``bench-reporter-<agency code>`` (a reporter of every agency), password
``bench-password-123`` (one hash for all).

    .venv/bin/python bench/dataset.py --provinces 34            # SQLite under var/bench-national/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pw_bench .venv/bin/python bench/dataset.py

The audit log and notices of these bulk-made states are not written (the pages do not
read them); ``reporting.demo`` has the one-by-one version of the same story.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
import zoneinfo
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planwatch.settings")
    os.environ.setdefault("PLANWATCH_VAR_DIR", str(ROOT / "var" / "bench-national"))
    import django

    django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import User, UserRole  # noqa: E402
from agencies.models import Agency  # noqa: E402
from agencies.registry import SEED_REGISTRY, load_registry  # noqa: E402
from budget.models import BudgetLine, BudgetState, BudgetYear, Decision, Source  # noqa: E402
from budget.services import budget_for  # noqa: E402
from indicators.demo import DEFINITIONS, INDUSTRIES, SAME_AS  # noqa: E402
from indicators.models import Dimension, Indicator, IndicatorValue, Kind  # noqa: E402
from plans.format import SEED_PLAN  # noqa: E402
from plans.models import Plan, Task  # noqa: E402
from plans.saving import save_plan  # noqa: E402
from reporting.demo import WORK  # noqa: E402
from reporting.models import (  # noqa: E402
    AgencyReport,
    ItemStatus,
    PeriodStatus,
    ReportingPeriod,
    ReportItem,
    ReportState,
    ReportVersion,
    ReviewComment,
)
from reporting.periods import open_period  # noqa: E402

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
YEARS = range(2021, 2031)
CURRENT = 2026
COMMUNES = 34
PASSWORD = "bench-password-123"
BATCH = 5000
MARKET_CLASSES = [f"chợ hạng {n}" for n in ("I", "II", "III")] + [
    f"chợ NTM nâng cao nhóm {n}" for n in range(1, 6)
]
MARKER = "bench-dataset"


def plan_code(n: int) -> str:
    return f"p{n:02d}-sxtdbv-2021"


def province_registry(n: int, communes: int) -> dict:
    """The seed registry under province n's codes, with ``communes`` communes."""
    text = SEED_REGISTRY.read_text(encoding="utf-8")
    text = text.replace('"qb-', f'"p{n:02d}-').replace("Quảng Bình", f"Tỉnh {n:02d}")
    data = json.loads(text)
    # Ministries and the open groups are national: keep one copy of them.
    if n > 1:
        data["agencies"] = [a for a in data["agencies"] if not a["code"].startswith("bo-")]
        data["groups"] = [g for g in data["groups"] if g.get("scope")]
    province = f"p{n:02d}-ubnd-tinh"
    data["agencies"] += [
        {
            "code": f"p{n:02d}-xa-{k:03d}",
            "name": f"UBND xã Số {k} Tỉnh {n:02d}",
            "abbreviation": "",
            "kind": "commune_committee",
            "parent": province,
            "province": province,
            "aliases": [],
        }
        for k in range(1, communes + 1)
    ]
    return data


DISTRICTS = "UBND các huyện, thị xã, thành phố"


def with_communes(data: dict) -> None:
    """The communes share the districts' tasks (as they took them over in 2025), so
    that a commune's report has an item for each: ~20 items a report on average."""
    for group in data["task_groups"]:
        for task in group["tasks"]:
            partners = task.get("partners") or []
            if DISTRICTS in partners and "UBND cấp xã" not in partners:
                task["partners"] = [*partners, "UBND cấp xã"]


def _moment(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 9, tzinfo=TZ)


# --- the story of one report ---------------------------------------------------------


def outcome(year: int, rng: random.Random) -> tuple[str, bool, bool]:
    """(state, filled, returned once) of a report of ``year``."""
    roll = rng.random()
    if year < 2025:
        if roll < 0.08:
            return ReportState.DRAFT, False, False  # never sent
        return ReportState.ACCEPTED, True, roll > 0.97
    if year == 2025:
        if roll < 0.12:
            return ReportState.DRAFT, roll > 0.06, False
        return (ReportState.SUBMITTED if roll < 0.3 else ReportState.ACCEPTED), True, roll > 0.97
    if year == CURRENT:
        if roll < 0.15:
            return ReportState.DRAFT, False, False  # not started
        if roll < 0.5:
            return ReportState.DRAFT, True, False
        if roll < 0.62:
            return ReportState.SUBMITTED, True, False
        if roll < 0.67:
            return ReportState.RETURNED, True, True
        return ReportState.ACCEPTED, True, False
    return ReportState.DRAFT, False, False  # ahead: items not started, figures planned


def fill_item(item: ReportItem, group: str, code: str, rng: random.Random) -> None:
    done, results, label, unit = WORK.get(group, WORK["I"])
    lead = item.role == "lead"
    item.status = rng.choice(
        [ItemStatus.DONE, ItemStatus.IN_PROGRESS, ItemStatus.IN_PROGRESS]
        if lead
        else [ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.NOT_STARTED]
    )
    if item.status != ItemStatus.NOT_STARTED:
        item.done = f"{done} (nhiệm vụ {code})."
        item.results = results + "."
        item.quantities = [
            {"label": label, "value": rng.randint(1, 12) * (3 if lead else 1), "unit": unit}
        ]
        item.spent = rng.randint(2, 40) * 5_000_000 if lead or rng.random() < 0.25 else None


def snapshot(report: AgencyReport, items: list[tuple[ReportItem, str]]) -> dict:
    """What ``reporting.services.snapshot_report`` gives, from what is in memory."""
    return {
        "agency": report.agency.name,
        "year": report.period.year,
        "difficulties": report.difficulties,
        "proposals": report.proposals,
        "items": [
            {
                "task": code,
                "role": i.role,
                "status": i.status,
                "reason": i.reason,
                "done": i.done,
                "results": i.results,
                "quantities": i.quantities,
                "spent": i.spent,
            }
            for i, code in items
        ],
    }


DIFFICULTIES = [
    "Kinh phí bố trí cho nhiệm vụ còn hạn chế.",
    "Doanh nghiệp chưa quan tâm nhiều đến sản xuất sạch hơn.",
    "Thiếu cán bộ chuyên trách theo dõi chương trình.",
    "",
]
PROPOSALS = [
    "Đề nghị UBND tỉnh bố trí kinh phí hằng năm cho các nhiệm vụ của Kế hoạch.",
    "Đề nghị Bộ Công Thương tổ chức thêm các lớp tập huấn cho địa phương.",
    "",
]


_HASH: list[str] = []


def password_hash() -> str:
    """One hash for every bench account (hashing is slow on purpose)."""
    if not _HASH:
        _HASH.append(make_password(PASSWORD))
    return _HASH[0]


class Province:
    """Builds one province's data; the rows go out in batches."""

    def __init__(self, n: int, communes: int, years: range, coordinator: User | None):
        self.n, self.communes, self.years, self.coordinator = n, communes, years, coordinator
        self.counts = {"reports": 0, "items": 0, "values": 0, "lines": 0, "versions": 0}

    def build(self) -> Plan:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
            json.dump(province_registry(self.n, self.communes), f, ensure_ascii=False)
        try:
            load_registry(Path(f.name))
        finally:
            os.unlink(f.name)
        data = json.loads(SEED_PLAN.read_text(encoding="utf-8"))
        data["code"] = plan_code(self.n)
        data["issuer"] = f"UBND tỉnh Tỉnh {self.n:02d}"
        with_communes(data)
        plan = save_plan(data)
        self.accounts(plan)
        indicators = self.indicators(plan)
        tasks = {t.pk: t for t in Task.objects.filter(plan=plan).select_related("group")}
        for year in self.years:
            period = open_period(plan, year, announce=False)
            items = self.reports(period, indicators, tasks)
            self.budget(plan, year, items)
        return plan

    def accounts(self, plan: Plan) -> None:
        password = password_hash()
        agencies = Agency.objects.filter(code__startswith=f"p{self.n:02d}-")
        users = [
            User(
                username=f"bench-reporter-{a.code}",
                role=UserRole.REPORTER,
                agency=a,
                first_name="Cán bộ",
                last_name=a.name,
                email=f"bench-reporter-{a.code}@bench.invalid",
                password=password,
            )
            for a in agencies
        ]
        sct = Agency.objects.get(code=f"p{self.n:02d}-so-cong-thuong")
        users.append(
            User(
                username=f"bench-coordinator-p{self.n:02d}",
                role=UserRole.COORDINATOR,
                agency=sct,
                first_name="Điều phối",
                last_name=f"Tỉnh {self.n:02d}",
                email=f"bench-coordinator-p{self.n:02d}@bench.invalid",
                password=password,
            )
        )
        User.objects.bulk_create(users, batch_size=BATCH)

    def indicators(self, plan: Plan) -> list[Indicator]:
        """The demo's indicator definitions, one for every measurable target; the
        (·, 6) pair broken down by market class so that a report carries ~44 values."""
        made = []
        for target in plan.targets.current().order_by("milestone", "position"):
            key = (target.milestone, target.position)
            definition = DEFINITIONS.get(SAME_AS.get(key, key))
            if definition is None or target.measure == "qualitative":
                continue
            name, unit, direction, kind, aggregation, dimension, base_year, base, _v, _s = (
                definition
            )
            categories: list[str] = INDUSTRIES if dimension == Dimension.SECTOR else []
            if key[1] == 6:
                dimension, categories = Dimension.MARKET_CLASS, MARKET_CLASSES
            made.append(
                Indicator(
                    plan=plan,
                    target=target,
                    name=name,
                    unit=unit,
                    direction=direction,
                    kind=kind,
                    aggregation=aggregation,
                    dimension=dimension,
                    categories=categories,
                    registry_category=(
                        "cleaner_production"
                        if key[1] == 2
                        else "value_chain"
                        if key[1] == 3
                        else ""
                    ),
                    question=name if kind == Kind.YES_SHARE else "",
                    baseline_year=base_year,
                    baseline_value=Decimal(str(base)) if base is not None else None,
                )
            )
        Indicator.objects.bulk_create(made)
        return [i for i in made if i.kind != Kind.REGISTRY]

    def reports(
        self, period: ReportingPeriod, indicators: list[Indicator], tasks: dict[int, Task]
    ) -> list[ReportItem]:
        """Fill what ``open_period`` made (its items are made again, filled, in bulk);
        returns the items."""
        year = period.year
        reports = list(period.reports.select_related("agency", "period"))
        items_by_report: dict[int, list[ReportItem]] = {}
        made = ReportItem.objects.filter(report__period=period)
        for report_id, task_id, role in made.values_list("report_id", "task_id", "role"):
            item = ReportItem(report_id=report_id, task=tasks[task_id], role=role)
            items_by_report.setdefault(report_id, []).append(item)
        made.delete()
        new_items: list[ReportItem] = []
        versions: list[ReportVersion] = []
        comments: list[ReviewComment] = []
        values: list[IndicatorValue] = []
        suppliers = []
        for report in reports:
            rng = random.Random(f"{year}-{report.agency.code}")
            state, filled, returned = outcome(year, rng)
            items = sorted(
                items_by_report.get(report.pk, []),
                key=lambda i: (i.task.group.position, i.task.position),
            )
            pairs = []
            for item in items:
                fresh = ReportItem(report=report, task=item.task, role=item.role)
                if filled:
                    fill_item(fresh, item.task.group.number, item.task.code, rng)
                pairs.append((fresh, item.task.code))
                new_items.append(fresh)
            if filled:
                report.difficulties = rng.choice(DIFFICULTIES)
                report.proposals = rng.choice(PROPOSALS)
            self.story(report, state, returned, pairs, rng, versions, comments)
            if filled or year > CURRENT:
                values += self.values(report, indicators, rng)
            suppliers.append(report.agency)
        AgencyReport.objects.bulk_update(
            reports,
            [
                "state",
                "revision",
                "difficulties",
                "proposals",
                "first_submitted_at",
                "submitted_at",
                "accepted_at",
                "late",
            ],
            batch_size=500,
        )
        ReportItem.objects.bulk_create(new_items, batch_size=BATCH)
        ReportVersion.objects.bulk_create(versions, batch_size=1000)
        ReviewComment.objects.bulk_create(comments, batch_size=BATCH)
        IndicatorValue.objects.bulk_create(values, batch_size=BATCH)
        through = Indicator.suppliers.through
        through.objects.bulk_create(
            [through(indicator_id=i.pk, agency_id=a.pk) for i in indicators for a in suppliers],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        if year < 2025:
            period.status = PeriodStatus.LOCKED
        elif year == 2025:
            period.status = PeriodStatus.CLOSED
        period.save(update_fields=["status"])
        self.counts["reports"] += len(reports)
        self.counts["items"] += len(new_items)
        self.counts["values"] += len(values)
        self.counts["versions"] += len(versions)
        return new_items

    def story(self, report, state, returned, pairs, rng, versions, comments) -> None:
        """Versions, dates and revisions of a report that reached ``state``."""
        year = report.period.year
        if state == ReportState.DRAFT:
            report.revision = 1 + (len(pairs) // 4 if pairs and pairs[0][0].done else 0)
            return
        month, due_day = (11, 30) if year == CURRENT else (12, 10)
        day = rng.randint(16, 30) if year == CURRENT else rng.randint(1, 22)
        sent = _moment(year, month, day)
        late = year != CURRENT and day > due_day
        data = snapshot(report, pairs)
        number = 1
        if returned:
            versions.append(
                ReportVersion(report=report, number=1, data=data, submitted_at=sent, late=late)
            )
            comments.append(
                ReviewComment(
                    report=report,
                    version=versions[-1],
                    text="Đề nghị bổ sung số liệu và kết quả cụ thể của từng nhiệm vụ.",
                    author=self.coordinator,
                )
            )
            number = 2
            report.revision += 2
            if state == ReportState.RETURNED:
                report.state = ReportState.RETURNED
                report.first_submitted_at = report.submitted_at = sent
                report.late = late
                return
            sent = sent + dt.timedelta(days=4)
        versions.append(
            ReportVersion(report=report, number=number, data=data, submitted_at=sent, late=late)
        )
        report.state = state
        report.first_submitted_at = report.first_submitted_at or sent
        report.submitted_at = sent
        report.late = late
        report.revision += 1
        if state == ReportState.ACCEPTED:
            report.accepted_at = sent + dt.timedelta(days=3)
            report.revision += 1

    def values(self, report, indicators, rng) -> list[IndicatorValue]:
        year, agency = report.period.year, report.agency
        rows = []
        for indicator in indicators:
            base = float(indicator.baseline_value or 50)
            drift = (year - 2020) * (0.012 if indicator.direction > 0 else -0.012)
            level = base * (1 + drift) * rng.uniform(0.9, 1.1)

            def row(category="", value=None, numerator=None, denominator=None, ind=indicator):
                return IndicatorValue(
                    indicator=ind,
                    year=year,
                    category=category,
                    agency=agency,
                    report=report,
                    value=value,
                    numerator=numerator,
                    denominator=denominator,
                )

            if indicator.kind == Kind.RATIO:
                whole = rng.randint(10, 60)
                part = min(whole, round(whole * rng.uniform(0.2, 0.6) * (1 + drift)))
                value = Decimal(100 * part / whole).quantize(Decimal("0.0001"))
                rows.append(row(value=value, numerator=part, denominator=whole))
            elif indicator.kind == Kind.YES_SHARE:
                rows.append(row(value=int(rng.random() < 0.5 + (year - 2021) * 0.06)))
            else:
                for category in indicator.categories:
                    spread = Decimal(str(round(level * rng.uniform(0.95, 1.05), 2)))
                    rows.append(row(category=category, value=spread))
                rows.append(row(value=Decimal(str(round(level, 2)))))
        return rows

    def budget(self, plan: Plan, year: int, items: list[ReportItem]) -> None:
        """A line for each money an agency reported (or, ahead, planned) on a task it
        leads; appraised and allocated as far as the year has gone."""
        rng = random.Random(f"budget-{self.n}-{year}")
        budget = budget_for(plan, year, create=True)
        lines = []
        for item in items:
            if item.spent is None and (year <= CURRENT or rng.random() > 0.3):
                continue
            spent = item.spent or rng.randint(2, 40) * 5_000_000
            amount = max(5, round(spent * rng.choice([0.9, 1.0, 1.1, 1.2, 1.5]) / 1e6)) * 1_000_000
            line = BudgetLine(
                budget=budget,
                task=item.task,
                agency_id=item.report.agency_id,
                source=Source.OTHER if rng.random() < 0.15 else Source.PROVINCIAL,
                content=WHAT.get(item.task.group.number, "Triển khai nhiệm vụ"),
                amount=amount,
            )
            if year <= 2025:
                roll = rng.random()
                line.decision = Decision.REDUCED if roll < 0.25 else Decision.ACCEPTED
                line.appraised_amount = (
                    (amount * 8 // 10) // 1_000_000 * 1_000_000 if roll < 0.25 else amount
                )
                line.reason = "Điều chỉnh theo định mức chi hội nghị." if roll < 0.25 else ""
                if year < 2025:
                    line.allocated_amount = line.appraised_amount
            lines.append(line)
        BudgetLine.objects.bulk_create(lines, batch_size=BATCH)
        moment = _moment(year - 1, 11, 20)
        if year < 2025:
            budget.state = BudgetState.ALLOCATED
            budget.allocation_number = f"{2800 + year - 2021}/QĐ-UBND"
            budget.allocation_date = dt.date(year - 1, 12, 15)
            budget.submitted_at, budget.appraised_at, budget.allocated_at = (
                moment,
                moment + dt.timedelta(days=10),
                moment + dt.timedelta(days=20),
            )
        elif year == 2025:
            budget.state = BudgetState.APPRAISED
            budget.submitted_at, budget.appraised_at = moment, moment + dt.timedelta(days=10)
        elif year == CURRENT:
            budget.state, budget.submitted_at = BudgetState.SUBMITTED, moment
        budget.save()
        self.counts["lines"] += len(lines)


WHAT = {
    "I": "Tổ chức hội nghị, lớp tập huấn, tài liệu tuyên truyền",
    "II": "Kiểm tra, hướng dẫn khai thác, sử dụng tài nguyên",
    "III": "Hỗ trợ xây dựng, nhân rộng mô hình",
    "IV": "Hỗ trợ cơ sở phân phối, điểm bán hàng",
    "V": "Thông tin, hướng dẫn nhãn sinh thái",
    "VI": "Hội chợ, xúc tiến thương mại",
    "VII": "Hướng dẫn mua sắm công xanh",
    "VIII": "Đào tạo, bồi dưỡng",
    "IX": "Ứng dụng khoa học công nghệ",
}


def describe() -> dict[str, int]:
    return {
        "provinces": Plan.objects.count(),
        "agencies": Agency.objects.count(),
        "reports": AgencyReport.objects.count(),
        "items": ReportItem.objects.count(),
        "versions": ReportVersion.objects.count(),
        "values": IndicatorValue.objects.count(),
        "budget lines": BudgetLine.objects.count(),
    }


def built(provinces: int) -> bool:
    """The dataset is there, complete (every province's plan has its funding years)."""
    return (
        Plan.objects.count() == provinces
        and BudgetYear.objects.values("plan").distinct().count() == provinces
    )


def generate(
    provinces: int = 34, scale: float = 1.0, years: range = YEARS, quiet=False, jobs: int = 1
) -> dict:
    """Build the dataset into the (migrated, empty) database; returns the counts.
    Province 1 (with the national agencies) first, then the others in ``jobs``
    processes side by side (each province in its own transaction)."""
    build_provinces([1], scale, years, quiet)
    rest = list(range(2, provinces + 1))
    if jobs <= 1 or not rest:
        build_provinces(rest, scale, years, quiet)
    else:
        import subprocess

        children = [
            subprocess.Popen(
                [sys.executable, __file__, "--only", ",".join(map(str, rest[k::jobs])),
                 "--scale", str(scale), "--years", f"{years.start}-{years.stop - 1}"]
            )
            for k in range(jobs)
        ]  # fmt: skip
        if any(child.wait() for child in children):
            sys.exit("a province failed to build")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The statistics, and the visibility map that lets the progress query read
            # its covering index alone (autovacuum would do it, later). VACUUM cannot
            # run in a transaction (a test's): then the statistics only.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return describe()


def build_provinces(numbers: list[int], scale: float, years: range, quiet=False) -> None:
    start = time.perf_counter()
    communes = max(1, round(COMMUNES * scale))
    for n in numbers:
        with transaction.atomic():
            province = Province(n, communes, years, None)
            province.build()
        if not quiet:
            print(
                f"  province {n:2d}: {province.counts} ({time.perf_counter() - start:.0f} s)",
                flush=True,
            )


def main() -> None:
    from django.core.management import call_command

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--scale", type=float, default=1.0, help="communes per province × this")
    parser.add_argument("--years", default="2021-2030", help="first-last reporting year")
    parser.add_argument("--jobs", type=int, default=2, help="processes building provinces")
    parser.add_argument("--only", help=argparse.SUPPRESS)  # a child of --jobs: these provinces
    args = parser.parse_args()
    first, last = (int(y) for y in args.years.split("-"))
    years = range(first, last + 1)
    if args.only:
        build_provinces([int(n) for n in args.only.split(",")], args.scale, years)
        return
    call_command("migrate", verbosity=0)
    if built(args.provinces):
        print(f"dataset already there: {describe()}")
        return
    if Plan.objects.exists():
        sys.exit("the database holds another dataset: drop it first")
    start = time.perf_counter()
    counts = generate(args.provinces, args.scale, years, jobs=args.jobs)
    print(f"dataset built in {time.perf_counter() - start:.0f} s on {connection.vendor}: {counts}")


if __name__ == "__main__":
    main()
