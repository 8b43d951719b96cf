"""Hostile files through every upload (issue 15): the right is checked before the
file is read, then its size, its archive (unzipped size, parts: no program, no
macro), then the rows and cells of each sheet, and only then is it parsed. A
refusal is in Vietnamese and leaves nothing behind."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budget import excel as budget_excel
from budget import services as budget_services
from budget.models import BudgetLine
from plans.importer.document import DocumentError, read_docx, read_pdf
from planwatch import uploads
from reporting import evidence
from reporting import excel as report_excel
from reporting.models import AgencyReport, Evidence
from reporting.periods import open_period
from reporting.services import ReportError
from tests import hostile

CODE = "qb-sxtdbv-2021"


@pytest.fixture
def never_parsed(monkeypatch):
    """openpyxl's reader fails the test if it is reached."""
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr("openpyxl.reader.excel.load_workbook", refuse)


@pytest.fixture
def funded(demo_reports, personas):
    return budget_services.budget_for(demo_reports, 2022, create=True)


def test_a_viewer_is_refused_before_the_workbook_is_read(
    client, funded, personas, never_parsed, monkeypatch
):
    def no_check(*args, **kwargs):
        raise AssertionError("the file was inspected")

    monkeypatch.setattr(uploads, "check_workbook", no_check)
    bomb = hostile.many_rows_workbook(400_000, compact=True)
    client.force_login(personas["viewer"])
    response = client.post(
        reverse("budget:excel_upload", args=[CODE, 2022]),
        {"file": SimpleUploadedFile("du-toan.xlsx", bomb)},
    )
    assert response.status_code == 403
    report = AgencyReport.objects.filter(period__plan=funded.plan).first()
    response = client.post(
        reverse("reporting:excel_upload", args=[report.pk]),
        {"file": SimpleUploadedFile("bao-cao.xlsx", bomb)},
    )
    assert response.status_code == 403


def test_an_oversized_budget_sheet_is_refused_unparsed_and_nothing_changes(
    client, funded, personas, never_parsed
):
    reporter = personas["reporter"]
    before = list(BudgetLine.objects.filter(budget=funded).values_list("pk", flat=True))
    client.force_login(reporter)
    response = client.post(
        reverse("budget:excel_upload", args=[CODE, 2022]),
        {"file": SimpleUploadedFile("du-toan.xlsx", hostile.many_rows_workbook(6000))},
        follow=True,
    )
    page = response.content.decode()
    assert "quá lớn" in page and "5.000" in page
    assert list(BudgetLine.objects.filter(budget=funded).values_list("pk", flat=True)) == before
    with pytest.raises(budget_services.BudgetError):
        budget_excel.apply_workbook(funded, reporter, hostile.many_rows_workbook(400_000))


def test_a_budget_workbook_under_the_caps_is_read_in_streaming_mode(funded, personas):
    """The caps leave room for a real workbook: 300 rows of an unknown task are read
    (and refused by row, not by size)."""
    with pytest.raises(budget_services.BudgetError) as refused:
        budget_excel.apply_workbook(
            funded, personas["reporter"], hostile.many_rows_workbook(300, compact=True)
        )
    assert "Row 4" in refused.value.errors[0] or "Dòng 4" in refused.value.errors[0]


def test_a_budget_upload_checks_the_right_on_the_year_first(funded, personas, never_parsed):
    """Finance may read the year but not estimate: refused before the file is opened."""
    with pytest.raises(budget_services.BudgetError):
        budget_excel.apply_workbook(funded, personas["finance"], hostile.many_rows_workbook(10))


def test_an_oversized_report_workbook_is_refused_unparsed(plan, coordinator, never_parsed):
    period = open_period(plan, 2022, coordinator)
    report = AgencyReport.objects.get(period=period, agency__code="qb-so-du-lich")
    with pytest.raises(ReportError) as refused:
        report_excel.read_workbook(report, hostile.many_rows_workbook(400_000, compact=True))
    assert "5.000" in refused.value.errors[0]


def test_a_report_workbook_with_a_program_inside_is_refused(plan, coordinator, never_parsed):
    period = open_period(plan, 2022, coordinator)
    report = AgencyReport.objects.get(period=period, agency__code="qb-so-du-lich")
    data = hostile.with_part(hostile.many_rows_workbook(5), "xl/media/setup.exe", b"x")
    with pytest.raises(ReportError) as refused:
        report_excel.read_workbook(report, data)
    assert "setup.exe" in refused.value.errors[0]


def _docx() -> bytes:
    import docx

    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Kế hoạch")
    document.save(out)
    return out.getvalue()


def test_a_docx_holding_an_exe_is_refused_as_evidence(plan, coordinator, reporter):
    period = open_period(plan, 2022, coordinator)
    report = AgencyReport.objects.get(period=period, agency__code="qb-so-du-lich")
    for name, content in (
        ("word/embeddings/setup.exe", hostile.PROGRAM),
        ("word/media/image1.png", hostile.PROGRAM),  # a program under an image's name
        ("word/vbaProject.bin", b"macro"),
    ):
        upload = SimpleUploadedFile("minh-chung.docx", hostile.with_part(_docx(), name, content))
        with pytest.raises(ReportError):
            evidence.attach(report, reporter, upload)
    assert not Evidence.objects.filter(report=report).exists()
    evidence.attach(report, reporter, SimpleUploadedFile("minh-chung.docx", _docx()))
    assert Evidence.objects.filter(report=report).count() == 1


def test_a_zip_bomb_is_refused_from_its_directory():
    packed = hostile.with_part(_docx(), "word/bomb.xml", b"<a/>" * 20_000_000)
    with pytest.raises(uploads.UploadRefused):
        uploads.check_document(packed)
    with pytest.raises(DocumentError):
        read_docx(packed)


def test_a_plan_document_with_a_program_inside_is_refused():
    with pytest.raises(DocumentError, match=r"setup\.exe"):
        read_docx(hostile.with_part(_docx(), "word/setup.exe", hostile.PROGRAM))


def test_a_pdf_stream_bomb_is_refused_before_pdfminer_inflates_it(monkeypatch):
    import pdfplumber

    def refuse(*args, **kwargs):
        raise AssertionError("the PDF was parsed")

    monkeypatch.setattr(pdfplumber, "open", refuse)
    with pytest.raises(DocumentError, match="PDF"):
        read_pdf(hostile.pdf_stream_bomb(200 * 1024 * 1024))


def test_a_pdf_of_ordinary_size_passes_the_stream_check():
    uploads.check_pdf(hostile.pdf_stream_bomb(2 * 1024 * 1024))


def test_an_agency_workbook_with_an_oversized_sheet_is_refused_unparsed(never_parsed):
    from agencies.importing import AgencyImportError, read_rows

    with pytest.raises(AgencyImportError) as refused:
        read_rows(hostile.many_rows_workbook(20_000, compact=True), "don-vi.xlsx")
    assert "5.000" in refused.value.errors[0]


def test_a_word_template_with_a_program_inside_is_refused(demo_progress, coordinator):
    from documents import generate, word
    from documents.models import DocumentTemplate
    from documents.template import default_template

    data = hostile.with_part(default_template(), "word/embeddings/setup.exe", hostile.PROGRAM)
    with pytest.raises(word.TemplateProblem, match=r"setup\.exe"):
        generate.upload_template(demo_progress, "mau.docx", data, coordinator)
    assert not DocumentTemplate.objects.exists()
