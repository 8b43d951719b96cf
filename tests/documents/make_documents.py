"""Writes the test documents of the importer (run from the project root):

    .venv/bin/python tests/documents/make_documents.py

The .docx files need only python-docx (a project dependency). The .pdf files need
reportlab (`pip install reportlab`), which the project does not otherwise use;
without it the committed PDFs are kept. The documents are written for the tests:
the seed as a Word document with real tables, and a plan of another province
(invented, in the usual administrative style) that uses the other wordings and
layouts the importer must read."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SEED = ROOT / "plans" / "data" / "ke-hoach-sxtdbv-quang-binh-2021.txt"


def _bold_row(row) -> None:
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.bold = True


def seed_docx() -> None:
    """The seed plan as a Word document: paragraphs, and the appendix as a real
    table with merged group rows, a bold header, and several paragraphs in a cell."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    doc = Document()
    rows = []
    for line in lines:
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        text = re.sub(r"\*+", "", line).strip()
        if text:
            doc.add_paragraph(text)
    header, body = rows[0], rows[1:]
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    _bold_row(table.rows[0])
    for cells in body:
        cells = cells + [""] * (len(header) - len(cells))
        row = table.add_row()
        first = cells[0].strip()
        if re.match(r"^[IVX]+\s+\S", first):  # number and title in one cell: merge the row
            merged = row.cells[0].merge(row.cells[-1])
            merged.text = first
            _bold_row(row)
            continue
        if re.match(r"^[IVX]+$", first):
            _bold_row(row)
        for i, text in enumerate(cells):
            text = text.strip()
            if ";" in text and i == 2:  # several lead agencies: one paragraph each
                parts = [p.strip() for p in text.split(";")]
                row.cells[i].text = parts[0] + ";"
                for part in parts[1:]:
                    row.cells[i].add_paragraph(part)
            else:
                row.cells[i].text = text
        if re.match(r"^[IVX]+$", first):
            _bold_row(row)
    doc.save(HERE / "seed-quang-binh-2021.docx")


HA_TINH_BODY = [
    "KẾ HOẠCH",
    "Triển khai thực hiện Chương trình hành động quốc gia về sản xuất và tiêu dùng bền vững "
    "trên địa bàn tỉnh Hà Tĩnh giai đoạn 2021 - 2030",
    "Căn cứ Quyết định số 889/QĐ-TTg ngày 24/6/2020 của Thủ tướng Chính phủ phê duyệt "
    "Chương trình hành động quốc gia về sản xuất và tiêu dùng bền vững giai đoạn 2021 - 2030;",
    "Ủy ban nhân dân tỉnh ban hành Kế hoạch triển khai thực hiện như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Mục đích",
    "- Cụ thể hóa các nhiệm vụ của Chương trình phù hợp với điều kiện của tỉnh.",
    "2. Yêu cầu",
    "- Các cơ quan, đơn vị chủ động phối hợp, triển khai đồng bộ.",
    "II. MỤC TIÊU",
    "1. Mục tiêu chung",
    "Thúc đẩy sản xuất và tiêu dùng bền vững, sử dụng hiệu quả tài nguyên, góp phần phát "
    "triển kinh tế tuần hoàn trên địa bàn tỉnh.",
    "2. Mục tiêu cụ thể",
    "2.1. Đến năm 2025",
    "a) Tiết kiệm từ 5% đến 8% mức tiêu hao năng lượng trong các cơ sở sản xuất công nghiệp;",
    "b) Tối thiểu 03 mô hình sản xuất sạch hơn được xây dựng và nhân rộng;",
    "c) Trên 90% chất thải rắn sinh hoạt đô thị được thu gom, xử lý;",
    "d) 100% siêu thị, trung tâm thương mại sử dụng bao bì thân thiện môi trường;",
    "đ) Đạt 01- 02 chuỗi liên kết sản phẩm chủ lực;",
    "e) Giảm thiểu 40-50% túi nilon khó phân hủy tại các chợ đạt chuẩn nông thôn mới nâng cao "
    "và 30% tại các chợ đạt chuẩn nông thôn mới.",
    "2.2. Đến năm 2030",
    "a) Giảm 7 - 10% mức tiêu hao nguyên, nhiên vật liệu trong các ngành sản xuất chính;",
    "b) Nhân rộng các mô hình kinh tế tuần hoàn trên địa bàn tỉnh.",
    "III. NHIỆM VỤ VÀ GIẢI PHÁP",
    "Chi tiết tại Phụ lục kèm theo Kế hoạch này.",
    "IV. KINH PHÍ THỰC HIỆN",
    "Từ nguồn ngân sách nhà nước theo phân cấp và các nguồn hợp pháp khác.",
    "V. TỔ CHỨC THỰC HIỆN",
    "1. Sở Công Thương",
    "a) Là cơ quan thường trực, theo dõi, đôn đốc việc thực hiện Kế hoạch;",
    "b) Tổng hợp, báo cáo UBND tỉnh và Bộ Công Thương kết quả thực hiện hằng năm.",
    "2. Sở Tài chính",
    "Tham mưu bố trí kinh phí thực hiện Kế hoạch theo quy định.",
    "3. Các sở, ban, ngành, UBND các huyện, thành phố, thị xã",
    "Định kỳ báo cáo kết quả thực hiện về Sở Công Thương trước ngày 05 tháng 12 hằng năm để "
    "tổng hợp.",
    "Nơi nhận:",
    "- Bộ Công Thương;",
    "- Lưu: VT, KT.",
    "TM. ỦY BAN NHÂN DÂN",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "Nguyễn Văn Hải",
    "Phụ lục",
    "DANH MỤC NHIỆM VỤ TRIỂN KHAI KẾ HOẠCH",
    "(Kèm theo Kế hoạch số 57/KH-UBND ngày 08/3/2021 của UBND tỉnh Hà Tĩnh)",
]
HA_TINH_HEADER = [
    "TT",
    "Nội dung công việc",
    "Sản phẩm",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian hoàn thành",
    "Ghi chú",
]
HA_TINH_ROWS = [
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
    ["1", "Tuyên truyền, nâng cao nhận thức", "", "", "", "", ""],
    [
        "1.1",
        "Tuyên truyền về sản xuất và tiêu dùng bền vững trên báo, đài",
        "Tin, bài",
        "Đài PT-TH tỉnh",
        "Sở Công Thương",
        "Hằng năm",
        "",
    ],
    [
        "1.2",
        "Đưa nội dung tiêu dùng bền vững vào hoạt động ngoại khóa",
        "Kế hoạch",
        "Sở GD&ĐT",
        "Hội Liên hiệp Phụ nữ tỉnh",
        "Giai đoạn 2021-2025",
        "",
    ],
    [
        "1.3",
        "Tập huấn cho doanh nghiệp về sản xuất sạch hơn",
        "Lớp tập huấn",
        "Sở Công Thương; Sở NN&PTNT",
        "UBND các huyện, thành phố, thị xã",
        "Quý IV hằng năm",
        "",
    ],
    ["2", "Quản lý tài nguyên và sản xuất sạch hơn", "", "", "", "", ""],
    [
        "2.1",
        "Rà soát quy hoạch khai thác khoáng sản",
        "Báo cáo",
        "Sở TN&MT",
        "Các sở, ban, ngành liên quan",
        "Năm 2022",
        "",
    ],
    [
        "2.2",
        "Ban hành danh mục dự án ưu tiên đầu tư công nghệ sạch",
        "Quyết định",
        "Sở KH&ĐT",
        "Sở Tài chính",
        "Quý III/2022",
        "Trình UBND tỉnh",
    ],
    [
        "2.3",
        "Ứng dụng tiến bộ khoa học công nghệ trong sản xuất",
        "Mô hình",
        "Sở KH&CN",
        "Các doanh nghiệp",
        "Thường xuyên",
        "",
    ],
    [
        "2.4",
        "Hướng dẫn lưu trú du lịch áp dụng nhãn xanh",
        "Hướng dẫn",
        "Sở VHTT&DL",
        "UBND các huyện, thành phố, thị xã",
        "Năm 2023; cập nhật khi có thay đổi",
        "",
    ],
    [
        "2.5",
        "Đào tạo nghề gắn với việc làm xanh",
        "Lớp đào tạo",
        "Sở LĐ-TB&XH",
        "Các cơ sở giáo dục nghề nghiệp",
        "2021 – 2023 (và khi có sự thay đổi)",
        "",
    ],
    [
        "2.6",
        "Phát triển phương tiện công cộng dùng năng lượng sạch",
        "Đề án",
        "Sở GTVT",
        "Sở Tài chính, Sở KH&ĐT",
        "2021-2030",
        "",
    ],
]


def ha_tinh_docx() -> None:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    head = doc.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    left.text = "ỦY BAN NHÂN DÂN"
    left.add_paragraph("TỈNH HÀ TĨNH")
    left.add_paragraph("Số: 57/KH-UBND")
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    right.add_paragraph("Hà Tĩnh, ngày 08 tháng 3 năm 2021")
    for text in HA_TINH_BODY:
        paragraph = doc.add_paragraph(text)
        if text.isupper() or re.match(r"^[IVX]+\.", text):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if text == "KẾ HOẠCH" else None
            for run in paragraph.runs:
                run.bold = True
    table = doc.add_table(rows=1, cols=len(HA_TINH_HEADER))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HA_TINH_HEADER, strict=True):
        cell.text = text
    _bold_row(table.rows[0])
    for values in HA_TINH_ROWS:
        row = table.add_row()
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
        if values[0].isdigit():
            _bold_row(row)
    doc.save(HERE / "ha-tinh-57-kh-ubnd-2021.docx")


NGHE_AN_BODY = [
    "KẾ HOẠCH",
    "Thúc đẩy sản xuất và tiêu dùng bền vững trên địa bàn tỉnh Nghệ An năm 2022",
    "Thực hiện Quyết định số 889/QĐ-TTg ngày 24 tháng 6 năm 2020 của Thủ tướng Chính phủ phê "
    "duyệt Chương trình hành động quốc gia về sản xuất và tiêu dùng bền vững giai đoạn 2021 - "
    "2030, UBND tỉnh ban hành Kế hoạch năm 2022 như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "+ Triển khai kịp thời các nhiệm vụ năm 2022.",
    "II. MỤC TIÊU",
    "1. Mục tiêu chung",
    "Nâng cao nhận thức của doanh nghiệp và người dân về sản xuất và tiêu dùng bền vững.",
    "2. Mục tiêu cụ thể",
    "Đến hết năm 2022:",
    "+ Tổ chức ít nhất 05 lớp tập huấn về sản xuất sạch hơn;",
    "+ 80% các chợ đạt chuẩn nông thôn mới thực hiện phân loại rác tại nguồn;",
    "+ Hỗ trợ 02 doanh nghiệp áp dụng nhãn sinh thái.",
    "III. TỔ CHỨC THỰC HIỆN",
    "1. Sở Công Thương chủ trì theo dõi, tổng hợp; báo cáo kết quả về UBND tỉnh trước ngày "
    "15/12/2022.",
    "2. Các sở, ban, ngành, UBND các huyện, thành phố, thị xã báo cáo kết quả gửi Sở Công "
    "Thương trước ngày 30/11 hằng năm.",
    "PHỤ LỤC: NHIỆM VỤ NĂM 2022",
]
NGHE_AN_HEADER = [
    ["TT", "Nhiệm vụ", "Đơn vị thực hiện", "", "Thời gian", "Kết quả"],
    ["", "", "Chủ trì", "Phối hợp", "", ""],
]
NGHE_AN_ROWS = [
    ["I.", "Tuyên truyền, tập huấn", "", "", "", ""],
    [
        "1",
        "Tập huấn sản xuất sạch hơn cho doanh nghiệp",
        "Sở Công Thương",
        "Sở KH&CN",
        "Quý II/2022",
        "05 lớp",
    ],
    [
        "2",
        "Tuyên truyền trên Báo Nghệ An",
        "Sở Thông tin và Truyền thông",
        "Báo Nghệ An",
        "Trong năm 2022",
        "Chuyên mục",
    ],
    ["II.", "Hỗ trợ doanh nghiệp", "", "", "", ""],
    [
        "1",
        "Hỗ trợ doanh nghiệp đăng ký nhãn sinh thái",
        "Sở Tài nguyên và Môi trường",
        "Sở Công Thương, các doanh nghiệp",
        "Tháng 6/2022",
        "02 doanh nghiệp",
    ],
    ["", "(ưu tiên doanh nghiệp nhỏ và vừa)", "", "", "", ""],
]


def nghe_an_docx() -> None:
    """An annual plan in yet another layout: a two-row table header with "Đơn vị
    thực hiện" over "Chủ trì | Phối hợp", Roman groups with dots, "+" bullets, a
    numeric date and an abbreviated issuer line."""
    doc = Document()
    head = doc.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    left.text = "UBND TỈNH NGHỆ AN"
    left.add_paragraph("Số: 123/KH-UBND")
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    right.add_paragraph("Nghệ An, ngày 15/4/2022")
    for text in NGHE_AN_BODY:
        doc.add_paragraph(text)
    table = doc.add_table(rows=2, cols=6)
    table.style = "Table Grid"
    for r, values in enumerate(NGHE_AN_HEADER):
        for cell, text in zip(table.rows[r].cells, values, strict=True):
            cell.text = text
    table.rows[0].cells[2].merge(table.rows[0].cells[3])
    for values in NGHE_AN_ROWS:
        row = table.add_row()
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
    doc.save(HERE / "nghe-an-123-kh-ubnd-2022.docx")


def ha_tinh_markdown() -> None:
    """The same plan as Markdown with a pipe table (and a bold group row)."""
    out = [
        "**ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH**",
        "",
        "Số: 57/KH-UBND",
        "",
        "Hà Tĩnh, ngày 08 tháng 3 năm 2021",
        "",
    ]
    for text in HA_TINH_BODY:
        out += [("## " + text) if re.match(r"^[IVX]+\.", text) else text, ""]
    out.append("| " + " | ".join(HA_TINH_HEADER) + " |")
    out.append("|" + "---|" * len(HA_TINH_HEADER))
    for values in HA_TINH_ROWS:
        cells = [f"**{v}**" if values[0].isdigit() and v else v for v in values]
        out.append("| " + " | ".join(cells) + " |")
    (HERE / "ha-tinh-57-kh-ubnd-2021.md").write_text("\n".join(out) + "\n", encoding="utf-8")


def pdfs() -> None:
    try:
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        from reportlab.pdfgen import canvas
        from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    except ImportError:
        print("reportlab is not installed: the committed PDFs are kept.", file=sys.stderr)
        return
    font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    pdfmetrics.registerFont(TTFont("DejaVu", font))
    style = ParagraphStyle("v", fontName="DejaVu", fontSize=10, leading=13)
    cell = ParagraphStyle("c", fontName="DejaVu", fontSize=8, leading=10)
    story = [
        Paragraph(t, style)
        for t in [
            "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
            "Số: 57/KH-UBND",
            "Hà Tĩnh, ngày 08 tháng 3 năm 2021",
            *HA_TINH_BODY,
        ]
    ]
    story.append(Spacer(1, 6))
    data = [[Paragraph(v, cell) for v in row] for row in [HA_TINH_HEADER, *HA_TINH_ROWS]]
    table = Table(data, colWidths=[28, 130, 55, 70, 80, 70, 45], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story.append(table)
    SimpleDocTemplate(str(HERE / "ha-tinh-57-kh-ubnd-2021.pdf"), pagesize=A4).build(story)
    # An encrypted PDF and a PDF with no text (as a scanned image would be).
    c = canvas.Canvas(str(HERE / "bad-encrypted.pdf"), encrypt="mat-khau")
    c.setFont("DejaVu", 12)
    c.drawString(72, 720, "Kế hoạch bí mật")
    c.save()
    c = canvas.Canvas(str(HERE / "bad-image-only.pdf"))
    c.setFillColorRGB(0.2, 0.2, 0.2)
    for i in range(30):
        c.rect(72, 700 - i * 20, 400, 12, fill=1, stroke=0)
    c.save()


if __name__ == "__main__":
    seed_docx()
    ha_tinh_docx()
    ha_tinh_markdown()
    nghe_an_docx()
    pdfs()
    print("written:", ", ".join(sorted(p.name for p in HERE.iterdir() if p.suffix != ".py")))
