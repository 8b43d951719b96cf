"""Outgoing documents (outgoing.services, outgoing.register), without HTTP: the whole
flow from draft to sent with its audit; who may take each step; two people never
overwrite each other; the register's numbers never repeat nor leave a gap, also
when documents are issued at the same moment from several threads."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core import mail
from docx import Document

from agencies.models import Agency
from audit.models import AuditEntry
from outgoing import certificates, register, services, signing
from outgoing.models import OutgoingDocument, RegisterEntry, State, VersionKind
from tests.test_signing import asn1

YEAR = 2024


@pytest.fixture
def key(settings, tmp_path):
    root = certificates.make_root("planwatch test root", "Kiểm thử")
    leaf = certificates.make_leaf(root, "Nguyễn Văn An", "Sở Công Thương")
    path = tmp_path / "k.p12"
    path.write_bytes(certificates.pkcs12_bytes(leaf, [root], "pw"))
    settings.PLANWATCH_SIGN_PKCS12 = str(path)
    settings.PLANWATCH_SIGN_PKCS12_PASSWORD = "pw"
    settings.VAR_DIR = tmp_path
    return root


def _text(docx: bytes) -> str:
    doc = Document(io.BytesIO(docx))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def _edited(docx: bytes) -> bytes:
    doc = Document(io.BytesIO(docx))
    doc.add_paragraph("Đoạn văn do chuyên viên bổ sung.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_the_whole_flow_from_draft_to_sent(demo_reports, coordinator, signer, key):
    plan = demo_reports
    document = services.create_draft(plan, YEAR, coordinator)
    assert document.state == State.DRAFT and document.agency.code == "qb-so-cong-thuong"
    first = document.versions.get()
    assert first.kind == VersionKind.GENERATED and "Số:" in _text(bytes(first.docx))

    edited = _edited(bytes(first.docx))
    services.upload_version(document, coordinator, document.revision, "sua.docx", edited)
    document.refresh_from_db()
    services.submit(document, coordinator, document.revision)
    document.refresh_from_db()
    services.return_for_changes(document, signer, document.revision, "Bổ sung số liệu quý IV.")
    document.refresh_from_db()
    assert document.state == State.RETURNED and "quý IV" in document.comment
    services.submit(document, coordinator, document.revision)
    document.refresh_from_db()
    services.approve(document, signer, document.revision, services.Approval())
    document.refresh_from_db()
    assert document.state == State.APPROVED and document.signer_name == "Nguyễn Văn An"

    services.issue(document, coordinator, document.revision, today=dt.date(2026, 12, 2))
    document.refresh_from_db()
    assert document.state == State.ISSUED and document.number == 1
    issued = services.issued_version(document)
    text = _text(bytes(issued.docx))
    assert f"Số: 1/{document.symbol}" in text
    assert "ngày 02 tháng 12 năm 2026" in text
    assert "Nguyễn Văn An" in text and "[Họ và tên]" not in text
    assert "Đoạn văn do chuyên viên bổ sung." in text  # the edited version was issued
    assert "- UBND tỉnh (để báo cáo);" in text and "- Lưu: VT, QLCN." in text  # Nơi nhận
    entry = RegisterEntry.objects.get(document=document)
    assert (entry.number, entry.year, entry.kind) == (1, 2026, "BC")

    version = services.make_pdf(document.pk)  # the task worker's part
    assert version.signed and bytes(version.pdf).startswith(b"%PDF")
    assert signing.verify(bytes(version.pdf), [asn1(key)]).status == "valid"

    document.recipients.filter(position=0).update(email="ubnd@quangtri.gov.vn")
    document.recipients.filter(position=1).update(email="vp@moit.gov.vn")
    mail.outbox.clear()
    dispatch = services.send(document, coordinator, document.revision)
    document.refresh_from_db()
    assert document.state == State.SENT
    assert [t["email"] for t in dispatch.to] == ["ubnd@quangtri.gov.vn", "vp@moit.gov.vn"]
    assert len(dispatch.without_address) == 3
    [message] = mail.outbox
    assert message.attachments[0][2] == "application/pdf"
    assert document.versions.count() == 3  # generated, uploaded, issued: all kept

    notes = list(
        AuditEntry.objects.filter(
            object_type="outgoing.outgoingdocument", object_id=str(document.pk)
        )
        .order_by("id")
        .values_list("note", flat=True)
    )
    for step in ("drafted", "uploaded", "sent for approval", "returned", "approved", "issued",
                 "PDF made", "sent"):  # fmt: skip
        assert any(step in note for note in notes), step


def test_the_recipients_are_written_into_nơi_nhận(demo_reports, coordinator, signer):
    document = services.create_draft(demo_reports, YEAR, coordinator)
    lines = [("UBND tỉnh Quảng Trị (để báo cáo)", "ubnd@quangtri.gov.vn")] + [
        (f"Sở thứ {n}", "") for n in range(1, 8)
    ]
    services.set_recipients(document, coordinator, document.revision, lines)
    document.refresh_from_db()
    services.submit(document, coordinator, document.revision)
    document.refresh_from_db()
    services.approve(document, signer, document.revision, services.Approval())
    document.refresh_from_db()
    services.issue(document, coordinator, document.revision)
    text = _text(bytes(services.issued_version(document).docx))
    assert "- UBND tỉnh Quảng Trị (để báo cáo);" in text and "- Sở thứ 7." in text
    assert "Bộ Công Thương (để báo cáo)" not in text  # the template's lines replaced


def test_who_may_take_each_step(demo_reports, coordinator, signer, reporter, viewer):
    plan = demo_reports
    with pytest.raises(services.OutgoingForbidden):
        services.create_draft(plan, YEAR, reporter)
    document = services.create_draft(plan, YEAR, coordinator)
    with pytest.raises(services.OutgoingForbidden):
        services.submit(document, viewer, document.revision)
    services.submit(document, coordinator, document.revision)
    document.refresh_from_db()
    with pytest.raises(services.OutgoingForbidden):
        services.approve(document, coordinator, document.revision, services.Approval())
    # a leader of another agency does not sign Sở Công Thương's documents
    signer.agency = Agency.objects.get(code="qb-so-tnmt")
    signer.save()
    with pytest.raises(services.OutgoingForbidden):
        services.approve(document, signer, document.revision, services.Approval())


def test_steps_out_of_order_and_stale_revisions(demo_reports, coordinator, signer):
    document = services.create_draft(demo_reports, YEAR, coordinator)
    with pytest.raises(services.OutgoingError):
        services.issue(document, coordinator, document.revision)  # not approved
    with pytest.raises(services.StaleDocument):
        services.submit(
            document, coordinator, document.revision - 1 if document.revision > 1 else 99
        )
    services.submit(document, coordinator, document.revision)
    with pytest.raises(services.OutgoingError):
        services.return_for_changes(document, signer, None, "  ")  # a comment is required
    document.refresh_from_db()
    assert document.state == State.PENDING


def test_an_uploaded_file_must_be_a_word_file_with_the_fields(demo_reports, coordinator):
    document = services.create_draft(demo_reports, YEAR, coordinator)
    with pytest.raises(services.OutgoingError, match="Word"):
        services.upload_version(document, coordinator, None, "x.pdf", b"%PDF-1.4")
    blank = io.BytesIO()
    Document().save(blank)
    with pytest.raises(services.OutgoingError) as caught:
        services.upload_version(document, coordinator, None, "x.docx", blank.getvalue())
    assert caught.value.field == "file"
    assert document.versions.count() == 1  # nothing half-saved


def test_numbers_run_per_year_and_kind(registry, coordinator):
    agency = Agency.objects.get(code="qb-so-cong-thuong")
    day = dt.date(2026, 3, 1)
    got = [
        register.allocate(agency, kind, d, summary="x", actor=coordinator).reference
        for kind, d in [("BC", day), ("BC", day), ("CV", day), ("BC", dt.date(2027, 1, 2))]
    ]
    assert got == ["1/BC-SCT", "2/BC-SCT", "1/CV-SCT", "1/BC-SCT"]
    found = register.search(RegisterEntry.objects.all(), "2/bc")
    assert [e.number for e in found] == [2]


def test_concurrent_issuing_never_shares_a_number(transactional_db, registry):
    """Threads take numbers at the same moment (PostgreSQL: row locks; SQLite: its write
    lock): every number once, none missing."""
    agency = Agency.objects.get(code="qb-so-cong-thuong")
    day = dt.date(2026, 5, 1)
    threads, errors, start = [], [], threading.Barrier(6)

    def work():
        from django.db import connections

        try:
            start.wait()
            for _ in range(5):
                register.allocate(agency, "BC", day, summary="đồng thời", actor=None)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    for _ in range(6):
        threads.append(threading.Thread(target=work))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(RegisterEntry.objects.filter(agency=agency).values_list("number", flat=True))
    assert numbers == list(range(1, 31))
    assert OutgoingDocument.objects.count() == 0


def test_the_pdf_task_gives_up_with_the_reason(demo_reports, coordinator, signer, settings):
    """No LibreOffice: the task gives up (retrying cannot help) and the document's
    page shows why; the number stays with the document."""
    from outgoing.tasks import _failed, make_issued_pdf
    from worker.registry import Failure, GiveUp

    document = services.create_draft(demo_reports, YEAR, coordinator)
    for step in ("submit", "approve", "issue"):
        document.refresh_from_db()
        if step == "approve":
            services.approve(document, signer, document.revision, services.Approval())
        else:
            getattr(services, step)(document, coordinator, document.revision)
    settings.PLANWATCH_SOFFICE = "/nonexistent/soffice"
    with pytest.raises(GiveUp):
        make_issued_pdf.call(document.pk)
    document.refresh_from_db()
    assert "LibreOffice" in document.pdf_error and document.number == 1
    OutgoingDocument.objects.filter(pk=document.pk).update(pdf_error="")
    _failed(Failure("t", [document.pk], {}, "final", "hỏng", 2, 2, True))
    document.refresh_from_db()
    assert document.pdf_error == "hỏng"
