"""Evidence files: checked by size, by extension and by their first bytes (a file
named .pdf must be a PDF), stored under a random name, attached in a transaction."""

from __future__ import annotations

from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from audit.log import record, snapshot
from planwatch import uploads
from reporting import workflow
from reporting.models import AgencyReport, Evidence, ReportItem
from reporting.services import ReportError

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# extension -> (content type, accepted first bytes)
KINDS = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".doc": ("application/msword", (OLE,)),
    ".xls": ("application/vnd.ms-excel", (OLE,)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


def check_file(name: str, size: int, head: bytes) -> str:
    """The content type of an acceptable file; ReportError naming the problem otherwise."""
    suffix = PurePath(name or "").suffix.lower()
    if suffix not in KINDS:
        raise ReportError([_("Only PDF, Word, Excel and image files (PNG, JPEG) are accepted.")])
    if size == 0:
        raise ReportError([_("The file is empty.")])
    if size > MAX_EVIDENCE_BYTES:
        raise ReportError(
            [
                _("The file is too large (%(mb)s MB); the limit is %(limit)s MB.")
                % {"mb": size // 1048576, "limit": MAX_EVIDENCE_BYTES // 1048576}
            ]
        )
    content_type, magics = KINDS[suffix]
    if not any(head.startswith(m) for m in magics):
        raise ReportError(
            [
                _("The file's content is not what its name says (%(ext)s); it was refused.")
                % {"ext": suffix}
            ]
        )
    return content_type


def check_content(upload) -> None:
    """A Word or Excel file must be a safe Office archive: no program, no macro, no
    part that inflates abnormally (planwatch.uploads); ReportError otherwise."""
    kind = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if kind not in ("docx", "xlsx"):
        return
    data = upload.read()
    upload.seek(0)
    try:
        uploads.check_archive(data, kind)
    except uploads.UploadRefused as exc:
        raise ReportError([str(exc)]) from None


@transaction.atomic
def attach(report: AgencyReport, user, upload, item: ReportItem | None = None) -> Evidence:
    """Attach an uploaded file to a report the user may edit."""
    report = AgencyReport.objects.select_for_update().select_related("period").get(pk=report.pk)
    if not workflow.can(user, workflow.EDIT, report):
        raise PermissionDenied
    head = upload.read(16)
    upload.seek(0)
    content_type = check_file(upload.name, upload.size, head)
    check_content(upload)
    evidence = Evidence(
        report=report,
        item=item,
        original_name=PurePath(upload.name).name[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    record(user, "create", evidence, after=snapshot(evidence), note="evidence")
    return evidence


@transaction.atomic
def remove(evidence: Evidence, user) -> None:
    if not workflow.can(user, workflow.EDIT, evidence.report):
        raise PermissionDenied
    before = snapshot(evidence)
    label, pk, text = "reporting.evidence", str(evidence.pk), evidence.original_name
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))
    record(
        user,
        "delete",
        None,
        before=before,
        object_type=label,
        object_id=pk,
        object_repr=text,
        note="evidence",
    )
