"""The outgoing register as an Excel workbook (sổ văn bản đi), in Vietnamese."""

from __future__ import annotations

import io

from outgoing.models import RegisterEntry

HEADERS = ["Số, ký hiệu", "Ngày tháng", "Trích yếu nội dung", "Người ký", "Nơi nhận",
           "Cơ quan ban hành"]  # fmt: skip


def register_workbook(entries: list[RegisterEntry]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sổ văn bản đi"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for e in entries:
        sheet.append([e.reference, e.issued_on, e.summary, e.signer_name, e.recipients,
                      e.agency.name])  # fmt: skip
        sheet.cell(row=sheet.max_row, column=2).number_format = "DD/MM/YYYY"
    for column, width in zip("ABCDEF", (16, 12, 60, 24, 40, 30), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
