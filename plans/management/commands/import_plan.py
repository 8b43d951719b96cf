"""Import a plan document (.docx, .doc, .txt, .md, .pdf).

    python manage.py import_plan PATH [--dry-run] [--json] [--code CODE]

With --dry-run --json it prints the plan in planwatch.plan/1 with a "warnings"
list and saves nothing. Without --dry-run it saves the plan in one transaction
(a plan whose code exists gets a new version; the differences are printed)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.format import PlanFormatError
from plans.importer import DocumentError, ImportFailure
from plans.importing import import_document, preview_changes, save_result


class Command(BaseCommand):
    help = "Nhập kế hoạch từ tệp .docx, .doc, .txt, .md hoặc .pdf (import a plan document)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run", action="store_true", help="chỉ đọc, không lưu (read only, save nothing)"
        )
        parser.add_argument(
            "--json", action="store_true", help="in kết quả dạng JSON planwatch.plan/1 kèm warnings"
        )
        parser.add_argument("--code", help="mã kế hoạch (plan code) thay cho mã tự đặt")

    def handle(self, *args, path, dry_run=False, json=False, code=None, **options):
        file = Path(path)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc.strerror}.") from None
        try:
            result = import_document(data, file.name, code=code)
        except (DocumentError, ImportFailure) as exc:
            raise CommandError(f"{file.name}: {exc}") from None
        if json:
            self.stdout.write(_dumps(result.as_json()))
        else:
            self._summary(result)
        if dry_run:
            changes = preview_changes(result.plan)
            if changes is not None and not json:
                self.stdout.write("Kế hoạch đã có; nếu lưu sẽ thành phiên bản mới với thay đổi:")
                self.stdout.write(_dumps(changes))
            return
        try:
            plan, changes = save_result(result, source=file.name)
        except PlanFormatError as exc:
            raise CommandError("Không lưu được kế hoạch: " + "; ".join(exc.errors)) from None
        self.stderr.write(f"Đã lưu kế hoạch {plan.code}, phiên bản {plan.version}.")
        if plan.version > 1:
            self.stderr.write(_dumps(changes))

    def _summary(self, result) -> None:
        plan = result.plan
        tasks = sum(len(g["tasks"]) for g in plan["task_groups"])
        self.stdout.write(f"{plan['code']}: {plan['title']}")
        self.stdout.write(
            f"  {len(plan['targets'])} chỉ tiêu, {len(plan['task_groups'])} nhóm, "
            f"{tasks} nhiệm vụ, {len(plan['duties'])} mục tổ chức thực hiện"
        )
        for warning in result.warnings:
            self.stdout.write(f"  ! {warning.where}: {warning.message}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
