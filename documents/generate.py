"""Making the documents: the report model once, then the writer of the format
asked for (documents.formats); the plan's template (the bundled one unless a
coordinator uploaded another); jobs run by the task worker (documents.tasks),
which records their progress so that the page can show it while a PDF is made.

The writers, charts and the bundled template are imported when used: this module
is loaded with the URLconf, and matplotlib, numpy, openpyxl and python-docx must
not be (the task worker pays for them, not every web process)."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from audit.log import record
from documents import formats
from documents.content import (
    ConsolidatedReport,
    DocumentError,
    Kind,
    assemble,
    check_years,
    review_years,
)
from documents.formats import Progress, WriteContext
from documents.models import DocumentJob, DocumentKind, DocumentTemplate, JobStatus
from plans.models import Plan
from planwatch.http import safe_filename
from reporting.models import ReportingPeriod

log = logging.getLogger(__name__)
KEEP_JOBS = 10  # per user and plan


@dataclass
class Output:
    filename: str
    content_type: str
    data: bytes


def years_for(plan: Plan, kind: str, year: int | None = None) -> list[int]:
    if kind == Kind.ANNUAL:
        if year is None:
            raise DocumentError("Chưa chọn năm báo cáo.")
        return [year]
    if kind not in (Kind.MIDTERM, Kind.FINAL):
        raise DocumentError("Loại báo cáo không hợp lệ.")
    return review_years(plan, kind)


def active_template(plan: Plan) -> DocumentTemplate | None:
    return DocumentTemplate.objects.filter(plan=plan, active=True).first()


def bundled_template() -> bytes:
    from documents.template import default_template

    return default_template()


def template_bytes(plan: Plan) -> bytes:
    tpl = active_template(plan)
    return bytes(tpl.content) if tpl else bundled_template()


def report_for(
    plan: Plan, kind: str, years: list[int], today: dt.date | None = None
) -> ConsolidatedReport:
    from documents.charts import add_charts

    return add_charts(assemble(plan, years, kind, today or timezone.localdate()))


def build(
    plan: Plan,
    kind: str,
    years: list[int],
    fmt: str,
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Output:
    """One document of ``plan``; ``progress(percent, step)`` is told as it goes."""
    with _no_cycle_collection():
        return _build(plan, kind, years, fmt, today=today, progress=progress)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a document is made, and set back as it
    was: a document makes tens of thousands of objects (an Excel cell each), and
    each round of the collector went through every object of the process, a quarter
    of a province-year workbook's time (issue 17). Memory is freed by reference
    counting meanwhile; cycles wait for the end. The template is filled in a child
    process that collects as usual (documents.sandbox)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(
    plan: Plan,
    kind: str,
    years: list[int],
    fmt: str,
    *,
    today: dt.date | None,
    progress: Progress | None,
) -> Output:
    step = progress or (lambda _p, _s: None)
    writer = formats.get(fmt)
    if writer is None:
        raise DocumentError("Định dạng không hợp lệ; chọn docx, xlsx hoặc pdf.")
    step(10, "Tổng hợp báo cáo của các đơn vị")
    report = assemble(plan, years, kind, today or timezone.localdate())
    if writer.charts:
        from documents.charts import add_charts

        step(30, "Vẽ biểu đồ")
        add_charts(report)
    data = writer.write(report, WriteContext(step=step, template=lambda: template_bytes(plan)))
    step(100, "Xong")
    return Output(f"{report.filename}.{fmt}", writer.content_type, data)


# Templates ------------------------------------------------------------------


def sample_report(plan: Plan) -> ConsolidatedReport:
    """The report a new template is tried on: the latest year with a period."""
    latest = (
        ReportingPeriod.objects.filter(plan=plan).order_by("-year").values_list("year", flat=True)
    )
    year = latest[0] if latest else plan.period_start
    return report_for(plan, Kind.ANNUAL, [year])


def other_years(plan: Plan):
    """The annual report of every other year with a period, without charts (made one
    at a time, as the check goes): a template is tried on the data of every year."""
    years = list(
        ReportingPeriod.objects.filter(plan=plan).order_by("-year").values_list("year", flat=True)
    )
    today = timezone.localdate()
    return (assemble(plan, [year], Kind.ANNUAL, today) for year in years[1:])


@transaction.atomic
def upload_template(plan: Plan, name: str, data: bytes, actor) -> DocumentTemplate:
    """Check and put a template in use (raises word.TemplateProblem, nothing saved)."""
    from documents import word

    if not name.lower().endswith(".docx"):
        raise word.TemplateProblem("Chỉ nhận tệp mẫu Word .docx.")
    warnings = word.check_template(data, sample_report(plan), other_years(plan))
    previous = active_template(plan)
    DocumentTemplate.objects.filter(plan=plan, active=True).update(active=False)
    tpl = DocumentTemplate.objects.create(
        plan=plan,
        name=safe_filename(name, "mau-bao-cao.docx")[:255],
        content=data,
        size=len(data),
        active=True,
        warnings=warnings,
        uploaded_by=actor,
    )
    record(
        actor,
        "create",
        tpl,
        note="report template uploaded and in use",
        before={"template": previous.name if previous else "bundled"},
        after={"template": tpl.name, "size": tpl.size, "warnings": warnings},
    )
    return tpl


@transaction.atomic
def use_bundled_template(plan: Plan, actor) -> None:
    previous = active_template(plan)
    if previous is None:
        return
    DocumentTemplate.objects.filter(plan=plan, active=True).update(active=False)
    record(
        actor,
        "event",
        plan,
        note="bundled report template in use again",
        before={"template": previous.name},
        after={"template": "bundled"},
    )


# Jobs -----------------------------------------------------------------------


@transaction.atomic
def start_job(plan: Plan, kind: str, years: list[int], fmt: str, actor) -> DocumentJob:
    """Queue a document for the task worker (in the caller's transaction: the job
    and its task exist together or not at all)."""
    from documents.tasks import make_document

    if kind not in DocumentKind.values or formats.get(fmt) is None:
        raise DocumentError("Yêu cầu tạo tài liệu không hợp lệ.")
    check_years(plan, years)
    job = DocumentJob.objects.create(
        plan=plan,
        kind=kind,
        first_year=min(years),
        last_year=max(years),
        format=fmt,
        created_by=actor,
        step="Đang chờ",
    )
    record(actor, "event", job, after={"document": str(job)}, note="document generated")
    # Keep a user's last documents, not every file ever made.
    old = DocumentJob.objects.filter(plan=plan, created_by=actor).values_list("pk", flat=True)[
        KEEP_JOBS:
    ]
    DocumentJob.objects.filter(pk__in=list(old)).delete()
    job.task_id = make_document.enqueue(job.pk).id
    job.save(update_fields=["task_id"])
    return job


def run_job(pk: int) -> None:
    """Make the document of job ``pk`` (in the task worker), reporting progress.
    A document that cannot be made for a reason the user can fix raises GiveUp."""
    from documents import pdf, word
    from worker.registry import GiveUp

    job = DocumentJob.objects.select_related("plan").filter(pk=pk).first()
    if job is None:
        return  # deleted meanwhile (a user's eleventh document)

    def progress(percent: int, step: str) -> None:
        DocumentJob.objects.filter(pk=pk).update(
            progress=percent, step=step, status=JobStatus.RUNNING
        )

    progress(1, "Bắt đầu")
    try:
        output = build(job.plan, job.kind, job.years, job.format, progress=progress)
    except (DocumentError, word.TemplateProblem, pdf.PdfUnavailable) as exc:
        raise GiveUp(str(exc)) from exc
    DocumentJob.objects.filter(pk=pk).update(
        status=JobStatus.DONE,
        progress=100,
        step="Xong",
        error="",
        filename=output.filename,
        result=output.data,
        finished_at=timezone.now(),
    )
