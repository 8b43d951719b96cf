"""Save a planwatch.plan/1 JSON file as a plan (all or nothing)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.format import PlanFormatError
from plans.saving import save_plan


class Command(BaseCommand):
    help = "Nạp một kế hoạch từ tệp JSON planwatch.plan/1 (load a plan JSON file)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="thay kế hoạch cùng mã (replace the plan of the same code)",
        )

    def handle(self, *args, path, replace=False, **options):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc}") from None
        try:
            plan = save_plan(data, replace=replace)
        except PlanFormatError as exc:
            raise CommandError("Kế hoạch không hợp lệ: " + "; ".join(exc.errors)) from None
        self.stdout.write(f"Đã nạp kế hoạch {plan.code}.")
