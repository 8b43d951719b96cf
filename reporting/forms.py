"""The reporting forms: an agency's report (with its indicator values), returning it,
opening a year, a period's status and due date, evidence and Excel uploads. Each
turns a POST into the data the services take, with errors bound to their fields."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.importer.numbers import to_number
from planwatch.forms import DateField, Form, MoneyField, RevisionField, SafeInputMixin
from reporting.models import AgencyReport, ItemStatus, PeriodStatus, ReportItem

ITEM_FIELDS = ("status", "reason", "done", "results", "quantities", "spent")
INDICATOR_FIELDS = ("value", "numerator", "denominator")
POSTED = re.compile(r"^(item|indicator)-([0-9]{1,18})-[a-z]+$")


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


def item_field(item: ReportItem, name: str) -> str:
    return f"item-{item.task_id}-{name}"


def indicator_field(indicator, name: str) -> str:
    return f"indicator-{indicator.pk}-{name}"


class PostedUnitsForm(forms.Form):
    """Which items and indicators a POST names, by its field names ("item-12-done",
    "indicator-4-value"; an autosave sends one unit), so that the report form is built
    over those alone. Nothing here is trusted beyond the ids: ReportForm validates the
    values, and the lookups decide who may edit what."""

    def ids(self) -> tuple[set[int], set[int]]:
        return ReportForm.posted_ids(self.data)


class ReportForm(SafeInputMixin, forms.Form):
    """The report form. A field the POST does not carry leaves the draft as it is
    (an autosave sends the whole form; a script may send a part)."""

    action = forms.ChoiceField(
        choices=[("save", "save"), ("submit", "submit")], required=False, initial="save"
    )
    revision = RevisionField()
    difficulties = forms.CharField(required=False)
    proposals = forms.CharField(required=False)

    def __init__(self, data, *, items, indicators=(), **kwargs):
        """``items`` and ``indicators``: the report's, or functions that read only those
        of them whose ids the POST names (an autosave sends one field: no query for
        the rest, none at all for what it does not name)."""
        super().__init__(data, **kwargs)
        if callable(items) or callable(indicators):
            tasks, indicator_ids = self.posted_ids(self.data)
            items = (items(tasks) if tasks else []) if callable(items) else items
            indicators = (
                (indicators(indicator_ids) if indicator_ids else [])
                if callable(indicators)
                else indicators
            )
        self.items: list[ReportItem] = list(items)
        self.indicators = list(indicators)
        for item in items:
            code = item.task.code
            self.fields[item_field(item, "status")] = forms.ChoiceField(
                choices=ItemStatus.choices,
                required=False,
                error_messages={
                    "invalid_choice": _("Task %(code)s: unknown status.") % {"code": code}
                },
            )
            for name in ("reason", "done", "results", "quantities"):
                self.fields[item_field(item, name)] = forms.CharField(required=False)
            self.fields[item_field(item, "spent")] = MoneyField(
                required=False,
                label_in_message=_("Task %(code)s, money spent") % {"code": code},
            )
        for indicator in self.indicators:
            for name in INDICATOR_FIELDS:
                self.fields[indicator_field(indicator, name)] = forms.CharField(required=False)

    @staticmethod
    def posted_ids(data) -> tuple[set[int], set[int]]:
        """(task ids, indicator ids) that ``data``'s field names carry ("item-12-done",
        "indicator-4-value"): the form a POST needs, read before building it."""
        tasks: set[int] = set()
        indicators: set[int] = set()
        for name in data:
            match = POSTED.match(name)
            if match:
                (tasks if match[1] == "item" else indicators).add(int(match[2]))
        return tasks, indicators

    @property
    def submitting(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("action") == "submit"

    def clean(self):
        data = super().clean()
        for item in self.items:
            name = item_field(item, "quantities")
            if name in self.data:
                quantities = parse_quantities(data.get(name, ""))
                if quantities is None:
                    self.add_error(name, _('Quantities: write one a line as "label: number unit".'))
                else:
                    data[name] = quantities
            status_key = item_field(item, "status")
            status = data.get(status_key) if status_key in self.data else item.status
            reason = item_field(item, "reason")
            reason_given = data.get(reason) if reason in self.data else item.reason
            if status == ItemStatus.NOT_DONE and not reason_given:
                self.add_error(
                    reason,
                    _("Task %(code)s: give the reason it will not be done.")
                    % {"code": item.task.code},
                )
        return data

    def draft_data(self) -> dict:
        """The ``save_draft`` data: the items and texts the POST carried."""
        items = {}
        for item in self.items:
            posted = {
                name: self.cleaned_data.get(item_field(item, name))
                for name in ITEM_FIELDS
                if item_field(item, name) in self.data
            }
            if posted:
                items[str(item.task_id)] = posted
        data: dict = {"items": items}
        for name in ("difficulties", "proposals"):
            if name in self.data:
                data[name] = self.cleaned_data[name]
        return data

    def indicator_values(self) -> dict[int, dict[str, str]]:
        """{indicator id: {"value"/"numerator"/"denominator": text}} as typed, for the
        indicators the POST carried (an autosave of one field leaves the others)."""
        return {
            indicator.pk: {
                name: self.cleaned_data.get(indicator_field(indicator, name)) or ""
                for name in INDICATOR_FIELDS
            }
            for indicator in self.indicators
            if any(indicator_field(indicator, name) in self.data for name in INDICATOR_FIELDS)
        }

    def field_errors(self) -> dict[str, list[str]]:
        """{field name: its messages}, for the autosave's answer (beside each field)."""
        return {name: [str(e) for e in errors] for name, errors in self.errors.items()}

    def show_typed(self, report) -> None:
        """Put what was typed back on the report and its items (not saved), so that a
        form refused shows the user's text, not the stored one."""
        for name in ("difficulties", "proposals"):
            if name in self.data:
                setattr(report, name, self.data.get(name, ""))
        for item in self.items:
            for name in ITEM_FIELDS:
                key = item_field(item, name)
                if key in self.data:
                    attr = "quantities_text" if name == "quantities" else name
                    setattr(item, attr, self.data.get(key, ""))
            item.field_errors = {  # type: ignore[attr-defined]  # read by the template
                name: self.errors.get(item_field(item, name), []) for name in ITEM_FIELDS
            }

    def messages(self) -> list[str]:
        """Every error, for the summary at the top of the page and htmx's status line."""
        return [str(e) for errors in self.errors.values() for e in errors]


class ReturnForm(SafeInputMixin, forms.Form):
    """Returning a report: a general comment and one per task or text field."""

    comment = forms.CharField(required=False)

    def __init__(self, data, *, items: list[ReportItem], **kwargs):
        super().__init__(data, **kwargs)
        self.comment_fields = [f"item-{item.task.code}" for item in items]
        self.comment_fields += ["difficulties", "proposals"]
        for name in self.comment_fields:
            self.fields[f"comment-{name}"] = forms.CharField(required=False, max_length=2000)

    def field_comments(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[f"comment-{name}"]
            for name in self.comment_fields
            if self.cleaned_data.get(f"comment-{name}")
        }


class OpenPeriodForm(SafeInputMixin, forms.Form):
    """The year to open; without ``confirm`` the page first shows what opening does."""

    year = forms.IntegerField()
    confirm = forms.BooleanField(required=False)

    def __init__(self, data, *, plan, **kwargs):
        super().__init__(data, **kwargs)
        message = _("The year must be between %(start)s and %(end)s.") % {
            "start": plan.period_start,
            "end": plan.period_end,
        }
        self.fields["year"].error_messages.update(invalid=message, required=message)


class CancelPeriodForm(Form):
    confirm = forms.BooleanField(
        error_messages={"required": gettext_lazy("Confirm that the period is to be cancelled.")}
    )


class PeriodStatusForm(SafeInputMixin, forms.Form):
    status = forms.ChoiceField(choices=PeriodStatus.choices)


class DueDateForm(SafeInputMixin, forms.Form):
    due_date = DateField()


class EvidenceForm(SafeInputMixin, forms.Form):
    file = forms.FileField(
        allow_empty_file=True,  # the reader names the problem of an empty file
        error_messages={"required": gettext_lazy("Choose a file.")},
    )
    task = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, data, files, *, items: list[ReportItem], **kwargs):
        super().__init__(data, files, **kwargs)
        task_field = self.fields["task"]
        assert isinstance(task_field, forms.TypedChoiceField)
        task_field.choices = [("", "")] + [(i.task_id, i.task.code) for i in items]
        self.items = {i.task_id: i for i in items}

    def item(self) -> ReportItem | None:
        task = self.cleaned_data.get("task")
        return self.items.get(task) if task is not None else None


class WorkbookForm(SafeInputMixin, forms.Form):
    file = forms.FileField(
        allow_empty_file=True,  # the reader names the problem of an empty file
        error_messages={"required": gettext_lazy("Choose the report's Excel workbook (.xlsx).")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose the report's Excel workbook (.xlsx)."))
        return upload


class AcceptManyForm(Form):
    """Several submitted reports of one year, ticked on the year's page."""

    reports = forms.ModelMultipleChoiceField(
        queryset=AgencyReport.objects.none(),
        error_messages={"required": _("Tick the reports to accept.")},
    )

    def __init__(self, data, *, period, **kwargs):
        super().__init__(data, **kwargs)
        field = self.fields["reports"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = period.reports.select_related("agency", "period", "period__plan")
        field.error_messages["invalid_pk_value"] = _("This report is not of this year.")
        field.error_messages["invalid_choice"] = _("This report is not of this year.")
