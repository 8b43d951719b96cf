"""Recognising the numbering of a Vietnamese administrative document:
I./II. sections, 1./2.1. subsections, a)/b) items, -/+/• bullets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from plans.importer.numbers import roman_to_int


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("đ", "d")
    return " ".join(text.split())


@dataclass(frozen=True)
class Marker:
    level: str  # "roman" | "arabic" | "letter" | "bullet" | "none"
    number: str
    rest: str


_ROMAN = re.compile(r"^([IVXLC]+)\s*[.:)]\s*(.*)$")
_ROMAN_BARE = re.compile(r"^([IVXLC]+)\s+(\S.*)$")
_ARABIC = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\s*[.:)]\s*(.*)$")
_ARABIC_BARE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\s+(\S.*)$")
_LETTER = re.compile(r"^([a-zđ])\s*[).]\s+(.*)$")
_BULLET = re.compile(r"^[-+•–—*·]\s*(.+)$")


def marker(text: str) -> Marker:
    """The numbering a paragraph starts with, and the text after it."""
    text = text.strip()
    m = _ROMAN.match(text)
    if m and roman_to_int(m[1]):
        return Marker("roman", m[1], m[2].strip())
    m = _ARABIC.match(text)
    if m and not re.match(r"^\d{1,2}[./]\d{1,2}[./]\d{2,4}", text):
        return Marker("arabic", m[1], m[2].strip())
    m = _ARABIC_BARE.match(text)
    if m:
        return Marker("arabic", m[1], m[2].strip())
    m = _LETTER.match(text)
    if m:
        return Marker("letter", m[1], m[2].strip())
    m = _BULLET.match(text)
    if m:
        return Marker("bullet", "", m[1].strip())
    m = _ROMAN_BARE.match(text)
    if m and roman_to_int(m[1]) and m[2][:1].isupper():
        return Marker("roman", m[1], m[2].strip())
    return Marker("none", "", text)


SECTION_KINDS = [
    ("purpose", ("muc dich", "yeu cau")),
    ("objectives", ("muc tieu",)),
    ("tasks", ("nhiem vu", "giai phap")),
    ("funding", ("kinh phi", "nguon von")),
    ("organisation", ("to chuc thuc hien", "trach nhiem thuc hien", "phan cong")),
    ("reporting", ("che do bao cao", "thong tin, bao cao", "thong tin bao cao")),
]


def section_kind(title: str) -> str:
    """What a top-level section is about, from its title."""
    key = fold(title)
    for kind, words in SECTION_KINDS:
        if any(w in key for w in words):
            return kind
    return "other"


def is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)
