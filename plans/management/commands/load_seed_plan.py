"""Load the bundled agency registry and the seed plan, with no demo data:
the command for a real province's database."""

from django.core.management.base import BaseCommand, CommandError

from plans.format import PlanFormatError
from plans.seed import load_seed, summary


class Command(BaseCommand):
    help = "Nạp danh mục cơ quan và kế hoạch 800/QĐ-UBND (không có dữ liệu mẫu)."

    def handle(self, *args, **options):
        try:
            result = load_seed()
        except PlanFormatError as exc:
            raise CommandError("; ".join(exc.errors)) from None
        self.stdout.write(summary(*result))
