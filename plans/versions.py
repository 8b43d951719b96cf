"""Comparing two versions of a plan (both in the plan format): which tasks,
groups and targets were added, removed or changed. Plain Python; the same
matching decides how a new version is applied to the database."""

from __future__ import annotations

from typing import Any

from planwatch.text import fold

TASK_FIELDS = ("content", "lead", "partners", "output", "timeframe")
TARGET_FIELDS = ("measure", "min", "max", "unit", "breakdown", "text")
HEADER_FIELDS = (
    "title",
    "issuer",
    "decision",
    "implements",
    "period",
    "coordinator",
    "report_due",
    "general_objective",
)


def match(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> dict[int, int]:
    """Pair new items with old ones: (code, text) each. Same text first (a task
    renumbered keeps its identity), then same code. Returns {new index: old index}."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    by_text: dict[str, list[int]] = {}
    for i, (_code, text) in enumerate(old):
        by_text.setdefault(fold(text), []).append(i)
    for j, (_code, text) in enumerate(new):
        for i in by_text.get(fold(text), []):
            if i not in used:
                pairs[j] = i
                used.add(i)
                break
    by_code = {code: i for i, (code, _t) in enumerate(old)}
    for j, (code, _text) in enumerate(new):
        if j in pairs:
            continue
        same_code = by_code.get(code)
        if same_code is not None and same_code not in used:
            pairs[j] = same_code
            used.add(same_code)
    return pairs


def tasks_of(plan: dict) -> list[tuple[str, dict]]:
    return [(f"{g['number']}.{t['number']}", t) for g in plan["task_groups"] for t in g["tasks"]]


def targets_of(plan: dict) -> list[tuple[str, dict]]:
    counts: dict[int, int] = {}
    result = []
    for t in plan["targets"]:
        counts[t["milestone"]] = counts.get(t["milestone"], 0) + 1
        result.append((f"{t['milestone']}.{counts[t['milestone']]}", t))
    return result


def _compare(old_items, new_items, fields, text_key) -> dict[str, Any]:
    pairs = match(
        [(c, i[text_key]) for c, i in old_items], [(c, i[text_key]) for c, i in new_items]
    )
    matched_old = set(pairs.values())
    changed = []
    for j, i in sorted(pairs.items()):
        old_code, old = old_items[i]
        new_code, new = new_items[j]
        fields_changed = {f: [old.get(f), new.get(f)] for f in fields if old.get(f) != new.get(f)}
        if old_code != new_code:
            fields_changed["code"] = [old_code, new_code]
        if fields_changed:
            changed.append({"code": new_code, "fields": fields_changed})
    return {
        "added": [new_items[j][0] for j in range(len(new_items)) if j not in pairs],
        "removed": [old_items[i][0] for i in range(len(old_items)) if i not in matched_old],
        "changed": changed,
    }


def diff(old: dict | None, new: dict) -> dict[str, Any]:
    """What a new version changes: header fields, tasks, targets, groups, duties."""
    if old is None:
        return {
            "created": True,
            "tasks": {"added": [c for c, _t in tasks_of(new)], "removed": [], "changed": []},
        }
    old_groups = {g["number"]: g["title"] for g in old["task_groups"]}
    new_groups = {g["number"]: g["title"] for g in new["task_groups"]}
    return {
        "header": {f: [old.get(f), new.get(f)] for f in HEADER_FIELDS if old.get(f) != new.get(f)},
        "groups": {
            "added": [n for n in new_groups if n not in old_groups],
            "removed": [n for n in old_groups if n not in new_groups],
            "changed": [
                n for n in new_groups if n in old_groups and new_groups[n] != old_groups[n]
            ],
        },
        "tasks": _compare(tasks_of(old), tasks_of(new), TASK_FIELDS, "content"),
        "targets": _compare(targets_of(old), targets_of(new), TARGET_FIELDS, "text"),
        "duties_changed": old["duties"] != new["duties"],
    }


def is_empty(changes: dict) -> bool:
    """Whether a diff changes nothing."""
    if changes.get("created"):
        return False
    parts = [changes["header"], changes["duties_changed"]]
    for key in ("groups", "tasks", "targets"):
        parts += [changes[key]["added"], changes[key]["removed"], changes[key]["changed"]]
    return not any(parts)
