"""Making the documents: the report model once, then the writer asked for; the
plan's template (the bundled one unless a coordinator uploaded another); jobs
that run in a background thread and record their progress, so that the page can
show it while a PDF is made."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from audit.log import record
from documents import excel, pdf, word
from documents.charts import add_charts
from documents.content import (
    ConsolidatedReport,
    DocumentError,
    Kind,
    assemble,
    check_years,
    review_years,
)
from documents.models import DocumentFormat, DocumentJob, DocumentKind, DocumentTemplate, JobStatus
from documents.template import default_template
from plans.models import Plan
from reporting.models import ReportingPeriod

log = logging.getLogger(__name__)
CONTENT_TYPES = {
    DocumentFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DocumentFormat.PDF: "application/pdf",
}
Progress = Callable[[int, str], None]
KEEP_JOBS = 10  # per user and plan
STALE_AFTER = dt.timedelta(minutes=10)  # a job still running by then was interrupted


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


def template_bytes(plan: Plan) -> bytes:
    tpl = active_template(plan)
    return bytes(tpl.content) if tpl else default_template()


def report_for(
    plan: Plan, kind: str, years: list[int], today: dt.date | None = None
) -> ConsolidatedReport:
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
    step = progress or (lambda _p, _s: None)
    if fmt not in CONTENT_TYPES:
        raise DocumentError("Định dạng không hợp lệ; chọn docx, xlsx hoặc pdf.")
    step(10, "Tổng hợp báo cáo của các đơn vị")
    report = assemble(plan, years, kind, today or timezone.localdate())
    if fmt == DocumentFormat.XLSX:
        step(50, "Ghi bảng Excel")
        data = excel.build_workbook(report)
    else:
        step(30, "Vẽ biểu đồ")
        add_charts(report)
        step(50, "Điền mẫu báo cáo Word")
        data = word.render(report, template_bytes(plan))
        if fmt == DocumentFormat.PDF:
            step(70, "Chuyển sang PDF bằng LibreOffice")
            data = pdf.docx_to_pdf(data)
    step(100, "Xong")
    return Output(f"{report.filename}.{fmt}", CONTENT_TYPES[fmt], data)


# Templates ------------------------------------------------------------------


def sample_report(plan: Plan) -> ConsolidatedReport:
    """The report a new template is tried on: the latest year with a period."""
    latest = (
        ReportingPeriod.objects.filter(plan=plan).order_by("-year").values_list("year", flat=True)
    )
    year = latest[0] if latest else plan.period_start
    return report_for(plan, Kind.ANNUAL, [year])


@transaction.atomic
def upload_template(plan: Plan, name: str, data: bytes, actor) -> DocumentTemplate:
    """Check and put a template in use (raises word.TemplateProblem, nothing saved)."""
    if not name.lower().endswith(".docx"):
        raise word.TemplateProblem("Chỉ nhận tệp mẫu Word .docx.")
    warnings = word.check_template(data, sample_report(plan))
    previous = active_template(plan)
    DocumentTemplate.objects.filter(plan=plan, active=True).update(active=False)
    tpl = DocumentTemplate.objects.create(
        plan=plan,
        name=name[:255],
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


def start_job(plan: Plan, kind: str, years: list[int], fmt: str, actor) -> DocumentJob:
    if kind not in DocumentKind.values or fmt not in DocumentFormat.values:
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
    if settings.DOCUMENTS_IN_BACKGROUND:
        transaction.on_commit(
            lambda: threading.Thread(target=_run_in_thread, args=(job.pk,), daemon=True).start()
        )
    else:
        run_job(job.pk)
        job.refresh_from_db()
    return job


def settle_stale(job: DocumentJob) -> DocumentJob:
    """A job left queued or running by a restarted server ends as failed, so that its
    page stops waiting."""
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING) and (
        timezone.now() - job.created_at > STALE_AFTER
    ):
        DocumentJob.objects.filter(pk=job.pk, status=job.status).update(
            status=JobStatus.FAILED,
            error="Việc tạo tài liệu bị gián đoạn; hãy tạo lại.",
            finished_at=timezone.now(),
        )
        job.refresh_from_db(fields=["status", "error", "finished_at"])
    return job


def _run_in_thread(pk: int) -> None:
    try:
        run_job(pk)
    finally:
        close_old_connections()


def run_job(pk: int) -> None:
    job = DocumentJob.objects.select_related("plan").get(pk=pk)

    def progress(percent: int, step: str) -> None:
        DocumentJob.objects.filter(pk=pk).update(
            progress=percent, step=step, status=JobStatus.RUNNING
        )

    try:
        output = build(job.plan, job.kind, job.years, job.format, progress=progress)
    except (DocumentError, word.TemplateProblem, pdf.PdfUnavailable) as exc:
        DocumentJob.objects.filter(pk=pk).update(
            status=JobStatus.FAILED, error=str(exc), finished_at=timezone.now()
        )
    except Exception as exc:  # a job must end, whatever happened
        log.exception("document job %s failed", pk)
        DocumentJob.objects.filter(pk=pk).update(
            status=JobStatus.FAILED,
            error="Lỗi khi tạo tài liệu: %s" % exc.__class__.__name__,
            finished_at=timezone.now(),
        )
    else:
        DocumentJob.objects.filter(pk=pk).update(
            status=JobStatus.DONE,
            progress=100,
            step="Xong",
            filename=output.filename,
            result=output.data,
            finished_at=timezone.now(),
        )
