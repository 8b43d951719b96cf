"""Reading the appendix table of tasks: columns found by their headers in any
order, group rows in their many layouts, several agencies in one cell."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plans.importer.document import Row, Table
from plans.importer.headings import fold
from plans.importer.numbers import roman_to_int

# Column role -> header words (folded), most specific first.
COLUMNS = [
    ("number", ("stt", "tt", "so tt", "so thu tu")),
    ("lead", ("chu tri",)),
    ("partners", ("phoi hop",)),
    ("output", ("san pham", "ket qua")),
    ("timeframe", ("thoi gian", "tien do", "thoi han")),
    ("note", ("ghi chu",)),
    ("content", ("noi dung", "nhiem vu", "cong viec", "ten de an", "hoat dong")),
]
REQUIRED = {
    "content": "Nội dung nhiệm vụ",
    "lead": "Đơn vị chủ trì",
    "timeframe": "Thời gian thực hiện",
}


def column_roles(cells: list[str]) -> dict[str, int]:
    """Map column roles to indexes from a header row ({} if it is not a header)."""
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = fold(cell)
        if not key:
            continue
        for role, words in COLUMNS:
            if role in roles:
                continue
            if role in ("number",):
                if key.strip(" .") in words:
                    roles[role] = index
                    break
            elif any(w in key for w in words):
                roles[role] = index
                break
    if "lead" not in roles:
        # One column for the agencies ("Đơn vị thực hiện", "Cơ quan thực hiện"): the leads.
        for index, cell in enumerate(cells):
            key = fold(cell)
            header = re.fullmatch(r"(don vi|co quan)( (thuc hien|trien khai|dau moi))?", key)
            if index not in roles.values() and header:
                roles["lead"] = index
                break
    return roles if {"content", "lead"} <= set(roles) else {}


def find_header(table: Table) -> tuple[int, dict[str, int]] | None:
    """The header row of a task table (two-row headers merged), or None."""
    for i, row in enumerate(table.rows[:4]):
        roles = column_roles(row.cells)
        if i + 1 < len(table.rows):
            merged = [
                f"{a} {b}".strip() for a, b in zip(row.cells, table.rows[i + 1].cells, strict=False)
            ]
            both = column_roles(merged)
            below = " ".join(fold(c) for c in table.rows[i + 1].cells)
            # A two-row header: the second row splits the agencies ("Chủ trì | Phối hợp").
            if both and (not roles or re.search(r"\b(chu tri|phoi hop)\b", below)):
                return i + 1, both
        if roles:
            return i, roles
    return None


@dataclass
class TaskRow:
    number: str
    content: str
    lead: str
    partners: str
    output: str
    timeframe: str
    note: str
    where: str
    extra: list[str] = field(default_factory=list)  # where of continuation rows


@dataclass
class GroupRow:
    number: str
    title: str
    where: str
    tasks: list[TaskRow] = field(default_factory=list)


@dataclass
class AppendixResult:
    groups: list[GroupRow]
    skipped: dict[str, str]  # where -> why (header rows, column numbers)
    problems: list[tuple[str, str]]  # (where, message)


_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")
_GROUP_IN_CELL = re.compile(r"^([IVXLC]+)[.:)]?\s+(\S.*)$")
_TASK_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*|[a-zđ])[.)]?$", re.IGNORECASE)


def _cell(cells: list[str], roles: dict[str, int], role: str) -> str:
    index = roles.get(role)
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def read_tables(tables: list[Table]) -> AppendixResult | None:
    """Read every task table of the appendix (a table continued on the next page
    repeats its header). None when there is no task table."""
    groups: list[GroupRow] = []
    skipped: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    found = False
    roles: dict[str, int] = {}
    for table in tables:
        header = find_header(table)
        if header is None and not found:
            continue
        start = 0
        if header is not None:
            header_index, roles = header
            found = True
            for row in table.rows[: header_index + 1]:
                skipped[row.where] = "tiêu đề bảng"
            start = header_index + 1
        _read_rows(table.rows[start:], roles, groups, skipped, problems)
    if not found:
        return None
    return AppendixResult(groups, skipped, problems)


def _group_row(values, number, content, lead, timeframe, where) -> GroupRow | None:
    """A group of tasks: a Roman number (or an Arabic one with no agency and no time),
    a merged row across the table, or number and title in one cell."""
    # All non-empty cells the same: a merged row (a group title across the table).
    if (len(set(values)) == 1 and len(values) > 1) or (len(values) == 1 and not lead):
        match = _GROUP_IN_CELL.match(values[0])
        if match and roman_to_int(match[1]):
            return GroupRow(match[1], match[2].strip(), where)
        if roman_to_int(number) and content:
            return GroupRow(number, content, where)
    if roman_to_int(number) and not lead:
        return GroupRow(number, content, where)
    match = _GROUP_IN_CELL.match(number)
    if match and roman_to_int(match[1]) and not content:
        return GroupRow(match[1], match[2].strip(), where)
    if number.isdigit() and not lead and not timeframe and content:
        return GroupRow(number, content, where)
    return None


def _read_rows(rows: list[Row], roles, groups, skipped, problems) -> None:
    width = max(roles.values()) + 1
    header_keys = None
    for row in rows:
        cells = row.cells + [""] * (width - len(row.cells))
        values = [c for c in cells if c.strip()]
        if not values:
            skipped[row.where] = "hàng trống"
            continue
        if column_roles(cells):
            skipped[row.where] = "tiêu đề bảng lặp lại"
            header_keys = header_keys or cells
            continue
        if all(_COLUMN_NUMBERS.match(v.strip()) for v in values):
            skipped[row.where] = "hàng đánh số cột"
            continue
        if len(row.cells) < width and len(row.cells) > 1:
            problems.append(
                (
                    row.where,
                    f"Hàng có {len(row.cells)} cột, bảng có {width} cột; "
                    "các cột thiếu được để trống.",
                )
            )
        number = _cell(cells, roles, "number").rstrip(".")
        content = _cell(cells, roles, "content")
        lead = _cell(cells, roles, "lead")
        timeframe = _cell(cells, roles, "timeframe")
        group = _group_row(values, number, content, lead, timeframe, row.where)
        if group is not None:
            groups.append(group)
            continue
        if not number and content and not lead and groups and groups[-1].tasks:
            task = groups[-1].tasks[-1]
            task.content = f"{task.content} {content}"
            task.extra.append(row.where)
            continue
        if not content:
            problems.append((row.where, "Hàng không có nội dung nhiệm vụ; bỏ qua."))
            continue
        if not groups:
            groups.append(GroupRow("I", "Nhiệm vụ", row.where))
            problems.append(
                (
                    row.where,
                    "Bảng không có dòng nhóm nhiệm vụ; các nhiệm vụ được "
                    'xếp vào một nhóm "I. Nhiệm vụ".',
                )
            )
        group = groups[-1]
        if number and not _TASK_NUMBER.match(number):
            problems.append(
                (row.where, f'Số thứ tự "{number[:20]}" không rõ; đánh số theo thứ tự.')
            )
            number = ""
        if number.startswith(f"{group.number}."):
            number = number[len(group.number) + 1 :]
        number = number or str(len(group.tasks) + 1)
        group.tasks.append(
            TaskRow(
                number=number,
                content=content,
                lead=lead,
                partners=_cell(cells, roles, "partners"),
                output=_cell(cells, roles, "output"),
                timeframe=timeframe,
                note=_cell(cells, roles, "note"),
                where=row.where,
            )
        )
