"""Filling an issued document's Word file: the number on the "Số:" line, the date
on the place-date line, the signer's authority, title and name in the signature
block. Whole paragraphs are replaced (the text of the first run, the others
emptied), so the formatting of the template or of the coordinator's edited file
stays; a Word file without these lines is refused at upload (``check``)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

NUMBER_LINE = re.compile(r"^\s*Số\s*:\s*[.…\s]*(\d+)?\s*/\s*(?P<symbol>[\w\-Đđ]+)\s*$")
DATE_LINE = re.compile(
    r"^\s*(?P<place>[^,]+),\s*ngày\s*[.…\d\s]*\s*tháng\s*[.…\d\s]*\s*năm\s*[.…\d\s]*$"
)
SIGNER_PLACEHOLDER = "[Họ và tên]"
AUTHORITIES = ("KT. GIÁM ĐỐC", "TL. GIÁM ĐỐC", "TUQ. GIÁM ĐỐC", "GIÁM ĐỐC")
TITLES = ("PHÓ GIÁM ĐỐC", "GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "TRƯỞNG PHÒNG")


class FillProblem(ValueError):
    """The Word file cannot be filled: the reason, in the user's language."""


@dataclass(frozen=True)
class Filling:
    number_line: str  # "Số: 123/BC-SCT"
    date_line: str  # "Quảng Trị, ngày 2 tháng 12 năm 2026"
    authority: str  # "KT. GIÁM ĐỐC" or ""
    title: str  # "PHÓ GIÁM ĐỐC"
    name: str  # "Nguyễn Văn An"
    recipients: tuple[str, ...] = ()  # Nơi nhận, as the document's list has them


def _paragraphs(doc: Any) -> Iterator[Any]:
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
                for inner in cell.tables:
                    for irow in inner.rows:
                        for icell in irow.cells:
                            yield from icell.paragraphs


def _set(paragraph: Any, text: str) -> None:
    runs = paragraph.runs
    if not runs:
        paragraph.add_run(text)
        return
    runs[0].text = text
    for run in runs[1:]:
        run.text = ""


def _open(data: bytes) -> Any:
    from docx import Document

    try:
        return Document(io.BytesIO(data))
    except Exception as exc:
        raise FillProblem(str(exc)) from exc


def check(data: bytes) -> list[str]:
    """What is missing from a Word file for issuing it (empty: it can be issued)."""
    from django.utils.translation import gettext as _

    texts = [p.text for p in _paragraphs(_open(data))]
    missing = []
    if not any(NUMBER_LINE.match(t) for t in texts):
        missing.append(_('a line "Số: …/symbol" for the number'))
    if not any(DATE_LINE.match(t) for t in texts):
        missing.append(_('a line "place, ngày … tháng … năm …" for the date'))
    if not any(SIGNER_PLACEHOLDER in t for t in texts):
        missing.append(_("the signer's placeholder %(p)s") % {"p": SIGNER_PLACEHOLDER})
    return missing


def fill(data: bytes, filling: Filling) -> bytes:
    """The Word file with the number, the date and the signer written in."""
    doc = _open(data)
    seen = {"number": False, "date": False, "name": False}
    block = []
    for p in _paragraphs(doc):
        text = p.text.strip()
        if not seen["number"] and NUMBER_LINE.match(text):
            _set(p, filling.number_line)
            seen["number"] = True
        elif not seen["date"] and DATE_LINE.match(text):
            _set(p, filling.date_line)
            seen["date"] = True
        elif SIGNER_PLACEHOLDER in text:
            _set(p, text.replace(SIGNER_PLACEHOLDER, filling.name))
            seen["name"] = True
        elif text in AUTHORITIES or text in TITLES:
            block.append(p)
    if not all(seen.values()):
        raise FillProblem(", ".join(k for k, v in seen.items() if not v))
    _signature_block(block, filling)
    if filling.recipients:
        _recipients(list(_paragraphs(doc)), filling.recipients)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _signature_block(block: list[Any], filling: Filling) -> None:
    """The last authority/title lines before the name: "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC"."""
    if not block:
        return
    if len(block) >= 2:
        authority, title = block[-2], block[-1]
        _set(authority, filling.authority)
        _set(title, filling.title)
    else:
        _set(block[-1], filling.title)


def _recipients(paragraphs: list[Any], names: tuple[str, ...]) -> None:
    """The "- …;" lines after "Nơi nhận:" become the document's recipients (the last
    one ending with a full stop), in the first line's formatting."""
    import copy

    start = next((i for i, p in enumerate(paragraphs) if p.text.strip() == "Nơi nhận:"), None)
    if start is None:
        return
    lines = []
    for p in paragraphs[start + 1 :]:
        if not p.text.strip().startswith("-"):
            break
        lines.append(p)
    if not lines:
        return
    texts = [f"- {n};" for n in names[:-1]] + [f"- {names[-1]}."]
    template = lines[0]._p
    while len(lines) < len(texts):
        clone = copy.deepcopy(template)
        lines[-1]._p.addnext(clone)
        from docx.text.paragraph import Paragraph

        lines.append(Paragraph(clone, lines[-1]._parent))
    for p, text in zip(lines, texts, strict=False):
        _set(p, text)
    for extra in lines[len(texts) :]:
        extra._p.getparent().remove(extra._p)
