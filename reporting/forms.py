"""Turning the report form (browser) into the data ``save_draft`` takes."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from plans.importer.numbers import to_number


def parse_money(text: str) -> int | str | None:
    """ "1.250.000.000", "1250000000", "1 250 000 000 đ" -> 1250000000; other text is
    returned as it is so that the validation can name it."""
    text = (text or "").strip().replace("đ", "").replace("VNĐ", "").strip()
    if not text:
        return None
    compact = re.sub(r"[\s.]", "", text)
    if re.fullmatch(r"-?\d+", compact) and (
        re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text.replace(" ", "")) or "." not in text
    ):
        return int(compact)
    return text


def parse_quantities(text: str) -> list[dict] | None:
    """One quantity a line: "Lớp tập huấn: 3 lớp" -> {label, value, unit}."""
    quantities = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        match = re.match(r"^(.+?)\s*:\s*([\d.,]+)\s*(.*)$", line)
        if not match or to_number(match[2]) is None:
            return None
        quantities.append(
            {"label": match[1].strip(), "value": to_number(match[2]), "unit": match[3].strip()}
        )
    return quantities


def format_quantities(quantities: list[dict]) -> str:
    return "\n".join(
        f"{q.get('label')}: {q.get('value')} {q.get('unit', '')}".strip() for q in quantities or []
    )


def report_data(post, task_ids: list[int]) -> tuple[dict, list[str]]:
    """The ``save_draft`` data from a POST of the report form."""
    errors: list[str] = []
    items = {}
    for task_id in task_ids:
        prefix = f"item-{task_id}-"
        if prefix + "status" not in post:
            continue
        quantities = parse_quantities(post.get(prefix + "quantities", ""))
        if quantities is None:
            errors.append(_('Quantities: write one a line as "label: number unit".'))
            quantities = []
        items[str(task_id)] = {
            "status": post.get(prefix + "status"),
            "reason": post.get(prefix + "reason", ""),
            "done": post.get(prefix + "done", ""),
            "results": post.get(prefix + "results", ""),
            "spent": parse_money(post.get(prefix + "spent", "")),
            "quantities": quantities,
        }
    data = {"items": items}
    for field in ("difficulties", "proposals"):
        if field in post:
            data[field] = post.get(field, "")
    return data, errors
