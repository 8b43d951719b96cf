"""This year's cycle as a coordinator of Sở Công Thương finds it on 2/12/2026 (issue
13): the 2026 period of the demo (open, due 10/12/2026, reports in every state, a few
communes without an account), demo values only from agencies that existed that year,
the 2026 Word report read back (Kính gửi, Nơi nhận, appendices, today's leads), the
Excel appendices, and the review of 2021–2025: its length and its funds against the
funding pages."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from accounts.models import User
from agencies.models import Agency
from budget.summary import year_figures
from documents import excel, pdf, template, word
from documents.content import Kind, assemble, review_years
from indicators.models import IndicatorValue
from reporting.demo import NO_ACCOUNT
from reporting.models import AgencyReport, PeriodStatus, ReportingPeriod, ReportState
from reporting.periods import default_due_date, responsibilities
from tests.test_communes import QB_COMMUNES, QT_BODIES

TODAY = dt.date(2026, 12, 2)
ROMAN = ["I", "II", "III", "IV", "V"]


@pytest.fixture
def this_year(full_demo):
    return full_demo


def _text(docx: bytes) -> str:
    doc = Document(io.BytesIO(docx))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


# --- the demo: this week -----------------------------------------------------------


def test_the_2026_period_is_open_due_10_12_and_asks_todays_agencies(this_year):
    period = ReportingPeriod.objects.get(plan=this_year, year=2026)
    assert period.due_date == dt.date(2026, 12, 10) and period.status == PeriodStatus.OPEN
    asked = set(period.reports.values_list("agency__code", flat=True))
    assert asked == QT_BODIES | QB_COMMUNES
    states = {r.pk: r for r in period.reports.select_related("agency")}
    submitted = [r for r in states.values() if r.first_submitted_at]
    drafts = [r for r in states.values() if not r.first_submitted_at and r.items.exclude(done="")]
    untouched = [r for r in states.values() if not r.first_submitted_at and r not in drafts]
    assert submitted and drafts and untouched
    assert any(r.state == ReportState.ACCEPTED for r in submitted)
    assert any(r.state == ReportState.SUBMITTED for r in submitted)
    assert all(r.first_submitted_at.date() < TODAY for r in submitted)
    # A few communes have no account yet; their reports are not started.
    no_account = Agency.objects.filter(code__in=NO_ACCOUNT)
    assert len(no_account) == 4 and not User.objects.filter(agency__in=no_account).exists()
    assert {r.agency.code for r in untouched} >= NO_ACCOUNT
    with_account = set(
        User.objects.filter(agency__code__in=QB_COMMUNES).values_list("agency__code", flat=True)
    )
    assert with_account == QB_COMMUNES - NO_ACCOUNT


def test_demo_values_come_only_from_agencies_answering_that_year(this_year):
    for year in range(2021, 2027):
        answering = {
            a.pk for a in responsibilities(this_year, year, default_due_date(this_year, year))
        }
        reports = set(
            AgencyReport.objects.filter(period__year=year).values_list("agency_id", flat=True)
        )
        assert reports == answering, year
        values = IndicatorValue.objects.filter(year=year, agency__isnull=False)
        strangers = values.exclude(agency_id__in=answering).exclude(
            agency__code="qb-so-cong-thuong"
        )
        assert not strangers.exists(), (year, list(strangers.values_list("agency__code")[:5]))
        for value in values.select_related("agency"):
            agency = value.agency
            assert agency.valid_from is None or agency.valid_from <= dt.date(year, 12, 31)
            assert agency.valid_to is None or agency.valid_to >= dt.date(year, 1, 1)


def test_load_demo_again_changes_nothing(this_year):
    before = (AgencyReport.objects.count(), User.objects.count(), IndicatorValue.objects.count())
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    after = (AgencyReport.objects.count(), User.objects.count(), IndicatorValue.objects.count())
    assert after == before


# --- the 2026 Word report, read back ---------------------------------------------------


def _ended_names() -> set[str]:
    """Names of agencies that ended before today and that no current agency bears."""
    current = set(Agency.objects.valid_on(TODAY).values_list("name", flat=True))
    ended = Agency.objects.filter(valid_to__lt=TODAY).values_list("name", flat=True)
    return set(ended) - current | {"UBND các huyện, thị xã, thành phố"}


def test_the_2026_word_report_names_todays_leads_and_is_sent_as_a_so_sends_it(this_year):
    report = assemble(this_year, [2026], Kind.ANNUAL, TODAY)
    text = _text(word.render(report, template.default_template()))
    assert "Kính gửi: - UBND tỉnh Quảng Trị;" in text
    assert "- Bộ Công Thương." in text
    assert re.search(r"Nơi nhận:\n- Như trên;", text)
    for numeral in ROMAN:
        assert f"Phụ lục {numeral}" in text, numeral
    leads = [line for line in text.split("\n") if "Chủ trì:" in line or "(chủ trì:" in line]
    assert len(leads) >= 27
    ended = _ended_names()
    assert "Sở Tài nguyên và Môi trường" in ended and "Sở Kế hoạch và Đầu tư" in ended
    for line in leads:
        lead = re.split(r"; phối hợp:|\. Thời gian", line.split("hủ trì:")[1])[0]
        assert not [name for name in ended if name in lead], line
    assert "Chủ trì: Sở Nông nghiệp và Môi trường;" in text
    assert "Chủ trì: UBND cấp xã (41 đơn vị);" in text


def test_a_past_years_report_names_its_agencies_with_who_answers_now(this_year):
    report = assemble(this_year, [2024], Kind.ANNUAL, TODAY)
    i5 = next(t for g in report.groups for t in g.tasks if t.code == "I.5")
    assert i5.leads == "Sở Tài nguyên và Môi trường (nay: Sở Nông nghiệp và Môi trường)"
    names = {e.agency for g in report.groups for t in g.tasks for y in t.years for e in y.entries}
    assert "Sở Du lịch (nay: Sở Văn hóa, Thể thao và Du lịch)" in names


def test_the_appendices_are_numbered_and_say_which_report_they_go_with(this_year):
    report = assemble(this_year, [2026], Kind.ANNUAL, TODAY)
    book = load_workbook(io.BytesIO(excel.build_workbook(report)))
    assert len(book.worksheets) == 5
    for numeral, sheet in zip(ROMAN, book.worksheets, strict=True):
        assert sheet["A1"].value.startswith(f"PHỤ LỤC {numeral}\n")
        assert sheet["A2"].value.startswith(
            "(Kèm theo Báo cáo số …/BC-SCT ngày …/…/2026 của Sở Công Thương"
        )
    targets = book.worksheets[2]
    header = [c.value for c in targets[4]]
    assert {"Giá trị gốc", "2021", "2025", "2026", "Đánh giá", "Nguồn số liệu"} <= set(header)
    rows = [[c.value for c in row] for row in targets.iter_rows(min_row=5)]
    assert {r[1] for r in rows} == {2025, 2030} and len(rows) == 17
    assert "danh mục đã xác minh" in {r[header.index("Nguồn số liệu")] for r in rows}


def test_no_2025_target_reads_on_track_in_the_2026_report(this_year):
    report = assemble(this_year, [2026], Kind.ANNUAL, TODAY)
    trends = {"on_track", "acceleration_needed", "limited_progress", "deterioration"}
    rows = [t for t in report.targets if t.milestone == 2025]
    assert len(rows) == 9 and not {t.status for t in rows} & trends
    assert "not_achieved" in {t.status for t in rows}


# --- the review of 2021–2025 -------------------------------------------------------------


def test_the_reviews_funds_are_the_funding_pages(this_year):
    years = review_years(this_year, Kind.MIDTERM)
    report = assemble(this_year, years, Kind.MIDTERM, TODAY)
    allocated = spent = 0
    for row in report.funds_years:
        page = year_figures(this_year, int(row.label)).total
        assert (row.estimated, row.spent) == (page.estimated, page.spent), row.label
        assert row.allocated == (page.allocated or None) and row.rate_value == page.rate
        if page.allocated:
            allocated, spent = allocated + page.allocated, spent + page.spent
    assert report.funds_years[-1].allocated is None and report.funds_years[-1].rate == ""
    total = report.funds_total
    assert total.rate_value == round(100 * spent / allocated, 1) and total.rate_value < 100
    assert total.estimated == sum(year_figures(this_year, y).total.estimated for y in years)
    assert sum(f.spent for f in report.funds) == total.spent
    assert all(f.rate_value is None or f.rate_value < 150 for f in report.funds)
    assert report.funds_sources and sum(f.estimated for f in report.funds_sources) == (
        total.estimated
    )


@pytest.mark.skipif(not pdf.available(), reason="LibreOffice is installed by make test")
def test_the_review_is_an_assessment_of_15_to_25_pages(this_year):
    report = assemble(this_year, review_years(this_year, Kind.MIDTERM), Kind.MIDTERM, TODAY)
    docx = word.render(report, template.default_template())
    text = _text(docx)
    for heading in ("ĐÁNH GIÁ CHUNG", "Tồn tại, hạn chế và nguyên nhân", "Bài học kinh nghiệm"):
        assert heading in text
    assert "PHƯƠNG HƯỚNG, NHIỆM VỤ GIAI ĐOẠN TIẾP THEO" in text or "NĂM 2026" in text
    assert "Không đạt đến năm 2025" in text  # a shortfall with its gap
    data = pdf.docx_to_pdf(docx)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert 15 <= pages <= 25, pages
    # Amounts are never broken: "đ" is held to its number by a non-breaking space, and
    # the tables give millions ("Đơn vị tính: triệu đồng"), short enough for their cells.
    assert "\u00a0đ" in text and not re.search(r"\d đ\b", text)
    assert "Đơn vị tính: triệu đồng" in text


# --- pages and API, as of a date ----------------------------------------------------------


def test_pages_and_api_name_who_answers_as_of_the_date(client, this_year, viewer):
    client.force_login(viewer)
    page = client.get("/agencies/qb-so-cong-thuong/").content.decode()
    assert "Sở Công Thương (UBND tỉnh Quảng Trị)" in page  # its successor, told apart
    assert "Sở Công Thương (nay: Sở Công Thương)" not in page
    page = client.get("/agencies/qb-so-du-lich/").content.decode()
    assert "Sở Văn hóa, Thể thao và Du lịch" in page
    code = this_year.code
    table = client.get(f"/plans/{code}/tasks/", {"as_of": "2026-12-01"}).content.decode()
    assert "Sở Nông nghiệp và Môi trường" in table
    found = client.get(f"/plans/{code}/tasks/", {"q": "so nong nghiep va moi truong"})
    old = client.get(f"/plans/{code}/tasks/", {"q": "so tai nguyen va moi truong"})
    for response in (found, old):
        assert "I.5" in response.content.decode()
    tasks = client.get(f"/api/v1/plans/{code}/tasks", {"as_of": "2026-12-01"}).json()
    i5 = next(t for t in tasks if t["code"] == "I.5")
    assert {a["code"] for a in i5["lead"]} == {"qt-so-nnmt"}
    before = client.get(f"/api/v1/plans/{code}/tasks", {"as_of": "2024-12-01"}).json()
    assert {a["code"] for a in next(t for t in before if t["code"] == "I.5")["lead"]} == {
        "qb-so-tnmt"
    }
