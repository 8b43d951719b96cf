"""Document routes of the API: the consolidated report of a year (and the mid-term
and final reviews) as .docx, .xlsx or .pdf, made by the task worker. The route
waits up to ``wait`` seconds (default 20, at most 60) and answers the file when it
is ready in time; otherwise 202 with the job to poll (``Location``) and fetch."""

from __future__ import annotations

import datetime as dt
import time

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from accounts.permissions import can_manage_document_templates, can_read_consolidated_reports
from api.schemas import Message
from documents import formats, generate
from documents.content import DocumentError, Kind
from documents.models import DocumentJob, JobStatus
from plans.models import Plan

router = Router(tags=["documents"])
MAX_WAIT = 60
POLL_SECONDS = 0.25


class JobOut(Schema):
    id: int
    status: str  # queued, running, done, failed
    progress: int
    step: str
    error: str
    format: str
    filename: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    url: str
    file_url: str


def _job_out(job: DocumentJob) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "progress": job.progress,
        "step": job.step,
        "error": job.error,
        "format": job.format,
        "filename": job.filename,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "url": f"/api/v1/documents/jobs/{job.pk}",
        "file_url": f"/api/v1/documents/jobs/{job.pk}/file",
    }


def _file(job: DocumentJob) -> HttpResponse:
    data = DocumentJob.objects.filter(pk=job.pk).values_list("result", flat=True).first()
    response = HttpResponse(bytes(data), content_type=formats.FORMATS[job.format].content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response


def _finished(job: DocumentJob, wait: int):
    """The job's answer once done or failed, or None when still running at the bound."""
    deadline = time.monotonic() + max(0, min(wait, MAX_WAIT))
    while True:
        job.refresh_from_db(fields=["status", "progress", "step", "error", "filename"])
        if job.status == JobStatus.DONE:
            return _file(job)
        if job.status == JobStatus.FAILED:
            return Status(503, {"detail": job.error})
        if time.monotonic() >= deadline:
            return None
        time.sleep(POLL_SECONDS)


def _document(request, response, code: str, kind: str, year: int | None, fmt: str, wait: int):
    if not can_read_consolidated_reports(request.user):
        return Status(403, {"detail": _("You do not have permission to do this.")})
    plan = Plan.objects.filter(code=code[:64]).first()
    if plan is None:
        return Status(
            404, {"detail": _("There is no plan with code %(code)s.") % {"code": code[:64]}}
        )
    writer = formats.get(fmt)
    if writer is None:
        return Status(404, {"detail": _("Choose report.docx, report.xlsx or report.pdf.")})
    if not writer.available():
        return Status(503, {"detail": _("This format cannot be made on this server now.")})
    try:
        years = generate.years_for(plan, kind, year)
        job = generate.start_job(plan, kind, years, fmt, request.user)
    except DocumentError as exc:
        return Status(400, {"detail": str(exc)})
    answer = _finished(job, wait)
    if answer is not None:
        return answer
    out = _job_out(job)
    response["Location"] = out["url"]
    return Status(202, out)


RESPONSES = {200: None, 202: JobOut, 400: Message, 403: Message, 404: Message, 503: Message}


@router.get("/plans/{code}/years/{year}/report.{fmt}", response=RESPONSES, url_name="year_report")
def year_report(request, response: HttpResponse, code: str, year: int, fmt: str, wait: int = 20):
    """The consolidated annual report of ``year``: fmt is docx (Nghị định 30 format),
    xlsx (appendices) or pdf. 202 with the job when not made within ``wait`` s."""
    return _document(request, response, code, Kind.ANNUAL, year, fmt, wait)


@router.get(
    "/plans/{code}/reviews/{kind}/report.{fmt}", response=RESPONSES, url_name="review_report"
)
def review_report(request, response: HttpResponse, code: str, kind: str, fmt: str, wait: int = 20):
    """The mid-term (kind=midterm, sơ kết) or final (kind=final, tổng kết) review."""
    if kind not in (Kind.MIDTERM, Kind.FINAL):
        return Status(404, {"detail": _("The review is midterm or final.")})
    return _document(request, response, code, kind, None, fmt, wait)


def _job_for(request, pk: int) -> DocumentJob | None:
    job = DocumentJob.objects.defer("result").filter(pk=pk).first()
    if job is None or (
        job.created_by_id != request.user.pk and not can_manage_document_templates(request.user)
    ):
        return None
    return job


@router.get(
    "/documents/jobs/{pk}",
    response={200: JobOut, 403: Message, 404: Message},
    url_name="document_job",
)
def document_job(request, pk: int):
    """A document job: its status and progress (poll it after a 202)."""
    if not can_read_consolidated_reports(request.user):
        return Status(403, {"detail": _("You do not have permission to do this.")})
    job = _job_for(request, pk)
    if job is None:
        return Status(404, {"detail": _("There is no such document job.")})
    return Status(200, _job_out(job))


@router.get(
    "/documents/jobs/{pk}/file",
    response={200: None, 403: Message, 404: Message, 409: Message},
    url_name="document_job_file",
)
def document_job_file(request, pk: int):
    """The finished document of a job; 409 while it is not done."""
    if not can_read_consolidated_reports(request.user):
        return Status(403, {"detail": _("You do not have permission to do this.")})
    job = _job_for(request, pk)
    if job is None:
        return Status(404, {"detail": _("There is no such document job.")})
    if job.status != JobStatus.DONE:
        return Status(409, {"detail": _("The document is not ready yet.")})
    return _file(job)
