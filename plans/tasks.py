"""Reading a plan document in the task worker (the slow formats: see
plans.importing.BACKGROUND_EXTENSIONS), and what a failure shows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from plans.models import PlanImport
from worker.models import Outcome
from worker.registry import Failure, background


def import_failed(failure: Failure) -> None:
    pk = failure.args[0]
    if not failure.final:
        PlanImport.objects.filter(pk=pk).update(
            progress=0,
            step=_("Interrupted; trying again (attempt %(next)s of %(of)s)")
            % {"next": failure.attempt + 1, "of": failure.attempts},
        )
        return
    if failure.outcome == Outcome.FINAL:
        error = failure.message
    elif failure.outcome == Outcome.TIMEOUT:
        error = _("Reading the document took too long and was stopped.")
    else:
        error = _("Reading the document failed (%(reason)s); upload it again.") % {
            "reason": Outcome(failure.outcome).label
        }
    PlanImport.objects.filter(pk=pk).update(
        status=PlanImport.Status.FAILED, error=error, source=None
    )


@background(time_limit=600, attempts=2, retry_delay=10, on_failure=import_failed)
def read_plan_document(import_id: int) -> None:
    """The entry point for slow readers (PDF today; .doc conversion and OCR)."""
    from plans.importing import read_queued_import

    read_queued_import(import_id)
