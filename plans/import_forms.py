"""The review form of an import: the plan as the importer understood it, turned
into form fields and back, with every correction checked."""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext as _

from plans.importer.numbers import to_number

MEASURES = ("reduction", "share", "count", "qualitative")
RECURRENCES = ("annual", "period", "once")


def _text(post, key: str, default: str | None = "") -> str | None:
    value = post.get(key)
    if value is None:
        return default
    return (
        " ".join(str(value).replace("\r", "").split())
        if "objective" not in key
        else str(value).strip()
    )


def _names(value: str) -> list[str]:
    return [n.strip() for n in re.split(r"[;\n]", value or "") if n.strip()]


def _year(value: str, label: str, errors: list[str]) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit() and 1900 <= int(value) <= 2200:
        return int(value)
    errors.append(
        _('%(label)s: "%(value)s" is not a year.') % {"label": label, "value": value[:20]}
    )
    return None


def _date(value: str, label: str, errors: list[str]) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    errors.append(
        _('%(label)s: "%(value)s" is not a date (dd/mm/yyyy).')
        % {"label": label, "value": value[:20]}
    )
    return None


def _number(value: str, label: str, errors: list[str]):
    value = (value or "").strip()
    if not value:
        return None
    number = to_number(value)
    if number is None or number < 0:
        errors.append(
            _('%(label)s: "%(value)s" is not a number.') % {"label": label, "value": value[:20]}
        )
    return number


def apply_corrections(base: dict[str, Any], post) -> tuple[dict[str, Any], list[str]]:
    """The plan with the reviewer's corrections from ``post``; (plan, errors)."""
    data = copy.deepcopy(base)
    errors: list[str] = []
    for key in ("code", "title", "issuer", "coordinator"):
        value = _text(post, key, None)
        if value is not None:
            data[key] = value or None
    if data.get("code") is None:
        data["code"] = ""
    if "general_objective" in post:
        data["general_objective"] = str(post["general_objective"]).strip() or None
    if "decision_number" in post:
        data["decision"] = {
            "number": _text(post, "decision_number") or None,
            "date": _date(post.get("decision_date"), _("Decision date"), errors),
        }
    if "period_start" in post:
        start = _year(post.get("period_start"), _("Period start"), errors)
        end = _year(post.get("period_end"), _("Period end"), errors)
        data["period"] = {
            "start": start or data["period"]["start"],
            "end": end or data["period"]["end"],
        }
    if "report_due" in post:
        due = (post.get("report_due") or "").strip()
        match = re.fullmatch(r"(\d{1,2})\s*/\s*(\d{1,2})", due)
        if not due:
            data["report_due"] = None
        elif match and 1 <= int(match[2]) <= 12 and 1 <= int(match[1]) <= 31:
            data["report_due"] = {"month": int(match[2]), "day": int(match[1])}
        else:
            errors.append(_("Report due: write day/month, e.g. 10/12."))
    targets = []
    for i, target in enumerate(data["targets"]):
        prefix = f"target-{i}-"
        if post.get(prefix + "delete"):
            continue
        if prefix + "text" in post:
            label = _("Target %(n)s") % {"n": i + 1}
            target["text"] = _text(post, prefix + "text") or target["text"]
            measure = post.get(prefix + "measure", target["measure"])
            target["measure"] = measure if measure in MEASURES else target["measure"]
            target["min"] = _number(post.get(prefix + "min"), label, errors)
            target["max"] = _number(post.get(prefix + "max"), label, errors)
            target["unit"] = _text(post, prefix + "unit") or None
            if target["measure"] == "share" and any(
                v is not None and v > 100 for v in (target["min"], target["max"])
            ):
                errors.append(_("%(label)s: a share cannot be above 100%%.") % {"label": label})
        targets.append(target)
    data["targets"] = targets
    for gi, group in enumerate(data["task_groups"]):
        group["title"] = _text(post, f"group-{gi}-title") or group["title"]
        tasks = []
        for ti, task in enumerate(group["tasks"]):
            prefix = f"task-{gi}-{ti}-"
            if post.get(prefix + "delete"):
                continue
            if prefix + "content" in post:
                code = f"{group['number']}.{task['number']}"
                task["content"] = _text(post, prefix + "content") or task["content"]
                task["lead"] = _names(post.get(prefix + "lead", ""))
                task["partners"] = _names(post.get(prefix + "partners", ""))
                task["output"] = _text(post, prefix + "output") or None
                tf = task["timeframe"]
                tf["text"] = _text(post, prefix + "tf_text") or None
                tf["start"] = _year(post.get(prefix + "tf_start"), code, errors)
                tf["end"] = _year(post.get(prefix + "tf_end"), code, errors)
                recurrence = post.get(prefix + "tf_recurrence") or None
                tf["recurrence"] = recurrence if recurrence in RECURRENCES else None
                tf["on_change"] = bool(post.get(prefix + "tf_on_change"))
                if not task["lead"]:
                    errors.append(_("Task %(code)s has no lead agency.") % {"code": code})
            tasks.append(task)
        group["tasks"] = tasks
    return data, errors
