"""The Excel appendices of the consolidated report (openpyxl): the task table in
the plan appendix's layout with each task's status, every agency's entry in
detail, the targets, the agencies' compliance and the funds; formatted for
printing (A4, Times New Roman, titles repeated on every page, fit to width).
Agency text is always written as text, never as a formula."""

from __future__ import annotations

import io
import re
import weakref

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from documents.content import ConsolidatedReport, TaskYear
from documents.model import APPENDICES, TOTALS_LABEL
from planwatch.i18n import in_vietnamese

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
MONEY = '#,##0 "đ"'


# The characters a worksheet cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE as one
# class: its three alternatives scan every string three times over).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_TEXT = 32767  # characters in a cell; openpyxl cuts a longer text there


def _text(cell, value) -> None:
    """Text stays text: "=HYPERLINK(…)" from an agency never becomes a formula. A text
    is checked and cut as openpyxl's ``cell.value = …`` does, with the same error."""
    if isinstance(value, str):
        value = str(value)[:MAX_TEXT]
        if ILLEGAL.search(value):
            raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
        cell._value = value
        cell.data_type = "s"
    else:
        cell.value = value


class _Styles:
    """A workbook's cell styles, each made once and registered as a named style, then
    given to cells by name. openpyxl hashes a Font, an Alignment or a Border every time
    one is assigned to a cell: set cell by cell, that was three quarters of the time of
    a province-year workbook (issue 17). A row's cells take a copy of the named
    style's index array (``arrays``), as ``cell.style = name`` does after looking the
    name up in the workbook's list of styles."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self.names: dict[tuple, str] = {}
        self.arrays: dict[tuple, StyleArray] = {}

    def array(self, bold: bool, fill: PatternFill | None, horizontal: str | None, money: bool):
        """The index array of a row cell's style (top-aligned, size 11)."""
        key = (bold, id(fill), horizontal, money)
        found = self.arrays.get(key)
        if found is None:
            name = self.name(bold=bold, fill=fill, horizontal=horizontal, money=money)
            named = self.wb._named_styles  # type: ignore[attr-defined]  # openpyxl's own
            found = self.arrays[key] = named[name].as_tuple()
        return found

    def name(self, *, size: int = 11, bold: bool = False, italic: bool = False,
             fill: PatternFill | None = None, horizontal: str | None = None,
             vertical: str = "top", money: bool = False) -> str:  # fmt: skip
        key = (size, bold, italic, id(fill) if fill is not None else None, horizontal,
               vertical, money)  # fmt: skip
        found = self.names.get(key)
        if found is None:
            found = f"planwatch {len(self.names) + 1}"
            self.wb.add_named_style(
                NamedStyle(
                    name=found,
                    font=Font(name=FONT, size=size, bold=bold, italic=italic),
                    fill=fill if fill is not None else PatternFill(),
                    border=BORDER,
                    alignment=Alignment(horizontal=horizontal, vertical=vertical, wrap_text=True),
                    number_format=MONEY if money else "General",
                )
            )
            self.names[key] = found
        return found


_STYLES: weakref.WeakKeyDictionary[Workbook, _Styles] = weakref.WeakKeyDictionary()


class _Sheet:
    def __init__(self, ws: Worksheet, title: str, subtitle: str, headers: list[str],
                 widths: list[float], landscape: bool = True):  # fmt: skip
        self.ws, self.ncols = ws, len(headers)
        wb = ws.parent
        assert wb is not None  # a sheet made by its workbook
        self.styles = _STYLES.get(wb) or _STYLES.setdefault(wb, _Styles(wb))
        ws.sheet_view.showGridLines = False
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        last = get_column_letter(self.ncols)
        for row, (text, size) in enumerate(((title, 13), (subtitle, 11)), start=1):
            ws.merge_cells(f"A{row}:{last}{row}")
            cell = ws.cell(row, 1)
            _text(cell, text)
            cell.font = Font(name=FONT, size=size, bold=row == 1, italic=row == 2)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.row_dimensions[1].height = 36
        ws.row_dimensions[2].height = 32
        self.row = 4
        self.kinds: dict[tuple, dict[tuple[int, bool], StyleArray]] = {}
        for col, text in enumerate(headers, start=1):
            cell = ws.cell(self.row, col)
            _text(cell, text)
            cell.style = self.styles.name(
                bold=True, fill=HEAD_FILL, horizontal="center", vertical="center"
            )
        ws.freeze_panes = ws.cell(self.row + 1, 1).coordinate
        ws.print_title_rows = f"{self.row}:{self.row}"
        setup = ws.page_setup
        setup.paperSize = ws.PAPERSIZE_A4
        setup.orientation = "landscape" if landscape else "portrait"
        setup.fitToWidth, setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_margins.left, ws.page_margins.right = 0.6, 0.4
        ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.6
        ws.print_options.horizontalCentered = True
        footer = ws.oddFooter
        assert footer is not None  # openpyxl gives every worksheet its header and footer
        footer.center.text = "Trang &P/&N"
        footer.center.font = FONT

    def add(self, values: list, *, bold=False, fill=None, money_cols=(), center_cols=(0,)):  # fmt: skip
        """One row; each cell made as ``ws.cell`` makes it, with a copy of its style's
        array (looked up once per kind of row and column, in the order of the cells)."""
        self.row += 1
        row, ws = self.row, self.ws
        kinds = self.kinds.setdefault((bold, id(fill), tuple(money_cols), tuple(center_cols)), {})
        for col, value in enumerate(values):
            money = col in money_cols and isinstance(value, int)
            array = kinds.get((col, money))
            if array is None:
                horizontal = "right" if money else "center" if col in center_cols else None
                array = kinds[col, money] = self.styles.array(bold, fill, horizontal, money)
            cell = Cell(ws, row=row, column=col + 1)
            _text(cell, value)
            cell._style = StyleArray(array)  # type: ignore[attr-defined]  # openpyxl's own
            ws._add_cell(cell)  # type: ignore[attr-defined]  # what ws.cell() does

    def merged(self, text: str, *, fill=GROUP_FILL) -> None:
        self.row += 1
        self.ws.merge_cells(
            start_row=self.row, start_column=1, end_row=self.row, end_column=self.ncols
        )
        cell = self.ws.cell(self.row, 1)
        _text(cell, text)
        cell.font = Font(name=FONT, size=11, bold=True)
        if fill is not None:
            cell.fill = fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        for col in range(1, self.ncols + 1):
            self.ws.cell(self.row, col).border = BORDER


@in_vietnamese
def build_workbook(report: ConsolidatedReport) -> bytes:
    """The five appendices, one sheet each: tasks, every agency's entry, targets,
    compliance, funds."""
    wb = Workbook()
    period = (
        f"năm {report.years[0]}" if len(report.years) == 1 else f"giai đoạn {report.year_label}"
    )
    source = f"{report.issuer_name} · {report.plan_reference} · số liệu {period}"
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook has one worksheet
    ws.title = "Nhiệm vụ"
    _tasks_sheet(ws, report, period, source)
    _entries_sheet(wb.create_sheet("Chi tiết"), report, source)
    _targets_sheet(wb.create_sheet("Chỉ tiêu"), report, source)
    _compliance_sheet(wb.create_sheet("Đơn vị báo cáo"), report, source)
    _funds_sheet(wb.create_sheet("Kinh phí"), report, source)
    wb.properties.creator = "planwatch"
    wb.properties.title = report.title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _title(report: ConsolidatedReport, key: str, suffix: str = "") -> str:
    numeral, title = next((n, t) for k, n, t in APPENDICES if k == key)
    return f"PHỤ LỤC {numeral}\n{title}{suffix}"


def _subtitle(report: ConsolidatedReport, source: str) -> str:
    return f"{report.attached}\n{source}"


def _tasks_sheet(ws: Worksheet, report: ConsolidatedReport, period: str, source: str) -> None:
    """Appendix 1: the tasks in the plan appendix's layout, with each year's status."""
    year_cols = [f"Tình hình thực hiện {y}" for y in report.years]
    sheet = _Sheet(
        ws,
        _title(report, "tasks", f" ({period.upper()})"),
        _subtitle(report, source),
        [
            "TT",
            "Nội dung nhiệm vụ",
            "Đơn vị chủ trì",
            "Đơn vị phối hợp",
            "Thời gian thực hiện",
            "Sản phẩm",
            *year_cols,
            "Số lượng do các đơn vị tự báo cáo",
            "Kinh phí đã sử dụng",
        ],
        [6, 48, 22, 28, 14, 24, *([26] * len(year_cols)), 30, 16],
    )
    money_col = 6 + len(year_cols) + 1
    for group in report.groups:
        sheet.merged(f"{group.number}. {group.title}")
        for task in group.tasks:
            totals = " ".join(ty.totals for ty in task.years if ty.totals)
            sheet.add(
                [
                    task.code,
                    task.content,
                    task.leads,
                    task.partners,
                    task.timeframe,
                    task.output,
                    *[_year_cell(ty) for ty in task.years],
                    totals.replace(TOTALS_LABEL, ""),
                    task.spent or None,
                ],
                money_cols=(money_col,),
            )


def _year_cell(ty: TaskYear) -> str:
    if not ty.active:
        return "Không triển khai trong năm"
    if not ty.entries:
        return "Chưa có báo cáo được chấp nhận"
    return "; ".join(_statuses(ty))


def _entries_sheet(ws: Worksheet, report: ConsolidatedReport, source: str) -> None:
    """Appendix 2: every agency's entry, one row each, in its own words."""
    sheet = _Sheet(
        ws,
        _title(report, "entries"),
        _subtitle(report, source),
        [
            "Năm",
            "Nhiệm vụ",
            "Đơn vị",
            "Vai trò",
            "Tình trạng",
            "Nội dung đã thực hiện",
            "Kết quả",
            "Số lượng",
            "Kinh phí",
            "Lý do",
        ],
        [7, 9, 26, 10, 14, 48, 34, 24, 16, 24],
    )
    rows = [
        [
            ty.year,
            task.code,
            e.agency,
            e.role,
            e.status,
            "\n".join(e.done),
            "\n".join(e.results),
            "; ".join(e.quantities),
            e.spent,
            "\n".join(e.reason),
        ]
        for group in report.groups
        for task in group.tasks
        for ty in task.years
        for e in ty.entries
    ]
    for row in rows:
        sheet.add(row, money_cols=(8,), center_cols=(0, 1))
    if not rows:
        sheet.merged("Chưa có báo cáo nào của các đơn vị được chấp nhận.", fill=None)


def _targets_sheet(ws: Worksheet, report: ConsolidatedReport, source: str) -> None:
    """Appendix III, the indicators: each target with its baseline, its value in every
    year up to the report's, its milestone (2025, 2030), status and where the value
    comes from."""
    years = sorted({y for t in report.targets for y in t.values} | set(report.years))
    sheet = _Sheet(
        ws,
        _title(report, "targets"),
        _subtitle(report, source),
        [
            "TT",
            "Mốc",
            "Chỉ tiêu",
            "Chỉ số",
            "Đơn vị tính",
            "Giá trị gốc",
            *[str(y) for y in years],
            "Đánh giá",
            "Nguồn số liệu",
            "Ghi chú",
        ],
        [6, 8, 50, 30, 12, 14, *([11] * len(years)), 18, 20, 40],
    )
    for i, t in enumerate(report.targets, start=1):
        sheet.add(
            [
                i,
                t.milestone,
                t.text,
                t.indicator,
                t.unit,
                t.baseline,
                *[t.values.get(y, "") for y in years],
                t.status_label,
                t.source,
                t.reason,
            ],
            center_cols=(0, 1),
        )


def _compliance_sheet(ws: Worksheet, report: ConsolidatedReport, source: str) -> None:
    """Appendix 4: who reported on time, late or not at all."""
    sheet = _Sheet(
        ws,
        _title(report, "compliance"),
        _subtitle(report, source),
        ["TT", "Đơn vị", "Đúng hạn", "Muộn", "Chưa báo cáo", "Ghi chú"],
        [6, 40, 11, 11, 13, 60],
        landscape=False,
    )
    for c in report.compliance_years:
        sheet.merged(
            f"Năm {c.year} (hạn {c.due_date:%d/%m/%Y}): phải báo cáo {c.expected}, đúng hạn "
            f"{c.on_time}, muộn {c.late}, chưa báo cáo {c.missing}, đã chấp nhận {c.accepted}"
        )
    for i, a in enumerate(report.compliance, start=1):
        sheet.add(
            [i, a.agency, a.on_time or None, a.late or None, a.missing or None, a.detail],
            center_cols=(0, 2, 3, 4),
        )
    if not report.compliance_years:
        sheet.merged("Chưa có kỳ báo cáo nào được mở.", fill=None)


def _funds_sheet(ws: Worksheet, report: ConsolidatedReport, source: str) -> None:
    """Appendix 5: estimated, allocated and spent, by group and by year."""
    sheet = _Sheet(
        ws,
        _title(report, "funds"),
        _subtitle(report, source),
        ["TT", "Nội dung", "Dự toán", "Được giao", "Đã sử dụng", "Tỷ lệ"],
        [6, 50, 18, 18, 18, 10],
        landscape=False,
    )
    for i, f in enumerate(report.funds, start=1):
        sheet.add([i, f.label, f.estimated, f.allocated, f.spent, f.rate], money_cols=(2, 3, 4))
    t = report.funds_total
    sheet.add(
        ["", t.label, t.estimated, t.allocated, t.spent, t.rate], bold=True, money_cols=(2, 3, 4)
    )
    if len(report.funds_years) > 1:
        sheet.merged("Theo năm")
        for f in report.funds_years:
            sheet.add(
                ["", f.label, f.estimated, f.allocated, f.spent, f.rate], money_cols=(2, 3, 4)
            )
    if report.funds_sources:
        sheet.merged("Theo nguồn kinh phí")
        for f in report.funds_sources:
            sheet.add(
                ["", f.label, f.estimated, f.allocated, f.spent, f.rate], money_cols=(2, 3, 4)
            )
    if report.budget_available and report.funds_unbudgeted:
        sheet.add(
            ["", "Kinh phí các đơn vị báo cáo cho nhiệm vụ không có trong dự toán", None, None,
             report.funds_unbudgeted, ""],
            money_cols=(4,),
        )  # fmt: skip


def _statuses(ty: TaskYear) -> list[str]:
    counts: dict[str, int] = {}
    for e in ty.entries:
        counts[e.status] = counts.get(e.status, 0) + 1
    return [f"{n} đơn vị {s}" for s, n in counts.items()]


def write(report: ConsolidatedReport, context) -> bytes:
    """The Excel writer of documents.formats."""
    context.step(50, "Ghi bảng Excel")
    return build_workbook(report)
