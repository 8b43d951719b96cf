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
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_BYTES = 20 * 1024 * 1024  # a plan is a few hundred kB; 20 MB is generous
MAX_UNZIPPED = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_PDF_PAGES = 300
EXTENSIONS = (".docx", ".doc", ".txt", ".md", ".pdf")


Progress = Callable[[int, str], None]  # (percent, step) as the reading goes


class DocumentError(ValueError):
    """A document that cannot be read; the message is Vietnamese and says why."""


@dataclass
class Paragraph:
    text: str
    where: str  # "dòng 12", "đoạn 4", "trang 2"
    bold: bool = False
    role: str = ""  # set by the reader for a line that is not content (a running header)


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
    converted_from: str = ""  # "doc": converted by LibreOffice before reading
    confidence: dict[str, int] = field(default_factory=dict)  # where -> OCR confidence 0-100
    pages: list[bytes] = field(default_factory=list)  # page images of a scan (JPEG)

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


def read(data: bytes, filename: str, progress: Progress | None = None) -> Document:
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
    if name.endswith(".doc"):
        from plans.importer.convert import doc_to_docx

        document = read_docx(doc_to_docx(data))
        document.converted_from = "doc"
        return document
    if name.endswith(".pdf"):
        return read_pdf(data, progress)
    if name.endswith((".txt", ".md")):
        return read_text(data)
    raise DocumentError("Chỉ nhận tệp .docx, .doc, .txt, .md hoặc .pdf.")


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
            above: list[object] = []
            for r_no, row in enumerate(table.rows, start=1):
                cells = []
                seen = set()
                bold_runs = []
                tcs = [cell._tc for cell in row.cells]
                for c_no, cell in enumerate(row.cells):
                    # A merged cell appears once per grid column, and again in each row
                    # it is merged down into: it is read once, where it starts.
                    vertical = c_no < len(above) and above[c_no] is cell._tc
                    if id(cell._tc) in seen or vertical:
                        cells.append("")
                        continue
                    seen.add(id(cell._tc))
                    cells.append(clean_cell("\n".join(p.text for p in cell.paragraphs)))
                    bold_runs += [r.bold for p in cell.paragraphs for r in p.runs if r.text.strip()]
                above = tcs
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


def _open_pdf(data: bytes):
    if not data.startswith(b"%PDF"):
        raise DocumentError("Tệp không phải PDF hợp lệ.")
    _check_pdf_streams(data)
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return pdfplumber.open(io.BytesIO(data))
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


def _pdf_page(page, number: int):
    """A text PDF's page: its ruled tables, and the words outside them."""
    from plans.importer.positions import Page, Word

    try:
        found = page.find_tables()
        boxes = [t.bbox for t in found]

        def outside(obj) -> bool:
            return not any(
                b[0] <= obj["x0"]
                and obj["x1"] <= b[2]
                and b[1] <= obj["top"]
                and obj["bottom"] <= b[3]
                for b in boxes
            )

        words = page.filter(outside).extract_words(keep_blank_chars=False, x_tolerance=1.5)
        ruled = [(t.bbox[1], t.extract()) for t in found]
    except Exception as exc:
        raise DocumentError(
            f"Không đọc được trang {number} của tệp PDF: {type(exc).__name__}."
        ) from None
    return Page(
        number,
        float(page.width),
        float(page.height),
        [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"]) for w in words],
        ruled,
    )


def read_pdf(data: bytes, progress: Progress | None = None) -> Document:
    """A text PDF: ruled tables as tables, tables without ruling lines rebuilt from
    the words' positions, the rest as paragraphs; a PDF without text (a scan) is
    read by OCR (plans.importer.ocr) when Tesseract is installed."""
    from plans.importer import positions

    step = progress or (lambda _p, _s: None)
    with _open_pdf(data) as pdf:
        count = len(pdf.pages)
        if count > MAX_PDF_PAGES:
            raise DocumentError(f"Tệp PDF quá dài ({count} trang).")
        pages = []
        for number, page in enumerate(pdf.pages, start=1):
            step(10 + 20 * number // count, f"Đọc trang {number}/{count}")
            pages.append(_pdf_page(page, number))
    chars = sum(len(w.text) for p in pages for w in p.words) + sum(
        len(c or "") for p in pages for _t, rows in p.ruled for r in rows for c in r
    )
    if chars < 20:
        from plans.importer import ocr

        return ocr.read_scan(data, count, progress)
    built = positions.build(pages)
    return Document(built.items, built.lines, "pdf")


def _marker_level(text: str) -> str:
    from plans.importer.headings import marker

    return marker(text).level
