"""Reading a plan document into one simple model: paragraphs and tables in
order, each with where it stands in the source (a line or a table row).

Readers: .txt/.md (tab-separated or pipe tables), .docx (python-docx: real Word
tables, merged cells, several paragraphs in one cell), text-based .pdf
(pdfplumber). Every reader refuses bad files with a Vietnamese message. Plain
Python: no Django."""

from __future__ import annotations

import html
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

MAX_BYTES = 20 * 1024 * 1024  # a plan is a few hundred kB; 20 MB is generous
MAX_UNZIPPED = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_PDF_PAGES = 300
EXTENSIONS = (".docx", ".txt", ".md", ".pdf")


class DocumentError(ValueError):
    """A document that cannot be read; the message is Vietnamese and says why."""


@dataclass
class Paragraph:
    text: str
    where: str  # "dòng 12", "đoạn 4", "trang 2"
    bold: bool = False


@dataclass
class Row:
    cells: list[str]
    where: str
    bold: bool = False


@dataclass
class Table:
    rows: list[Row]
    where: str


@dataclass
class Document:
    items: list[Paragraph | Table]
    source_lines: list[str] = field(default_factory=list)  # for the preview
    kind: str = "txt"

    def paragraphs(self) -> list[Paragraph]:
        return [i for i in self.items if isinstance(i, Paragraph)]

    def tables(self) -> list[Table]:
        return [i for i in self.items if isinstance(i, Table)]


_TAG = re.compile(r"<[^>]{0,200}>")
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_cell(text: str) -> str:
    """NFC, HTML tags removed and entities decoded (never rendered), spaces folded."""
    text = unicodedata.normalize("NFC", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = "".join(ch for ch in text if ch in "\n" or unicodedata.category(ch)[0] != "C")
    lines = [_SPACES.sub(" ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def read(data: bytes, filename: str) -> Document:
    """Read a document; raise DocumentError with the reason if it cannot be read."""
    name = (filename or "").lower()
    if not data:
        raise DocumentError("Tệp rỗng: không có nội dung để đọc.")
    if len(data) > MAX_BYTES:
        raise DocumentError(
            f"Tệp quá lớn ({len(data) // (1024 * 1024)} MB); tối đa {MAX_BYTES // (1024 * 1024)} MB."
        )
    if name.endswith(".docx"):
        return read_docx(data)
    if name.endswith(".pdf"):
        return read_pdf(data)
    if name.endswith((".txt", ".md")):
        return read_text(data)
    raise DocumentError("Chỉ nhận tệp .docx, .txt, .md hoặc .pdf.")


# Text and Markdown ----------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16, as Windows Notepad may save
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise DocumentError("Tệp văn bản UTF-16 bị hỏng.") from None
    if b"\x00" in data[:4096]:
        raise DocumentError("Tệp không phải văn bản (có dữ liệu nhị phân).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError(
            "Tệp không phải văn bản UTF-8 (có thể là tệp nhị phân hoặc mã hóa "
            "cũ như TCVN3/VNI); hãy lưu lại dạng UTF-8."
        ) from None
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    if printable < 0.95 * len(text):
        raise DocumentError("Tệp không phải văn bản (có dữ liệu nhị phân).")
    return text


_EMPHASIS = re.compile(r"(\*{1,2}|_{2})(?=\S)(.+?)(?<=\S)\1")


def strip_emphasis(text: str) -> str:
    """Markdown emphasis (*a*, **b**, __c__) removed; stray ** at an end too."""
    text = _EMPHASIS.sub(r"\2", text)
    return re.sub(r"^\*{1,2}(?=\S)|(?<=\S)\*{1,2}$", "", text)


_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def read_text(data: bytes) -> Document:
    """Plain text or Markdown: a line with tabs, or a pipe table line, is a table row;
    rows separated only by blank lines belong to one table."""
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    items: list[Paragraph | Table] = []
    current: Table | None = None
    for number, raw in enumerate(lines, start=1):
        where = f"dòng {number}"
        stripped = raw.strip()
        if not stripped:
            continue
        cells = None
        if "\t" in raw:
            cells = raw.split("\t")
        elif stripped.startswith("|") and stripped.count("|") >= 2:
            if _PIPE_SEPARATOR.match(stripped):
                continue
            cells = stripped.strip("|").split("|")
        if cells is not None:
            cells = [
                strip_emphasis(clean_cell(c.replace("<br>", "\n").replace("<br/>", "\n")))
                for c in cells
            ]
            bold = all(c.startswith("**") and c.endswith("**") for c in cells if c)
            cells = [c.strip("*").strip() if bold else c for c in cells]
            if current is None:
                current = Table([], where)
                items.append(current)
            current.rows.append(Row(cells, where, bold))
            continue
        current = None
        bold = stripped.startswith("**") and stripped.endswith("**") and len(stripped) > 4
        para = strip_emphasis(clean_cell(stripped.strip("*").strip() if bold else stripped))
        para = re.sub(r"^#+\s*", "", para)  # Markdown headings
        if para:
            items.append(Paragraph(para, where, bold))
    return Document(items, lines, "txt")


# Word ----------------------------------------------------------------------


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocumentError("Tệp .docx bị hỏng hoặc không phải tệp Word (.docx).") from None
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.flag_bits & 0x1:
            raise DocumentError("Tệp Word được đặt mật khẩu; hãy gỡ mật khẩu rồi tải lên lại.")
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNZIPPED or (info.file_size > 1_000_000 and ratio > MAX_ZIP_RATIO):
            raise DocumentError(
                "Tệp Word có nội dung nén bất thường (nghi tệp độc hại); không đọc."
            )
    if "word/document.xml" not in archive.namelist():
        raise DocumentError("Tệp không phải văn bản Word (.docx): thiếu phần nội dung.")
    from planwatch import uploads

    try:
        uploads.check_document(data)  # no program, no macro inside
    except uploads.UploadRefused as exc:
        raise DocumentError(str(exc)) from None
    return archive


def read_docx(data: bytes) -> Document:
    """Paragraphs and real tables in document order; merged cells read once."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DocumentError(
            "Đây là tệp Word cũ (.doc) hoặc tệp được mã hóa; hãy lưu thành .docx rồi tải lên lại."
        )
    _check_zip(data)
    import docx  # python-docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise DocumentError(f"Không đọc được tệp Word: {type(exc).__name__}.") from None
    items: list[Paragraph | Table] = []
    lines: list[str] = []
    para_no = 0
    table_no = 0
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = DocxParagraph(block, document)
            para_no += 1
            text = clean_cell(paragraph.text)
            lines.append(paragraph.text)
            if text:
                bold = bool(paragraph.runs) and all(
                    r.bold for r in paragraph.runs if r.text.strip()
                )
                for piece in text.split("\n"):
                    items.append(Paragraph(piece, f"đoạn {para_no}", bold))
        elif tag == "tbl":
            table_no += 1
            table = DocxTable(block, document)
            rows = []
            for r_no, row in enumerate(table.rows, start=1):
                cells = []
                seen = set()
                bold_runs = []
                for cell in row.cells:
                    # A horizontally merged cell appears once per grid column.
                    if id(cell._tc) in seen:
                        cells.append("")
                        continue
                    seen.add(id(cell._tc))
                    cells.append(clean_cell("\n".join(p.text for p in cell.paragraphs)))
                    bold_runs += [r.bold for p in cell.paragraphs for r in p.runs if r.text.strip()]
                lines.append("\t".join(cells))
                rows.append(
                    Row(cells, f"bảng {table_no}, hàng {r_no}", bool(bold_runs) and all(bold_runs))
                )
            items.append(Table(rows, f"bảng {table_no}"))
    return Document(items, lines, "docx")


# PDF ---------------------------------------------------------------------------


def _check_pdf_streams(data: bytes) -> None:
    """A stream bomb is refused before pdfminer inflates it (planwatch.uploads)."""
    from planwatch import uploads

    try:
        uploads.check_pdf(data)
    except uploads.UploadRefused as exc:
        raise DocumentError(str(exc)) from None


def read_pdf(data: bytes) -> Document:
    """Text-based PDF: ruled tables as tables, the rest as paragraphs, per page."""
    if not data.startswith(b"%PDF"):
        raise DocumentError("Tệp không phải PDF hợp lệ.")
    _check_pdf_streams(data)
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        # pdfplumber wraps pdfminer's errors; look at the cause as well.
        causes = (exc, *(exc.args or ()), exc.__cause__, exc.__context__)
        if b"/Encrypt" in data or any(
            isinstance(c, PDFPasswordIncorrect | PDFEncryptionError) for c in causes
        ):
            raise DocumentError(
                "Tệp PDF được đặt mật khẩu; hãy gỡ mật khẩu rồi tải lên lại."
            ) from None
        raise DocumentError(f"Không đọc được tệp PDF: {type(exc).__name__}.") from None
    items: list[Paragraph | Table] = []
    lines: list[str] = []
    with pdf:
        if len(pdf.pages) > MAX_PDF_PAGES:
            raise DocumentError(f"Tệp PDF quá dài ({len(pdf.pages)} trang).")
        chars = 0
        table_no = 0
        current: Table | None = None
        for p_no, page in enumerate(pdf.pages, start=1):
            try:
                found = page.find_tables()
                boxes = [t.bbox for t in found]

                def outside(obj, boxes=boxes):
                    return not any(
                        b[0] <= obj["x0"]
                        and obj["x1"] <= b[2]
                        and b[1] <= obj["top"]
                        and obj["bottom"] <= b[3]
                        for b in boxes
                    )

                lines_here = page.filter(outside).extract_text_lines() or []
                tables = [(t.bbox[1], t.extract()) for t in found]
            except Exception as exc:
                raise DocumentError(
                    f"Không đọc được trang {p_no} của tệp PDF: {type(exc).__name__}."
                ) from None
            text = "\n".join(ln["text"] for ln in lines_here)
            chars += len(text) + sum(len(c or "") for _t, rows in tables for r in rows for c in r)
            # A line that ran to the right margin continues on the next line.
            right = max((ln["x1"] for ln in lines_here), default=0)
            previous_full = False
            for l_no, ln in enumerate(lines_here, start=1):
                line = clean_cell(ln["text"])
                lines.append(ln["text"])
                if not line:
                    continue
                if (
                    previous_full
                    and items
                    and isinstance(items[-1], Paragraph)
                    and (_marker_level(line) == "none")
                ):
                    items[-1].text = f"{items[-1].text} {line}"
                else:
                    items.append(Paragraph(line, f"trang {p_no}, dòng {l_no}"))
                previous_full = ln["x1"] >= right - 25
                current = None
            for _top, rows in tables:
                if current is None:
                    table_no += 1
                    current = Table([], f"bảng {table_no}")
                    items.append(current)
                for r_no, row in enumerate(rows, start=1):
                    # Inside a PDF cell a line break is where the text wrapped.
                    cells = [clean_cell((c or "").replace("\n", " ")) for c in row]
                    lines.append("\t".join(cells))
                    current.rows.append(Row(cells, f"trang {p_no}, bảng {table_no}, hàng {r_no}"))
        if chars < 20:
            raise DocumentError(
                "Tệp PDF không có chữ (có thể là bản quét ảnh); "
                "hãy dùng tệp Word hoặc PDF có văn bản."
            )
    return Document(items, lines, "pdf")


def _marker_level(text: str) -> str:
    from plans.importer.headings import marker

    return marker(text).level
