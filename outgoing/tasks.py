"""The outgoing documents' task: the issued PDF made and signed by the worker."""

from __future__ import annotations

from django.utils.translation import gettext as _

from outgoing.models import OutgoingDocument
from worker.registry import Failure, GiveUp, background


def _failed(failure: Failure) -> None:
    if failure.final:
        OutgoingDocument.objects.filter(pk=failure.args[0], pdf_error="").update(
            pdf_error=failure.message or _("The PDF could not be made.")
        )


@background(time_limit=300, attempts=2, retry_delay=10, on_failure=_failed)
def make_issued_pdf(document_id: int) -> None:
    """Make (and sign) the PDF of an issued outgoing document."""
    from documents.pdf import PdfUnavailable
    from outgoing import services, signing

    try:
        services.make_pdf(document_id)
    except (PdfUnavailable, signing.SigningError) as exc:
        raise GiveUp(str(exc)) from exc
