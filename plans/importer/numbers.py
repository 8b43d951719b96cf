"""Numbers, ranges, dates and timeframes as Vietnamese plans write them.
Plain Python: no Django."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DASH = r"[-–—‐‑−]"
NUM = r"\d+(?:[.,]\d+)?"
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
ROMAN_RE = re.compile(r"^(?=[IVXLC]+$)M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")


def roman_to_int(text: str) -> int | None:
    """ "IV" -> 4; None for anything that is not a Roman numeral."""
    text = text.strip().upper()
    if not text or not ROMAN_RE.match(text):
        return None
    total = 0
    for i, ch in enumerate(text):
        value = _ROMAN[ch]
        if i + 1 < len(text) and _ROMAN[text[i + 1]] > value:
            total -= value
        else:
            total += value
    return total


def to_number(text: str) -> int | float | None:
    """ "05" -> 5, "12,5" -> 12.5, "1.000" -> 1000 (Vietnamese grouping)."""
    text = text.strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(frozen=True)
class Quantity:
    """A target's figure: ``low`` is the floor, ``high`` the top of a range or None."""

    low: int | float
    high: int | float | None
    unit_follows: str  # the text right after the number ("%", "mô hình sản xuất…")
    start: int  # where the figure starts in the text
    end: int  # where it ends


_LEAD = r"(?:(?:ít nhất|tối thiểu|trên|đạt|khoảng|tới|lên|từ)\s+)?"
_RANGE_RE = re.compile(
    rf"{_LEAD}(?P<a>{NUM})\s*(?P<pa>%)?\s*(?:{DASH}|đến|tới)\s*(?P<b>{NUM})\s*(?P<pb>%)?",
    re.IGNORECASE,
)
_SINGLE_RE = re.compile(rf"{_LEAD}(?P<a>{NUM})\s*(?P<pa>%)?", re.IGNORECASE)


def find_quantities(text: str) -> list[Quantity]:
    """Every figure in ``text``: ranges ("5 - 8%", "từ 5% đến 8%", "01- 02") and single
    values ("85%", "ít nhất 30%"). Years (four digits from 1900) are not figures."""
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for match in _RANGE_RE.finditer(text):
        a, b = to_number(match["a"]), to_number(match["b"])
        if _is_year(match["a"]) or _is_year(match["b"]) or a is None or b is None:
            continue
        low, high = (a, b) if a <= b else (b, a)
        percent = "%" if (match["pa"] or match["pb"]) else ""
        after = text[match.end() :]
        found.append(Quantity(low, high, percent or after.strip(), match.start(), match.end()))
        taken.append(match.span())
    for match in _SINGLE_RE.finditer(text):
        if any(s <= match.start("a") < e for s, e in taken):
            continue
        if _is_year(match["a"]) or _inside_reference(text, match.start("a")):
            continue
        value = to_number(match["a"])
        if value is None:
            continue
        unit = "%" if match["pa"] else text[match.end() :].strip()
        found.append(Quantity(value, None, unit, match.start(), match.end()))
    return sorted(found, key=lambda q: q.start)


def _is_year(digits: str) -> bool:
    return bool(re.fullmatch(r"(19|20|21)\d\d", digits.strip()))


def _inside_reference(text: str, pos: int) -> bool:
    """A number that is part of "889/QĐ-TTg", "24/6/2020" or "2.1." is no figure."""
    before, after = text[max(0, pos - 1) : pos], text[pos : pos + 12]
    return (before in "/." and before != "") or bool(re.match(r"\d+/", after))


# Dates ---------------------------------------------------------------------

_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE_NUM = re.compile(r"(?<![\d/])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")


def parse_date(text: str) -> dt.date | None:
    """The first valid date in ``text``: "ngày 08 tháng 3 năm 2021", "24/6/2020"."""
    for pattern in (_DATE_WORDS, _DATE_NUM):
        for match in pattern.finditer(text):
            day, month, year = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                continue
    return None


_DUE_RE = re.compile(
    r"trước\s+ngày\s+(\d{1,2})\s*(?:/|-|tháng)\s*(\d{1,2})\s*(?:hàng|hằng)\s+năm", re.IGNORECASE
)
# "Định kỳ hằng năm, … trước ngày 15/12": the yearly word before the date, in the same
# sentence, and the date without a year (not "trước ngày 15/12/2022").
_DUE_BEFORE_RE = re.compile(
    r"(?:định\s+kỳ\s+)?(?:hàng|hằng)\s+năm\b[^.;]*?trước\s+ngày\s+(\d{1,2})\s*(?:/|-|tháng)\s*"
    r"(\d{1,2})(?!\s*(?:/|-|năm)\s*\d)",
    re.IGNORECASE,
)


def parse_report_due(text: str) -> tuple[int, int] | None:
    """(month, day) of "trước ngày 10/12 hàng năm", "trước ngày 05 tháng 12 hằng năm"."""
    match = _DUE_RE.search(text) or _DUE_BEFORE_RE.search(text)
    if not match:
        return None
    day, month = int(match[1]), int(match[2])
    try:
        dt.date(2024, month, day)  # a leap year: 29/2 is a valid yearly deadline
    except ValueError:
        return None
    return month, day


_PERIOD_RE = re.compile(
    rf"(?:giai đoạn|thời kỳ)\s+((?:19|20|21)\d\d)\s*{DASH}\s*((?:19|20|21)\d\d)", re.IGNORECASE
)


def parse_period(text: str) -> tuple[int, int] | None:
    """(start, end) of "giai đoạn 2021 - 2030"."""
    match = _PERIOD_RE.search(text)
    if not match:
        return None
    start, end = int(match[1]), int(match[2])
    return (start, end) if start <= end else None


# Timeframes ------------------------------------------------------------------


@dataclass(frozen=True)
class Timeframe:
    text: str
    start: int | None
    end: int | None
    recurrence: str | None  # "annual" | "period" | "once" | None (not understood)
    on_change: bool

    def as_json(self) -> dict:
        return {
            "text": self.text or None,
            "start": self.start,
            "end": self.end,
            "recurrence": self.recurrence,
            "on_change": self.on_change,
        }


_YEAR = r"((?:19|20|21)\d\d)"
_ANNUAL = re.compile(r"\b(hàng|hằng)\s+năm\b|thường xuyên|định kỳ", re.IGNORECASE)
_CHANGE = re.compile(
    r"(khi|nếu)\s+có\s+(sự\s+)?(thay\s+đổi|điều\s+chỉnh|quy\s+định\s+mới|văn\s+bản\s+mới)|cập nhật",
    re.IGNORECASE,
)
# "Từ năm học 2022 - 2023": a school year is where the task starts, not a span of years.
_SCHOOL_YEAR = re.compile(rf"năm\s+học\s+{_YEAR}\s*{DASH}\s*{_YEAR}", re.IGNORECASE)
_SPAN = re.compile(rf"{_YEAR}\s*{DASH}\s*{_YEAR}")
_FROM = re.compile(rf"(?:từ|bắt đầu từ)\s+(?:năm\s+)?{_YEAR}(?!\s*{DASH})", re.IGNORECASE)
_FOLLOWING = re.compile(r"(các\s+năm\s+tiếp\s+theo|trở\s+đi)", re.IGNORECASE)
_QUARTER = re.compile(rf"quý\s+([IV]+|\d)\s*(?:/|năm)\s*{_YEAR}", re.IGNORECASE)


def parse_timeframe(text: str, period: tuple[int, int] | None) -> Timeframe:
    """A task's timeframe. ``period`` is the plan's (start, end), used for
    "Hàng năm" and open ends. Unknown wording gives recurrence None."""
    text = " ".join(text.split())
    on_change = bool(_CHANGE.search(text))
    plan_start, plan_end = period or (None, None)
    school = _SCHOOL_YEAR.search(text)
    if school and int(school[2]) == int(school[1]) + 1 and re.search(r"\btừ\b", text, re.I):
        return Timeframe(text, int(school[1]), plan_end or int(school[2]), "period", on_change)
    span = _SPAN.search(text)
    if span:
        start, end = int(span[1]), int(span[2])
        if start > end:
            return Timeframe(text, None, None, None, on_change)
        if _FOLLOWING.search(text) and plan_end:
            end = max(end, plan_end)
        return Timeframe(text, start, end, "period", on_change)
    start_from = _FROM.search(text)
    if start_from and plan_end:
        return Timeframe(text, int(start_from[1]), plan_end, "period", on_change)
    quarter = _QUARTER.search(text)
    if quarter:
        year = int(quarter[2])
        return Timeframe(text, year, year, "once", on_change)
    years = [int(y) for y in re.findall(rf"(?<!\d){_YEAR}(?!\d)", text)]
    if _ANNUAL.search(text):
        first = years[0] if len(years) == 1 and _FROM.search(text) else plan_start
        return Timeframe(text, first, plan_end, "annual", on_change)
    if len(years) == 1:
        return Timeframe(text, years[0], years[0], "once", on_change)
    if len(years) > 1:
        return Timeframe(text, min(years), max(years), "period", on_change)
    if on_change and plan_start:  # "Khi có quy định mới": whenever it happens, all along
        return Timeframe(text, plan_start, plan_end, "period", True)
    return Timeframe(text, None, None, None, on_change)
