"""Streamed exports of the nation's or one plan's data (issue 17): the indicator values,
the agencies' reports and their items, as CSV or Excel, in constant memory.

Each table is one query over joined names (agency, task, indicator, plan), read in
chunks from the database (``QuerySet.iterator``), so that the query count and the
memory stay the same whatever the number of rows; CSV is written as it is read, an
Excel file is written row by row by openpyxl's write-only workbook into a temporary
file. The headers are Vietnamese and every cell holds a name, never an internal key.

What a user sees is what the pages show them: every row for those who read every
agency's reports; for a reporter, the own agency's (and its predecessors') reports
and items and, of the values, the province's, the accepted reports' and the own.
Which plans a user may export is ``exportable_plan`` (access.rules says who reads
which agency's reports)."""

from __future__ import annotations

import csv
import io
import itertools
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from access import rules
from indicators.models import IndicatorValue
from plans.models import Plan
from plans.models import Role as AssignmentRole
from reporting.models import AgencyReport, ItemStatus, ReportItem, ReportState

CHUNK = 5000  # rows read from the database at a time
CSV_FLUSH = 500  # rows written into one piece of the streamed CSV
EXCEL_ROWS = 1_048_575  # rows a sheet holds under its header (Excel's limit)
TABLES = ("values", "reports", "items")
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SHEET_TITLES = {"values": "Số liệu chỉ số", "reports": "Báo cáo", "items": "Nội dung báo cáo"}
FILE_NAMES = {"values": "so-lieu-chi-so", "reports": "bao-cao", "items": "noi-dung-bao-cao"}
PLAN_COLUMNS = ["Cơ quan ban hành kế hoạch", "Kế hoạch"]


class ExportRefused(PermissionError):
    """The user may not export this (another province's plan, the nation)."""


@dataclass(frozen=True)
class Table:
    """The headers and the rows (lists, made as they are read); ``decimals`` and
    ``times``: the columns holding Decimals and datetimes (None is an empty cell)."""

    headers: list[str]
    rows: Iterator[list[Any]]
    decimals: tuple[int, ...] = ()
    times: tuple[int, ...] = ()


# --- who may export what ---------------------------------------------------------------


def may_export_nation(user: Any) -> bool:
    return rules.has(user, rules.C.EXPORT_NATION)


def exportable_plan(user: Any, plan: Plan) -> bool:
    """A plan the user may export: every plan for those who read every agency's reports
    (the province's offices); for a reporter, a plan its agency (or one it succeeded)
    reports in: another province's plan is refused."""
    if not rules.can_read_plan(user, plan):
        return False
    agencies = rules.readable_report_agencies(user)
    if agencies is None:
        return True
    return AgencyReport.objects.filter(period__plan=plan, agency_id__in=agencies).exists()


# --- the rows ---------------------------------------------------------------------------


def _labels(choices) -> dict[str, str]:
    with translation.override("vi"):
        return {value: str(label) for value, label in choices}


def _when(value: datetime | None) -> datetime | None:
    """A time as the province reads it, without a time zone (Excel has none)."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _plan_name(issuer: str, decision: str, code: str) -> list[str]:
    return [issuer, decision or code]


def _scoped(qs: QuerySet, plan: Plan | None, plan_field: str) -> QuerySet:
    return qs.filter(**{plan_field: plan}) if plan is not None else qs


def values_table(user: Any, plan: Plan | None = None) -> Table:
    """Every indicator value: the province's and each agency's, by year and breakdown."""
    qs = _scoped(IndicatorValue.objects.all(), plan, "indicator__plan")
    agencies = rules.readable_report_agencies(user)
    if agencies is not None:
        qs = qs.filter(
            Q(report__isnull=True)
            | Q(report__state=ReportState.ACCEPTED)
            | Q(report__agency_id__in=agencies)
        )
    qs = qs.order_by(
        "indicator__plan__code",
        "indicator__target__milestone",
        "indicator__target__position",
        "indicator_id",
        "year",
        "category",
        "agency__name",
        "pk",
    ).values_list(
        "indicator__plan__issuer_name",
        "indicator__plan__decision_number",
        "indicator__plan__code",
        "indicator__target__milestone",
        "indicator__name",
        "indicator__unit",
        "year",
        "category",
        "agency__name",
        "value",
        "numerator",
        "denominator",
        "report_id",
        "report__state",
        "warning",
    )
    states = _labels(ReportState.choices)

    def rows() -> Iterator[list[Any]]:
        for row in qs.iterator(chunk_size=CHUNK):
            issuer, decision, code, milestone, name, unit, year, category, agency = row[:9]
            value, numerator, denominator, report_id, state, warning = row[9:]
            counts = report_id is None or state == ReportState.ACCEPTED
            yield [
                *_plan_name(issuer, decision, code),
                milestone,
                name,
                unit,
                year,
                category or "Tổng",
                agency or "Cấp tỉnh (nhập trực tiếp)",
                value,
                numerator,
                denominator,
                states.get(state, "") if report_id else "",
                "Có" if counts else "Chưa (báo cáo chưa được chấp nhận)",
                warning,
            ]

    headers = [
        *PLAN_COLUMNS,
        "Mốc",
        "Chỉ số",
        "Đơn vị tính",
        "Năm",
        "Phân tổ",
        "Cơ quan",
        "Giá trị",
        "Tử số",
        "Mẫu số",
        "Trạng thái báo cáo",
        "Được tính",
        "Cảnh báo",
    ]
    return Table(headers, rows(), decimals=(9, 10, 11))


def _reports(user: Any, plan: Plan | None) -> QuerySet[AgencyReport]:
    qs = _scoped(AgencyReport.objects.all(), plan, "period__plan")
    agencies = rules.readable_report_agencies(user)
    return qs if agencies is None else qs.filter(agency_id__in=agencies)


def reports_table(user: Any, plan: Plan | None = None) -> Table:
    """Every agency report: its state, when it was submitted and accepted, what it says
    of difficulties and proposals."""
    qs = (
        _reports(user, plan)
        .order_by("period__plan__code", "period__year", "agency__name", "pk")
        .values_list(
            "period__plan__issuer_name",
            "period__plan__decision_number",
            "period__plan__code",
            "period__year",
            "agency__name",
            "state",
            "revision",
            "first_submitted_at",
            "submitted_at",
            "accepted_at",
            "late",
            "difficulties",
            "proposals",
        )
    )
    states = _labels(ReportState.choices)

    def rows() -> Iterator[list[Any]]:
        for row in qs.iterator(chunk_size=CHUNK):
            issuer, decision, code, year, agency, state, revision = row[:7]
            first, submitted, accepted, late, difficulties, proposals = row[7:]
            yield [
                *_plan_name(issuer, decision, code),
                year,
                agency,
                states.get(state, state),
                revision,
                _when(first),
                _when(submitted),
                _when(accepted),
                "Muộn" if late else "",
                difficulties,
                proposals,
            ]

    headers = [
        *PLAN_COLUMNS,
        "Năm",
        "Cơ quan báo cáo",
        "Trạng thái",
        "Lần sửa",
        "Nộp lần đầu",
        "Nộp lần cuối",
        "Chấp nhận",
        "Đúng hạn",
        "Khó khăn, vướng mắc",
        "Đề xuất, kiến nghị",
    ]
    return Table(headers, rows(), times=(6, 7, 8))


def _quantities(value: Any) -> str:
    """The item's quantities ([{"label", "value", "unit"}…]) as one line of text."""
    if not isinstance(value, list):
        return ""
    parts = []
    for q in value:
        if isinstance(q, dict):
            text = " ".join(str(q.get(k) or "") for k in ("label", "value", "unit")).strip()
            parts.append(" ".join(text.split()))
    return "; ".join(p for p in parts if p)


def items_table(user: Any, plan: Plan | None = None) -> Table:
    """What every agency reported on every task: status, what was done, results,
    quantities, money spent, the reason."""
    qs = (
        ReportItem.objects.filter(report__in=_reports(user, plan))
        .order_by(
            "report__period__plan__code",
            "report__period__year",
            "report__agency__name",
            "report_id",
            "task__group__position",
            "task__position",
            "pk",
        )
        .values_list(
            "report__period__plan__issuer_name",
            "report__period__plan__decision_number",
            "report__period__plan__code",
            "report__period__year",
            "report__agency__name",
            "report__state",
            "task__group__number",
            "task__number",
            "task__content",
            "role",
            "status",
            "done",
            "results",
            "quantities",
            "spent",
            "reason",
        )
    )
    states, statuses = _labels(ReportState.choices), _labels(ItemStatus.choices)
    roles = _labels(AssignmentRole.choices)

    def rows() -> Iterator[list[Any]]:
        for row in qs.iterator(chunk_size=CHUNK):
            issuer, decision, code, year, agency, state, group, number, content = row[:9]
            role, status, done, results, quantities, spent, reason = row[9:]
            yield [
                *_plan_name(issuer, decision, code),
                year,
                agency,
                states.get(state, state),
                f"{group}.{number}",
                content,
                roles.get(role, role),
                statuses.get(status, status),
                done,
                results,
                _quantities(quantities),
                spent,
                reason,
            ]

    headers = [
        *PLAN_COLUMNS,
        "Năm",
        "Cơ quan báo cáo",
        "Trạng thái báo cáo",
        "Nhiệm vụ",
        "Nội dung nhiệm vụ",
        "Vai trò",
        "Tình trạng",
        "Nội dung đã thực hiện",
        "Kết quả",
        "Số lượng",
        "Kinh phí đã sử dụng (đồng)",
        "Lý do",
    ]
    return Table(headers, rows())


BUILDERS: dict[str, Callable[[Any, Plan | None], Table]] = {
    "values": values_table,
    "reports": reports_table,
    "items": items_table,
}


def table(name: str, user: Any, plan: Plan | None = None) -> Table:
    """The rows of ``name`` (one of TABLES) that ``user`` may see, of ``plan`` or of
    every plan; nothing is read until the rows are iterated."""
    if plan is None and not may_export_nation(user):
        raise ExportRefused(name)
    if plan is not None and not exportable_plan(user, plan):
        raise ExportRefused(name)
    return BUILDERS[name](user, plan)


def filename(name: str, fmt: str, plan: Plan | None = None) -> str:
    scope = plan.code if plan is not None else "toan-quoc"
    return f"{FILE_NAMES[name]}-{scope}-{timezone.localdate():%Y%m%d}.{fmt}"


# --- the writers ------------------------------------------------------------------------


def _decimal_text(value: Decimal) -> str:
    """12.5000 as "12.5", 3.0000 as "3" (the database keeps four decimals)."""
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text and "E" not in text else text


def _converted(data: Table) -> Iterator[list[Any]]:
    """The rows with their Decimals and times as text (None stays an empty cell)."""
    decimals, times = data.decimals, data.times
    if not decimals and not times:
        yield from data.rows
        return
    for row in data.rows:
        for i in decimals:
            if row[i] is not None:
                row[i] = _decimal_text(row[i])
        for i in times:
            if row[i] is not None:
                row[i] = f"{row[i]:%d/%m/%Y %H:%M}"
        yield row


def csv_chunks(data: Table) -> Iterator[bytes]:
    """The table as UTF-8 CSV with a byte-order mark (Excel reads it as UTF-8), in
    pieces of CSV_FLUSH rows (the csv module writes each piece in one call)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(data.headers)
    rows = _converted(data)
    while batch := list(itertools.islice(rows, CSV_FLUSH)):
        writer.writerows(batch)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def _excel_decimal(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral() else float(value)


def write_xlsx(data: Table, title: str, out: IO[bytes], *, sheet_rows: int = EXCEL_ROWS) -> None:
    """The table into ``out`` by a write-only workbook: openpyxl keeps no row in memory.
    Past ``sheet_rows`` rows (Excel's limit) the rows go on in another sheet, headers
    repeated. Text stays text: "=…" from an agency never becomes a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def new_sheet(n: int):
        ws = wb.create_sheet(title if n == 1 else f"{title} ({n})")
        ws.freeze_panes = "A2"
        header = []
        for text in data.headers:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        return ws

    def text_cell(value: str) -> Any:
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not value.startswith("="):
            return value
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell

    sheets, ws = 1, new_sheet(1)
    for n, row in enumerate(data.rows):
        if n and n % sheet_rows == 0:
            sheets += 1
            ws = new_sheet(sheets)
        ws.append(
            [
                text_cell(v)
                if isinstance(v, str)
                else _excel_decimal(v)
                if isinstance(v, Decimal)
                else v
                for v in row
            ]
        )
    wb.properties.creator = "planwatch"
    wb.save(out)


def xlsx_file(data: Table, title: str) -> IO[bytes]:
    """The workbook in an unnamed temporary file (gone when closed), at its start."""
    out = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write_xlsx(data, title, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


# --- the answer -------------------------------------------------------------------------


def download(name: str, fmt: str, user: Any, plan: Plan | None = None):
    """The export as an HTTP answer: CSV streamed as it is read, Excel from its
    temporary file. ``name`` and ``fmt`` must be in TABLES and FORMATS."""
    from django.http import FileResponse, StreamingHttpResponse
    from django.utils.http import content_disposition_header

    from planwatch.http import safe_filename

    data = table(name, user, plan)
    response: StreamingHttpResponse | FileResponse
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(data), content_type=CONTENT_TYPES["csv"])
    else:
        response = FileResponse(
            xlsx_file(data, SHEET_TITLES[name]), content_type=CONTENT_TYPES[fmt]
        )
    response["Cache-Control"] = "private, no-store"
    disposition = content_disposition_header(True, safe_filename(filename(name, fmt, plan)))
    response["Content-Disposition"] = disposition or ""
    return response
