"""Make a consolidated report from the command line:

python manage.py make_document qb-sxtdbv-2021 --year 2024 --format docx -o bao-cao.docx
python manage.py make_document qb-sxtdbv-2021 --review midterm --format pdf
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents import formats, generate, pdf, word
from documents.content import DocumentError, Kind
from plans.models import Plan


class Command(BaseCommand):
    help = "Make the consolidated report of a year (or a review) as .docx, .xlsx or .pdf."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="plan code")
        parser.add_argument("--year", type=int, help="the year of an annual report")
        parser.add_argument("--review", choices=[Kind.MIDTERM, Kind.FINAL])
        parser.add_argument("--format", choices=list(formats.FORMATS), default="docx")
        parser.add_argument("-o", "--output", help="file to write (default: the file's name)")

    def handle(self, *args, **options):
        plan = Plan.objects.filter(code=options["plan"]).first()
        if plan is None:
            raise CommandError("Không có kế hoạch mã %s." % options["plan"])
        kind = options["review"] or Kind.ANNUAL
        if kind == Kind.ANNUAL and not options["year"]:
            raise CommandError("Cho biết --year (báo cáo năm) hoặc --review midterm|final.")
        start = time.perf_counter()
        try:
            years = generate.years_for(plan, kind, options["year"])
            output = generate.build(
                plan,
                kind,
                years,
                options["format"],
                progress=lambda p, step: self.stderr.write(f"{p:3d}% {step}"),
            )
        except (DocumentError, word.TemplateProblem, pdf.PdfUnavailable) as exc:
            raise CommandError(str(exc)) from exc
        path = Path(options["output"] or output.filename)
        path.write_bytes(output.data)
        self.stdout.write(
            f"{path} ({len(output.data) // 1024} KB, {time.perf_counter() - start:.1f} s)"
        )
