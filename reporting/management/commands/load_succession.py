"""Apply the bundled 2025 restructuring of the seed's agencies (or another
planwatch.succession/1 file): successor agencies, group references by date, events.

    python manage.py load_succession [PATH]
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.succession import SuccessionError
from reporting.restructuring import SUCCESSION_2025, load_succession


class Command(BaseCommand):
    help = "Nạp các thay đổi tổ chức năm 2025 (sáp nhập sở, hợp nhất tỉnh, bỏ cấp huyện)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(SUCCESSION_2025))

    def handle(self, *args, **options):
        try:
            counts = load_succession(Path(options["path"]))
        except (SuccessionError, OSError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Đơn vị mới hoặc sửa: {counts['agencies']}; sự kiện mới áp dụng: {counts['events']}; "
            f"sự kiện đã có được cập nhật theo dữ liệu đã sửa: {counts['corrected']}."
        )
