"""Outgoing documents' routes: the documents and their steps (draft, send for
approval, approve, return, issue, send), the register with its search, and the
verification of a signed PDF. A stale revision answers 409 and changes nothing; a
step its state does not allow, 400; one the user may not take, 403."""

from __future__ import annotations

import datetime as dt

from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from access import lookups
from access.capabilities import Capability as C
from access.decorators import requires, signed_in
from api.errors import responses
from api.fields import Id, PlanCode, Text, Year
from api.schemas import Input
from outgoing import services, signing
from outgoing.models import OutgoingDocument, RegisterEntry
from outgoing.register import search

router = Router(tags=["outgoing"])
READ = (C.READ_DOCUMENTS, C.SIGN_DOCUMENTS)
ACT = (C.MANAGE_DOCUMENTS, C.SIGN_DOCUMENTS)


class VersionOut(Schema):
    number: int
    kind: str
    signed: bool
    sha256: str
    created_at: dt.datetime


class DocumentOut(Schema):
    id: int
    agency: str
    reference: str
    kind: str
    title: str
    state: str
    revision: int
    number: int | None
    issued_on: dt.date | None
    signer_name: str
    signer_title: str
    comment: str
    versions: list[VersionOut]

    @classmethod
    def of(cls, d: OutgoingDocument) -> dict:
        return {
            "id": d.pk,
            "agency": d.agency.code,
            "reference": d.reference,
            "kind": d.kind,
            "title": d.title,
            "state": d.state,
            "revision": d.revision,
            "number": d.number,
            "issued_on": d.issued_on,
            "signer_name": d.signer_name,
            "signer_title": d.signer_title,
            "comment": d.comment,
            "versions": [
                {
                    "number": v.number,
                    "kind": v.kind,
                    "signed": v.signed,
                    "sha256": v.sha256,
                    "created_at": v.created_at,
                }
                for v in d.versions.defer("docx", "pdf")
            ],
        }


class DraftIn(Input):
    plan: PlanCode
    year: Year


class StepIn(Input):
    revision: Id | None = None


class ApproveIn(StepIn):
    comment: Text(2000) = ""  # type: ignore[valid-type]
    title: Text(150) = "PHÓ GIÁM ĐỐC"  # type: ignore[valid-type]
    authority: Text(80) = "KT. GIÁM ĐỐC"  # type: ignore[valid-type]


class ReturnIn(StepIn):
    comment: Text(2000) = ""  # type: ignore[valid-type]


class EntryOut(Schema):
    agency: str
    year: int
    kind: str
    number: int
    reference: str
    issued_on: dt.date
    summary: str
    signer_name: str
    document: int | None


class RegisterQuery(Schema):
    q: str = ""
    year: Year | None = None
    kind: str = ""


class SignatureOut(Schema):
    signer: str
    issuer: str
    signed_at: dt.datetime | None
    timestamp: dt.datetime | None
    intact: bool
    valid: bool
    trusted: bool
    modified: bool


class VerificationOut(Schema):
    status: str  # valid, untrusted, altered, unsigned, unreadable
    error: str
    signatures: list[SignatureOut]


def _document(request, pk: int) -> OutgoingDocument:
    return lookups.get_outgoing_for_user(request.user, pk)


@router.get("/outgoing", response=responses(list[DocumentOut], 403), url_name="outgoing_list")
@requires(*READ)
def outgoing_list(request):
    """The latest outgoing documents (100)."""
    return [DocumentOut.of(d) for d in OutgoingDocument.objects.select_related("agency")[:100]]


@router.post("/outgoing", response=responses(DocumentOut, 403, 404), url_name="outgoing_create")
@requires(C.MANAGE_DOCUMENTS)
def outgoing_create(request, body: DraftIn):
    """A draft of the annual report of ``year``, from the accepted reports."""
    plan = lookups.get_plan_for_user(request.user, body.plan)
    return DocumentOut.of(services.create_draft(plan, body.year, request.user))


@router.get("/outgoing/{pk}", response=responses(DocumentOut, 403, 404), url_name="outgoing_get")
@requires(*READ)
def outgoing_get(request, pk: Id):
    return DocumentOut.of(_document(request, pk))


STEP = responses(DocumentOut, 403, 404, 409)


@router.post("/outgoing/{pk}/submit", response=STEP, url_name="outgoing_submit")
@requires(*ACT)
def outgoing_submit(request, pk: Id, body: StepIn):
    """Send the draft for approval."""
    return DocumentOut.of(services.submit(_document(request, pk), request.user, body.revision))


@router.post("/outgoing/{pk}/approve", response=STEP, url_name="outgoing_approve")
@requires(*ACT)
def outgoing_approve(request, pk: Id, body: ApproveIn):
    """The signer approves (a leader of the issuing agency)."""
    approval = services.Approval(body.comment, body.title, body.authority)
    return DocumentOut.of(
        services.approve(_document(request, pk), request.user, body.revision, approval)
    )


@router.post("/outgoing/{pk}/return", response=STEP, url_name="outgoing_return")
@requires(*ACT)
def outgoing_return(request, pk: Id, body: ReturnIn):
    """The signer returns the draft with comments (required)."""
    document = _document(request, pk)
    return DocumentOut.of(
        services.return_for_changes(document, request.user, body.revision, body.comment)
    )


@router.post("/outgoing/{pk}/issue", response=STEP, url_name="outgoing_issue")
@requires(*ACT)
def outgoing_issue(request, pk: Id, body: StepIn):
    """The number from the register; the PDF is made (and signed) by the task worker."""
    return DocumentOut.of(services.issue(_document(request, pk), request.user, body.revision))


@router.post("/outgoing/{pk}/send", response=STEP, url_name="outgoing_send")
@requires(*ACT)
def outgoing_send(request, pk: Id, body: StepIn):
    """E-mail the issued PDF to the recipients with an address."""
    document = _document(request, pk)
    services.send(document, request.user, body.revision)
    return DocumentOut.of(_document(request, pk))


@router.get("/outgoing-register", response=responses(list[EntryOut], 403), url_name="register")
@requires(*READ)
def outgoing_register(request, query: Query[RegisterQuery]):
    """The outgoing register: search by number ("12/BC"), symbol, summary, signer."""
    entries = search(RegisterEntry.objects.select_related("agency"), query.q)
    if query.year:
        entries = entries.filter(year=query.year)
    if query.kind:
        entries = entries.filter(kind=query.kind[:4])
    return [
        {
            "agency": e.agency.code,
            "year": e.year,
            "kind": e.kind,
            "number": e.number,
            "reference": e.reference,
            "issued_on": e.issued_on,
            "summary": e.summary,
            "signer_name": e.signer_name,
            "document": e.document_id,
        }
        for e in entries[:1000]
    ]


@router.post("/signatures/verify", response=responses(VerificationOut, 403), url_name="verify")
@signed_in
def verify_signature(request, file: File[UploadedFile]):
    """Who signed a PDF, when, whether it changed since, whether the chain is trusted."""
    result = signing.verify(file.read(20 * 1024 * 1024 + 1))
    return {
        "status": result.status,
        "error": result.error,
        "signatures": [
            {
                "signer": s.signer,
                "issuer": s.issuer,
                "signed_at": s.signed_at,
                "timestamp": s.timestamp,
                "intact": s.intact,
                "valid": s.valid,
                "trusted": s.trusted,
                "modified": s.modified,
            }
            for s in result.signatures
        ],
    }
