"""Demo funding 2021–2025, consistent with the demo reports: an estimate for each task
an agency reported money on (a little above or below what it then spent), appraised
(mostly accepted, some reduced, one rejected), allocated by a UBND tỉnh decision; 2025
waits for Sở Tài chính's appraisal. Deterministic; only for demo databases."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from accounts.models import User
from budget import services
from budget.models import BudgetYear, Decision, Source
from plans.models import Plan
from reporting.models import ReportItem, ReportState

YEARS = range(2021, 2026)
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


@transaction.atomic
def load_budget_demo(plan: Plan) -> int:
    coordinator = User.objects.filter(username="demo-coordinator").first()
    finance = User.objects.filter(username="demo-finance").first()
    if coordinator is None or finance is None:
        return 0
    created = 0
    for year in YEARS:
        if BudgetYear.objects.filter(plan=plan, year=year).exists():
            continue
        rng = random.Random(f"budget-{year}")
        budget = services.budget_for(plan, year, create=True)
        spent = (
            ReportItem.objects.filter(
                report__period__plan=plan,
                report__period__year=year,
                report__state__in=[ReportState.ACCEPTED, ReportState.SUBMITTED],
                spent__isnull=False,
            )
            .select_related("task", "task__group", "report__agency")
            .order_by("task__group__position", "task__position", "report__agency__code")
        )
        responsible = services.answering_agencies(plan, year)
        for item in spent:
            factor = rng.choice([0.9, 1.0, 1.1, 1.2, 1.25, 1.5])
            amount = max(5, round((item.spent or 0) * factor / 1_000_000)) * 1_000_000
            services.save_line(
                budget,
                coordinator,
                {
                    "task": item.task,
                    "agency": item.report.agency,
                    "source": Source.OTHER if rng.random() < 0.15 else Source.PROVINCIAL,
                    "content": WHAT.get(item.task.group.number, "Triển khai nhiệm vụ"),
                    "amount": amount,
                },
                responsible=responsible,
            )
        if not budget.lines.exists():
            continue
        services.submit(budget, coordinator)
        created += 1
        if year == YEARS[-1]:
            continue  # 2025 waits for Sở Tài chính
        lines = list(budget.lines.order_by("pk"))
        for n, line in enumerate(lines):
            roll = rng.random()
            if n == 3 and year == 2023:
                services.appraise_line(
                    line, finance, Decision.REJECTED, reason="Trùng nội dung với nhiệm vụ khác."
                )
            elif roll < 0.25:
                services.appraise_line(
                    line,
                    finance,
                    Decision.REDUCED,
                    amount=(line.amount * 8 // 10) // 1_000_000 * 1_000_000,
                    reason="Điều chỉnh theo định mức chi hội nghị.",
                )
            else:
                services.appraise_line(line, finance, Decision.ACCEPTED)
        services.complete_appraisal(budget, finance)
        services.allocate(
            budget,
            finance,
            f"{2800 + year - 2021}/QĐ-UBND",
            dt.date(year - 1, 12, 15),
        )
    return created
