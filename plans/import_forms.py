"""The forms of an import: the uploaded document, and the review form (the plan as the
importer understood it, turned into form fields and back, every correction checked
and its error bound to its field)."""

from __future__ import annotations

import copy
import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.importer.document import EXTENSIONS, MAX_BYTES
from plans.importer.numbers import to_number
from planwatch.forms import SafeInputMixin, parse_date

MEASURES = ("reduction", "share", "count", "qualitative")
RECURRENCES = ("annual", "period", "once")
HEADER: tuple[str, ...] = ("code", "title", "issuer", "coordinator", "general_objective")
HEADER += ("decision_number", "decision_date", "period_start", "period_end", "report_due")
TARGET_FIELDS = ("text", "measure", "min", "max", "unit")
TASK_FIELDS: tuple[str, ...] = (
    "content",
    "lead",
    "partners",
    "output",
    "tf_text",
    "tf_start",
    "tf_end",
)
TASK_FIELDS += ("tf_recurrence",)


class DocumentForm(SafeInputMixin, forms.Form):
    document = forms.FileField(
        allow_empty_file=True,  # the reader names the problem of an empty file
        error_messages={
            "required": gettext_lazy("Choose a file (.docx, .doc, .txt, .md or .pdf).")
        },
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(mb)s MB); the limit is %(limit)s MB.")
                % {"mb": upload.size // (1024 * 1024), "limit": MAX_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(
                _("Only .docx, .doc, .txt, .md and .pdf files are accepted.")
            )
        return upload


def _names(value: str) -> list[str]:
    return [n.strip() for n in re.split(r"[;\n]", value or "") if n.strip()]


class ReviewForm(SafeInputMixin, forms.Form):
    """The reviewer's corrections to ``base`` (the plan in planwatch.plan/1). A field
    the POST does not carry keeps the importer's value. ``corrected`` is the plan
    with the corrections once the form is valid."""

    save = forms.BooleanField(required=False)  # the "save" button; else only check

    def __init__(self, data, *, base: dict[str, Any], **kwargs):
        super().__init__(data, **kwargs)
        self.base = base
        self.corrected: dict[str, Any] | None = None
        names = list(HEADER)
        for i, _target in enumerate(base["targets"]):
            names += [f"target-{i}-{f}" for f in TARGET_FIELDS]
            self.fields[f"target-{i}-delete"] = forms.BooleanField(required=False)
        for gi, group in enumerate(base["task_groups"]):
            names.append(f"group-{gi}-title")
            for ti, _task in enumerate(group["tasks"]):
                prefix = f"task-{gi}-{ti}-"
                names += [prefix + f for f in TASK_FIELDS]
                for flag in ("delete", "tf_on_change"):
                    self.fields[prefix + flag] = forms.BooleanField(required=False)
        for name in names:
            self.fields[name] = forms.CharField(required=False, strip=False)

    @property
    def saving(self) -> bool:
        return bool(self.cleaned_data.get("save"))

    def _given(self, name: str) -> bool:
        return name in self.data

    def _text(self, name: str) -> str:
        value = str(self.cleaned_data.get(name) or "").replace("\r", "")
        return value.strip() if "objective" in name else " ".join(value.split())

    def _year(self, name: str, label: str) -> int | None:
        value = self._text(name)
        if not value:
            return None
        if value.isdigit() and 1900 <= int(value) <= 2200:
            return int(value)
        self.add_error(
            name, _('%(label)s: "%(value)s" is not a year.') % {"label": label, "value": value[:20]}
        )
        return None

    def _number(self, name: str, label: str):
        value = self._text(name)
        if not value:
            return None
        number = to_number(value)
        if number is None or number < 0:
            self.add_error(
                name,
                _('%(label)s: "%(value)s" is not a number.')
                % {"label": label, "value": value[:20]},
            )
        return number

    def clean(self):
        super().clean()
        data = copy.deepcopy(self.base)
        self._header(data)
        data["targets"] = [
            target
            for i, target in enumerate(data["targets"])
            if not self.cleaned_data.get(f"target-{i}-delete") and self._target(i, target)
        ]
        for gi, group in enumerate(data["task_groups"]):
            group["title"] = self._text(f"group-{gi}-title") or group["title"]
            group["tasks"] = [
                task
                for ti, task in enumerate(group["tasks"])
                if not self.cleaned_data.get(f"task-{gi}-{ti}-delete")
                and self._task(f"task-{gi}-{ti}-", group, task)
            ]
        self.corrected = data
        return self.cleaned_data

    def _header(self, data: dict) -> None:
        for key in ("code", "title", "issuer", "coordinator"):
            if self._given(key):
                data[key] = self._text(key) or None
        if data.get("code") is None:
            data["code"] = ""
        if self._given("general_objective"):
            data["general_objective"] = self._text("general_objective") or None
        if self._given("decision_number"):
            raw = self._text("decision_date")
            day = parse_date(raw) if raw else None
            if raw and day is None:
                self.add_error(
                    "decision_date",
                    _('%(label)s: "%(value)s" is not a date (dd/mm/yyyy).')
                    % {"label": _("Decision date"), "value": raw[:20]},
                )
            data["decision"] = {
                "number": self._text("decision_number") or None,
                "date": day.isoformat() if day else None,
            }
        if self._given("period_start"):
            start = self._year("period_start", _("Period start"))
            end = self._year("period_end", _("Period end"))
            data["period"] = {
                "start": start or data["period"]["start"],
                "end": end or data["period"]["end"],
            }
        if self._given("report_due"):
            due = self._text("report_due")
            match = re.fullmatch(r"(\d{1,2})\s*/\s*(\d{1,2})", due)
            if not due:
                data["report_due"] = None
            elif match and 1 <= int(match[2]) <= 12 and 1 <= int(match[1]) <= 31:
                data["report_due"] = {"month": int(match[2]), "day": int(match[1])}
            else:
                self.add_error("report_due", _("Report due: write day/month, e.g. 10/12."))

    def _target(self, i: int, target: dict) -> bool:
        prefix = f"target-{i}-"
        if not self._given(prefix + "text"):
            return True
        label = _("Target %(n)s") % {"n": i + 1}
        target["text"] = self._text(prefix + "text") or target["text"]
        measure = self.cleaned_data.get(prefix + "measure") or target["measure"]
        target["measure"] = measure if measure in MEASURES else target["measure"]
        target["min"] = self._number(prefix + "min", label)
        target["max"] = self._number(prefix + "max", label)
        target["unit"] = self._text(prefix + "unit") or None
        if target["measure"] == "share" and any(
            v is not None and v > 100 for v in (target["min"], target["max"])
        ):
            self.add_error(
                prefix + "max", _("%(label)s: a share cannot be above 100%%.") % {"label": label}
            )
        return True

    def _task(self, prefix: str, group: dict, task: dict) -> bool:
        if not self._given(prefix + "content"):
            return True
        code = f"{group['number']}.{task['number']}"
        task["content"] = self._text(prefix + "content") or task["content"]
        task["lead"] = _names(self.cleaned_data.get(prefix + "lead", ""))
        task["partners"] = _names(self.cleaned_data.get(prefix + "partners", ""))
        task["output"] = self._text(prefix + "output") or None
        tf = task["timeframe"]
        tf["text"] = self._text(prefix + "tf_text") or None
        tf["start"] = self._year(prefix + "tf_start", code)
        tf["end"] = self._year(prefix + "tf_end", code)
        recurrence = self.cleaned_data.get(prefix + "tf_recurrence") or None
        tf["recurrence"] = recurrence if recurrence in RECURRENCES else None
        tf["on_change"] = bool(self.cleaned_data.get(prefix + "tf_on_change"))
        if not task["lead"]:
            self.add_error(prefix + "lead", _("Task %(code)s has no lead agency.") % {"code": code})
        return True

    def messages(self) -> list[str]:
        return [str(e) for errors in self.errors.values() for e in errors]
