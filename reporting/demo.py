"""Demo reporting years 2021–2025 for the seed plan: most agencies on time, some
late, some missing, one report returned and resubmitted. Deterministic, so that
``load_demo`` gives the same picture every time; only for demo databases."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

from django.db import transaction

from audit.log import record
from plans.models import Plan
from reporting.models import (
    AgencyReport,
    ItemStatus,
    PeriodStatus,
    ReportingPeriod,
    ReportState,
    ReviewComment,
)
from reporting.periods import open_period
from reporting.services import record_submission

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
YEARS = range(2021, 2026)
# So that the demo accounts have work to do: the 2025 reports of Sở Văn hóa, Thể thao và
# Du lịch (Sở Du lịch's successor) and phường Đồng Hới are drafts, Sở Nông nghiệp và Môi
# trường's (Sở Tài nguyên và Môi trường's successor) waits for the coordinator's review.
# After the 2025 restructuring these are Quảng Trị's agencies (load_demo applies it first).
DRAFT_2025 = {"qt-so-vhttdl", "qt-phuong-dong-hoi"}
REVIEW_2025 = {"qt-so-nnmt"}

# What agencies write, by task group: (done, results, quantity label, unit).
WORK = {
    "I": (
        "Tổ chức hội nghị tập huấn, tuyên truyền về sản xuất và tiêu dùng bền vững cho doanh "
        "nghiệp, cán bộ và người dân",
        "Nâng cao nhận thức về tiêu dùng bền vững",
        "Lớp tập huấn",
        "lớp",
    ),
    "II": (
        "Hướng dẫn các tổ chức, cá nhân khai thác hợp lý tài nguyên khoáng sản",
        "Các điểm mỏ được kiểm tra, hướng dẫn",
        "Đợt kiểm tra",
        "đợt",
    ),
    "III": (
        "Hỗ trợ doanh nghiệp đánh giá sản xuất sạch hơn, nhân rộng mô hình",
        "Mô hình được xây dựng, áp dụng",
        "Mô hình",
        "mô hình",
    ),
    "IV": (
        "Vận động siêu thị, cửa hàng tiện lợi, chợ sử dụng bao bì thân thiện môi trường",
        "Cơ sở phân phối tham gia",
        "Cơ sở tham gia",
        "cơ sở",
    ),
    "V": (
        "Cung cấp thông tin, hướng dẫn áp dụng nhãn sinh thái, nhãn du lịch bền vững",
        "Cơ sở được hướng dẫn",
        "Cơ sở được hướng dẫn",
        "cơ sở",
    ),
    "VI": (
        "Tổ chức, tham gia hội chợ, kết nối cung cầu sản phẩm thân thiện môi trường",
        "Gian hàng, doanh nghiệp tham gia",
        "Hội chợ",
        "hội chợ",
    ),
    "VII": (
        "Hướng dẫn thực hiện mua sắm công xanh trong các cơ quan nhà nước",
        "Văn bản hướng dẫn được ban hành",
        "Văn bản",
        "văn bản",
    ),
    "VIII": (
        "Thông tin, vận động doanh nghiệp, cán bộ tham gia các khóa đào tạo",
        "Học viên tham gia",
        "Học viên",
        "người",
    ),
    "IX": (
        "Triển khai nhiệm vụ khoa học công nghệ về sản xuất sạch hơn, tiết kiệm năng lượng",
        "Nhiệm vụ khoa học được triển khai",
        "Nhiệm vụ",
        "nhiệm vụ",
    ),
}


def _moment(year: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, 12, day, hour, tzinfo=TZ)


def _fill(report: AgencyReport, rng: random.Random) -> None:
    for item in report.items.select_related("task", "task__group"):
        done, results, label, unit = WORK.get(item.task.group.number, WORK["I"])
        lead = item.role == "lead"
        item.status = rng.choice(
            [ItemStatus.DONE, ItemStatus.IN_PROGRESS, ItemStatus.IN_PROGRESS]
            if lead
            else [ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.NOT_STARTED]
        )
        if item.status != ItemStatus.NOT_STARTED:
            item.done = f"{done} (nhiệm vụ {item.task.code})."
            item.results = results + "."
            item.quantities = [
                {"label": label, "value": rng.randint(1, 12) * (3 if lead else 1), "unit": unit}
            ]
            item.spent = rng.randint(2, 40) * 5_000_000 if lead else None
        item.save()
    report.difficulties = rng.choice(
        [
            "Kinh phí bố trí cho nhiệm vụ còn hạn chế.",
            "Doanh nghiệp chưa quan tâm nhiều đến sản xuất sạch hơn.",
            "Thiếu cán bộ chuyên trách theo dõi chương trình.",
            "",
        ]
    )
    report.proposals = rng.choice(
        [
            "Đề nghị UBND tỉnh bố trí kinh phí hằng năm cho các nhiệm vụ của Kế hoạch.",
            "Đề nghị Bộ Công Thương tổ chức thêm các lớp tập huấn cho địa phương.",
            "",
        ]
    )
    report.save()


def _submit(report: AgencyReport, when: dt.datetime) -> None:
    """Submit as the agency did at ``when`` (late or not by the period's due date)."""
    record_submission(report, None, when)
    report.refresh_from_db()


@transaction.atomic
def load_reporting_demo(plan: Plan) -> int:
    """Open and fill the demo years that are not there yet; returns how many."""
    opened = 0
    for year in YEARS:
        if ReportingPeriod.objects.filter(plan=plan, year=year).exists():
            continue
        period = open_period(plan, year, announce=False)
        opened += 1
        for report in period.reports.select_related("agency").order_by("agency__code"):
            rng = random.Random(f"{year}-{report.agency.code}")
            outcome = rng.random()
            if report.agency.code == "qb-so-du-lich" and year == 2024:
                _fill(report, rng)
                _submit(report, _moment(year, 5))
                ReviewComment.objects.create(
                    report=report,
                    version=report.versions.get(number=1),
                    text="Đề nghị bổ sung số lượng cơ sở lưu trú được hướng dẫn nhãn du lịch "
                    "bền vững.",
                )
                report.state = ReportState.RETURNED
                report.save()
                _submit(report, _moment(year, 9))
            elif (
                outcome < 0.1
                or (year == 2025 and outcome < 0.18)
                or (year == 2025 and report.agency.code in DRAFT_2025)
            ):
                continue  # never reported: stays a draft
            else:
                _fill(report, rng)
                late = outcome > 0.88  # after the due date (10/12)
                day = rng.randint(11, 22) if late else rng.randint(1, 10)
                _submit(report, _moment(year, day))
            keep_for_review = year == 2025 and (
                rng.random() < 0.3 or report.agency.code in REVIEW_2025
            )
            submitted = report.submitted_at
            if report.state == ReportState.SUBMITTED and submitted and not keep_for_review:
                report.state = ReportState.ACCEPTED
                report.accepted_at = submitted + dt.timedelta(days=3)
                report.revision += 1
            report.save()
        # Past years are locked; the last one is closed (late reports still accepted).
        period.status = PeriodStatus.CLOSED if year == YEARS[-1] else PeriodStatus.LOCKED
        period.save(update_fields=["status"])
        record(None, "event", period, note="demo reporting data")
    return opened


def reassign_demo_locality() -> None:
    """Đồng Hới's demo reporter, whose district was abolished on 1/7/2025, now reports
    for phường Đồng Hới (a coordinator would reassign them the same way)."""
    from accounts.models import User
    from agencies.models import Agency

    ward = Agency.objects.filter(code="qt-phuong-dong-hoi").first()
    user = User.objects.filter(username="demo-reporter-donghoi", agency__code="qb-dong-hoi").first()
    if ward and user:
        user.agency = ward
        user.save(update_fields=["agency"])
        record(None, "update", user, after={"agency": ward.pk}, note="demo: cấp huyện chấm dứt")


# This year's cycle (December 2026): open, a few days before the due date. Sở Nông
# nghiệp và Môi trường has sent its report (the coordinator is told), Sở Văn hóa, Thể
# thao và Du lịch's was returned with comments, phường Đồng Hới was reminded, some
# agencies without an account have sent theirs on paper (entered for them).
CURRENT_YEAR = 2026
SUBMITTED_2026 = "qt-so-nnmt"
RETURNED_2026 = "qt-so-vhttdl"
REMINDED_2026 = "qt-phuong-dong-hoi"


def _demo_user(username: str):
    from accounts.models import User

    return User.objects.filter(username=username, is_demo=True).first()


@transaction.atomic
def load_current_year_demo(plan: Plan) -> bool:
    """Open 2026 as the coordinator would (every agency told, in the app and by
    e-mail), with some of its work done; False when 2026 is already there."""
    from reporting import services

    coordinator = _demo_user("demo-coordinator")
    if coordinator is None or ReportingPeriod.objects.filter(plan=plan, year=CURRENT_YEAR):
        return False
    period = open_period(plan, CURRENT_YEAR, coordinator)
    reports = {r.agency.code: r for r in period.reports.select_related("agency", "period")}
    for code in (SUBMITTED_2026, RETURNED_2026):
        report = reports.get(code)
        reporter = (
            next((u for u in report.agency.users.all() if u.is_demo), None) if report else None
        )
        if report is None or reporter is None:
            continue
        _fill(report, random.Random(f"{CURRENT_YEAR}-{code}"))
        services.submit_report(report, reporter)
        if code == RETURNED_2026:
            item = report.items.select_related("task").order_by("task__position").first()
            services.return_report(
                report,
                coordinator,
                "Đề nghị bổ sung số liệu đến hết tháng 11 và kết quả cụ thể của từng nhiệm vụ.",
                {f"item-{item.task.code}": "Ghi rõ số cơ sở lưu trú được hướng dẫn."}
                if item
                else {},
            )
    for code, report in sorted(reports.items()):
        rng = random.Random(f"{CURRENT_YEAR}-{code}")
        if code not in (SUBMITTED_2026, RETURNED_2026) and not report.agency.users.exists():
            if rng.random() < 0.3:  # sent on paper, entered for the agency
                _fill(report, rng)
                record_submission(report, None)
    if REMINDED_2026 in reports:
        services.remind(reports[REMINDED_2026], coordinator)
    return True
