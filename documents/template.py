"""The bundled Word template of the consolidated report, built with python-docx in
the format of Nghị định 30/2020/NĐ-CP, Phụ lục I: A4 portrait, margins 20 mm top
and bottom, 30 mm left, 20 mm right; Times New Roman; the issuing body top left and
the national motto top right, each with a short line under it; number and
place-date on one line; body 14 pt justified with a first-line indent and 6 pt
after each paragraph; page numbers centred at the top from page 2; "Nơi nhận:"
and the signature block at the end.

The fields are docxtpl (Jinja) tags; a coordinator downloads this file, changes
its wording, headings, recipients or signer in Word and uploads it back
(docs/documents.md lists the fields).
"""

from __future__ import annotations

import functools
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
BODY_PT = 14
TEXT_WIDTH_CM = 16.0  # 210 mm - 30 mm - 20 mm


def _fonts(element_rpr, name: str = FONT) -> None:
    fonts = element_rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element_rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)


INDENT = Cm(1.27)
NO_SPACE = Pt(0)
AFTER = Pt(6)


def _style(doc, name: str, *, base="Normal", size=BODY_PT, bold=False, italic=False,
           align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT, before=NO_SPACE, after=AFTER,
           keep_next=False):  # fmt: skip
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.font.name = FONT
    _fonts(style.element.get_or_add_rPr())
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = indent
    fmt.space_before = before
    fmt.space_after = after
    fmt.keep_with_next = keep_next
    return style


def _para(container, text: str = "", style: str = "Body", *, bold=None, italic=None,
          size=None, align=None, after=None, before=None, indent=None):  # fmt: skip
    p = container.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        if bold is not None:
            run.bold = bold
        if italic is not None:
            run.italic = italic
        if size is not None:
            run.font.size = Pt(size)
    fmt = p.paragraph_format
    if align is not None:
        fmt.alignment = align
    if after is not None:
        fmt.space_after = Pt(after)
    if before is not None:
        fmt.space_before = Pt(before)
    if indent is not None:
        fmt.first_line_indent = indent
    return p


def _line_under(cell, width_cm: float, cell_cm: float) -> None:
    """A short horizontal line, centred in the cell (a bottom border on an empty,
    narrow paragraph): the line ND30 draws under the issuer and the motto."""
    p = cell.add_paragraph(style="Cell")
    side = Cm(max(0.0, (cell_cm - width_cm) / 2))
    p.paragraph_format.left_indent = side
    p.paragraph_format.right_indent = side
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _widths(table, widths_cm: list[float]) -> None:
    table.autofit = False
    # Word reads the cells' widths, LibreOffice the grid's: set both.
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _cell_text(cell, text: str, *, bold=False, italic=False, size=13, align=WD_ALIGN_PARAGRAPH.CENTER):  # fmt: skip
    p = cell.paragraphs[0] if not cell.paragraphs[0].text else cell.add_paragraph()
    p.style = "Cell"
    p.paragraph_format.alignment = align
    run = p.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    return p


def _page_number_header(section) -> None:
    """Page numbers centred at the top, from page 2 (the first page has none)."""
    section.different_first_page_header_footer = True
    header = section.header
    p = header.paragraphs[0]
    p.style = "Cell"
    p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    run.font.size = Pt(BODY_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    section.first_page_header.is_linked_to_previous = False


def _data_table(doc, headers: list[str], cells: list[str], widths: list[float], loop: str,
                total: list[str] | None = None):  # fmt: skip
    """A bordered table: header row, one templated row repeated by ``loop``
    (docxtpl's {%tr %}), and an optional total row."""
    rows = 4 + (1 if total else 0)
    table = doc.add_table(rows=rows, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, text, bold=True, size=12)
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr " + loop + " %}")
    for i, (cell, text) in enumerate(zip(table.rows[2].cells, cells, strict=True)):
        align = WD_ALIGN_PARAGRAPH.LEFT if i == 1 else WD_ALIGN_PARAGRAPH.CENTER
        _cell_text(cell, text, size=12, align=align)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    if total:
        for i, (cell, text) in enumerate(zip(table.rows[4].cells, total, strict=True)):
            align = WD_ALIGN_PARAGRAPH.LEFT if i == 1 else WD_ALIGN_PARAGRAPH.CENTER
            _cell_text(cell, text, bold=True, size=12, align=align)
    # The header row repeats on every page.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)
    _widths(table, widths)
    return table


def _tag(doc, tag: str) -> None:
    """A docxtpl paragraph tag ({%p ... %}): the paragraph disappears when rendered."""
    _para(doc, "{%p " + tag + " %}", "Body")


def build_default_template() -> bytes:
    """The bundled template, section by section in the report's order."""
    doc = Document()
    _page(doc)
    _header_block(doc)
    _situation(doc)
    _results(doc)
    _targets(doc)
    _compliance(doc)
    _funds(doc)
    _difficulties(doc)
    _assessment(doc)
    _directions(doc)
    _signature(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page(doc) -> None:
    """A4 portrait, the margins, the fonts and styles of Nghị định 30; page numbers."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(20)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.line_spacing = 1.15
    core = doc.core_properties
    core.author, core.title, core.language = "planwatch", "Báo cáo", "vi-VN"
    _style(doc, "Body")
    _style(doc, "Cell", size=13, align=WD_ALIGN_PARAGRAPH.CENTER, indent=Cm(0), after=Pt(0))
    _style(doc, "Heading PW1", bold=True, before=Pt(6), keep_next=True)
    _style(doc, "Heading PW2", bold=True, keep_next=True)
    _style(doc, "Heading PW3", bold=True, italic=True, keep_next=True)
    _style(doc, "Caption PW", size=12, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=Cm(0))
    _style(doc, "Recipients", size=11, align=WD_ALIGN_PARAGRAPH.LEFT, indent=Cm(0), after=Pt(0))
    _page_number_header(section)


def _header_block(doc) -> None:
    """The issuing body (left), the motto (right), number and place-date; the title
    and the opening sentence."""
    header = doc.add_table(rows=2, cols=2)
    _no_borders(header)
    left, right = header.rows[0].cells
    _cell_text(left, "{{ parent_body }}", size=13)
    _cell_text(left, "{{ issuer }}", bold=True, size=13)
    _line_under(left, 2.2, 6.0)
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12.5)
    _cell_text(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13)
    _line_under(right, 5.8, 10.0)
    number, place = header.rows[1].cells
    _cell_text(number, "Số:       /{{ symbol }}", size=13)
    _cell_text(place, "{{ date_line }}", italic=True, size=13)
    _widths(header, [6.0, 10.0])

    _para(doc, "BÁO CÁO", "Cell", bold=True, size=BODY_PT, before=18)
    subject = _para(doc, "{{ title }}", "Cell", bold=True, size=BODY_PT, after=0)
    subject.paragraph_format.keep_with_next = True
    _line_under(doc, 4.0, TEXT_WIDTH_CM)
    _para(doc, "", "Cell", after=6)
    _addressees(doc)
    _para(doc, "{{ intro }}")


def _addressees(doc) -> None:
    """ "Kính gửi: - UBND tỉnh …;" and under it the other bodies, one a line, aligned
    on the first (Nghị định 30)."""
    first = _para(doc, "Kính gửi: {{ recipient_lines[0] }}", "Cell", after=0,
                  align=WD_ALIGN_PARAGRAPH.LEFT)  # fmt: skip
    first.paragraph_format.left_indent = Cm(3.0)
    _tag(doc, "for line in recipient_lines[1:]")
    line = _para(doc, "{{ line }}", "Cell", after=0, align=WD_ALIGN_PARAGRAPH.LEFT)
    line.paragraph_format.left_indent = Cm(5.25)
    _tag(doc, "endfor")
    _para(doc, "", "Cell", after=6)


def _situation(doc) -> None:
    """I. The situation: who had to report, who did."""
    _para(doc, "I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN", "Heading PW1")
    _tag(doc, "for line in situation")
    _para(doc, "{{ line }}")
    _tag(doc, "endfor")


def _results(doc) -> None:
    """II. The results by task group and task, year by year."""
    _para(doc, "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ", "Heading PW1")
    _para(
        doc,
        "Kết quả thực hiện từng nhiệm vụ tổng hợp tại Phụ lục {{ appendix.tasks }}; báo cáo "
        "của từng đơn vị theo từng nhiệm vụ tại Phụ lục {{ appendix.entries }} kèm theo Báo "
        "cáo này.",
    )
    _tag(doc, "if empty")
    _para(doc, "Chưa có báo cáo được chấp nhận nên chưa tổng hợp được kết quả thực hiện nhiệm vụ.")
    _tag(doc, "endif")
    _tag(doc, "for g in groups")
    _para(doc, "{{ loop.index }}. {{ g.title }}", "Heading PW2")
    _tag(doc, "for t in g.tasks")
    _para(doc, "{{ t.code }}. {{ t.content }}", "Heading PW3")
    _para(
        doc,
        "Chủ trì: {{ t.leads }}{% if t.partners %}; phối hợp: {{ t.partners }}{% endif %}. "
        "Thời gian thực hiện: {{ t.timeframe }}.",
        italic=True,
    )
    _tag(doc, "if review")
    _tag(doc, "for line in t.period_lines")
    _para(doc, "- {{ line }}")
    _tag(doc, "endfor")
    _tag(doc, "else")
    _tag(doc, "for ty in t.years")
    _tag(doc, "if review")
    _para(doc, "Năm {{ ty.year }}:", bold=True, italic=True)
    _tag(doc, "endif")
    _tag(doc, "if not ty.entries")
    _para(
        doc,
        "{% if ty.active %}Chưa có báo cáo được chấp nhận về nhiệm vụ này.{% else %}"
        "Nhiệm vụ không triển khai trong năm {{ ty.year }}.{% endif %}",
    )
    _tag(doc, "endif")
    _tag(doc, "for e in ty.detailed")
    _para(
        doc,
        "- {{ e.agency }} ({{ e.role }}, {{ e.status }})"
        "{% if e.done %}: {{ e.done|join(' ') }}{% else %}.{% endif %}"
        "{% if e.results %} Kết quả: {{ e.results|join(' ') }}{% endif %}"
        "{% if e.quantities %} Số lượng: {{ e.quantities|join('; ') }}.{% endif %}"
        "{% if e.spent %} Kinh phí: {{ e.money }}.{% endif %}"
        "{% if e.reason %} Lý do: {{ e.reason|join(' ') }}{% endif %}",
    )
    _tag(doc, "endfor")
    _tag(doc, "for line in ty.brief")
    _para(doc, "- {{ line }}")
    _tag(doc, "endfor")
    _tag(doc, "if ty.totals")
    _para(doc, "{{ ty.totals }}", italic=True)
    _tag(doc, "endif")
    _tag(doc, "endfor")
    _tag(doc, "endif")
    _tag(doc, "endfor")
    _tag(doc, "endfor")


def _targets(doc) -> None:
    """III. The targets, with their chart."""
    _para(doc, "III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", "Heading PW1")
    _para(
        doc,
        "Kết quả thực hiện các chỉ tiêu của Kế hoạch (số liệu đến năm {{ years[-1] }}) "
        "như bảng dưới đây; giá trị gốc, giá trị từng năm và nguồn số liệu của từng chỉ "
        "tiêu tại Phụ lục {{ appendix.targets }}. Chỉ tiêu đã qua mốc được đánh giá đạt "
        "hoặc không đạt; chỉ tiêu chưa đến mốc được đánh giá theo phương pháp so sánh tốc "
        "độ tăng trưởng thực tế với tốc độ cần có để đạt chỉ tiêu đúng hạn. Các chỉ tiêu "
        "đếm mô hình, chuỗi liên kết, sản phẩm lấy số liệu từ danh mục đã xác minh (mỗi "
        "mô hình một lần, có minh chứng), nên có thể khác số lượng các đơn vị tự báo cáo "
        "ở mục II.",
    )
    _data_table(
        doc,
        ["TT", "Chỉ tiêu", "Mốc", "Giá trị gốc", "Giá trị đạt được (năm)", "Đánh giá"],
        [
            "{{ loop.index }}",
            "{{ t.text }}",
            "{{ t.milestone }}",
            "{{ t.baseline }}",
            "{{ t.value }} {{ t.unit if t.value else '' }}"
            "{% if t.value_year %} ({{ t.value_year }}){% endif %}"
            "{% if t.source == 'danh mục đã xác minh' %}, theo danh mục{% endif %}",
            "{{ t.status_label }}",
        ],
        [1.0, 6.6, 1.4, 2.2, 2.6, 2.2],
        "for t in targets",
    )
    _para(doc, "{{ chart_targets }}", "Cell", before=6)
    _tag(doc, "if chart_targets")
    _para(doc, "Hình 1. Tình hình thực hiện các chỉ tiêu", "Caption PW")
    _tag(doc, "endif")


def _compliance(doc) -> None:
    """IV. Who reported on time."""
    _para(doc, "IV. TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ", "Heading PW1")
    _data_table(
        doc,
        ["Năm", "Hạn báo cáo", "Phải báo cáo", "Đúng hạn", "Muộn", "Chưa báo cáo", "Đã chấp nhận"],
        [
            "{{ c.year }}",
            "{{ c.due_date.strftime('%d/%m/%Y') }}",
            "{{ c.expected }}",
            "{{ c.on_time }}",
            "{{ c.late }}",
            "{{ c.missing }}",
            "{{ c.accepted }}",
        ],
        [1.6, 2.6, 2.4, 2.2, 2.0, 2.6, 2.6],
        "for c in compliance_years",
    )
    _para(doc, "{{ chart_compliance }}", "Cell", before=6)
    _para(
        doc,
        "Tình hình báo cáo của từng đơn vị tại Phụ lục {{ appendix.compliance }}"
        "{% if not review %}, tóm tắt như sau:{% else %}.{% endif %}",
        before=6,
    )
    _tag(doc, "if not review")
    _data_table(
        doc,
        ["TT", "Đơn vị", "Đúng hạn", "Muộn", "Chưa báo cáo", "Ghi chú"],
        [
            "{{ loop.index }}",
            "{{ a.agency }}",
            "{{ a.on_time or '' }}",
            "{{ a.late or '' }}",
            "{{ a.missing or '' }}",
            "{{ a.detail }}",
        ],
        [1.0, 5.0, 1.8, 1.6, 2.0, 4.6],
        "for a in compliance",
    )
    _tag(doc, "endif")


MONEY_COLUMNS = ["Dự toán", "Được giao", "Đã sử dụng"]


def _money_table(doc, label: str, rows: str, total: bool = False) -> None:
    """TT, label, estimate, allocation, spending (triệu đồng) and rate of ``rows``."""
    cells = ["{{ f.label }}", "{{ f.estimated_m }}", "{{ f.allocated_m }}", "{{ f.spent_m }}",
             "{{ f.rate }}"]  # fmt: skip
    _data_table(
        doc,
        ["TT", label, *MONEY_COLUMNS, "Tỷ lệ"],
        ["{{ loop.index }}", *cells],
        [0.9, 6.4, 2.3, 2.3, 2.3, 1.8],
        f"for f in {rows}",
        total=["", *(c.replace("f.", "funds_total.") for c in cells)] if total else None,
    )


def _funds(doc) -> None:
    """V. The money as the funding pages show it: estimated, allocated, spent, the
    execution rate where an allocation exists; by group, year and source. Amounts in
    the tables in millions of đồng (never broken inside a cell); Phụ lục V in đồng."""
    _para(doc, "V. KINH PHÍ THỰC HIỆN", "Heading PW1", before=6)
    _para(
        doc,
        "Tổng kinh phí các đơn vị báo cáo đã sử dụng: {{ funds_reported_text }}"
        "{% if not budget_available %} (chưa có số liệu dự toán, phân bổ){% else %}; trong "
        "đó theo dự toán: {{ funds_total.spent_text or '0 đ' }}"
        "{% if funds_unbudgeted %}, cho nhiệm vụ không có trong dự toán: "
        "{{ funds_unbudgeted_text }}{% endif %}{% endif %}. "
        "{% if funds_rated_years %}Tỷ lệ sử dụng so với kinh phí được giao tính trên các năm "
        "đã có quyết định giao ({{ funds_rated_years|join(', ') }}): "
        "{{ funds_total.rate }}.{% elif budget_available %}Chưa có quyết định giao kinh phí "
        "nên chưa tính tỷ lệ sử dụng.{% endif %} Chi tiết tại Phụ lục {{ appendix.funds }}.",
    )
    _para(doc, "Đơn vị tính: triệu đồng", "Cell", italic=True, size=12,
          align=WD_ALIGN_PARAGRAPH.RIGHT)  # fmt: skip
    _money_table(doc, "Nhóm nhiệm vụ", "funds", total=True)
    _tag(doc, "if funds_sources")
    _para(doc, "Theo nguồn kinh phí:", before=6)
    _money_table(doc, "Nguồn", "funds_sources")
    _tag(doc, "endif")
    _tag(doc, "if review")
    _para(doc, "Theo năm:", before=6)
    _data_table(
        doc,
        ["Năm", *MONEY_COLUMNS, "Tỷ lệ"],
        ["{{ f.label }}", "{{ f.estimated_m }}", "{{ f.allocated_m }}", "{{ f.spent_m }}",
         "{{ f.rate }}"],
        [2.0, 3.6, 3.6, 3.6, 2.0],
        "for f in funds_years",
    )  # fmt: skip
    _para(doc, "{{ chart_funds }}", "Cell", before=6)
    _tag(doc, "endif")


def _difficulties(doc) -> None:
    """VI. The agencies' difficulties and proposals."""
    _para(doc, "VI. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ", "Heading PW1", before=6)
    _para(doc, "1. Khó khăn, vướng mắc", "Heading PW2")
    _tag(doc, "for n in notes_body if n.difficulties")
    _para(
        doc,
        "- {{ n.agency }}{% if review %} (năm {{ n.year }}){% endif %}: "
        "{{ n.difficulties|join(' ') }}",
    )
    _tag(doc, "else")
    _para(doc, "Các đơn vị không nêu khó khăn, vướng mắc.")
    _tag(doc, "endfor")
    _para(doc, "2. Đề xuất, kiến nghị", "Heading PW2")
    _tag(doc, "for n in notes_body if n.proposals")
    _para(
        doc,
        "- {{ n.agency }}{% if review %} (năm {{ n.year }}){% endif %}: "
        "{{ n.proposals|join(' ') }}",
    )
    _tag(doc, "else")
    _para(doc, "Các đơn vị không có đề xuất, kiến nghị.")
    _tag(doc, "endfor")


def _assessment(doc) -> None:
    """A review's assessment of the period: results against the targets, shortfalls
    and their causes, lessons."""
    _tag(doc, "if review")
    _para(doc, "VII. ĐÁNH GIÁ CHUNG", "Heading PW1", before=6)
    _para(doc, "1. Kết quả đạt được", "Heading PW2")
    _para(
        doc,
        "{{ targets_met|length }}/{{ targets|length }} chỉ tiêu đã đạt"
        "{% if targets_met %}: {% for t in targets_met %}{{ t.text }}"
        "{% if t.value %} (đạt {{ t.value }} {{ t.unit }}){% endif %}"
        "{% if not loop.last %}; {% endif %}{% endfor %}{% endif %}.",
    )
    _para(doc, "2. Tồn tại, hạn chế và nguyên nhân", "Heading PW2")
    _tag(doc, "for t in targets_missed")
    _para(doc, "- {{ t.text }}: {{ t.reason }}")
    _tag(doc, "endfor")
    _tag(doc, "for line in tasks_not_done")
    _para(doc, "- Nhiệm vụ {{ line }}")
    _tag(doc, "endfor")
    _tag(doc, "if not targets_missed and not tasks_not_done")
    _para(doc, "Không có chỉ tiêu không đạt hoặc nhiệm vụ không thực hiện.")
    _tag(doc, "endif")
    _para(doc, "3. Bài học kinh nghiệm", "Heading PW2")
    _tag(doc, "for line in lessons")
    _para(doc, "- {{ line }}")
    _tag(doc, "endfor")
    _tag(doc, "endif")


def _directions(doc) -> None:
    """VII (VIII in a review). The directions for next year or the next period."""
    _para(
        doc,
        "{% if review %}VIII{% else %}VII{% endif %}. PHƯƠNG HƯỚNG, NHIỆM VỤ "
        "{{ next_label|upper }}",
        "Heading PW1",
    )
    _para(
        doc,
        "Tiếp tục triển khai đồng bộ các nhiệm vụ của Kế hoạch"
        "{% if directions %}; trong {{ next_label }} tập trung các nhiệm vụ sau:{% else %}.{% endif %}",
    )
    _tag(doc, "for d in directions")
    _para(doc, "- {{ d.code }}. {{ d.content }} (chủ trì: {{ d.leads }}).")
    _tag(doc, "endfor")
    _tag(doc, "if directions_targets")
    _para(doc, "Đẩy nhanh tiến độ các chỉ tiêu chưa đạt yêu cầu:")
    _tag(doc, "for t in directions_targets")
    _para(doc, "- {{ t.text }} ({{ t.status_label|lower }}).")
    _tag(doc, "endfor")
    _tag(doc, "endif")
    _para(
        doc,
        "Trên đây là báo cáo {{ kind_phrase }} của {{ issuer_name }}, kính báo cáo "
        "UBND tỉnh, Bộ Công Thương xem xét, chỉ đạo./.",
    )


def _signature(doc) -> None:
    """ "Nơi nhận:" and the signature block."""
    end = doc.add_table(rows=1, cols=2)
    _no_borders(end)
    recipients, signature = end.rows[0].cells
    _cell_text(
        recipients, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT
    )
    for line in (
        "- Như trên;",
        "- Các sở, ban, ngành, địa phương;",
        "- Giám đốc, các Phó Giám đốc Sở;",
        "- Lưu: VT, QLCN.",
    ):
        p = recipients.add_paragraph(line, style="Recipients")
        p.runs[0].font.size = Pt(11)
    _cell_text(signature, "KT. GIÁM ĐỐC", bold=True, size=BODY_PT)
    _cell_text(signature, "PHÓ GIÁM ĐỐC", bold=True, size=BODY_PT)
    for _ in range(4):
        signature.add_paragraph(style="Cell")
    _cell_text(signature, "[Họ và tên]", bold=True, size=BODY_PT)
    _widths(end, [7.5, 8.5])


@functools.lru_cache(maxsize=1)
def default_template() -> bytes:
    return build_default_template()
