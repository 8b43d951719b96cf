"""Plan documents written for the importer's tests, in styles unlike the seed's
(other provinces and programmes, a plan annexed to its decision, a two-row
merged header, a table without ruling lines on landscape pages with running
headers and footers, an inline table), each with the plan a careful clerk would
read from it. The tests make the .docx here, and the .doc, the PDF and the scan
from it with LibreOffice, pdftoppm and Pillow."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

# Lâm Đồng: a plan annexed to the decision that issues it ---------------------------

DECISION = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH LÂM ĐỒNG",
    "Số: 1526/QĐ-UBND",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Lâm Đồng, ngày 12 tháng 7 năm 2022",
    "QUYẾT ĐỊNH",
    "Về việc ban hành Kế hoạch phát triển du lịch cộng đồng giai đoạn 2022 - 2025",
    "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Quyết định số 922/QĐ-TTg ngày 02/8/2022 của Thủ tướng Chính phủ phê duyệt "
    "Chương trình phát triển du lịch cộng đồng;",
    "Theo đề nghị của Giám đốc Sở Văn hóa, Thể thao và Du lịch.",
    "QUYẾT ĐỊNH:",
    "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phát triển du lịch cộng đồng "
    "giai đoạn 2022 - 2025.",
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
    "Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc các sở, ngành và Chủ tịch UBND các xã, "
    "phường chịu trách nhiệm thi hành Quyết định này.",
    "Nơi nhận:",
    "- Như Điều 3;",
    "- Bộ Văn hóa, Thể thao và Du lịch;",
    "- Lưu: VT, VX.",
    "TM. ỦY BAN NHÂN DÂN",
    "CHỦ TỊCH",
    "Trần Văn Hiệp",
]

PLAN_BODY = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH LÂM ĐỒNG",
    "KẾ HOẠCH",
    "Phát triển du lịch cộng đồng giai đoạn 2022 - 2025",
    "(Ban hành kèm theo Quyết định số 1526/QĐ-UBND ngày 12/7/2022 của UBND tỉnh Lâm Đồng)",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "- Khai thác bền vững tiềm năng văn hóa của đồng bào các dân tộc.",
    "II. MỤC TIÊU",
    "1. Mục tiêu chung",
    "Phát triển du lịch cộng đồng gắn với bảo tồn bản sắc văn hóa, tạo sinh kế "
    "cho người dân vùng nông thôn.",
    "2. Mục tiêu cụ thể",
    "a) Đến năm 2025",
    "- Có ít nhất 20 điểm du lịch cộng đồng được công nhận;",
    "- 100% cán bộ phụ trách văn hóa cấp xã được tập huấn về du lịch cộng đồng;",
    "- Giảm 30% lượng rác thải nhựa tại các điểm du lịch.",
    "III. NHIỆM VỤ, GIẢI PHÁP",
    "Chi tiết tại Phụ lục kèm theo.",
    "IV. KINH PHÍ THỰC HIỆN",
    "Từ ngân sách tỉnh và nguồn xã hội hóa.",
    "V. TỔ CHỨC THỰC HIỆN",
    "1. Sở Văn hóa, Thể thao và Du lịch",
    "- Là cơ quan thường trực, hướng dẫn, theo dõi việc thực hiện Kế hoạch;",
    "- Tổng hợp, báo cáo UBND tỉnh kết quả thực hiện.",
    "2. UBND các xã, phường",
    "- Bố trí quỹ đất cho các điểm du lịch cộng đồng.",
    "3. Chế độ báo cáo",
    "- Các sở, ngành và UBND các xã, phường gửi báo cáo kết quả thực hiện về Sở Văn hóa, "
    "Thể thao và Du lịch trước ngày 15/12 hằng năm.",
    "Nơi nhận:",
    "- Các sở, ngành;",
    "- Lưu: VT.",
    "TM. ỦY BAN NHÂN DÂN",
    "CHỦ TỊCH",
    "Trần Văn Hiệp",
]

# (TT, content, lead, partners, timeframe); a row without a lead is a group.
TASKS = [
    ("I", "Phát triển sản phẩm du lịch", "", "", ""),
    (
        "1",
        "Xây dựng bộ tiêu chí điểm du lịch cộng đồng của tỉnh",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Năm 2023",
    ),
    (
        "2",
        "Hỗ trợ các hộ gia đình làm dịch vụ lưu trú tại nhà dân",
        "UBND các xã, phường",
        "Hội Liên hiệp Phụ nữ tỉnh",
        "2022 - 2025",
    ),
    ("II", "Quảng bá và đào tạo", "", "", ""),
    (
        "1",
        "Tập huấn kỹ năng phục vụ khách cho người dân",
        "Sở Văn hóa, Thể thao và Du lịch",
        "UBND các xã, phường",
        "Hằng năm",
    ),
    (
        "2",
        "Quảng bá điểm đến trên cổng thông tin du lịch của tỉnh",
        "Trung tâm Xúc tiến Du lịch tỉnh",
        "Sở Thông tin và Truyền thông",
        "Quý IV/2023",
    ),
]

EXPECTED_LAM_DONG = {
    "issuer": "UBND tỉnh Lâm Đồng",
    "decision": {"number": "1526/QĐ-UBND", "date": "2022-07-12"},
    "implements": [{"number": "922/QĐ-TTg", "date": "2022-08-02"}],
    "title": "Kế hoạch phát triển du lịch cộng đồng giai đoạn 2022 - 2025",
    "period": {"start": 2022, "end": 2025},
    "coordinator": "Sở Văn hóa, Thể thao và Du lịch",
    "report_due": {"month": 12, "day": 15},
    "general_objective": "Phát triển du lịch cộng đồng gắn với bảo tồn bản sắc văn hóa, "
    "tạo sinh kế cho người dân vùng nông thôn.",
    "targets": [
        (2025, "count", 20, None, "điểm"),  # "20 điểm du lịch": the counting noun
        (2025, "share", 100, None, "%"),
        (2025, "reduction", 30, None, "%"),
    ],
    "task_groups": [
        (
            "I",
            "Phát triển sản phẩm du lịch",
            [
                ("1", TASKS[1][1], [TASKS[1][2]], [TASKS[1][3]], ("Năm 2023", 2023, 2023, "once")),
                (
                    "2",
                    TASKS[2][1],
                    [TASKS[2][2]],
                    [TASKS[2][3]],
                    ("2022 - 2025", 2022, 2025, "period"),
                ),
            ],
        ),
        (
            "II",
            "Quảng bá và đào tạo",
            [
                (
                    "1",
                    TASKS[4][1],
                    [TASKS[4][2]],
                    [TASKS[4][3]],
                    ("Hằng năm", 2022, 2025, "annual"),
                ),
                (
                    "2",
                    TASKS[5][1],
                    [TASKS[5][2]],
                    [TASKS[5][3]],
                    ("Quý IV/2023", 2023, 2023, "once"),
                ),
            ],
        ),
    ],
    "duties": ["Sở Văn hóa, Thể thao và Du lịch", "UBND các xã, phường"],
}


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _field(paragraph, instruction: str) -> None:
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def _two_row_header(table) -> None:
    """TT, Nội dung and Thời gian merged down; "Đơn vị thực hiện" over Chủ trì | Phối hợp."""
    top, below = table.rows[0].cells, table.rows[1].cells
    for index, text in ((0, "TT"), (1, "Nội dung nhiệm vụ"), (4, "Thời gian thực hiện")):
        merged = top[index].merge(below[index])
        merged.text = text
    over = top[2].merge(top[3])
    over.text = "Đơn vị thực hiện"
    below[2].text, below[3].text = "Chủ trì", "Phối hợp"


def _add_task_table(doc, tasks, *, two_rows: bool, ruled: bool, widths=(1.0, 6.0, 3.5, 3.5, 2.5)):
    from docx.shared import Cm

    header_rows = 2 if two_rows else 1
    table = doc.add_table(rows=header_rows, cols=5)
    if ruled:
        table.style = "Table Grid"
    else:
        _no_borders(table)
    if two_rows:
        _two_row_header(table)
    else:
        titles = ["STT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn"]
        for cell, text in zip(table.rows[0].cells, titles, strict=True):
            cell.text = text
    for row in table.rows[:header_rows]:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated on each page
    for cells in tasks:
        row = table.add_row()
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Cm(width)
    return table


def lam_dong_docx(*, ruled: bool = True, decision: bool = True) -> bytes:
    """The decision, then the plan it issues, the tasks in a two-row header table."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(12)
    if decision:
        for text in DECISION:
            doc.add_paragraph(text)
        doc.add_page_break()
    for text in PLAN_BODY:
        doc.add_paragraph(text)
    doc.add_page_break()
    doc.add_paragraph("PHỤ LỤC")
    doc.add_paragraph("DANH MỤC NHIỆM VỤ PHÁT TRIỂN DU LỊCH CỘNG ĐỒNG")
    _add_task_table(doc, TASKS, two_rows=True, ruled=ruled)
    return _save(doc)


# Cần Thơ: the appendix on landscape pages, a table without ruling lines ------------

CAN_THO_BODY = [
    "ỦY BAN NHÂN DÂN",
    "THÀNH PHỐ CẦN THƠ",
    "Số: 45/KH-UBND",
    "Cần Thơ, ngày 20 tháng 3 năm 2023",
    "KẾ HOẠCH",
    "Thực hiện Chương trình chuyển đổi số trong giáo dục giai đoạn 2023 - 2027",
    "Thực hiện Quyết định số 131/QĐ-TTg ngày 25/01/2022 của Thủ tướng Chính phủ phê duyệt "
    "Đề án và Chương trình chuyển đổi số trong giáo dục, UBND thành phố ban hành Kế hoạch như sau:",
    "I. MỤC TIÊU",
    "1. Mục tiêu chung",
    "Ứng dụng công nghệ số trong dạy, học và quản lý giáo dục.",
    "2. Mục tiêu cụ thể",
    "a) Đến năm 2025",
    "- 80% trường phổ thông có hệ thống quản lý học tập trực tuyến;",
    "b) Đến năm 2027",
    "- 100% giáo viên được bồi dưỡng kỹ năng số.",
    "II. TỔ CHỨC THỰC HIỆN",
    "1. Sở Giáo dục và Đào tạo",
    "- Chủ trì, theo dõi và tổng hợp kết quả, báo cáo UBND thành phố trước ngày 20/11 hằng năm.",
    "2. Sở Tài chính",
    "- Tham mưu bố trí kinh phí thực hiện.",
]

CAN_THO_TASKS = [
    ("I", "Hạ tầng số", "", "", ""),
]
for _n in range(1, 13):
    CAN_THO_TASKS.append(
        (
            str(_n),
            f"Trang bị phòng học số và thiết bị trình chiếu cho các trường thuộc cụm {_n}, "
            "bảo đảm kết nối mạng tốc độ cao",
            "Sở Giáo dục và Đào tạo",
            "Sở Thông tin và Truyền thông",
            "Năm 2024" if _n % 2 else "2023 - 2025",
        )
    )
CAN_THO_TASKS.append(("II", "Học liệu số", "", "", ""))
CAN_THO_TASKS.append(
    ("1", "Xây dựng kho học liệu số dùng chung", "Sở Giáo dục và Đào tạo", "Các trường", "Hằng năm")
)

RUNNING_HEADER = "Kế hoạch số 45/KH-UBND của UBND thành phố Cần Thơ"


def can_tho_docx() -> bytes:
    """Portrait body, then a landscape appendix whose task table has no ruling lines,
    runs over several pages with its header repeated, under a running header and a
    "Trang N" footer."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(12)
    section = doc.sections[0]
    section.header.paragraphs[0].text = RUNNING_HEADER
    footer = section.footer.paragraphs[0]
    footer.add_run("Trang ")
    _field(footer, "PAGE")
    for text in CAN_THO_BODY:
        doc.add_paragraph(text)
    landscape = doc.add_section()
    landscape.orientation = WD_ORIENT.LANDSCAPE
    landscape.page_width, landscape.page_height = section.page_height, section.page_width
    doc.add_paragraph("Phụ lục")
    doc.add_paragraph("CÁC NHIỆM VỤ CHUYỂN ĐỔI SỐ TRONG GIÁO DỤC")
    _add_task_table(
        doc, CAN_THO_TASKS, two_rows=False, ruled=False, widths=(1.5, 11.0, 5.0, 5.0, 3.5)
    )
    return _save(doc)


def _save(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def libreoffice(data: bytes, suffix: str, target: str) -> bytes:
    """``data`` (a .docx) converted by LibreOffice: "pdf", "doc:MS Word 97"."""
    from plans.importer.convert import convert

    return convert(data, f"tai-lieu{suffix}", target)


def word97(docx: bytes) -> bytes:
    """A .docx saved as Word 97-2003 (.doc), as an office would have it. Through
    OpenDocument: LibreOffice 7.4 drops the tables of a .docx saved straight to .doc."""
    return libreoffice(libreoffice(docx, ".docx", "odt"), ".odt", "doc:MS Word 97")


def scan(pdf: bytes, dpi: int = 300) -> bytes:
    """A text PDF as a scan would be: every page an image, no text."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), str(Path(tmp) / "p")],
            check=True,
        )
        images = [Image.open(p).convert("L") for p in sorted(Path(tmp).glob("p*.png"))]
        out = io.BytesIO()
        images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
        return out.getvalue()


def _can_tho_task(cells) -> tuple:
    number, content, lead, partners, timeframe = cells
    if timeframe == "Hằng năm":
        span = (timeframe, 2023, 2027, "annual")
    elif timeframe.startswith("Năm"):
        span = (timeframe, 2024, 2024, "once")
    else:
        span = (timeframe, 2023, 2025, "period")
    return (number, content, [lead], [partners], span)


EXPECTED_CAN_THO = {
    "issuer": "UBND thành phố Cần Thơ",
    "decision": {"number": "45/KH-UBND", "date": "2023-03-20"},
    "implements": [{"number": "131/QĐ-TTg", "date": "2022-01-25"}],
    "title": "Kế hoạch thực hiện Chương trình chuyển đổi số trong giáo dục giai đoạn 2023 - 2027",
    "period": {"start": 2023, "end": 2027},
    "coordinator": "Sở Giáo dục và Đào tạo",
    "report_due": {"month": 11, "day": 20},
    "general_objective": "Ứng dụng công nghệ số trong dạy, học và quản lý giáo dục.",
    "targets": [(2025, "share", 80, None, "%"), (2027, "share", 100, None, "%")],
    "task_groups": [
        ("I", "Hạ tầng số", [_can_tho_task(c) for c in CAN_THO_TASKS[1:13]]),
        ("II", "Học liệu số", [_can_tho_task(CAN_THO_TASKS[14])]),
    ],
    "duties": ["Sở Giáo dục và Đào tạo", "Sở Tài chính"],
}


def can_tho_inline_docx() -> bytes:
    """The same plan with its task table inline, in section "II. NHIỆM VỤ", with no
    "Phụ lục" heading, and the organisation after it."""
    doc = Document()
    at = CAN_THO_BODY.index("II. TỔ CHỨC THỰC HIỆN")
    for text in CAN_THO_BODY[:at]:
        doc.add_paragraph(text)
    doc.add_paragraph("II. NHIỆM VỤ")
    _add_task_table(doc, CAN_THO_TASKS, two_rows=False, ruled=True)
    for text in ["III. TỔ CHỨC THỰC HIỆN", *CAN_THO_BODY[at + 1 :]]:
        doc.add_paragraph(text)
    return _save(doc)


# The Cần Thơ plan as plain text (the table tab-separated), for the wording cases.
CAN_THO_TEXT = (
    "\n".join(
        [
            *CAN_THO_BODY,
            "Phụ lục",
            "STT\tNội dung công việc\tCơ quan chủ trì\tCơ quan phối hợp\tThời hạn",
        ]
        + ["\t".join(row) for row in CAN_THO_TASKS]
    )
    + "\n"
)
