"""Offline entry the way agencies work today: the agency's report for a year as an
Excel workbook (tasks prefilled, instructions in Vietnamese, structure protected),
and the filled workbook read back row by row into draft data. Reading never
submits; text from agencies is always written as text, never as a formula."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from planwatch import uploads
from reporting.forms import format_quantities, parse_quantities
from reporting.models import AgencyReport, ItemStatus
from reporting.services import ReportError, check_draft

SHEET, META = "Báo cáo", "_meta"
HEADER = [
    "Mã nhiệm vụ",
    "Nội dung nhiệm vụ",
    "Vai trò",
    "Tình trạng",
    "Lý do (nếu không thực hiện)",
    "Nội dung đã thực hiện",
    "Kết quả",
    "Số lượng (mỗi dòng: tên: số đơn vị)",
    "Kinh phí đã sử dụng (đồng)",
]
FIRST_ROW = 6
STATUS_LABELS: dict[str, str] = {
    ItemStatus.NOT_STARTED: "Chưa triển khai",
    ItemStatus.IN_PROGRESS: "Đang triển khai",
    ItemStatus.DONE: "Hoàn thành",
    ItemStatus.NOT_DONE: "Không thực hiện",
}
MAX_BYTES = 5 * 1024 * 1024
DIFFICULTIES, PROPOSALS = "Khó khăn, vướng mắc", "Đề xuất, kiến nghị"
GUIDE = [
    "HƯỚNG DẪN",
    "1. Điền vào các cột Tình trạng, Lý do, Nội dung đã thực hiện, Kết quả, Số lượng, Kinh phí.",
    "2. Tình trạng: chọn trong danh sách (Chưa triển khai, Đang triển khai, Hoàn thành, "
    "Không thực hiện). Khi Không thực hiện, ghi rõ lý do.",
    "3. Số lượng: mỗi dòng một chỉ số, dạng 'Lớp tập huấn: 3 lớp'.",
    "4. Kinh phí: số đồng, ví dụ 1250000000 hoặc 1.250.000.000.",
    "5. Không thêm, xóa hay đổi thứ tự dòng, cột. Không sửa mã nhiệm vụ.",
    "6. Tải tệp lên trang báo cáo của đơn vị: hệ thống kiểm tra từng dòng, cho xem trước, "
    "lưu thành bản nháp. Việc gửi báo cáo vẫn làm trên hệ thống.",
]


def _text(cell, value) -> None:
    """Write agency text as text: "=HYPERLINK(…)" must never become a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def build_workbook(report: AgencyReport) -> bytes:
    """The agency's report as a workbook to fill offline (the text is Vietnamese: it is
    the agency's form, whatever the language of the interface)."""
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook has one worksheet
    ws.title = SHEET
    _write_heading(ws, report)
    row = _write_items(ws, report)
    _write_notes(ws, report, row)
    for col, width in zip("ABCDEFGHI", (10, 50, 10, 18, 25, 40, 30, 28, 18), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = f"C{FIRST_ROW}"
    ws.protection.sheet = True  # structure protected; the input cells are unlocked
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    _write_guide(wb.create_sheet("Hướng dẫn"))
    _write_meta(wb.create_sheet(META), report)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _write_heading(ws, report: AgencyReport) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    period = report.period
    ws["A1"] = f"BÁO CÁO KẾT QUẢ THỰC HIỆN NĂM {period.year}"
    ws["A1"].font = Font(bold=True, size=13)
    _text(ws["A2"], f"{period.plan.title} ({period.plan.decision_number})")
    _text(
        ws["A3"],
        f"Đơn vị: {report.agency.name} — Hạn gửi: {period.due_date:%d/%m/%Y} — "
        f"Số liệu từ {period.cutoff_start:%d/%m/%Y} đến {period.cutoff_end:%d/%m/%Y}",
    )
    for col, title in enumerate(HEADER, start=1):
        cell = ws.cell(row=FIRST_ROW - 1, column=col, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_items(ws, report: AgencyReport) -> int:
    """One row per task, the status chosen from a list; returns the row after the last."""
    from openpyxl.styles import Alignment, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    items = report.items.select_related("task", "task__group").order_by(
        "task__group__position", "task__position"
    )
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUS_LABELS.values()) + '"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Tình trạng",
        error="Chọn một tình trạng trong danh sách.",
    )
    ws.add_data_validation(validation)
    row = FIRST_ROW
    for item in items:
        values = [
            item.task.code,
            item.task.content,
            "Chủ trì" if item.role == "lead" else "Phối hợp",
            STATUS_LABELS[item.status],
            item.reason,
            item.done,
            item.results,
            format_quantities(item.quantities),
            item.spent,
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col)
            _text(cell, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.protection = Protection(locked=col <= 3)
        validation.add(ws.cell(row=row, column=4))
        ws.cell(row=row, column=9).number_format = "#,##0"
        row += 1
    return row


def _write_notes(ws, report: AgencyReport, row: int) -> None:
    from openpyxl.styles import Alignment, Font, Protection

    for label, value in ((DIFFICULTIES, report.difficulties), (PROPOSALS, report.proposals)):
        row += 1
        ws.cell(row=row, column=1, value=label).font = Font(bold=True)
        cell = ws.cell(row=row, column=2)
        _text(cell, value)
        cell.protection = Protection(locked=False)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_guide(guide) -> None:
    for i, line in enumerate(GUIDE, start=1):
        guide.cell(row=i, column=1, value=line)
    guide.column_dimensions["A"].width = 110


def _write_meta(meta, report: AgencyReport) -> None:
    """Which report the workbook belongs to (hidden), checked when it comes back."""
    period = report.period
    for i, (key, value) in enumerate(
        (
            ("report", report.pk),
            ("agency", report.agency.code),
            ("year", period.year),
            ("plan", period.plan.code),
        ),
        start=1,
    ):
        meta.cell(row=i, column=1, value=key)
        meta.cell(row=i, column=2, value=value)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True


def read_workbook(report: AgencyReport, data: bytes) -> dict:
    """The draft data of a filled workbook; ReportError lists every problem by row."""
    ws = _report_sheet(report, data)
    items = {i.task.code: i for i in report.items.select_related("task", "task__group")}
    errors: list[str] = []
    result, seen, row = _read_items(ws, items, errors)
    missing = sorted(set(items) - seen)
    if missing:
        errors.append(
            _("Rows are missing for tasks %(codes)s; download the workbook again.")
            % {"codes": ", ".join(missing)}
        )
    texts = {}
    for r in range(row, row + 6):
        label = ws.cell(row=r, column=1).value
        if label == DIFFICULTIES:
            texts["difficulties"] = str(ws.cell(row=r, column=2).value or "")
        elif label == PROPOSALS:
            texts["proposals"] = str(ws.cell(row=r, column=2).value or "")
    draft = {"items": result, **texts}
    # Every problem in one round: what the services would refuse too (a task "will not
    # be done" without its reason, money with a fraction), not only after a second upload.
    errors += [e for e in check_draft(report, draft) if e not in errors]
    if errors:
        raise ReportError(errors)
    return draft


def _report_sheet(report: AgencyReport, data: bytes):
    """The report sheet of ``data`` once it is known to be this report's workbook."""
    from openpyxl import load_workbook

    if len(data) > MAX_BYTES:
        raise ReportError(
            [
                _("The file is too large (%(mb)s MB); the limit is %(limit)s MB.")
                % {"mb": len(data) // 1048576, "limit": MAX_BYTES // 1048576}
            ]
        )
    try:
        uploads.check_workbook(data)
    except uploads.UploadRefused as exc:
        raise ReportError([str(exc)]) from None
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ReportError([_("The file is not an Excel workbook (.xlsx).")]) from None
    if META not in wb.sheetnames or SHEET not in wb.sheetnames:
        raise ReportError([_("The workbook is not a report downloaded from planwatch.")])
    meta = {row[0].value: row[1].value for row in wb[META].iter_rows(max_col=2)}
    if (
        meta.get("agency") != report.agency.code
        or meta.get("year") != report.period.year
        or meta.get("plan") != report.period.plan.code
    ):
        raise ReportError(
            [
                _("This workbook belongs to %(agency)s, year %(year)s, not to this report.")
                % {"agency": meta.get("agency"), "year": meta.get("year")}
            ]
        )
    ws = _Grid(wb[SHEET])
    header = [ws.cell(row=FIRST_ROW - 1, column=c).value for c in range(1, len(HEADER) + 1)]
    if header != HEADER:
        raise ReportError(
            [_("The structure of the workbook was changed (the header row); download it again.")]
        )
    return ws


class _Cell:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class _Grid:
    """A sheet read once in openpyxl's streaming mode (its size checked before), with
    the ``cell(row=, column=)`` of a normal sheet."""

    def __init__(self, sheet):
        self.rows = [list(r) for r in sheet.iter_rows(max_col=len(HEADER), values_only=True)]

    def cell(self, row: int, column: int) -> _Cell:
        values = self.rows[row - 1] if 0 < row <= len(self.rows) else []
        return _Cell(values[column - 1] if 0 < column <= len(values) else None)


def _read_items(ws, items: dict, errors: list[str]) -> tuple[dict, set[str], int]:
    """({task id: draft data}, task codes seen, the row after the last task)."""
    labels = {v: k for k, v in STATUS_LABELS.items()}
    result: dict[str, dict] = {}
    seen: set[str] = set()
    row = FIRST_ROW
    while ws.cell(row=row, column=1).value not in (None, ""):
        values = [ws.cell(row=row, column=c).value for c in range(1, len(HEADER) + 1)]
        code = str(values[0]).strip()
        where = _("Row %(row)s") % {"row": row}
        item = items.get(code)
        row += 1
        if item is None:
            errors.append(
                _("%(where)s: task %(code)s is not part of this report.")
                % {"where": where, "code": code[:20]}
            )
            continue
        seen.add(code)
        status = labels.get(str(values[3] or "").strip())
        if status is None:
            errors.append(
                _('%(where)s (%(code)s): status "%(value)s" is not in the list.')
                % {"where": where, "code": code, "value": str(values[3])[:30]}
            )
        quantities = parse_quantities(str(values[7] or ""))
        if quantities is None:
            errors.append(
                _('%(where)s (%(code)s): write quantities one a line as "label: number unit".')
                % {"where": where, "code": code}
            )
        spent = values[8]  # read by the services' money parser (planwatch.money)
        result[str(item.task_id)] = {
            "status": status or item.status,
            "reason": str(values[4] or ""),
            "done": str(values[5] or ""),
            "results": str(values[6] or ""),
            "quantities": quantities or [],
            "spent": spent,
        }
    return result, seen, row
