"""How numbers, money, dates and agency text are written in a Vietnamese official
document (Nghị định 30/2020/NĐ-CP): plain functions, no Django."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from planwatch.money import dong, group_digits

# Characters XML 1.0 cannot carry (a .docx would not open): C0 controls but tab and
# newlines, lone surrogates, and U+FFFE/U+FFFF.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Invisible characters that only confuse a printed page.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def safe_text(text: str | None) -> str:
    """Agency text as a document may carry it: NFC, no characters XML refuses, no
    invisible direction marks, newlines normalised. Markup is kept as text (the
    writers escape it)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", _XML_INVALID.sub("", text))
    return text.strip()


def paragraphs(text: str | None) -> list[str]:
    """Agency text split into paragraphs (a blank or a new line starts one)."""
    return [p.strip() for p in safe_text(text).split("\n") if p.strip()]


NBSP = "\u00a0"


def money(value: int | None) -> str:
    """ "1.250.000.000 đ" with a non-breaking space: an amount is never broken
    across lines."""
    return dong(value).replace(" ", NBSP)


def number(value: float | int | Decimal | None, digits: int = 2) -> str:
    """A figure with a decimal comma and no trailing zeros: 12.5 → "12,5";
    1234567 → "1.234.567"."""
    if value is None:
        return ""
    value = round(float(value), digits)
    whole = int(value)
    if value == whole:
        return group_digits(whole)
    text = f"{abs(value):.{digits}f}".rstrip("0")
    integer, fraction = text.split(".")
    sign = "-" if value < 0 else ""
    return f"{sign}{group_digits(abs(int(integer)))},{fraction}"


def percent(value: float | None) -> str:
    return "" if value is None else f"{number(value, 1)}%"


def nd30_date(day: dt.date) -> str:
    """The date as Nghị định 30 writes it: "ngày 05 tháng 02 năm 2025" (a zero before
    days below 10 and months below 3)."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {d} tháng {m} năm {day.year}"


def short_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def initials(name: str) -> str:
    """The abbreviation of a body for the document symbol: "Sở Công Thương" → "SCT",
    "Sở Tài nguyên và Môi trường" → "STNMT" (joining words such as "và" dropped)."""
    words = [w for w in re.split(r"[\s\-–,]+", safe_text(name)) if w]
    letters = []
    for word in words:
        if word.lower() in {"và", "các", "của"}:
            continue
        base = unicodedata.normalize("NFD", word[0])[0]
        letters.append("D" if base in "đĐ" else base.upper())
    return "".join(letters)


def upper_vi(text: str) -> str:
    """Capitals that keep Vietnamese letters (Python's upper does; NFC after)."""
    return unicodedata.normalize("NFC", safe_text(text).upper())
