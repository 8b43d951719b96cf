"""Official documents: the consolidated report model against the data, the Word file
read back (Nghị định 30 layout, fonts, sizes, margins, sections, figures), the Excel
appendices, the PDF through LibreOffice, templates, reviews, bad input, roles."""

from __future__ import annotations

import datetime as dt
import io

import pdfplumber
import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from audit.models import AuditEntry
from documents import formatting, generate, pdf, word
from documents.content import Kind, assemble, review_years
from documents.models import DocumentJob, DocumentTemplate, JobStatus
from documents.template import default_template
from reporting.models import AgencyReport, ReportState, ReportVersion
from reporting.periods import open_period
from reporting.services import snapshot_report

TODAY = dt.date(2025, 1, 6)


@pytest.fixture
def demo(demo_progress):
    """The seed plan with the demo reporting years and indicators (tests/states.py)."""
    return demo_progress


def _docx(plan, years=(2024,), kind=Kind.ANNUAL) -> Document:
    out = generate.build(plan, kind, list(years), "docx", today=TODAY)
    assert out.filename.endswith(".docx")
    return Document(io.BytesIO(out.data))


def _text(doc: Document) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def _accepted_versions(plan, years):
    last = {}
    for v in ReportVersion.objects.filter(
        report__period__plan=plan,
        report__period__year__in=years,
        report__state=ReportState.ACCEPTED,
    ).order_by("report_id", "-number"):
        last.setdefault(v.report_id, v)
    return list(last.values())


# --- plain formatting -------------------------------------------------------


def test_vietnamese_numbers_money_and_dates():
    assert formatting.money(1_250_000_000) == "1.250.000.000\u00a0đ"  # never broken
    assert formatting.money(None) == ""
    assert formatting.number(12.5) == "12,5"
    assert formatting.number(1234567) == "1.234.567"
    assert formatting.number(-0.25) == "-0,25"
    assert formatting.nd30_date(dt.date(2025, 2, 5)) == "ngày 05 tháng 02 năm 2025"
    assert formatting.nd30_date(dt.date(2024, 12, 20)) == "ngày 20 tháng 12 năm 2024"
    assert formatting.nd30_date(dt.date(2024, 3, 15)) == "ngày 15 tháng 3 năm 2024"
    assert formatting.initials("Sở Công Thương") == "SCT"
    assert formatting.initials("Sở Tài nguyên và Môi trường") == "STNMT"
    assert formatting.initials("Sở Giáo dục và Đào tạo") == "SGDDT"


def test_safe_text_keeps_markup_as_text_and_drops_what_xml_refuses():
    raw = "<b>đậm</b> & \x0bvăn\x00 bản\u202e \ufffe" + "Ha\u0300 No\u0323\u0302i"
    text = formatting.safe_text(raw)
    assert "<b>đậm</b> &" in text
    assert "\x0b" not in text and "\x00" not in text and "\u202e" not in text
    assert "\ufffe" not in text
    assert "Hà Nội" in text  # NFC
    assert formatting.paragraphs("một\r\n\r\nhai\nba") == ["một", "hai", "ba"]


@given(st.integers(min_value=0, max_value=10**15))
def test_grouping_round_trips(value):
    text = formatting.group_digits(value)
    assert int(text.replace(".", "")) == value
    assert all(len(part) == 3 for part in text.split(".")[1:])


# --- the report model against the data ---------------------------------------


def test_report_model_adds_up_to_the_accepted_reports(demo):
    report = assemble(demo, [2024], Kind.ANNUAL, TODAY)
    versions = _accepted_versions(demo, [2024])
    assert report.accepted_reports == len(versions) > 0
    spent = sum(i["spent"] or 0 for v in versions for i in v.data["items"])
    assert report.funds_total.spent == spent == sum(f.spent for f in report.funds)
    entries = sum(len(ty.entries) for g in report.groups for t in g.tasks for ty in t.years)
    assert entries == sum(len(v.data["items"]) for v in versions)
    reports = AgencyReport.objects.filter(period__plan=demo, period__year=2024)
    (year,) = report.compliance_years
    assert year.expected == reports.count() == len(report.compliance)
    assert year.on_time == reports.filter(first_submitted_at__isnull=False, late=False).count()
    assert year.late == reports.filter(first_submitted_at__isnull=False, late=True).count()
    assert year.missing == reports.filter(first_submitted_at__isnull=True).count()
    assert year.accepted == reports.filter(state=ReportState.ACCEPTED).count()
    assert len(report.targets) == demo.targets.filter(retired=False).count() == 17
    assert len(report.groups) == 9
    assert sum(len(g.tasks) for g in report.groups) == 26
    assert report.symbol == "BC-SCT"
    assert report.parent_body == "UBND TỈNH QUẢNG BÌNH"
    assert report.date_line == "Quảng Bình, ngày 06 tháng 01 năm 2025"
    assert report.next_label == "năm 2025"


def test_only_accepted_reports_feed_the_results(demo):
    submitted = AgencyReport.objects.filter(
        period__plan=demo, period__year=2025, state=ReportState.SUBMITTED
    ).select_related("agency")
    assert submitted.exists()
    report = assemble(demo, [2025], Kind.ANNUAL, TODAY)
    agencies = {
        e.agency for g in report.groups for t in g.tasks for y in t.years for e in y.entries
    }
    assert not agencies & {r.agency.name for r in submitted}
    detail = {row.agency: row.detail for row in report.compliance}
    for r in submitted:
        assert "chưa được chấp nhận" in detail[r.agency.name]


# --- the Word file -----------------------------------------------------------


def test_word_report_follows_decree_30_and_carries_the_figures(demo):
    doc = _docx(demo)
    section = doc.sections[0]
    mm = {
        name: round(getattr(section, name).mm)
        for name in (
            "page_width",
            "page_height",
            "top_margin",
            "bottom_margin",
            "left_margin",
            "right_margin",
        )
    }
    assert (mm["page_width"], mm["page_height"]) == (210, 297)
    assert 20 <= mm["top_margin"] <= 25 and 20 <= mm["bottom_margin"] <= 25
    assert 30 <= mm["left_margin"] <= 35 and 15 <= mm["right_margin"] <= 20
    assert section.orientation == 0  # portrait
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    body = doc.styles["Body"]
    assert Pt(13) <= body.font.size <= Pt(14)
    assert body.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert body.paragraph_format.first_line_indent > 0
    assert body.paragraph_format.space_after >= Pt(6)
    # Page numbers centred at the top from page 2.
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" not in section.first_page_header._element.xml

    head = doc.tables[0]
    left, right = head.rows[0].cells
    runs = {r.text: r for p in left.paragraphs for r in p.runs}
    assert not runs["UBND TỈNH QUẢNG BÌNH"].bold
    assert runs["SỞ CÔNG THƯƠNG"].bold
    assert "w:pBdr" in left._element.xml  # the short line under the issuer
    motto = {r.text: r for p in right.paragraphs for r in p.runs}
    assert motto["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"].bold
    assert motto["Độc lập - Tự do - Hạnh phúc"].bold
    assert "w:pBdr" in right._element.xml
    number, place = head.rows[1].cells
    assert number.text.startswith("Số:") and number.text.endswith("/BC-SCT")
    assert place.text == "Quảng Bình, ngày 06 tháng 01 năm 2025"
    assert all(r.italic for p in place.paragraphs for r in p.runs)

    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    kind = next(p for p in paragraphs if p.text == "BÁO CÁO")
    assert all(r.bold for r in kind.runs)
    subject = paragraphs[paragraphs.index(kind) + 1]
    assert subject.text.startswith("Kết quả thực hiện Kế hoạch") and subject.text.endswith("2024")
    assert all(r.bold for r in subject.runs)
    headings = [p.text for p in paragraphs if p.style.name == "Heading PW1"]
    assert [h.split(".")[0] for h in headings] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert headings[-1] == "VII. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025"
    text = _text(doc)
    assert "I.1. Tập huấn, phổ biến các chính sách" in text

    # Figures against the data.
    report = assemble(demo, [2024], Kind.ANNUAL, TODAY)
    targets = next(t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    assert len(targets.rows) - 1 == len(report.targets)
    assert [r.cells[5].text for r in targets.rows[1:]] == [t.status_label for t in report.targets]
    years = next(t for t in doc.tables if t.rows[0].cells[0].text == "Năm")
    (c,) = report.compliance_years
    assert [cell.text for cell in years.rows[1].cells] == [
        "2024",
        "10/12/2024",
        str(c.expected),
        str(c.on_time),
        str(c.late),
        str(c.missing),
        str(c.accepted),
    ]
    funds = next(t for t in doc.tables if t.rows[0].cells[1].text == "Nhóm nhiệm vụ")
    assert funds.rows[-1].cells[4].text == report.funds_total.spent_m  # triệu đồng
    assert len(doc.inline_shapes) == 1  # the targets chart

    # Recipients (bold italic heading, 11 pt lines "- …;" ending "- Lưu: VT, …") and signer.
    end = doc.tables[-1]
    recipients, signature = end.rows[0].cells
    heading = recipients.paragraphs[0].runs[0]
    assert heading.text == "Nơi nhận:" and heading.bold and heading.italic
    lines = [p for p in recipients.paragraphs[1:] if p.text]
    assert all(p.runs[0].font.size == Pt(11) for p in lines)
    assert all(p.text.startswith("-") for p in lines)
    assert all(p.text.endswith(";") for p in lines[:-1])
    assert lines[-1].text.startswith("- Lưu: VT,") and lines[-1].text.endswith(".")
    assert "KT. GIÁM ĐỐC" in signature.text and "PHÓ GIÁM ĐỐC" in signature.text


def test_every_run_is_times_new_roman(demo):
    doc = _docx(demo)
    for style in ("Normal", "Body", "Cell", "Heading PW1", "Recipients"):
        fonts = doc.styles[style].element.rPr.rFonts
        assert fonts is None or fonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}ascii"
        ) in (None, "Times New Roman")
    assert doc.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    ) == ("Times New Roman")


def test_a_year_without_accepted_reports_says_so(demo):
    open_period(demo, 2026, announce=False)
    doc = _docx(demo, years=(2026,))
    text = _text(doc)
    assert "Chưa có báo cáo nào của các đơn vị được chấp nhận" in text
    assert "Chưa có báo cáo được chấp nhận nên chưa tổng hợp được" in text
    doc = _docx(demo, years=(2027,))
    assert "Kỳ báo cáo năm 2027 chưa được mở" in _text(doc)


def test_agency_text_with_markup_long_paragraphs_and_odd_unicode_is_carried_safely(demo):
    report = (
        AgencyReport.objects.filter(
            period__plan=demo, period__year=2024, state=ReportState.ACCEPTED
        )
        .select_related("agency", "period")
        .first()
    )
    version = report.versions.order_by("-number").first()
    long = "Rất dài " * 3000
    nasty = '<w:t>x</w:t><script>alert("x")</script> & {{ issuer }} {% if 1 %}'
    data = snapshot_report(report)
    item = (
        next(i for i in data["items"] if i["role"] == "lead")
        if any(i["role"] == "lead" for i in data["items"])
        else data["items"][0]
    )
    item.update(
        role="lead",
        done=f'=HYPERLINK("http://x")\n{nasty}\x0b\u202e',
        results=long,
        reason="Ha\u0300 No\u0323\u0302i 🌱",
        status="done",
    )
    version.data = data
    version.save()
    doc = _docx(demo)
    text = _text(doc)
    assert nasty in text  # markup and template tags printed as text, not interpreted
    assert "<script>" in text and "\x0b" not in text
    assert long.strip() in text
    assert "Hà Nội 🌱" in text
    workbook = load_workbook(
        io.BytesIO(generate.build(demo, Kind.ANNUAL, [2024], "xlsx", today=TODAY).data)
    )
    sheet = workbook["Chi tiết"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    formula = next(c for c in cells if c.value.startswith("=HYPERLINK"))
    assert formula.data_type == "s"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_generation_of_one_province_year_in_word_and_excel(demo):
    # How long it takes is measured by bench/one_province.py, not asserted here.
    for fmt in ("docx", "xlsx"):
        out = generate.build(demo, Kind.ANNUAL, [2024], fmt)
        assert out.filename == f"bao-cao-qb-sxtdbv-2021-2024.{fmt}"
        assert out.data.startswith(b"PK")  # a zip container, as .docx and .xlsx are


# --- Excel ------------------------------------------------------------------


def test_excel_appendices_match_the_report(demo):
    out = generate.build(demo, Kind.ANNUAL, [2024], "xlsx", today=TODAY)
    assert out.filename == "bao-cao-qb-sxtdbv-2021-2024.xlsx"
    wb = load_workbook(io.BytesIO(out.data))
    assert wb.sheetnames == ["Nhiệm vụ", "Chi tiết", "Chỉ tiêu", "Đơn vị báo cáo", "Kinh phí"]
    report = assemble(demo, [2024], Kind.ANNUAL, TODAY)
    tasks = wb["Nhiệm vụ"]
    assert int(tasks.page_setup.paperSize) == int(tasks.PAPERSIZE_A4)
    assert tasks.page_setup.orientation == "landscape"
    assert tasks.print_title_rows == "$4:$4"
    assert tasks.sheet_properties.pageSetUpPr.fitToPage
    assert tasks["A5"].font.name == "Times New Roman"
    codes = [r[0] for r in tasks.iter_rows(min_row=5, values_only=True) if r[2]]
    assert codes == [t.code for g in report.groups for t in g.tasks]
    detail = wb["Chi tiết"]
    assert detail.max_row - 4 == sum(
        len(ty.entries) for g in report.groups for t in g.tasks for ty in t.years
    )
    targets = wb["Chỉ tiêu"]
    assert targets.max_row - 4 == 17
    funds = wb["Kinh phí"]
    total = next(r for r in funds.iter_rows(min_row=5, values_only=True) if r[1] == "Tổng cộng")
    assert total[4] == report.funds_total.spent
    lines = [r[4] for r in funds.iter_rows(min_row=5, values_only=True) if r[0] not in ("", None)]
    assert sum(lines) == total[4]
    compliance = wb["Đơn vị báo cáo"]
    assert compliance.max_row - 4 == len(report.compliance) + 1


# --- PDF --------------------------------------------------------------------


def test_pdf_through_libreoffice_keeps_vietnamese(demo):
    assert pdf.available(), "LibreOffice (soffice) is needed: make test installs it"
    out = generate.build(demo, Kind.ANNUAL, [2024], "pdf", today=TODAY)
    assert out.data.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(out.data)) as document:
        first = document.pages[0]
        text = first.extract_text()
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert "SỞ CÔNG THƯƠNG" in text and "Quảng Bình, ngày 06 tháng 01 năm 2025" in text
        assert round(first.width / 72 * 25.4) == 210 and round(first.height / 72 * 25.4) == 297
        fonts = {c["fontname"] for c in first.chars}
        assert any("Times" in f or "Liberation" in f for f in fonts), fonts
        assert len(document.pages) > 3
        second = document.pages[1].extract_text().strip().splitlines()
        assert second[0].strip() == "2"  # page number at the top from page 2
        last = document.pages[-1].extract_text()
        assert "Nơi nhận:" in last


def test_pdf_without_libreoffice_is_a_clear_message(demo, settings):
    settings.PLANWATCH_SOFFICE = "/nonexistent/soffice"
    with pytest.raises(pdf.PdfUnavailable, match="LibreOffice"):
        generate.build(demo, Kind.ANNUAL, [2024], "pdf")


# --- reviews ----------------------------------------------------------------


def test_midterm_and_final_reviews_cover_each_year_and_the_total(demo):
    assert review_years(demo, Kind.MIDTERM) == [2021, 2022, 2023, 2024, 2025]
    assert review_years(demo, Kind.FINAL) == list(range(2021, 2031))
    report = assemble(demo, review_years(demo, Kind.MIDTERM), Kind.MIDTERM, TODAY)
    assert [c.year for c in report.compliance_years] == [2021, 2022, 2023, 2024, 2025]
    assert report.funds_total.spent == sum(f.spent for f in report.funds_years)
    versions = _accepted_versions(demo, range(2021, 2026))
    assert report.funds_total.spent == sum(
        i["spent"] or 0 for v in versions for i in v.data["items"]
    )
    doc = _docx(demo, years=report.years, kind=Kind.MIDTERM)
    text = _text(doc)
    assert "Sơ kết giai đoạn 2021–2025" in text
    for year in range(2021, 2026):
        assert f"Năm {year}:" in text
    assert len(doc.inline_shapes) == 3  # targets, compliance, funds
    final = _docx(demo, years=review_years(demo, Kind.FINAL), kind=Kind.FINAL)
    assert "Tổng kết giai đoạn 2021–2030" in _text(final)
    assert "PHƯƠNG HƯỚNG, NHIỆM VỤ GIAI ĐOẠN TIẾP THEO" in _text(final)


# --- templates --------------------------------------------------------------


def _edited_template(old: str, new: str) -> bytes:
    doc = Document(io.BytesIO(default_template()))
    found = False
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    for r in p.runs:
                        if old in r.text:
                            r.text = r.text.replace(old, new)
                            found = True
    for p in doc.paragraphs:
        for r in p.runs:
            if old in r.text:
                r.text = r.text.replace(old, new)
                found = True
    assert found, old
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_coordinator_changes_the_template_in_word_and_uploads_it(demo, coordinator):
    data = _edited_template("[Họ và tên]", "Nguyễn Văn An")
    tpl = generate.upload_template(demo, "mau-moi.docx", data, coordinator)
    assert tpl.active
    assert "Nguyễn Văn An" in _text(_docx(demo))
    assert AuditEntry.objects.filter(note="report template uploaded and in use").exists()
    generate.use_bundled_template(demo, coordinator)
    assert "[Họ và tên]" in _text(_docx(demo))
    assert DocumentTemplate.objects.filter(plan=demo).count() == 1  # kept, not in use


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("{{ title }}", "{{ title ", "sai cú pháp"),
        ("{{ title }}", "{{ secret_value }}", "secret_value"),
        ("{{ title }}", "{{ title.__class__.__mro__ }}", "Không điền được mẫu"),
        ("{{ title }}", "{% for x in %}", "sai cú pháp"),
    ],
)
def test_a_broken_template_is_refused_with_the_reason(demo, coordinator, old, new, reason):
    data = _edited_template(old, new)
    with pytest.raises(word.TemplateProblem, match=reason):
        generate.upload_template(demo, "mau.docx", data, coordinator)
    assert not DocumentTemplate.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("mau.docx", b"not a zip at all", "không phải tệp Word"),
        ("mau.docx", b"PK\x03\x04broken", "Không mở được"),
        ("mau.txt", b"PK\x03\x04", "Chỉ nhận"),
    ],
)
def test_a_file_that_is_not_a_word_template_is_refused(demo, coordinator, name, data, reason):
    with pytest.raises(word.TemplateProblem, match=reason):
        generate.upload_template(demo, name, data, coordinator)


# --- jobs -------------------------------------------------------------------


def test_a_job_records_its_progress_and_result(demo, coordinator, settings):
    from worker.models import Attempt
    from worker.runner import run_until_empty

    job = generate.start_job(demo, Kind.ANNUAL, [2024], "xlsx", coordinator)
    assert job.status == JobStatus.QUEUED and job.task_id
    assert run_until_empty() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress == 100
    assert job.filename == "bao-cao-qb-sxtdbv-2021-2024.xlsx"
    assert bytes(DocumentJob.objects.get(pk=job.pk).result).startswith(b"PK")
    # A reason the user can act on ends the job at once, with no second attempt.
    settings.PLANWATCH_SOFFICE = "/nonexistent"
    failing = generate.start_job(demo, Kind.ANNUAL, [2024], "pdf", coordinator)
    assert run_until_empty() == 1
    failing.refresh_from_db()
    assert failing.status == JobStatus.FAILED and "LibreOffice" in failing.error
    assert list(
        Attempt.objects.filter(task_id=failing.task_id).values_list("outcome", flat=True)
    ) == ["final"]
