"""Load or correct agencies from a CSV or Excel sheet:

python manage.py import_agencies agencies/data/quang-tri-2025-cap-xa.csv
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.importing import AgencyImportError, import_agencies, read_rows


class Command(BaseCommand):
    help = "Nạp hoặc sửa danh mục đơn vị từ tệp CSV/Excel (load or correct agencies)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.exists():
            raise CommandError("Không có tệp %s." % path)
        try:
            result = import_agencies(read_rows(path.read_bytes(), path.name))
        except AgencyImportError as exc:
            raise CommandError("\n".join(exc.errors)) from None
        self.stdout.write(
            f"Thêm {len(result.created)}, sửa {len(result.updated)}, "
            f"không đổi {result.unchanged} đơn vị."
        )
        if result.uncertain:
            self.stdout.write(
                f"{len(result.uncertain)} đơn vị chưa được xác nhận (ghi chú trong danh mục)."
            )
