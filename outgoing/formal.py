"""An agency's own formal report in the state format (Nghị định 30/2020/NĐ-CP,
Phụ lục I): its issuing block (the body above it and its name), the motto, its
number and symbol ("Số: 15/BC-SDL": typed in, or the next of its own register), the
place and date, "Kính gửi: Sở Công Thương", what it reported on each task, its
difficulties and proposals, Nơi nhận and its signer. Made from the report's last
submitted version (immutable) when there is one, else from the report as it is.
Word with python-docx; PDF by LibreOffice (documents.pdf)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from agencies.registry import province_of
from documents.formatting import initials, nd30_date, safe_text, upper_vi
from reporting.models import AgencyReport, ItemStatus

FONT = "Times New Roman"
STATUS: dict[str, str] = {
    ItemStatus.NOT_STARTED: "Chưa triển khai",
    ItemStatus.IN_PROGRESS: "Đang thực hiện",
    ItemStatus.DONE: "Hoàn thành",
    ItemStatus.NOT_DONE: "Không thực hiện",
}


@dataclass(frozen=True)
class Signature:
    number: str  # "15", or "" for a blank to fill by hand
    name: str
    title: str
    authority: str = ""


def symbol(report: AgencyReport) -> str:
    return f"BC-{report.agency.abbreviation or initials(report.agency.name)}"


def _bodies(report: AgencyReport) -> tuple[str, str, str]:
    """(the body above, the agency, the place) of the issuing block."""
    agency = report.agency
    province = province_of(agency)
    province_name = province.name if province else "Quảng Trị"
    place = province_name.replace("Tỉnh ", "").replace("tỉnh ", "")
    parent = agency.parent.name if agency.parent_id and agency.parent else f"UBND tỉnh {place}"
    if parent.lower().startswith("tỉnh"):
        parent = f"UBND {parent}"
    return upper_vi(safe_text(parent)), upper_vi(safe_text(agency.name)), place


def _items(report: AgencyReport) -> list[dict[str, Any]]:
    version = report.versions.order_by("-number").first() if hasattr(report, "versions") else None
    data = getattr(version, "data", None)
    if isinstance(data, dict) and data.get("items"):
        from plans.models import Task

        items = list(data["items"])
        codes = {str(i.get("task", "")) for i in items}
        tasks = Task.objects.filter(plan=report.period.plan).select_related("group")
        titles = {t.code: t.content for t in tasks if t.code in codes}
        return [{**i, "title": titles.get(str(i.get("task", "")), "")} for i in items]
    return [
        {
            "task": item.task.code,
            "title": item.task.content,
            "status": item.status,
            "done": item.done,
            "results": item.results,
        }
        for item in report.items.select_related("task").order_by("task__code")
    ]


def _run(paragraph: Any, text: str, *, bold=False, italic=False, size=14) -> None:
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.name = FONT
    run.font.size = Pt(size)


def _line(container: Any, text: str, *, align=None, bold=False, italic=False, size=14) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = container.add_paragraph()
    p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER if align is None else align
    p.paragraph_format.space_after = Pt(0)
    _run(p, text, bold=bold, italic=italic, size=size)
    return p


def _header(doc: Any, report: AgencyReport, number: str, today: dt.date) -> str:
    parent, agency, place = _bodies(report)
    table = doc.add_table(rows=2, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    _run(left.paragraphs[0], parent, size=13)
    _line(left, agency, bold=True, size=13)
    _run(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13)
    num, date = table.rows[1].cells
    _run(num.paragraphs[0], f"Số: {number or '      '}/{symbol(report)}", size=13)
    _run(date.paragraphs[0], f"{place}, {nd30_date(today)}", italic=True, size=13)
    return place


def build_docx(report: AgencyReport, signature: Signature, today: dt.date) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = section.right_margin = Mm(20)
    section.left_margin = Mm(30)
    _header(doc, report, signature.number, today)
    plan = report.period.plan
    _line(doc, "BÁO CÁO", bold=True).paragraph_format.space_before = Mm(6)
    _line(doc, f"Kết quả thực hiện {safe_text(plan.title)} năm {report.period.year}", bold=True)
    _line(doc, "Kính gửi: Sở Công Thương.", size=14).paragraph_format.space_before = Mm(4)
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    _line(doc, "I. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ", align=justify, bold=True)
    for n, item in enumerate(_items(report), start=1):
        status = STATUS.get(str(item.get("status", "")), str(item.get("status", "")))
        _line(doc, f"{n}. {item.get('task', '')} {safe_text(item.get('title', ''))}: {status}.",
              align=justify, bold=True)  # fmt: skip
        for key in ("done", "results"):
            if item.get(key):
                _line(doc, safe_text(item[key]), align=justify)
    _line(doc, "II. KHÓ KHĂN, VƯỚNG MẮC", align=justify, bold=True)
    _line(doc, safe_text(report.difficulties) or "Không có.", align=justify)
    _line(doc, "III. KIẾN NGHỊ, ĐỀ XUẤT", align=justify, bold=True)
    _line(doc, safe_text(report.proposals) or "Không có.", align=justify)
    _end(doc, signature)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _end(doc: Any, signature: Signature) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    _run(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    for line in ("- Sở Công Thương (để tổng hợp);", "- Lưu: VT."):
        _line(left, line, align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    first = right.paragraphs[0]
    first.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if signature.authority:
        _run(first, signature.authority.upper(), bold=True)
        _line(right, signature.title.upper(), bold=True)
    else:
        _run(first, signature.title.upper(), bold=True)
    for _ in range(3):
        _line(right, "")
    _line(right, signature.name, bold=True)
