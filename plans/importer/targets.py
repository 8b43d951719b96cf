"""Reading the targets ("Mục tiêu cụ thể") of a plan: measure, floor, ceiling,
unit and breakdown from one bullet; a bullet that holds two targets is split."""

from __future__ import annotations

import re
import unicodedata

from plans.importer.headings import fold
from plans.importer.numbers import Quantity, find_quantities

# Counting nouns that serve as units after a number ("04 mô hình", "02 chuỗi liên kết").
COUNT_UNITS = [
    "chuỗi liên kết",
    "mô hình",
    "chuỗi",
    "sản phẩm",
    "lớp tập huấn",
    "lớp",
    "hội nghị",
    "hội thảo",
    "doanh nghiệp",
    "cơ sở",
    "điểm bán",
    "cửa hàng",
    "lượt người",
    "lượt",
    "người",
    "học viên",
    "dự án",
    "đề tài",
    "nhiệm vụ",
    "chương trình",
    "hợp tác xã",
    "làng nghề",
    "sự kiện",
    "phóng sự",
    "tin, bài",
    "tin bài",
    "bài viết",
    "ấn phẩm",
    "tài liệu",
    "cuộc",
    "xã",
    "huyện",
    "khu",
    "cụm",
    "chợ",
    "siêu thị",
    "trung tâm",
]
_REDUCTION = re.compile(r"^\s*(giảm|cắt giảm|hạn chế|tiết kiệm)", re.IGNORECASE)
_TRAILING = re.compile(r"[\s;,.:✓✔☑√]+$")
_SUBJECT_END = re.compile(
    r"\s+(?:được|sử dụng|có|trên địa bàn|hàng năm|hằng năm|áp dụng|thực hiện|tham gia|"
    r"đạt|đáp ứng|triển khai|xây dựng|bố trí|thu gom|xử lý)\b",
    re.IGNORECASE,
)


def clean_target_text(text: str) -> str:
    """Without the trailing ";" or "." and stray check marks."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "So" or ch == "%")
    return _TRAILING.sub("", " ".join(text.split()))


def split_compound(text: str) -> list[tuple[str, list[str]]]:
    """ "Giảm ít nhất 40-50% X đối với A và 30% đối với B" -> two sentences, each
    with the class it applies to as its breakdown. Other text -> itself, no class."""
    figures = [q for q in find_quantities(text) if q.unit_follows == "%"]
    if len(figures) != 2:
        return [(text, [])]
    first, second = figures
    joint = text[first.end : second.start]
    m = re.search(r"\s(và|còn)\s+$", joint)
    if not m:
        return [(text, [])]
    part_one = text[: first.end + m.start()].strip()
    tail = text[second.end :].strip()
    opener = " ".join(tail.split()[:2])
    shared = text[first.end : first.end + m.start()]
    cut = shared.rfind(" " + opener) if opener else -1
    if cut < 0:
        return [(text, [])]
    prefix = text[: first.start]
    lead_word = re.match(r"\s*((?:ít nhất|tối thiểu|trên|đạt|khoảng)\s+)?", text[first.start :])
    lead = lead_word[1] or "" if lead_word else ""
    middle = shared[:cut]
    second_text = f"{prefix}{lead}{text[second.start : second.end].strip()}{middle} {tail}"
    second_text = " ".join(second_text.split())
    class_one = shared[cut:].strip()
    return [(part_one, [_class_of(class_one, opener)]), (second_text, [_class_of(tail, opener)])]


def _class_of(phrase: str, opener: str) -> str:
    """ "đối với các chợ đạt chuẩn nông thôn mới" -> "chợ đạt chuẩn nông thôn mới"."""
    phrase = phrase.strip()
    if opener and phrase.lower().startswith(opener.lower()):
        phrase = phrase[len(opener) :].strip()
    return re.sub(r"^(các|những)\s+", "", phrase)


def _unit_for_count(after: str) -> str | None:
    key = fold(after)
    for unit in COUNT_UNITS:
        if key.startswith(fold(unit)) and (
            len(key) == len(fold(unit)) or not key[len(fold(unit))].isalnum()
        ):
            return unit
    words = after.split()
    return words[0] if words else None


# Head nouns that Vietnamese lists elide: "khu, cụm công nghiệp" = "khu công nghiệp,
# cụm công nghiệp".
ELIDABLE_HEADS = {"khu", "cụm", "làng", "vùng", "điểm", "xã", "phường"}


def _split_list(phrase: str) -> list[str]:
    """ "khu, cụm công nghiệp, làng nghề" -> ["khu công nghiệp", "cụm công nghiệp",
    "làng nghề"]: an elided head noun borrows the tail of the item after it."""
    parts = [p.strip() for p in re.split(r",|\s+và\s+|;", phrase) if p.strip()]
    parts = [re.sub(r"^(các|những)\s+", "", p) for p in parts]
    expanded = []
    for i, part in enumerate(parts):
        following = parts[i + 1].split() if i + 1 < len(parts) else []
        if (
            part.lower() in ELIDABLE_HEADS
            and len(following) > 1
            and following[0].lower() in ELIDABLE_HEADS
        ):
            part = part + " " + " ".join(following[1:])
        expanded.append(part)
    return expanded


def _breakdown(text: str, measure: str, figure: Quantity) -> list[str]:
    if measure == "reduction":
        m = re.search(r"\bnhư\s*:?\s*(.+?)(?:\s+trên địa bàn.*)?$", text)
        if m:
            return _split_list(m[1])
        return []
    if measure == "share":
        after = text[figure.end :]
        m = re.match(r"\s*(?:các|những)?\s*(.+)", after)
        if not m:
            return []
        subject = _SUBJECT_END.split(m[1], maxsplit=1)[0]
        subject = subject.split(";")[0]
        items = _split_list(subject)
        return items if len(items) >= 2 else []
    return []


def read_target(text: str, milestone: int, extra_breakdown: list[str] | None = None) -> dict:
    """One target in the plan format from one sentence."""
    text = clean_target_text(text)
    figures = find_quantities(text)
    if not figures:
        return {
            "milestone": milestone,
            "text": text,
            "measure": "qualitative",
            "min": None,
            "max": None,
            "unit": None,
            "breakdown": [],
        }
    figure = figures[0]
    if _REDUCTION.match(text) or re.search(r"\bgiảm\b", text[: figure.start], re.IGNORECASE):
        measure = "reduction"
    elif figure.unit_follows == "%":
        measure = "share"
    else:
        measure = "count"
    unit = "%" if figure.unit_follows == "%" else _unit_for_count(figure.unit_follows)
    breakdown = extra_breakdown or _breakdown(text, measure, figure)
    return {
        "milestone": milestone,
        "text": text,
        "measure": measure,
        "min": figure.low,
        "max": figure.high,
        "unit": unit,
        "breakdown": breakdown,
    }


def read_targets(text: str, milestone: int) -> list[dict]:
    """All targets in one bullet."""
    return [
        read_target(sentence, milestone, classes or None)
        for sentence, classes in split_compound(clean_target_text(text))
    ]
