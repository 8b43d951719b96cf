"""Load the bundled agency registry and seed plan, and the demo data of every
capability, into an empty or demo database. Idempotent."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import (
    DEMO_COMMUNE_ACCOUNTS,
    DEMO_PASSWORD,
    create_demo_accounts,
    has_real_accounts,
)
from agencies.importing import import_agencies, read_rows
from budget.demo import load_budget_demo
from indicators.demo import load_indicator_demo
from outgoing.demo import LEADER, load_outgoing_demo
from plans.format import PlanFormatError
from plans.seed import load_seed, summary
from reporting.demo import (
    NO_ACCOUNT,
    commune_reporters,
    load_current_demo,
    load_reporting_demo,
    reassign_demo_locality,
)
from reporting.restructuring import load_succession

COMMUNES = Path(__file__).resolve().parents[3] / "agencies" / "data" / "quang-tri-2025-cap-xa.csv"


class Command(BaseCommand):
    help = "Nạp kế hoạch mẫu (Quyết định 800/QĐ-UBND) và dữ liệu minh họa (demo)."

    def handle(self, *args, **options):
        if has_real_accounts():
            raise CommandError(
                "Cơ sở dữ liệu này đã có tài khoản thật: không nạp dữ liệu mẫu vào đây. "
                "(This database holds real accounts; demo data is refused.)"
            )
        try:
            with transaction.atomic():
                result = load_seed()
                accounts = list(create_demo_accounts())
                # The world has moved: the 2025 restructuring (users move with their
                # agency), and the commune-level units of the new Quảng Trị.
                succession = load_succession()
                import_agencies(read_rows(COMMUNES.read_bytes(), COMMUNES.name))
                accounts += create_demo_accounts(DEMO_COMMUNE_ACCOUNTS)
                reassign_demo_locality()
                years = load_reporting_demo(result[1])
                # This year's cycle, opened as the coordinator would (notices to every
                # agency, the communes' accounts included), some of its work done.
                communes = commune_reporters(result[1])
                current = load_current_demo(result[1])
                indicators = load_indicator_demo(result[1])
                budgets = load_budget_demo(result[1])
                issued = load_outgoing_demo(result[1])
        except PlanFormatError as exc:
            raise CommandError("; ".join(exc.errors)) from None
        self.stdout.write(summary(*result))
        self.stdout.write(
            f"Thay đổi tổ chức 2025: {succession['events']} sự kiện mới áp dụng, "
            f"{succession['corrected']} sự kiện được cập nhật theo dữ liệu đã sửa "
            "(sáp nhập sở, hợp nhất Quảng Bình vào Quảng Trị, bỏ cấp huyện); "
            "78 đơn vị hành chính cấp xã (Nghị quyết 1680/NQ-UBTVQH15)."
        )
        self.stdout.write(
            f"Báo cáo mẫu: {years} năm mới (2021–2025); năm 2026 "
            f"{'mới mở' if current else 'đã có'} (hạn 10/12/2026). Chỉ số mẫu: {indicators} "
            f"mới. Dự toán mẫu: {budgets} năm mới. Văn bản đi mẫu: {issued} mới ban hành "
            "(khóa ký số mẫu trong var/demo-signing, không có giá trị pháp lý)."
        )
        self.stdout.write("")
        self.stdout.write("DỮ LIỆU MẪU (demo) — tài khoản đăng nhập / demo logins:")
        for spec in accounts:
            self.stdout.write(f"  {spec.username:<24} {spec.role:<12} mật khẩu: {DEMO_PASSWORD}")
        self.stdout.write(
            f"  demo-<mã xã> (vd. demo-qt-xa-kim-dien) reporter     mật khẩu: {DEMO_PASSWORD}"
            f"  ({communes} tài khoản cấp xã mới; {len(NO_ACCOUNT)} xã chưa có tài khoản)"
        )
        self.stdout.write(f"  {LEADER:<24} {'signer':<12} mật khẩu: {DEMO_PASSWORD}")
        self.stdout.write(f"Mở {settings.SITE_URL}/ (open in a browser).")
