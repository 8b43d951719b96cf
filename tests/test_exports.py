"""The streamed exports (issue 17): a plan's or the nation's indicator values, reports
and report items as CSV and Excel, read back on the demo data; who may export what;
the query count does not grow with the rows; text never becomes a formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from access import rules
from indicators import exports
from indicators.models import IndicatorValue
from plans.models import Plan
from reporting.models import AgencyReport, ReportItem, ReportState

CODE = "qb-sxtdbv-2021"


@pytest.fixture
def demo(demo_progress):
    return demo_progress


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    assert response.streaming
    data = b"".join(response.streaming_content)
    assert data.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _xlsx(response) -> list[tuple]:
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def _url(table: str, fmt: str, code: str | None = CODE) -> str:
    return f"/plans/{code}/exports/{table}.{fmt}" if code else f"/exports/{table}.{fmt}"


def test_values_csv_holds_every_value_by_name(client, demo, coordinator):
    client.force_login(coordinator)
    rows = _csv(client.get(_url("values", "csv")))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Cơ quan ban hành kế hoạch", "Kế hoạch", "Mốc", "Chỉ số", "Đơn vị tính"]
    assert len(body) == IndicatorValue.objects.filter(indicator__plan__code=CODE).count() > 0
    value = (
        IndicatorValue.objects.filter(indicator__plan__code=CODE, agency__isnull=False)
        .select_related("indicator", "agency", "report")
        .first()
    )
    found = [
        r
        for r in body
        if r[3] == value.indicator.name and r[7] == value.agency.name and r[5] == str(value.year)
    ]
    assert found, "the agency's value is named by indicator and agency"
    expected = "Có" if value.report is None or value.report.state == "accepted" else "Chưa"
    assert found[0][12].startswith(expected)
    assert "qb-" not in "".join(found[0][2:])  # names, not internal keys
    assert (
        any(r[7] == "Cấp tỉnh (nhập trực tiếp)" for r in body)
        or not IndicatorValue.objects.filter(
            indicator__plan__code=CODE, agency__isnull=True
        ).exists()
    )


def test_reports_xlsx_holds_every_report(client, demo, coordinator):
    client.force_login(coordinator)
    response = client.get(_url("reports", "xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = _xlsx(response)
    assert rows[0][2:5] == ("Năm", "Cơ quan báo cáo", "Trạng thái")
    reports = AgencyReport.objects.filter(period__plan__code=CODE).select_related(
        "agency", "period"
    )
    assert len(rows) - 1 == reports.count() > 0
    accepted = reports.filter(state=ReportState.ACCEPTED).first()
    row = next(r for r in rows[1:] if r[3] == accepted.agency.name and r[2] == accepted.period.year)
    assert row[4] == "đã chấp nhận"
    assert row[8] is not None  # the time it was accepted, a date in Excel


def test_items_csv_and_xlsx_hold_every_item_with_its_task(client, demo, coordinator):
    client.force_login(coordinator)
    count = ReportItem.objects.filter(report__period__plan__code=CODE).count()
    rows = _csv(client.get(_url("items", "csv")))
    assert len(rows) - 1 == count > 0
    item = (
        ReportItem.objects.filter(report__period__plan__code=CODE)
        .exclude(done="")
        .select_related("task__group", "report__agency", "report__period")
        .first()
    )
    row = next(
        r
        for r in rows[1:]
        if r[5] == item.task.code and r[3] == item.report.agency.name and r[9] == item.done
    )
    assert row[6] == item.task.content
    assert _xlsx(client.get(_url("items", "xlsx")))[0] == tuple(rows[0])
    assert len(_xlsx(client.get(_url("items", "xlsx")))) - 1 == count


def test_the_nation_is_exported_by_the_administrator_only(client, demo, personas):
    other = Plan.objects.create(
        code="p02-khac", title="Kế hoạch khác", issuer_name="UBND tỉnh Khác",
        period_start=2021, period_end=2025,
    )  # fmt: skip
    client.force_login(personas["admin"])
    rows = _csv(client.get(_url("reports", "csv", None)))
    assert len(rows) - 1 == AgencyReport.objects.count()
    assert other.pk  # a plan without reports adds nothing, and breaks nothing
    for role in ("coordinator", "reporter", "finance", "viewer"):
        client.force_login(personas[role])
        assert client.get(_url("values", "csv", None)).status_code == 403, role
        answer = client.get("/api/v1/exports/values.csv")
        assert answer.status_code == 403, role
        assert answer.json()["code"] == "forbidden"


def test_a_reporter_exports_its_own_plan_with_what_it_reads(client, demo, reporter):
    client.force_login(reporter)
    rows = _csv(client.get(_url("reports", "csv")))
    names = {r[3] for r in rows[1:]}
    assert names == {reporter.agency.name}
    items = _csv(client.get(_url("items", "csv")))
    assert {r[3] for r in items[1:]} == {reporter.agency.name}
    readable = rules.readable_report_agencies(reporter)
    other = (
        AgencyReport.objects.filter(period__plan__code=CODE)
        .exclude(agency_id__in=readable)
        .select_related("period")
        .first()
    )
    AgencyReport.objects.filter(pk=other.pk).update(state=ReportState.SUBMITTED)
    indicator = IndicatorValue.objects.filter(indicator__plan__code=CODE).first().indicator
    IndicatorValue.objects.create(
        indicator=indicator, year=other.period.year, category="thử", agency_id=other.agency_id,
        report=other, value=1,
    )  # fmt: skip
    values = _csv(client.get(_url("values", "csv")))
    visible = IndicatorValue.objects.filter(indicator__plan__code=CODE).filter(
        Q(report__isnull=True) | Q(report__state="accepted") | Q(report__agency_id__in=readable)
    )
    assert len(values) - 1 == visible.count()
    hidden = IndicatorValue.objects.filter(indicator__plan__code=CODE).exclude(pk__in=visible)
    assert hidden.exists()  # another agency's values not accepted yet are left out


def test_another_provinces_plan_is_refused_to_a_reporter(client, demo, reporter, coordinator):
    Plan.objects.create(
        code="p02-khac", title="Kế hoạch khác", issuer_name="UBND tỉnh Khác",
        period_start=2021, period_end=2025,
    )  # fmt: skip
    client.force_login(reporter)
    assert client.get(_url("values", "csv", "p02-khac")).status_code == 403
    answer = client.get("/api/v1/plans/p02-khac/exports/items.xlsx")
    assert answer.status_code == 403 and answer.json()["code"] == "forbidden"
    assert client.get("/api/v1/plans/nothing/exports/items.xlsx").status_code == 404
    assert client.get(_url("values", "pdf")).status_code == 404
    assert client.get("/api/v1/plans/qb-sxtdbv-2021/exports/budget.csv").status_code == 422
    client.force_login(coordinator)
    assert len(_csv(client.get(_url("values", "csv", "p02-khac")))) == 1  # the header only


def test_the_api_answers_the_same_file(client, demo, coordinator):
    client.force_login(coordinator)
    page = _csv(client.get(_url("values", "csv")))
    api = _csv(client.get(f"/api/v1/plans/{CODE}/exports/values.csv"))
    assert api == page
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/plans/{code}/exports/{table}.{fmt}"]["get"]
    assert "text/csv; charset=utf-8" in operation["responses"]["200"]["content"]
    assert "403" in operation["responses"]


def _more_values(n: int) -> None:
    value = IndicatorValue.objects.filter(indicator__plan__code=CODE).first()
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator_id=value.indicator_id, year=2023, category=f"thêm {i}", value=i)
        for i in range(n)
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        b"".join(response.streaming_content)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("table", exports.TABLES)
def test_queries_do_not_grow_with_the_rows(client, demo, coordinator, table):
    client.force_login(coordinator)
    few = {fmt: _queries(client, _url(table, fmt)) for fmt in exports.FORMATS}
    _more_values(2 * exports.CHUNK + 7)
    report = AgencyReport.objects.filter(period__plan__code=CODE).first()
    AgencyReport.objects.filter(pk=report.pk).update(difficulties="khó khăn")
    many = {fmt: _queries(client, _url(table, fmt)) for fmt in exports.FORMATS}
    assert many == few


def test_the_csv_is_streamed_in_pieces(demo, coordinator):
    _more_values(3 * exports.CSV_FLUSH)
    pieces = list(
        exports.csv_chunks(exports.table("values", coordinator, Plan.objects.get(code=CODE)))
    )
    assert len(pieces) >= 3
    assert all(piece.count(b"\n") <= exports.CSV_FLUSH + 1 for piece in pieces[1:])


def test_agency_text_stays_text_in_excel(demo, coordinator):
    item = ReportItem.objects.filter(report__period__plan__code=CODE).first()
    ReportItem.objects.filter(pk=item.pk).update(done='=HYPERLINK("http://x","y")')
    out = io.BytesIO()
    data = exports.table("items", coordinator, Plan.objects.get(code=CODE))
    exports.write_xlsx(data, "Nội dung báo cáo", out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("http://x","y")']
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_pages_offer_the_exports(client, demo, personas):
    client.force_login(personas["coordinator"])
    for url in (f"/plans/{CODE}/progress/", f"/plans/{CODE}/reporting/"):
        page = client.get(url).content.decode()
        assert f"/plans/{CODE}/exports/values.csv" in page, url
        assert f"/plans/{CODE}/exports/items.xlsx" in page, url
    assert "/exports/values.csv" not in client.get("/plans/").content.decode().replace(
        f"/plans/{CODE}/exports/", ""
    )
    client.force_login(personas["admin"])
    assert 'href="/exports/items.xlsx"' in client.get("/plans/").content.decode()


def test_rows_past_a_sheets_limit_go_on_in_another_sheet(demo, coordinator):
    data = exports.table("reports", coordinator, Plan.objects.get(code=CODE))
    out = io.BytesIO()
    exports.write_xlsx(data, "Báo cáo", out, sheet_rows=10)
    sheets = load_workbook(io.BytesIO(out.getvalue()), read_only=True).worksheets
    count = AgencyReport.objects.filter(period__plan__code=CODE).count()
    assert len(sheets) == -(-count // 10) > 1
    rows = [list(s.iter_rows(values_only=True)) for s in sheets]
    assert all(r[0] == rows[0][0] for r in rows)  # the headers on every sheet
    assert sum(len(r) - 1 for r in rows) == count
