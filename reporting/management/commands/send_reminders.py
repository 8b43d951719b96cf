"""Send the reminders due today (or on --date). The task worker already does this
every day at REMINDERS_AT (worker.schedule); the command is for trying a date or
catching up by hand. Idempotent: a second run on the same day sends nothing."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Gửi thư nhắc hạn báo cáo đến hạn hôm nay (send today's reminders; idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="ngày (YYYY-MM-DD) thay cho hôm nay, để thử")

    def handle(self, *args, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError("Ngày không hợp lệ; dùng dạng YYYY-MM-DD.") from None
        sent = send_due_reminders(today)
        self.stdout.write(f"Đã gửi {sent} thư nhắc ({today:%d/%m/%Y}).")
