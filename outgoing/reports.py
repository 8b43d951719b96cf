"""An agency's own formal report (outgoing.formal) and the signed PDF it attaches to
its report (signed in planwatch's reach or elsewhere), checked on upload so that the
coordinator's dashboard shows each report's signature status."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import rules
from audit.log import record
from outgoing import formal, register, signing
from outgoing.models import Kind, SignedReport
from outgoing.services import OutgoingError, OutgoingForbidden
from reporting.models import AgencyReport

MAX_PDF = 20 * 1024 * 1024


@dataclass
class FormalFile:
    filename: str
    content_type: str
    data: bytes


def _require(actor: Any, report: AgencyReport) -> None:
    if not rules.may(actor, (rules.C.EDIT_OWN_REPORT,), report.agency_id):
        raise OutgoingForbidden(_("Only the agency's own reporters make its formal report."))


@transaction.atomic
def formal_report(
    report: AgencyReport,
    actor: Any,
    signature: formal.Signature,
    fmt: str,
    *,
    from_register: bool = False,
    today: dt.date | None = None,
) -> FormalFile:
    """The formal report as Word or PDF; ``from_register`` takes its number from the
    agency's own outgoing register (recorded there with the report)."""
    from documents import pdf

    _require(actor, report)
    today = today or timezone.localdate()
    if from_register:
        entry = register.allocate(
            report.agency,
            Kind.BC,
            today,
            summary=f"Báo cáo kết quả thực hiện kế hoạch năm {report.period.year}",
            actor=actor,
            symbol=formal.symbol(report),
            signer_name=signature.name,
            recipients="Sở Công Thương",
            report=report,
        )
        signature = formal.Signature(
            str(entry.number), signature.name, signature.title, signature.authority
        )
    data = formal.build_docx(report, signature, today)
    record(actor, "event", report, after={"number": signature.number, "format": fmt},
           note="agency formal report made")  # fmt: skip
    name = f"bao-cao-{report.agency.code}-{report.period.year}"
    if fmt == "pdf":
        try:
            return FormalFile(f"{name}.pdf", "application/pdf", pdf.docx_to_pdf(data))
        except pdf.PdfUnavailable as exc:
            raise OutgoingError(str(exc)) from exc
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return FormalFile(f"{name}.docx", docx, data)


@transaction.atomic
def attach_signed(report: AgencyReport, actor: Any, name: str, data: bytes) -> SignedReport:
    """The signed PDF of the report, checked (signer, time, altered, trusted) and kept."""
    _require(actor, report)
    if not data.startswith(b"%PDF"):
        raise OutgoingError(_("The file is not a PDF."), "file")
    if len(data) > MAX_PDF:
        raise OutgoingError(_("The file is larger than 20 MB."), "file")
    result = signing.verify(data)
    if result.status in ("unsigned", "unreadable"):
        raise OutgoingError(
            result.error or _("The PDF has no digital signature; sign it first."), "file"
        )
    first = result.signatures[0]
    signed = SignedReport.objects.create(
        report=report,
        revision=report.revision,
        filename=name[:200],
        pdf=data,
        sha256=hashlib.sha256(data).hexdigest(),
        status=result.status,
        signer=first.signer[:300],
        signed_at=first.timestamp or first.signed_at,
        uploaded_by=actor,
    )
    record(
        actor,
        "create",
        signed,
        after={
            "report": report.pk,
            "status": signed.status,
            "signer": signed.signer,
            "sha256": signed.sha256,
        },
        note="signed report attached",
    )
    return signed


def signature_status(report_ids: list[int]) -> dict[int, SignedReport]:
    """The latest signed PDF of each report (one query, without the files)."""
    latest: dict[int, SignedReport] = {}
    for signed in (
        SignedReport.objects.filter(report_id__in=report_ids)
        .defer("pdf")
        .order_by("report_id", "-uploaded_at", "-id")
    ):
        latest.setdefault(signed.report_id, signed)
    return latest
