"""The workflow of an outgoing document, as plain functions the views and the API
call (each checks who may act, through access.rules, and when, through the state):

    draft --submit--> pending --approve--> approved --issue--> issued --send--> sent
      ^                  |
      +---- returned <---+ (return with comments; a new version, then submit again)

A draft is generated from the accepted reports (documents.generate) or uploaded as
an edited Word file; each is a new ``Version``, never changed. Issuing takes the
number from the register, fills in the number, the date and the signer, and has
the task worker make the PDF and sign it where a key is configured
(``make_pdf``). Sending e-mails the PDF to the recipients with an address, through
the worker's e-mail, and records when and to whom. Every step is audited and
checked against the document's revision, so two people never overwrite each other.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import rules
from audit.log import record, snapshot
from outgoing import filling, register
from outgoing.models import (
    Dispatch,
    Kind,
    OutgoingDocument,
    Recipient,
    State,
    Version,
    VersionKind,
)

DEFAULT_RECIPIENTS = (
    "UBND tỉnh (để báo cáo)",
    "Bộ Công Thương (để báo cáo)",
    "Các sở, ban, ngành, địa phương",
    "Giám đốc, các Phó Giám đốc Sở",
    "Lưu: VT, QLCN",
)
MAX_UPLOAD = 10 * 1024 * 1024


class OutgoingError(Exception):
    """A step that cannot be taken: the reason, in the user's language; ``field``
    names the input it is about."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


class OutgoingForbidden(OutgoingError):
    pass


class StaleDocument(OutgoingError):
    pass


def _require(actor: Any, action: str, document: Any = None) -> None:
    if not rules.may_act_on_outgoing(actor, action, document):
        raise OutgoingForbidden(_("You may not do this with this document."))


def _state(document: OutgoingDocument, *allowed: str) -> None:
    if document.state not in allowed:
        raise OutgoingError(
            _("This cannot be done while the document is %(state)s.")
            % {"state": document.get_state_display()}
        )


def _locked(document: OutgoingDocument, revision: int | None) -> OutgoingDocument:
    """The document re-read under a row lock; StaleDocument when someone changed it
    since ``revision`` was read."""
    current = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    if revision is not None and current.revision != revision:
        raise StaleDocument(
            _("Someone else changed this document meanwhile; reload the page and try again.")
        )
    return current


def _save(document: OutgoingDocument, actor: Any, before: dict, note: str) -> OutgoingDocument:
    document.revision += 1
    document.save()
    record(actor, "update", document, before=before, after=snapshot(document), note=note)
    return document


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def latest(document: OutgoingDocument) -> Version | None:
    return document.versions.defer("docx", "pdf").order_by("-number").first()


def _add_version(
    document: OutgoingDocument, kind: str, docx: bytes, actor: Any, *, note: str = ""
) -> Version:
    last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = Version.objects.create(
        document=document,
        number=last + 1,
        kind=kind,
        docx=docx,
        filename=f"{document.kind.lower()}-{document.pk}-v{last + 1}.docx",
        sha256=_digest(docx),
        note=note[:300],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        actor,
        "create",
        version,
        after={"document": document.pk, "version": version.number, "kind": kind},
        note="outgoing document version",
    )
    return version


# --- draft ----------------------------------------------------------------------


def _generated(plan: Any, year: int) -> tuple[bytes, Any]:
    from documents.content import DocumentError
    from documents.content import Kind as ReportKind
    from documents.generate import build, report_for

    try:
        output = build(plan, ReportKind.ANNUAL, [year], "docx")
        report = report_for(plan, ReportKind.ANNUAL, [year])
    except DocumentError as exc:
        raise OutgoingError(str(exc), "year") from exc
    return output.data, report


def issuing_agency(plan: Any, today: dt.date | None = None) -> Any:
    """Who coordinates the plan today: its coordinator, or the successor of a merged one
    (Sở Công Thương of Quảng Trị since 1/7/2025 for the seed), as documents.sections."""
    from agencies.models import Agency
    from agencies.succession import Graph

    # read again: a plan loaded before a reorganisation holds its coordinator as it was
    coordinator = Agency.objects.filter(pk=plan.coordinator_id).first()
    today = today or timezone.localdate()
    if coordinator is not None and not coordinator.is_valid_on(today):
        now = Graph.load().resolve(coordinator, today)
        coordinator = now[0] if now else coordinator
    return coordinator


def create_draft(plan: Any, year: int, actor: Any) -> OutgoingDocument:
    """A draft of the consolidated annual report of ``year``, generated from the
    accepted reports, issued by the plan's coordinating agency. The Word file is made
    before the transaction, which then only writes (a database is not held while the
    report is assembled)."""
    _require(actor, "draft")
    issuer = issuing_agency(plan)
    if issuer is None:
        raise OutgoingError(_("The plan has no coordinating agency to issue its reports."))
    docx, report = _generated(plan, year)
    with transaction.atomic():
        return _save_draft(plan, year, actor, issuer, docx, report)


def _save_draft(
    plan: Any, year: int, actor: Any, issuer: Any, docx: bytes, report: Any
) -> OutgoingDocument:
    document = OutgoingDocument.objects.create(
        agency=issuer,
        plan=plan,
        year=year,
        kind=Kind.BC,
        title=report.title[:500],
        symbol=report.symbol,
        place=report.place,
        created_by=actor,
    )
    Recipient.objects.bulk_create(
        Recipient(document=document, position=i, name=name)
        for i, name in enumerate(DEFAULT_RECIPIENTS)
    )
    record(actor, "create", document, after=snapshot(document), note="outgoing document drafted")
    _add_version(document, VersionKind.GENERATED, docx, actor)
    return document


def check_upload(name: str, data: bytes) -> None:
    if not name.lower().endswith(".docx") or not data.startswith(b"PK\x03\x04"):
        raise OutgoingError(_("Only Word files (.docx) are accepted."), "file")
    if len(data) > MAX_UPLOAD:
        raise OutgoingError(_("The file is larger than 10 MB."), "file")
    try:
        missing = filling.check(data)
    except filling.FillProblem as exc:
        raise OutgoingError(
            _("The Word file cannot be opened: %(error)s") % {"error": exc}, "file"
        ) from exc
    if missing:
        raise OutgoingError(
            _("The Word file lacks what issuing fills in: %(missing)s.")
            % {"missing": "; ".join(missing)},
            "file",
        )


@transaction.atomic
def upload_version(
    document: OutgoingDocument, actor: Any, revision: int | None, name: str, data: bytes
) -> Version:
    """An edited Word file as the draft's new version (a draft or a returned one)."""
    _require(actor, "upload", document)
    current = _locked(document, revision)
    _state(current, State.DRAFT, State.RETURNED)
    check_upload(name, data)
    before = snapshot(current)
    version = _add_version(current, VersionKind.UPLOADED, data, actor, note=name)
    _save(current, actor, before, "outgoing document: new version uploaded")
    return version


@transaction.atomic
def set_recipients(
    document: OutgoingDocument, actor: Any, revision: int | None, lines: list[tuple[str, str]]
) -> OutgoingDocument:
    """Nơi nhận: (name, e-mail or "") in order; until the document is issued."""
    _require(actor, "upload", document)
    current = _locked(document, revision)
    _state(current, State.DRAFT, State.RETURNED, State.PENDING, State.APPROVED)
    before = snapshot(current)
    before["recipients"] = [[r.name, r.email] for r in current.recipients.all()]
    current.recipients.all().delete()
    Recipient.objects.bulk_create(
        Recipient(document=current, position=i, name=name[:200], email=email)
        for i, (name, email) in enumerate(lines)
    )
    current.revision += 1
    current.save()
    after = snapshot(current) | {"recipients": [list(line) for line in lines]}
    record(actor, "update", current, before=before, after=after, note="outgoing recipients")
    return current


def vietnamese_name(user: Any) -> str:
    """ "Nguyễn Văn An": the family name (``last_name``) first, as Vietnamese names go."""
    name = user.get_full_name()
    return name or user.get_username()


# --- approval -----------------------------------------------------------------------


@transaction.atomic
def submit(document: OutgoingDocument, actor: Any, revision: int | None) -> OutgoingDocument:
    _require(actor, "submit", document)
    current = _locked(document, revision)
    _state(current, State.DRAFT, State.RETURNED)
    before = snapshot(current)
    current.state = State.PENDING
    return _save(current, actor, before, "outgoing document sent for approval")


@dataclass(frozen=True)
class Approval:
    comment: str = ""
    title: str = "PHÓ GIÁM ĐỐC"
    authority: str = "KT. GIÁM ĐỐC"


@transaction.atomic
def approve(
    document: OutgoingDocument, actor: Any, revision: int | None, approval: Approval
) -> OutgoingDocument:
    """The signer approves: the document will carry the signer's name and title."""
    _require(actor, "approve", document)
    current = _locked(document, revision)
    _state(current, State.PENDING)
    before = snapshot(current)
    current.state = State.APPROVED
    current.signer = actor
    current.signer_name = vietnamese_name(actor)
    current.signer_title = approval.title.strip()[:150]
    current.signer_authority = approval.authority.strip()[:80]
    current.comment = approval.comment.strip()
    return _save(current, actor, before, "outgoing document approved")


@transaction.atomic
def return_for_changes(
    document: OutgoingDocument, actor: Any, revision: int | None, comment: str
) -> OutgoingDocument:
    _require(actor, "return", document)
    if not comment.strip():
        raise OutgoingError(_("Say what must be changed."), "comment")
    current = _locked(document, revision)
    _state(current, State.PENDING)
    before = snapshot(current)
    current.state = State.RETURNED
    current.comment = comment.strip()
    return _save(current, actor, before, "outgoing document returned with comments")


# --- issuing --------------------------------------------------------------------------


def _filling(document: OutgoingDocument) -> filling.Filling:
    from documents.formatting import nd30_date

    assert document.issued_on is not None
    return filling.Filling(
        number_line=f"Số: {document.number}/{document.symbol}",
        date_line=f"{document.place}, {nd30_date(document.issued_on)}",
        authority=document.signer_authority,
        title=document.signer_title,
        name=document.signer_name,
        recipients=tuple(r.name for r in document.recipients.all()),
    )


@transaction.atomic
def issue(
    document: OutgoingDocument, actor: Any, revision: int | None, today: dt.date | None = None
) -> OutgoingDocument:
    """The number from the register, the date, the signer written into the approved
    version; the PDF and its signature are made by the task worker (``make_pdf``)."""
    from outgoing.tasks import make_issued_pdf

    _require(actor, "issue", document)
    current = _locked(document, revision)
    _state(current, State.APPROVED)
    source = current.versions.order_by("-number").first()
    if source is None:
        raise OutgoingError(_("The document has no version to issue."))
    before = snapshot(current)
    current.issued_on = today or timezone.localdate()
    entry = register.allocate(
        current.agency,
        current.kind,
        current.issued_on,
        summary=current.title,
        actor=actor,
        symbol=current.symbol,
        signer_name=current.signer_name,
        recipients="; ".join(r.name for r in current.recipients.all()),
        document=current,
    )
    current.number = entry.number
    try:
        docx = filling.fill(bytes(source.docx), _filling(current))
    except filling.FillProblem as exc:
        raise OutgoingError(
            _("The approved version cannot be filled in: %(error)s") % {"error": exc}
        ) from exc
    _add_version(current, VersionKind.ISSUED, docx, actor, note=entry.reference)
    current.state = State.ISSUED
    current.pdf_error = ""
    _save(current, actor, before, "outgoing document issued")
    transaction.on_commit(lambda: make_issued_pdf.enqueue(current.pk))
    return current


def make_pdf(document_id: int) -> Version | None:
    """The issued version's PDF (LibreOffice), signed where a key is configured."""
    from documents import pdf as pdf_writer
    from outgoing import signing

    document = OutgoingDocument.objects.select_related("agency").filter(pk=document_id).first()
    if document is None or document.state not in (State.ISSUED, State.SENT):
        return None
    version = document.versions.filter(kind=VersionKind.ISSUED).order_by("-number").first()
    if version is None or version.pdf:
        return version
    try:
        data = pdf_writer.docx_to_pdf(bytes(version.docx))
        signed = False
        if signing.key_config() is not None:
            data = signing.sign_pdf(
                data,
                organisation=document.agency.name,
                signer_name=document.signer_name,
                reason=f"{document.reference} {document.title}"[:200],
                location=document.place,
            )
            signed = True
    except (pdf_writer.PdfUnavailable, signing.SigningError) as exc:
        OutgoingDocument.objects.filter(pk=document.pk).update(pdf_error=str(exc))
        raise
    Version.objects.filter(pk=version.pk).update(pdf=data, signed=signed)
    OutgoingDocument.objects.filter(pk=document.pk).update(pdf_error="")
    record(
        None,
        "event",
        document,
        after={"version": version.number, "pdf_sha256": _digest(data), "signed": signed},
        note="outgoing document PDF made",
    )
    version.pdf, version.signed = data, signed
    return version


def issued_version(document: OutgoingDocument) -> Version | None:
    return document.versions.filter(kind=VersionKind.ISSUED).order_by("-number").first()


# --- sending --------------------------------------------------------------------------


def _message(document: OutgoingDocument, version: Version, to: list[str]) -> EmailMessage:
    subject = f"[{document.agency.name}] {document.reference} {document.title}"[:240]
    body = (
        f"{document.agency.name} gửi văn bản số {document.reference} ngày "
        f"{document.issued_on:%d/%m/%Y} về việc {document.title}.\n\n"
        "Văn bản điện tử có chữ ký số kèm theo thư này."
    )
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    pdf = bytes(version.pdf or b"")
    message.attach(f"{document.symbol}-{document.number}.pdf", pdf, "application/pdf")
    return message


@transaction.atomic
def send(document: OutgoingDocument, actor: Any, revision: int | None) -> Dispatch:
    """The issued PDF to every recipient with an e-mail address (through the worker's
    e-mail queue); recorded with the time and the addresses."""
    _require(actor, "send", document)
    current = _locked(document, revision)
    _state(current, State.ISSUED, State.SENT)
    version = issued_version(current)
    if version is None or not version.pdf:
        raise OutgoingError(_("The PDF of the issued document is not made yet."))
    recipients = list(current.recipients.all())
    addressed = [r for r in recipients if r.email]
    if not addressed:
        raise OutgoingError(_("No recipient has an e-mail address."), "recipients")
    _message(current, version, [r.email for r in addressed]).send()
    dispatch = Dispatch.objects.create(
        document=current,
        version=version,
        sent_by=actor,
        to=[{"name": r.name, "email": r.email} for r in addressed],
        without_address=[r.name for r in recipients if not r.email],
    )
    before = snapshot(current)
    current.state = State.SENT
    _save(current, actor, before, "outgoing document sent")
    record(actor, "event", dispatch, after={"to": dispatch.to}, note="outgoing document e-mailed")
    return dispatch
