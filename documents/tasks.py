"""The document task run by the worker, and what a failed attempt shows on the
job's page. Light at import: the worker's parent process imports this module to
read the policy, and only the attempt (a child process) loads the writers."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from documents.models import DocumentJob, JobStatus
from worker.models import Outcome
from worker.registry import Failure, background

TIME_LIMIT = 300  # seconds; LibreOffice alone is given 120 (documents.pdf)


def _reason(failure: Failure) -> str:
    return str(Outcome(failure.outcome).label) if failure.outcome in Outcome.values else ""


def job_failed(failure: Failure) -> None:
    """Tell the job's page: trying again, or failed with the reason."""
    pk = failure.args[0]
    if not failure.final:
        DocumentJob.objects.filter(pk=pk).update(
            status=JobStatus.QUEUED,
            progress=0,
            step=_("Interrupted (%(reason)s); trying again (attempt %(next)s of %(of)s)")
            % {"reason": _reason(failure), "next": failure.attempt + 1, "of": failure.attempts},
        )
        return
    if failure.outcome == Outcome.FINAL:
        error = failure.message
    elif failure.outcome == Outcome.TIMEOUT:
        error = _("Making the document took longer than %(limit)s seconds and was stopped.") % {
            "limit": TIME_LIMIT
        }
    else:
        error = _("Making the document failed (%(reason)s); make it again.") % {
            "reason": _reason(failure)
        }
    DocumentJob.objects.filter(pk=pk).update(
        status=JobStatus.FAILED, error=error, finished_at=timezone.now()
    )


@background(time_limit=TIME_LIMIT, attempts=2, retry_delay=5, on_failure=job_failed)
def make_document(job_id: int) -> None:
    """Make the document of a DocumentJob (documents.generate.run_job)."""
    from documents.generate import run_job

    run_job(job_id)
