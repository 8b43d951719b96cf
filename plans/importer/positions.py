"""Pages as positioned words (a text PDF's words, or the words OCR recognised on a
scan) turned into paragraphs and tables: lines from the words' heights, running
headers and footers that repeat on every page set aside, and task tables without
ruling lines rebuilt from the header row (its columns found by meaning, their
boundaries in the white space between them, wrapped lines joined). Plain Python:
no Django."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from statistics import median

from plans.importer.appendix import column_roles
from plans.importer.document import Paragraph, Row, Table, clean_cell
from plans.importer.headings import fold, marker

RUNNING = "đầu trang/chân trang lặp lại (không lưu)"
PAGE_NUMBER = "số trang (không lưu)"
# The words of task-table headers (folded): a line mostly made of them is a header line.
_HEADER_WORDS = set(
    "stt tt so thu tu noi dung nhiem vu cong viec hoat dong ten de an chu tri phoi hop "
    "thoi gian han hoan thanh thuc hien tien do don vi co quan trach san pham ket qua "
    "ghi chu kinh phi nguon von".split()
)
_ROW_NUMBER = re.compile(r"^(?:[IVXLC]+|\d{1,3}(?:\.\d{1,3})*|[a-zđ])[.)]?$", re.IGNORECASE)
# Roman numerals of the number column as OCR misreads them.
OCR_NUMERALS = {"[": "I", "]": "I", "|": "I", "l": "I", "!": "I", "ll": "II", "Il": "II",
                "lI": "II", "H": "II", "ll|": "II", "Ill": "III", "lll": "III"}  # fmt: skip
# How the header block of an administrative document starts (issuer, national motto).
_HEADER_BLOCK = ("uy ban nhan dan", "ubnd", "tinh ", "thanh pho ", "cong hoa xa hoi", "doc lap")
_PAGE_NO = re.compile(r"^(?:-\s*)?(?:trang\s*)?#+(?:\s*(?:/|trên|of)\s*#+)?(?:\s*-)?$")


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    conf: int | None = None  # OCR confidence, 0-100


@dataclass
class Line:
    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def height(self) -> float:
        return median(w.bottom - w.top for w in self.words)

    def conf(self) -> int | None:
        confs = [w.conf for w in self.words if w.conf is not None]
        return min(confs) if confs else None

    def phrases(self) -> list[list[Word]]:
        """Runs of words with word spacing between them (a wider gap: another cell)."""
        gap = 0.8 * self.height
        runs: list[list[Word]] = []
        for word in self.words:
            if runs and word.x0 - runs[-1][-1].x1 <= gap:
                runs[-1].append(word)
            else:
                runs.append([word])
        return runs


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word]
    ruled: list[tuple[float, list[list[str | None]]]] = field(default_factory=list)  # (top, rows)
    image: bytes = b""  # a scan's page image (JPEG), shown on the review screen


def lines_of(words: list[Word]) -> list[Line]:
    """Words grouped into lines by their vertical middle, each line left to right."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        middle = (word.top + word.bottom) / 2
        if lines:
            last = lines[-1]
            last_middle = (last.top + last.bottom) / 2
            if abs(middle - last_middle) <= 0.45 * max(last.height, word.bottom - word.top):
                last.words.append(word)
                continue
        lines.append(Line([word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def _key(line: Line) -> str:
    return re.sub(r"\d+", "#", fold(line.text))


def running_lines(pages: list[tuple[Page, list[Line]]]) -> set[int]:
    """ids of the lines in the top or bottom tenth of their page that repeat (digits
    aside) on every page of a short document, on half the pages of a longer one, and
    of page numbers (the first or last line of a page)."""
    bands: dict[str, set[int]] = {}
    in_band: list[tuple[Line, str, bool]] = []
    for page, lines in pages:
        for line in lines:
            if line.bottom < 0.1 * page.height or line.top > 0.9 * page.height:
                key = _key(line)
                if key.startswith(_HEADER_BLOCK):  # a document's own header block, repeated
                    continue  # at the top of a decision and of the plan it issues
                bands.setdefault(key, set()).add(page.number)
                in_band.append((line, key, line is lines[0] or line is lines[-1]))
    count = len(pages)
    needed = count if count <= 3 else max(3, (count + 1) // 2)
    return {
        id(line)
        for line, key, edge in in_band
        if (edge and _PAGE_NO.match(key)) or (count > 1 and len(bands[key]) >= needed)
    }


# Tables without ruling lines ------------------------------------------------------


@dataclass
class Column:
    x0: float
    x1: float
    texts: list[tuple[float, str]]  # (top, text) of its header phrases

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    def title(self, over: str) -> str:
        words = " ".join(t for _top, t in sorted(self.texts))
        return f"{over} {words}".strip()


def _is_header_line(line: Line) -> bool:
    key = fold(line.text)
    if re.fullmatch(r"(\(?\d{1,2}\)?\s*)+", key):  # the column numbers (1) (2) …
        return True
    tokens = re.findall(r"\w+", key)
    return bool(tokens) and 2 * sum(t in _HEADER_WORDS for t in tokens) > len(tokens)


def header_block(
    lines: list[Line], start: int, previous: list[str] | None = None
) -> tuple[int, list[Column], dict[str, int]] | None:
    """The header of a task table at ``lines[start]``: (its last line, columns, roles).
    ``previous``: the lines of the header already seen (a header repeated on the next
    page has as many lines)."""
    if len(lines[start].phrases()) < 3 or not _is_header_line(lines[start]):
        return None
    end = start
    if previous and previous[0] == lines[start].text:
        end = min(len(lines) - 1, start + len(previous) - 1)
        columns, titles = _header_columns(lines[start : end + 1])
        roles = column_roles(titles)
        return (end, columns, roles) if roles else None
    width = len(lines[start].phrases())
    while end + 1 < len(lines) and end - start < 4:
        following = lines[end + 1]
        gap = following.top - lines[end].bottom
        if _ROW_NUMBER.match(following.words[0].text) or gap > 1.5 * lines[end].height:
            break
        # a header word, or a header cell's wrapped line (as close as lines in a cell)
        wrapped = 2 * len(following.phrases()) < width and gap < 0.6 * lines[end].height
        if not (_is_header_line(following) or wrapped):
            break
        end += 1
    columns, titles = _header_columns(lines[start : end + 1])
    roles = column_roles(titles)
    if not roles:
        return None
    return end, columns, roles


def _header_columns(lines: list[Line]) -> tuple[list[Column], list[str]]:
    """Header phrases become columns; a phrase over two or more others lower down
    ("Đơn vị thực hiện" over "Chủ trì | Phối hợp") is a title over those columns."""
    phrases = [(line.top, p) for line in lines for p in line.phrases()]

    def span(p: list[Word]) -> tuple[float, float]:
        return p[0].x0, p[-1].x1

    def overlaps(a, b) -> bool:
        return a[0] < b[1] and b[0] < a[1]

    over: list[tuple[tuple[float, float], str]] = []
    columns: list[Column] = []
    for top, phrase in phrases:
        box = span(phrase)
        text = " ".join(w.text for w in phrase)
        slack = (box[1] - box[0]) / 4  # a title centred over its columns may not reach them
        wide = (box[0] - slack, box[1] + slack)
        under = [q for t, q in phrases if t > top and overlaps(wide, span(q))]
        starts = {round(span(q)[0]) for q in under}
        if len(starts) >= 2 and not any(
            overlaps(span(a), span(b))
            for a in under
            for b in under
            if a is not b and span(a)[0] != span(b)[0]
        ):
            over.append((box, text))
            continue
        for column in columns:
            if overlaps(box, (column.x0, column.x1)):
                column.x0, column.x1 = min(column.x0, box[0]), max(column.x1, box[1])
                column.texts.append((top, text))
                break
        else:
            columns.append(Column(box[0], box[1], [(top, text)]))
    columns.sort(key=lambda c: c.x0)
    titles = [
        c.title(" ".join(t for box, t in over if overlaps(box, (c.x0, c.x1)))) for c in columns
    ]
    return columns, titles


def _boundaries(columns: list[Column], lines: list[Line]) -> list[float]:
    """Between two columns' header centres, the white space the fewest data lines
    cross (the middle of its widest stretch): cells are left-aligned or centred."""
    spans = [(p[0].x0, p[-1].x1) for ln in lines for p in ln.phrases()]
    result = []
    for left, right in itertools.pairwise(columns):
        low = int(left.centre) + 1
        high = max(low + 1, int(right.x0) if right.x0 > left.centre else int(right.centre))
        coverage = [0] * (high - low)
        for x0, x1 in spans:
            for x in range(max(low, int(x0) + 1), min(high, int(x1) + 1)):
                coverage[x - low] += 1
        least = min(coverage)
        best_start, best_length, run = low, 0, 0
        for offset, count in enumerate([*coverage, least + 1]):
            if count == least:
                run += 1
                continue
            if run > best_length:
                best_start, best_length = low + offset - run, run
            run = 0
        result.append(best_start + best_length / 2)
    return result


def _table_end(lines: list[Line], start: int, width: float) -> int:
    """The first line after the table: a big vertical gap, or a paragraph across it."""
    heights = [ln.height for ln in lines[start:]] or [10.0]
    limit = 3.0 * median(heights)
    for index in range(start, len(lines)):
        line = lines[index]
        if index > start and line.top - lines[index - 1].bottom > limit:
            return index
        widest = max(p[-1].x1 - p[0].x0 for p in line.phrases())
        if widest > 0.6 * width and marker(line.text).level == "none":
            return index
    return len(lines)


def read_table(lines: list[Line], columns: list[Column], titles: list[str], roles: dict[str, int]):
    """Rows of a table without ruling lines: (header cells, [(cells, lines of the row)])."""
    cuts = _boundaries(columns, lines)

    def column_of(x: float) -> int:
        return sum(1 for cut in cuts if x >= cut)

    number = roles.get("number")
    scanned = any(w.conf is not None for ln in lines for w in ln.words)
    pitch = median([b.top - a.top for a, b in itertools.pairwise(lines)] or [12.0])
    rows: list[tuple[list[str], list[Line]]] = []
    for index, line in enumerate(lines):
        cells = [""] * len(columns)
        for phrase in line.phrases():
            col = column_of(phrase[0].x0)
            text = " ".join(w.text for w in phrase)
            cells[col] = f"{cells[col]} {text}".strip()
        if scanned and number is not None:
            cells[number] = OCR_NUMERALS.get(cells[number], cells[number])
        gap = line.top - lines[index - 1].top if index else 0
        numbered = number is not None and bool(cells[number])
        starts = (
            not rows
            or (
                number is not None and numbered and any(c for c in rows[-1][0][number : number + 1])
            )
            or gap > 1.35 * pitch
        )
        if (
            number is not None
            and numbered
            and rows
            and not rows[-1][0][number]
            and gap <= 1.35 * pitch
        ):
            starts = False  # a number centred in its cell, below the row's first line
        if number is not None and not numbered and rows and gap <= 1.35 * pitch:
            starts = False
        if starts:
            rows.append((cells, [line]))
            continue
        previous, used = rows[-1]
        for col, text in enumerate(cells):
            if text:
                previous[col] = f"{previous[col]} {text}".strip()
        used.append(line)
    return rows


# Pages to paragraphs and tables ------------------------------------------------------


@dataclass
class Built:
    items: list[Paragraph | Table]
    lines: list[str]
    confidence: dict[str, int]


def build(pages: list[Page]) -> Built:
    """Every page's lines, ruled tables and tables without ruling lines, in order."""
    laid = [(page, lines_of(page.words)) for page in pages]
    running = running_lines(laid)
    out = Built([], [], {})
    state = {"table": None, "table_no": 0}
    for page, lines in laid:
        _build_page(page, lines, running, out, state)
    return out


def _wrapped(line: Line, following: Line, right: float) -> bool:
    """Whether ``line`` ended only because the first word of ``following`` did not fit
    before the right margin (so the two are one paragraph)."""
    first = following.words[0]
    space = 0.3 * line.height
    return following.top - line.bottom < line.height and (
        line.x1 + space + (first.x1 - first.x0) > right - 2
    )


def _emit_paragraphs(page: Page, lines: list[tuple[int, Line]], running, out: Built, state) -> None:
    right = state["right"]
    previous: Line | None = None
    for l_no, line in lines:
        where = f"trang {page.number}, dòng {l_no}"
        out.lines.append(line.text)
        text = clean_cell(line.text)
        if not text:
            continue
        conf = line.conf()
        if id(line) in running:
            role = PAGE_NUMBER if _PAGE_NO.match(_key(line)) else RUNNING
            out.items.append(Paragraph(text, where, role=role))
            continue
        state["table"] = None
        last = out.items[-1] if out.items else None
        if (
            previous is not None
            and _wrapped(previous, line, right)
            and isinstance(last, Paragraph)
            and not last.role
            and marker(text).level == "none"
            and not last.text.endswith((".", ":", ";", "!", "?"))
        ):
            last.text = f"{last.text} {text}"
            where = last.where
        else:
            out.items.append(Paragraph(text, where))
        if conf is not None:
            out.confidence[where] = min(out.confidence.get(where, 100), conf)
        previous = line


def _emit_rows(
    page: Page, rows: list[list[str]], confs: list[int | None], out: Built, state
) -> None:
    table = state["table"]
    if table is None:
        state["table_no"] += 1
        table = state["table"] = Table([], f"bảng {state['table_no']}")
        out.items.append(table)
    for cells, conf in zip(rows, confs, strict=True):
        where = f"trang {page.number}, bảng {state['table_no']}, hàng {len(table.rows) + 1}"
        cells = [clean_cell((c or "").replace("\n", " ")) for c in cells]
        out.lines.append("\t".join(cells))
        table.rows.append(Row(cells, where))
        if conf is not None:
            out.confidence[where] = conf


def _build_page(page: Page, lines: list[Line], running, out: Built, state) -> None:
    """The page's blocks (lines, ruled tables, tables read from positions) by height."""
    blocks: list[tuple[float, str, object]] = [(top, "ruled", rows) for top, rows in page.ruled]
    content = [ln for ln in lines if id(ln) not in running]
    width = max((ln.x1 for ln in content), default=page.width) - min(
        (ln.x0 for ln in content), default=0
    )
    state["right"] = max((ln.x1 for ln in content), default=0)
    index = 0
    while index < len(lines):
        line = lines[index]
        header = None if id(line) in running else header_block(lines, index, state.get("header"))
        if header is None:
            blocks.append((line.top, "line", (index + 1, line)))
            index += 1
            continue
        end, columns, roles = header
        state["header"] = [ln.text for ln in lines[index : end + 1]]
        stop = _table_end(lines, end + 1, width)
        stop = min([stop] + [i for i in range(end + 1, stop) if id(lines[i]) in running])
        table = (lines[index : end + 1], lines[end + 1 : stop], columns, roles)
        blocks.append((line.top, "table", table))
        index = stop
    blocks.sort(key=lambda b: b[0])
    pending: list[tuple[int, Line]] = []
    for _top, kind, block in [*blocks, (0.0, "end", None)]:
        if kind == "line":
            pending.append(block)  # type: ignore[arg-type]
            continue
        _emit_paragraphs(page, pending, running, out, state)
        pending = []
        if kind == "ruled":
            _emit_rows(page, block, [None] * len(block), out, state)  # type: ignore[arg-type]
        elif kind == "table":
            _emit_table(page, block, out, state)


def _emit_table(page: Page, block, out: Built, state) -> None:
    header_lines, data_lines, columns, roles = block
    _columns, titles = _header_columns(header_lines)
    header_conf = min((c for ln in header_lines if (c := ln.conf()) is not None), default=None)
    rows = read_table(data_lines, columns, titles, roles)
    number = roles.get("number")
    table = state["table"]
    if rows and number is not None and not rows[0][0][number] and table and table.rows:
        # A row broken by the page: its rest, under the repeated header, joins it.
        cells, used = rows.pop(0)
        last = table.rows[-1]
        last.cells = [f"{a} {b}".strip() for a, b in zip(last.cells, cells, strict=False)]
        out.lines.append("\t".join(cells))
        conf = min((c for ln in used if (c := ln.conf()) is not None), default=None)
        if conf is not None:
            out.confidence[last.where] = min(out.confidence.get(last.where, 100), conf)
    confs = [
        min((c for ln in used if (c := ln.conf()) is not None), default=None) for _c, used in rows
    ]
    _emit_rows(page, [titles] + [cells for cells, _used in rows], [header_conf, *confs], out, state)
