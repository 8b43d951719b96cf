"""Helpers of the parser about the layout of a document: joining broken
paragraphs, reading layout tables as text, milestone headings, agency-like
headings, and the plan code. Plain Python: no Django."""

from __future__ import annotations

import re

from plans.importer import appendix as appendix_mod
from plans.importer.document import Paragraph
from plans.importer.headings import fold, is_caps, marker
from plans.importer.names import NAME_START, looks_like_group


def merge_paragraphs(paragraphs: list[Paragraph], kind: str) -> list[tuple[Paragraph, list[str]]]:
    """Join lines that continue the paragraph before them (a line broken by a page
    break, or a wrapped line of a PDF). Returns (paragraph, wheres it covers)."""
    merged: list[tuple[Paragraph, list[str]]] = []
    for para in paragraphs:
        text = para.text
        if merged:
            prev, wheres = merged[-1]
            mark = marker(text)
            # The PDF reader joins wrapped lines itself; a paragraph that starts in
            # lower case continues a sentence broken by a page break.
            continues = mark.level == "none" and not is_caps(text) and text[:1].islower()
            if continues:
                merged[-1] = (
                    Paragraph(f"{prev.text} {text}", prev.where, prev.bold),
                    [*wheres, para.where],
                )
                continue
        merged.append((para, [para.where]))
    return merged


def flatten_layout_tables(items):
    """A table that holds no tasks (the header block of issuer and national motto,
    the signature block) is layout: its cells are read as paragraphs."""
    flat = []
    in_appendix = False
    for item in items:
        if not isinstance(item, Paragraph) and not in_appendix:
            in_appendix = appendix_mod.find_header(item) is not None
        if isinstance(item, Paragraph) or in_appendix:
            flat.append(item)
            continue
        for row in item.rows:
            for c_no, cell in enumerate(row.cells, start=1):
                lines = [ln.strip() for ln in cell.split("\n") if ln.strip()]
                for l_no, line in enumerate(lines, start=1):
                    where = f"{row.where}, ô {c_no}" + (f", dòng {l_no}" if len(lines) > 1 else "")
                    flat.append(Paragraph(line, where, row.bold))
    return flat


def milestone_of(text: str) -> int | None:
    key = fold(text)
    match = re.search(r"(?:den nam|nam|giai doan\s+\d{4}\s*[-–]\s*)\s*((?:19|20)\d\d)", key)
    return int(match[1]) if match else None


def looks_like_agency(text: str) -> bool:
    """Whether ``text`` starts like the name of an agency or a group of them (never a
    heading such as "Chế độ báo cáo", nor a sentence)."""
    return bool(re.match(NAME_START, text.strip()) or looks_like_group(text))


def make_code(title: str, issuer: str | None, decision: dict, period) -> str:
    """ "qb-sxtdbv-2021": the province's initials, the initials of what the plan is
    about ("sản xuất và tiêu dùng bền vững"), the year of the decision."""
    province = ""
    m = re.search(r"tỉnh\s+(.+)$", issuer or "")
    if m:
        province = "".join(fold(w)[0] for w in m[1].split())
    subject = ""
    if not re.search(r"\bvề\s", title):  # "Kế hoạch thúc đẩy X …": the subject follows
        title = re.sub(
            r"^kế hoạch\s+(?:thực hiện|triển khai(?: thực hiện)?)?\s*",
            "về ",
            title,
            flags=re.IGNORECASE,
        )
    m = re.search(r"\bvề\s+(.+?)(?:\s+giai đoạn|\s+trên địa bàn|\s+đến năm|\s+năm\s+\d|$)", title)
    if m:
        words = [w for w in m[1].split() if fold(w) not in ("va", "cac", "cua")]
        subject = "".join(fold(w)[0] for w in words if fold(w)[:1].isalnum())
    year = (decision.get("date") or "")[:4] or (str(period[0]) if period else "")
    parts = [p for p in (province, subject[:12], year) if p]
    return "-".join(parts) or "ke-hoach"


def single_year(title: str) -> tuple[int, int] | None:
    """An annual plan: "… năm 2022" at the end of its title."""
    m = re.search(r"\bnăm\s+((?:19|20|21)\d\d)\s*$", title.strip())
    return (int(m[1]), int(m[1])) if m else None
