"""The Excel round-trip: download prefilled, fill, upload, preview, save as draft."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from reporting.excel import FIRST_ROW, SHEET, build_workbook, read_workbook
from reporting.models import AgencyReport
from reporting.periods import open_period
from reporting.services import ReportError, save_draft


@pytest.fixture
def period(plan, coordinator):
    return open_period(plan, 2022, coordinator)


def _report(period, code="qb-so-du-lich"):
    return AgencyReport.objects.get(period=period, agency__code=code)


def _fill(data: bytes, changes: dict[str, dict[int, object]], extra=None) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb[SHEET]
    row = FIRST_ROW
    while ws.cell(row=row, column=1).value:
        code = ws.cell(row=row, column=1).value
        for col, value in changes.get(code, {}).items():
            ws.cell(row=row, column=col, value=value)
        row += 1
    if extra:
        extra(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_workbook_is_prefilled_protected_and_safe(period, reporter):
    report = _report(period)
    save_draft(report, reporter, {"difficulties": '=HYPERLINK("http://x","bấm")'}, 1)
    wb = load_workbook(io.BytesIO(build_workbook(report)))
    ws = wb[SHEET]
    codes = [ws.cell(row=r, column=1).value for r in range(FIRST_ROW, FIRST_ROW + 22)]
    assert "V.2" in codes and len([c for c in codes if c]) == 22
    assert ws.protection.sheet is True
    assert ws.cell(row=FIRST_ROW, column=1).protection.locked is True
    assert ws.cell(row=FIRST_ROW, column=6).protection.locked is False
    assert "Hướng dẫn" in wb.sheetnames and wb["_meta"].sheet_state == "hidden"
    formula_cells = [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formula_cells == []  # agency text never becomes a formula


def test_round_trip_through_the_browser(client, period, reporter):
    report = _report(period)
    client.force_login(reporter)
    data = client.get(reverse("reporting:excel", args=[report.pk])).content
    filled = _fill(
        data,
        {
            "V.2": {
                4: "Hoàn thành",
                6: "Hướng dẫn 45 cơ sở",
                8: "Cơ sở lưu trú: 45 cơ sở",
                9: 120000000,
            }
        },
    )
    url = reverse("reporting:excel_upload", args=[report.pk])
    preview = client.post(url, {"file": SimpleUploadedFile("bc.xlsx", filled)})
    assert preview.status_code == 200 and "Hướng dẫn 45 cơ sở" in preview.content.decode()
    report.refresh_from_db()
    assert report.revision == 1  # nothing saved before confirming
    client.post(reverse("reporting:excel_confirm", args=[report.pk]))
    report.refresh_from_db()
    item = report.items.get(task__group__number="V", task__number="2")
    assert (item.status, item.spent, report.state) == ("done", 120000000, "draft")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"V.2": {4: "Gần xong"}}, "không có trong danh sách"),
        ({"V.2": {9: -5}}, "không thể âm"),
        ({"V.2": {8: "nhiều lắm"}}, "tên: số đơn vị"),
        ({"V.2": {4: "Không thực hiện", 5: None}}, "lý do"),
    ],
)
def test_bad_rows_are_named_and_nothing_saved(client, period, reporter, changes, message):
    report = _report(period)
    client.force_login(reporter)
    filled = _fill(build_workbook(report), changes)
    response = client.post(
        reverse("reporting:excel_upload", args=[report.pk]),
        {"file": SimpleUploadedFile("bc.xlsx", filled)},
    )
    assert response.status_code == 400 and message in response.content.decode()
    report.refresh_from_db()
    assert report.revision == 1


def test_a_workbook_of_another_agency_or_year_is_refused(period, plan, coordinator):
    other = build_workbook(_report(period, "qb-so-tnmt"))
    with pytest.raises(ReportError, match="qb-so-tnmt"):
        read_workbook(_report(period), other)
    later = open_period(plan, 2023, coordinator)
    with pytest.raises(ReportError, match="2022"):
        read_workbook(_report(later), build_workbook(_report(period)))


def test_a_broken_structure_or_not_a_workbook_is_refused(period):
    report = _report(period)

    def break_header(wb):
        wb[SHEET].cell(row=FIRST_ROW - 1, column=2, value="Khác")

    with pytest.raises(ReportError, match="Cấu trúc"):
        read_workbook(report, _fill(build_workbook(report), {}, break_header))
    with pytest.raises(ReportError, match="Excel"):
        read_workbook(report, b"not a workbook")

    def delete_row(wb):
        wb[SHEET].delete_rows(FIRST_ROW + 1)

    with pytest.raises(ReportError, match="thiếu"):
        read_workbook(report, _fill(build_workbook(report), {}, delete_row))


def test_other_agency_cannot_upload(client, period, other_reporter):
    client.force_login(other_reporter)
    report = _report(period)
    assert client.get(reverse("reporting:excel", args=[report.pk])).status_code == 403
    assert (
        client.post(
            reverse("reporting:excel_upload", args=[report.pk]),
            {"file": SimpleUploadedFile("a.xlsx", b"x")},
        ).status_code
        == 403
    )


def test_every_problem_of_an_upload_comes_in_one_round(period):
    """A status not in the list (read from the workbook) and a task that "will not be
    done" without its reason and money with a fraction (what saving would refuse)
    are all named at the first upload, not one kind after another."""
    report = _report(period)
    codes = [i.task.code for i in report.items.select_related("task", "task__group")]
    filled = _fill(
        build_workbook(report),
        {
            codes[0]: {4: "Gần xong"},
            codes[1]: {4: "Không thực hiện", 5: None},
            codes[2]: {9: 1.5},
        },
    )
    with pytest.raises(ReportError) as raised:
        read_workbook(report, filled)
    text = " ".join(raised.value.errors)
    assert "không có trong danh sách" in text and "lý do" in text and "phần lẻ" in text


def test_confirming_a_preview_of_a_draft_changed_since_is_a_conflict(client, period, reporter):
    """The preview carries the revision it was made from (issue 15): a draft saved by
    someone else between the preview and the confirmation is not overwritten (409)."""
    report = _report(period)
    client.force_login(reporter)
    filled = _fill(build_workbook(report), {"V.2": {4: "Hoàn thành", 6: "Theo tệp Excel"}})
    preview = client.post(
        reverse("reporting:excel_upload", args=[report.pk]),
        {"file": SimpleUploadedFile("bc.xlsx", filled)},
    )
    assert preview.status_code == 200
    save_draft(report, reporter, {"difficulties": "Đồng nghiệp lưu trên trang"}, 1)
    response = client.post(reverse("reporting:excel_confirm", args=[report.pk]))
    assert response.status_code == 409
    assert "Người khác đã lưu báo cáo này" in response.content.decode()
    report.refresh_from_db()
    item = report.items.get(task__group__number="V", task__number="2")
    assert report.difficulties == "Đồng nghiệp lưu trên trang" and item.done != "Theo tệp Excel"
    assert report.revision == 2
    # the stale preview is gone: confirming again asks for the workbook again
    again = client.post(reverse("reporting:excel_confirm", args=[report.pk]), follow=True)
    assert "Hãy tải bảng tính lên lại" in again.content.decode()
