"""Document routes of the API: the consolidated report of a year (and the mid-term
and final reviews) as .docx, .xlsx or .pdf, made by the task worker. The route
waits up to ``wait`` seconds (default 20, at most 60) and answers the file when it
is ready in time; otherwise 202 with the job to poll (``Location``) and fetch."""

from __future__ import annotations

import datetime as dt
import time
from typing import Literal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from access.capabilities import Capability as C
from access.decorators import requires
from access.lookups import get_job_for_user, get_plan_for_user
from api.errors import ApiError, responses
from api.fields import PlanCode, Year
from documents import formats, generate
from documents.content import Kind
from documents.models import DocumentJob, JobStatus
from planwatch.http import attachment

router = Router(tags=["documents"])
MAX_WAIT = 60
POLL_SECONDS = 0.25

Format = Literal["docx", "xlsx", "pdf"]
Review = Literal["midterm", "final"]


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


class WaitIn(Schema):
    wait: int = Field(20, ge=0, le=MAX_WAIT, description="seconds to wait for the file")


class Unavailable(ApiError):
    status = 503
    code = "document_unavailable"


class NotReady(ApiError):
    status = 409
    code = "document_not_ready"


# The success answer is the file itself, in the format asked for.
FILE = {
    "responses": {
        200: {
            "description": "The document",
            "content": {
                f.content_type: {"schema": {"type": "string", "format": "binary"}}
                for f in formats.FORMATS.values()
            },
        }
    }
}
DOCUMENT = {**responses(None, 403, 404, 503), 202: JobOut}


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
    attachment(response, job.filename)
    return response


def _finished(job: DocumentJob, wait: int) -> HttpResponse | None:
    """The file once the job is done, or None when still running at the bound; a failed
    job is a 503 with its reason."""
    deadline = time.monotonic() + max(0, min(wait, MAX_WAIT))
    while True:
        job.refresh_from_db(fields=["status", "progress", "step", "error", "filename"])
        if job.status == JobStatus.DONE:
            return _file(job)
        if job.status == JobStatus.FAILED:
            raise Unavailable(job.error or _("The document could not be made."))
        if time.monotonic() >= deadline:
            return None
        time.sleep(POLL_SECONDS)


def _document(request, response, code: str, kind: str, year: int | None, fmt: str, wait: int):
    plan = get_plan_for_user(request.user, code)
    writer = formats.get(fmt)
    if writer is None or not writer.available():
        raise Unavailable(_("This format cannot be made on this server now."))
    job = generate.start_job(plan, kind, generate.years_for(plan, kind, year), fmt, request.user)
    answer = _finished(job, wait)
    if answer is not None:
        return answer
    out = _job_out(job)
    response["Location"] = out["url"]
    return Status(202, out)


@router.get(
    "/plans/{code}/years/{year}/report.{fmt}",
    response=DOCUMENT,
    openapi_extra=FILE,
    url_name="year_report",
)
@requires(C.READ_DOCUMENTS)
def year_report(
    request,
    response: HttpResponse,
    code: PlanCode,
    year: Year,
    fmt: Format,
    query: Query[WaitIn],
):
    """The consolidated annual report of ``year``: docx (Nghị định 30 format), xlsx
    (appendices) or pdf (503 where LibreOffice is not installed). 202 with the job
    when it is not made within ``wait`` seconds."""
    return _document(request, response, code, Kind.ANNUAL, year, fmt, query.wait)


@router.get(
    "/plans/{code}/reviews/{kind}/report.{fmt}",
    response=DOCUMENT,
    openapi_extra=FILE,
    url_name="review_report",
)
@requires(C.READ_DOCUMENTS)
def review_report(
    request,
    response: HttpResponse,
    code: PlanCode,
    kind: Review,
    fmt: Format,
    query: Query[WaitIn],
):
    """The mid-term (``midterm``, sơ kết) or final (``final``, tổng kết) review."""
    return _document(request, response, code, kind, None, fmt, query.wait)


@router.get("/documents/jobs/{pk}", response=responses(JobOut, 403, 404), url_name="document_job")
@requires(C.READ_DOCUMENTS)
def document_job(request, pk: int):
    """A document job: its status and progress (poll it after a 202)."""
    return _job_out(get_job_for_user(request.user, pk))


@router.get(
    "/documents/jobs/{pk}/file",
    response=responses(None, 403, 404, 409),
    openapi_extra=FILE,
    url_name="document_job_file",
)
@requires(C.READ_DOCUMENTS)
def document_job_file(request, pk: int):
    """The finished document of a job; 409 while it is not done."""
    job = get_job_for_user(request.user, pk)
    if job.status != JobStatus.DONE:
        raise NotReady(_("The document is not ready yet."))
    return _file(job)
