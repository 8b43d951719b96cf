"""The outgoing documents' pages, the verification page, and an agency's formal
report with its signed PDF reaching the coordinator's dashboard."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import load_workbook

from outgoing import certificates, services, signing
from outgoing.models import OutgoingDocument, RegisterEntry, SignedReport, State
from reporting.models import AgencyReport
from tests.test_outgoing import _text
from tests.test_signing import blank_pdf

YEAR = 2024


@pytest.fixture
def pki(settings, tmp_path):
    """A test key configured for signing, its root configured as trusted."""
    root = certificates.make_root("planwatch test root", "Kiểm thử")
    leaf = certificates.make_leaf(root, "Nguyễn Văn An", "Sở Công Thương")
    (tmp_path / "k.p12").write_bytes(certificates.pkcs12_bytes(leaf, [root], "pw"))
    (tmp_path / "root.pem").write_bytes(root.pem())
    settings.VAR_DIR = tmp_path
    settings.PLANWATCH_SIGN_PKCS12 = str(tmp_path / "k.p12")
    settings.PLANWATCH_SIGN_PKCS12_PASSWORD = "pw"
    settings.PLANWATCH_TRUST_ROOTS = str(tmp_path / "root.pem")
    return root


def _doc(client, document) -> OutgoingDocument:
    document.refresh_from_db()
    return document


def test_the_flow_through_the_pages(demo_reports, coordinator, signer, login, client, pki):
    login(coordinator)
    response = client.post("/outgoing/new/", {"plan": demo_reports.code, "year": YEAR})
    document = OutgoingDocument.objects.get()
    assert response.status_code == 302 and response.url == f"/outgoing/{document.pk}/"
    page = client.get(f"/outgoing/{document.pk}/").content.decode()
    assert "Send for approval" in page or "Trình ký" in page
    lines = "UBND tỉnh (để báo cáo) | ubnd@quangtri.gov.vn\nLưu: VT, QLCN"
    client.post(f"/outgoing/{document.pk}/recipients/", {"lines": lines, "revision": 1})
    assert _doc(client, document).recipients.count() == 2
    client.post(f"/outgoing/{document.pk}/submit/", {"revision": document.revision})
    assert _doc(client, document).state == State.PENDING

    login(signer)
    approve = {"revision": document.revision, "title": "PHÓ GIÁM ĐỐC", "authority": "KT. GIÁM ĐỐC"}
    client.post(f"/outgoing/{document.pk}/approve/", approve)
    assert _doc(client, document).state == State.APPROVED
    assert client.post(f"/outgoing/{document.pk}/issue/", {}).status_code == 403

    login(coordinator)
    client.post(f"/outgoing/{document.pk}/issue/", {"revision": document.revision})
    assert _doc(client, document).state == State.ISSUED
    version = services.make_pdf(document.pk)
    pdf = client.get(f"/outgoing/versions/{version.pk}/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert signing.verify(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content).ok
    mail.outbox.clear()
    client.post(f"/outgoing/{document.pk}/send/", {"revision": _doc(client, document).revision})
    assert _doc(client, document).state == State.SENT
    assert mail.outbox[0].to == ["ubnd@quangtri.gov.vn"]

    register = client.get("/outgoing/register/", {"q": "1/bc"}).content.decode()
    assert f"1/{document.symbol}" in register
    export = client.get("/outgoing/register.xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet["A2"].value == f"1/{document.symbol}"


def test_bad_recipients_are_refused_with_nothing_saved(demo_reports, coordinator, login, client):
    document = services.create_draft(demo_reports, YEAR, coordinator)
    login(coordinator)
    response = client.post(
        f"/outgoing/{document.pk}/recipients/", {"lines": "UBND tỉnh | không-phải-thư"}, follow=True
    )
    assert response.status_code == 200
    assert "không-phải-thư" in response.content.decode()
    assert document.recipients.count() == len(services.DEFAULT_RECIPIENTS)


def test_a_stale_page_does_not_overwrite(demo_reports, coordinator, login, client):
    document = services.create_draft(demo_reports, YEAR, coordinator)
    services.submit(document, coordinator, document.revision)
    login(coordinator)
    response = client.post(f"/outgoing/{document.pk}/submit/", {"revision": 1}, follow=True)
    assert response.status_code == 200
    assert _doc(client, document).revision == 2


def test_the_verification_page(pki, login, client, viewer):
    login(viewer)
    signed = signing.sign_pdf(blank_pdf(), organisation="Sở Công Thương")
    page = client.post("/signatures/verify/", {"file": SimpleUploadedFile("a.pdf", signed)})
    text = page.content.decode()
    assert "Nguyễn Văn An" in text and ("Valid signature" in text or "Chữ ký hợp lệ" in text)
    altered = bytearray(signed)
    altered[altered.index(b"/MediaBox") + 1] = ord("m")
    page = client.post("/signatures/verify/", {"file": SimpleUploadedFile("b.pdf", bytes(altered))})
    text = page.content.decode()
    assert "changed after signing" in text or "bị thay đổi sau khi ký" in text


def test_an_agencys_formal_report_and_its_signature_status(
    demo_reports, reporter, coordinator, login, client, pki
):
    report = AgencyReport.objects.get(period__year=YEAR, agency__code="qb-so-du-lich")
    login(reporter)
    form = {"number": "15", "signer_name": "Trần Văn Minh", "signer_title": "Giám đốc",
            "fmt": "docx"}  # fmt: skip
    response = client.post(f"/reports/{report.pk}/formal/", form)
    text = _text(response.content)
    assert "Kính gửi: Sở Công Thương" in text
    assert "Số: 15/BC-" in text and "SỞ DU LỊCH" in text and "TRẦN VĂN MINH" not in text
    assert "Trần Văn Minh" in text and "GIÁM ĐỐC" in text
    Document(io.BytesIO(response.content))  # a Word file

    taken = client.post(
        f"/reports/{report.pk}/formal/", {**form, "number": "", "from_register": "on"}
    )
    assert "Số: 1/BC-" in _text(taken.content)
    assert RegisterEntry.objects.filter(agency=report.agency, report=report, number=1).exists()

    bad = client.post(f"/reports/{report.pk}/formal/", {**form, "number": "12a"})
    assert bad.status_code == 200
    assert "whole number" in bad.content.decode() or "số nguyên" in bad.content.decode()

    signed = signing.sign_pdf(blank_pdf(), organisation="Sở Du lịch", signer_name="Trần Văn Minh")
    client.post(f"/reports/{report.pk}/signed/", {"file": SimpleUploadedFile("bc.pdf", signed)})
    attached = SignedReport.objects.get(report=report)
    assert attached.status == "valid"

    login(coordinator)
    page = client.get(f"/plans/{demo_reports.code}/reporting/{YEAR}/").content.decode()
    row = page[page.index('data-agency="qb-so-du-lich"') :].split("</tr>")[0]
    assert "signature-status" in row and ("signed, valid" in row or "đã ký, hợp lệ" in row)


def test_an_unsigned_pdf_is_not_attached(demo_reports, reporter, login, client):
    report = AgencyReport.objects.get(period__year=YEAR, agency__code="qb-so-du-lich")
    login(reporter)
    client.post(f"/reports/{report.pk}/signed/", {"file": SimpleUploadedFile("a.pdf", blank_pdf())})
    assert not SignedReport.objects.exists()


def test_another_agency_cannot_make_or_attach(demo_reports, other_reporter, login, client):
    report = AgencyReport.objects.get(period__year=YEAR, agency__code="qb-so-du-lich")
    login(other_reporter)
    assert client.get(f"/reports/{report.pk}/formal/").status_code == 403
    response = client.post(
        f"/reports/{report.pk}/signed/", {"file": SimpleUploadedFile("a.pdf", blank_pdf())}
    )
    assert response.status_code == 403
