"""Print a plan in the planwatch.plan/1 JSON format."""

import json

from django.core.management.base import BaseCommand, CommandError

from plans.format import export_plan, plan_queryset
from plans.models import Plan


class Command(BaseCommand):
    help = "In kế hoạch theo định dạng planwatch.plan/1 (print a plan as planwatch.plan/1 JSON)."

    def add_arguments(self, parser):
        parser.add_argument(
            "code", nargs="?", help="mã kế hoạch (plan code); mặc định: kế hoạch duy nhất"
        )

    def handle(self, *args, code=None, **options):
        if code is None:
            codes = list(Plan.objects.values_list("code", flat=True)[:2])
            if len(codes) != 1:
                raise CommandError("Hãy nêu mã kế hoạch (có %d kế hoạch)." % Plan.objects.count())
            code = codes[0]
        plan = plan_queryset().filter(code=code).first()
        if plan is None:
            raise CommandError(f"Không có kế hoạch mã {code}.")
        self.stdout.write(json.dumps(export_plan(plan), ensure_ascii=False, indent=2))
