"""The year's proposal in the layout a finance office expects (task, agency, content,
amount, source, then the appraisal and allocation), to download and to upload back:
an agency's rows replace that agency's lines, all or nothing, each problem named by
its row. Text is always written as text, never as a formula."""

from __future__ import annotations

import io

from django.db import transaction
from django.utils.translation import gettext as _

from access import rules
from agencies.models import Agency
from audit.log import record, snapshot
from budget import services
from budget.models import BudgetLine, BudgetYear, Source
from plans.models import Task
from planwatch import uploads
from planwatch.i18n import in_vietnamese

MAX_BYTES = 5 * 1024 * 1024
FONT = "Times New Roman"
HEADERS = [
    "TT",
    "Mã nhiệm vụ",
    "Nội dung nhiệm vụ",
    "Mã đơn vị",
    "Đơn vị",
    "Nội dung chi",
    "Số tiền dự toán (đồng)",
    "Nguồn kinh phí",
    "Thẩm định",
    "Số tiền thẩm định",
    "Lý do",
    "Được giao",
]
SOURCE_LABELS = {str(label): value for value, label in Source.choices}
SOURCE_WORDS = {
    "ngân sách tỉnh": Source.PROVINCIAL,
    "ngân sách trung ương": Source.CENTRAL,
    "xã hội hóa": Source.OTHER,
    "nguồn khác": Source.OTHER,
}
FIRST_ROW = 4


def _text(cell, value):
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _source_label(value: str) -> str:
    labels: dict[str, str] = {
        Source.PROVINCIAL: "Ngân sách tỉnh",
        Source.CENTRAL: "Ngân sách trung ương",
        Source.OTHER: "Xã hội hóa, nguồn hợp pháp khác",
    }
    return labels[value]


def _border():
    from openpyxl.styles import Border, Side

    thin = Side(style="thin")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


@in_vietnamese
def build_workbook(budget: BudgetYear, agency: Agency | None = None) -> bytes:
    """The year's lines (an agency's only, when given) in a workbook kept in Vietnamese,
    the finance office's form, whatever the language of the interface."""
    # openpyxl (and numpy with it) is loaded when a workbook is made, not with the pages.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook has one worksheet
    ws.title = f"Dự toán {budget.year}"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    _text(ws.cell(1, 1), f"DỰ TOÁN KINH PHÍ NĂM {budget.year} — {budget.plan.title}")
    ws.cell(1, 1).font = Font(name=FONT, bold=True, size=12)
    _text(
        ws.cell(2, 1),
        "Điền mỗi khoản chi một dòng; số tiền bằng đồng (1250000000 hoặc 1.250.000.000); "
        "nguồn: Ngân sách tỉnh, Ngân sách trung ương, Xã hội hóa.",
    )
    ws.cell(2, 1).font = Font(name=FONT, italic=True, size=10)
    for col, title in enumerate(HEADERS, start=1):
        cell = ws.cell(FIRST_ROW - 1, col)
        _text(cell, title)
        cell.font = Font(name=FONT, bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = _border()
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    _write_lines(ws, budget, agency)
    sources = DataValidation(
        type="list", formula1='"Ngân sách tỉnh,Ngân sách trung ương,Xã hội hóa"', allow_blank=True
    )
    ws.add_data_validation(sources)
    sources.add(f"H{FIRST_ROW}:H{FIRST_ROW + 500}")
    for letter, width in zip(
        "ABCDEFGHIJKL", [5, 9, 40, 18, 26, 36, 18, 18, 14, 16, 24, 16], strict=True
    ):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(FIRST_ROW, 1).coordinate
    ws.print_title_rows = f"{FIRST_ROW - 1}:{FIRST_ROW - 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_lines(ws, budget: BudgetYear, agency: Agency | None) -> None:
    from openpyxl.styles import Alignment, Font

    lines = BudgetLine.objects.filter(budget=budget).select_related("task", "agency")
    if agency is not None:
        lines = lines.filter(agency=agency)
    row = FIRST_ROW
    for n, line in enumerate(lines.order_by("task__group__position", "task__position", "pk"), 1):
        values = [
            n,
            line.task.code,
            line.task.content,
            line.agency.code,
            line.agency.name,
            line.content,
            line.amount,
            _source_label(line.source),
            line.get_decision_display(),
            line.appraised_amount,
            line.reason,
            line.allocated_amount,
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row, col)
            _text(cell, value)
            cell.font = Font(name=FONT)
            cell.border = _border()
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if col in (7, 10, 12) and isinstance(value, int):
                cell.number_format = '#,##0 "đ"'
        row += 1


def _source(value) -> str | None:
    text = str(value or "").strip()
    if text in Source.values:
        return text
    if text in SOURCE_LABELS:
        return SOURCE_LABELS[text]
    lowered = text.lower()
    for words, source in SOURCE_WORDS.items():
        if lowered.startswith(words):
            return source
    return None


def _sheet(data: bytes):
    """The first sheet of ``data`` in openpyxl's streaming (read-only) mode, once the
    file is known to be a workbook of a bounded size; BudgetError otherwise."""
    try:
        uploads.check_workbook(data)
    except uploads.UploadRefused as exc:
        raise services.BudgetError([str(exc)]) from None
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    except Exception as exc:
        raise services.BudgetError(
            [_("The Excel file cannot be read: %(error)s") % {"error": exc}]
        ) from exc


@transaction.atomic
def apply_workbook(budget: BudgetYear, actor, data: bytes) -> tuple[int, list[str]]:
    """Replace, for each agency in the file that ``actor`` may edit, its lines with the
    file's rows. Returns (lines, warnings); BudgetError and nothing saved otherwise.
    The actor's right comes first, then the file's size and shape, then its rows."""
    services.require(actor, services.EDIT, budget)
    if not data.startswith(b"PK"):
        raise services.BudgetError([_("The file is not an Excel file (.xlsx).")])
    ws = _sheet(data)
    rows = _read_rows(ws, budget, actor)
    touched = {data["agency"].pk for _w, data in rows}
    own = rules.estimating_agency(actor)  # None: the actor estimates for any agency
    if own is not None and touched != {own}:
        raise services.BudgetError([_("An agency uploads only its own estimate.")])
    replaced = BudgetLine.objects.filter(budget=budget, agency_id__in=touched)
    old_lines = [snapshot(line) for line in replaced]
    replaced.delete()
    if old_lines:
        record(
            actor,
            "delete",
            budget,
            before={"lines": old_lines},
            note="estimate lines replaced by an Excel upload",
        )
    errors: list[str] = []
    warnings: list[str] = []
    responsible = services.answering_agencies(budget.plan, budget.year)
    for where, row in rows:
        try:
            _line, line_warnings = services.save_line(budget, actor, row, responsible=responsible)
        except services.BudgetError as exc:
            errors.extend(f"{where}: {e}" for e in exc.errors)
        else:
            warnings.extend(f"{where}: {w}" for w in line_warnings)
    if errors:
        raise services.BudgetError(errors)  # the transaction rolls back: nothing saved
    return len(rows), warnings


def _read_rows(ws, budget: BudgetYear, actor) -> list[tuple[str, dict]]:
    """The sheet's estimate lines as (row name, line data); BudgetError naming every
    row whose task, agency or source is unknown."""
    tasks = {t.code: t for t in Task.objects.current().filter(plan=budget.plan)}
    agencies = {a.code: a for a in Agency.objects.all()}
    rows, errors = [], []
    for number, values in enumerate(
        ws.iter_rows(min_row=FIRST_ROW, max_col=8, values_only=True), start=FIRST_ROW
    ):
        if not any(v not in (None, "") for v in values[1:8]):
            continue
        where = _("Row %(n)s") % {"n": number}
        task = tasks.get(str(values[1] or "").strip())
        agency = agencies.get(str(values[3] or "").strip())
        if agency is None and rules.estimating_agency(actor) is not None:
            agency = actor.agency
        source = _source(values[7])
        if task is None:
            errors.append(
                _("%(where)s: there is no task with code “%(code)s”.")
                % {"where": where, "code": values[1]}
            )
        if agency is None:
            errors.append(
                _("%(where)s: there is no agency with code “%(code)s”.")
                % {"where": where, "code": values[3]}
            )
        if source is None:
            errors.append(
                _("%(where)s: the source “%(source)s” is not valid.")
                % {"where": where, "source": values[7]}
            )
        if task is None or agency is None or source is None:
            continue
        line = {"task": task, "agency": agency, "source": source}
        rows.append((where, {**line, "content": str(values[5] or ""), "amount": values[6]}))
    if errors:
        raise services.BudgetError(errors)
    if not rows:
        raise services.BudgetError([_("The file has no estimate line.")])
    return rows
