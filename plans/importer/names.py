"""Splitting a lead or partner cell into agency names and resolving each to the
registry. The registry arrives as plain data (``KnownNames``), so this module
has no Django in it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_AMP = re.compile(r"\s*&\s*")
_DASH = re.compile(r"\s*[-–—‐‑−]\s*")


def name_key(text: str) -> str:
    """Case-, diacritic- and spacing-insensitive key (as agencies.registry.wording_key)."""
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("đ", "d")
    text = " ".join(text.split())
    text = text.replace("uy ban nhan dan", "ubnd")
    text = _AMP.sub("&", text)
    text = _DASH.sub("-", text)
    return text.strip(" .;,:")


@dataclass(frozen=True)
class Known:
    canonical: str  # the agency's full name, or the group's wording
    is_group: bool


class KnownNames:
    """The wordings a registry knows: key -> canonical name."""

    def __init__(self, entries: dict[str, Known]):
        self.entries = entries
        self._by_first_word: dict[str, list[str]] = {}
        for key in sorted(entries, key=len, reverse=True):
            self._by_first_word.setdefault(key.split(" ")[0], []).append(key)

    @classmethod
    def from_pairs(cls, pairs) -> KnownNames:
        """From (wording, canonical, is_group) triples."""
        return cls({name_key(w): Known(c, g) for w, c, g in pairs})

    def lookup(self, text: str) -> Known | None:
        return self.entries.get(name_key(text))

    def longest_prefix(self, text: str) -> tuple[int, Known] | None:
        """The longest known wording that ``text`` starts with, as (characters, known),
        ending at a word boundary."""
        key_text = name_key(text)
        first = key_text.split(" ")[0] if key_text else ""
        for key in self._by_first_word.get(first, []):
            if key_text.startswith(key) and (
                len(key_text) == len(key) or not key_text[len(key)].isalnum()
            ):
                return _original_length(text, len(key)), self.entries[key]
        return None


def _original_length(text: str, key_length: int) -> int:
    """How many characters of ``text`` make up its first ``key_length`` key characters."""
    for end in range(1, len(text) + 1):
        if len(name_key(text[:end])) >= key_length and (
            end == len(text) or not text[end].isalnum()
        ):
            return end
    return len(text)


_SEPARATOR = re.compile(r"^\s*(?:[,;\n]|\bvà\b|\bcùng\b|\bvới\b)\s*", re.IGNORECASE)
# Where a new name starts: a comma or "và" splits a cell only before one of these
# (so "Sở Văn hóa, Thể thao và Du lịch" and "Sở Nông nghiệp và Phát triển nông thôn"
# stay whole in a province the registry does not know yet).
NAME_START = (
    r"(?-i:Sở|UBND|Ủy ban|Uỷ ban|Ban|Bộ|Đài|Công an|Văn phòng|Thanh tra|Hội|Các|các|"
    r"Trung tâm|Trường|Báo|Ngân hàng|Cục|Chi cục|Liên minh|Liên đoàn|Đoàn|Tỉnh đoàn|Viện|"
    r"Quỹ|Kho bạc|Mặt trận|Hiệp hội|Bưu điện|Điện lực|Công ty|Tổng công ty|Bảo hiểm|"
    r"Những|những|Doanh nghiệp|doanh nghiệp|Đơn vị|đơn vị|Cơ quan|cơ quan|Hợp tác xã|"
    r"hợp tác xã|Tổ chức|tổ chức|Cảnh sát|Chủ đầu tư|Người dân|người dân)\b"
)
_NEXT_SEP = re.compile(
    rf"\s*(?:[;\n]|,(?=\s*{NAME_START})|\s và\s(?={NAME_START}))\s*",
    re.IGNORECASE,
)


# The standard names of provincial departments and units, by the abbreviations
# documents use: a plan from a province whose registry is not loaded yet still
# proposes its agencies under their full names.
ABBREVIATIONS = {
    "nn&ptnt": "Sở Nông nghiệp và Phát triển nông thôn",
    "tn&mt": "Sở Tài nguyên và Môi trường",
    "tnmt": "Sở Tài nguyên và Môi trường",
    "kh&dt": "Sở Kế hoạch và Đầu tư",
    "khdt": "Sở Kế hoạch và Đầu tư",
    "kh&cn": "Sở Khoa học và Công nghệ",
    "khcn": "Sở Khoa học và Công nghệ",
    "gd&dt": "Sở Giáo dục và Đào tạo",
    "gddt": "Sở Giáo dục và Đào tạo",
    "vhtt&dl": "Sở Văn hóa, Thể thao và Du lịch",
    "vh,tt&dl": "Sở Văn hóa, Thể thao và Du lịch",
    "vhttdl": "Sở Văn hóa, Thể thao và Du lịch",
    "ld-tb&xh": "Sở Lao động - Thương binh và Xã hội",
    "ldtb&xh": "Sở Lao động - Thương binh và Xã hội",
    "ldtbxh": "Sở Lao động - Thương binh và Xã hội",
    "gtvt": "Sở Giao thông vận tải",
    "tt&tt": "Sở Thông tin và Truyền thông",
    "tttt": "Sở Thông tin và Truyền thông",
    "nn&mt": "Sở Nông nghiệp và Môi trường",
    "khcn&tt": "Sở Khoa học và Công nghệ",
}
_ABBREVIATED = re.compile(r"^sở\s+(\S+)$", re.IGNORECASE)
_RADIO = re.compile(r"^đài\s+(pt-th|ptth|pt&th)(\s+tỉnh)?$", re.IGNORECASE)


def expand_abbreviation(text: str) -> str | None:
    """ "Sở TN&MT" -> "Sở Tài nguyên và Môi trường"; None if not a known form."""
    text = " ".join(text.split())
    match = _ABBREVIATED.match(text)
    if match:
        return ABBREVIATIONS.get(name_key(match[1]))
    if _RADIO.match(text):
        return "Đài Phát thanh và Truyền hình tỉnh"
    return None


@dataclass(frozen=True)
class Name:
    wording: str  # as the document wrote it
    canonical: str  # the registry's name, or the wording when unknown
    known: bool
    is_group: bool


def split_names(cell: str, known: KnownNames) -> list[Name]:
    """ "Các sở, ban, ngành, UBND các huyện, thị xã, thành phố và các đơn vị có liên
    quan" -> three names. Known wordings are matched first (longest first), so commas
    inside a group's wording do not split it; the rest splits at ";", ",", "và"."""
    text = " ".join(cell.replace("\n", " ; ").split())
    names: list[Name] = []
    while text:
        sep = _SEPARATOR.match(text)
        if sep and sep.end() > 0:
            text = text[sep.end() :]
            continue
        match = known.longest_prefix(text)
        if match:
            length, found = match
            wording = text[:length].strip(" ,;.")
            # A group is written as the document words it; an agency by its full name.
            canonical = wording if found.is_group else found.canonical
            names.append(Name(wording, canonical, True, found.is_group))
            text = text[length:]
            continue
        nxt = _NEXT_SEP.search(text)
        piece = text[: nxt.start()] if nxt else text
        text = text[nxt.end() :] if nxt else ""
        piece = piece.strip(" ,;.()")
        if piece:
            names.append(_unknown_or_known(piece, known))
    return _dedupe(names)


def _unknown_or_known(piece: str, known: KnownNames) -> Name:
    found = known.lookup(piece)
    if found:
        return Name(piece, piece if found.is_group else found.canonical, True, found.is_group)
    expanded = expand_abbreviation(piece)
    if expanded:
        found = known.lookup(expanded)
        if found:
            return Name(piece, found.canonical, True, found.is_group)
        return Name(piece, expanded, False, False)
    return Name(piece, piece, False, looks_like_group(piece))


def looks_like_group(text: str) -> bool:
    """ "các …" / "những …" names a set, not one agency."""
    return bool(
        re.match(
            r"^(?:(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+)?(các|những|mọi)\b",
            text.strip(),
            re.IGNORECASE,
        )
    )


def _dedupe(names: list[Name]) -> list[Name]:
    seen: set[str] = set()
    result = []
    for name in names:
        key = name_key(name.canonical)
        if key not in seen:
            seen.add(key)
            result.append(name)
    return result
