"""The funding forms, one per step of the year's page: an estimate line (add, edit),
sending the proposal, appraising a line, returning, recording the allocation,
opening a year and uploading the Excel proposal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency
from budget.excel import MAX_BYTES
from budget.models import BudgetLine, Decision, Source
from plans.models import Task
from planwatch.forms import DateField, Form, MoneyField, RevisionField


class LineForm(Form):
    """An estimate line: task, agency (its code; the own agency when not sent), source,
    what it pays for, the amount in đồng."""

    task = forms.ModelChoiceField(
        queryset=Task.objects.none(),
        error_messages={
            "required": gettext_lazy("Choose a task of the plan."),
            "invalid_choice": gettext_lazy("Choose a task of the plan."),
        },
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.all(),
        to_field_name="code",
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose the agency.")},
    )
    source = forms.ChoiceField(
        choices=Source.choices,
        error_messages={
            "required": gettext_lazy("Choose the source of funds."),
            "invalid_choice": gettext_lazy("Choose the source of funds."),
        },
    )
    content = forms.CharField(
        max_length=2000,
        error_messages={"required": gettext_lazy("Say what the money pays for.")},
    )
    amount = MoneyField(label_in_message=gettext_lazy("Estimated amount"))
    revision = RevisionField(required=False)

    def __init__(self, data, *, plan, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["task"].queryset = Task.objects.current().filter(plan=plan)

    def line_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("task", "agency", "source", "content", "amount")}


class RevisionForm(Form):
    revision = RevisionField(required=False)


class AppraisalForm(Form):
    decision = forms.ChoiceField(
        choices=[(v, label) for v, label in Decision.choices if v != Decision.PENDING],
        error_messages={
            "required": gettext_lazy("Choose: accept, reduce or reject."),
            "invalid_choice": gettext_lazy("Choose: accept, reduce or reject."),
        },
    )
    appraised = MoneyField(required=False, label_in_message=gettext_lazy("Appraised amount"))
    reason = forms.CharField(required=False, max_length=2000)

    def __init__(self, data=None, *args, **kwargs):
        # The row's own "Accept" button: the amount and the chosen decision do not count.
        if data is not None and data.get("accept"):
            data = data.copy()
            data["decision"], data["appraised"] = Decision.ACCEPTED, ""
        super().__init__(data, *args, **kwargs)


class ReasonForm(Form):
    reason = forms.CharField(required=False, max_length=2000)


class AllocationForm(Form):
    """UBND tỉnh's decision, and an amount per line where it differs from the appraisal."""

    allocation_number = forms.CharField(
        max_length=64,
        error_messages={
            "required": gettext_lazy("Give the number of the allocation decision."),
        },
    )
    allocation_date = DateField()

    def __init__(self, data, *, lines: list[BudgetLine], **kwargs):
        super().__init__(data, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"allocated-{line.pk}"] = MoneyField(
                required=False,
                label_in_message=_("Line %(task)s (%(agency)s)")
                % {"task": line.task.code, "agency": line.agency.name},
            )

    def amounts(self) -> dict[int, int]:
        """{line id: amount} for the lines given an amount of their own."""
        return {
            line.pk: self.cleaned_data[f"allocated-{line.pk}"]
            for line in self.lines
            if self.cleaned_data.get(f"allocated-{line.pk}") is not None
        }


class OpenYearForm(Form):
    year = forms.IntegerField(
        error_messages={
            "required": gettext_lazy("Choose a year."),
            "invalid": gettext_lazy("Choose a year."),
        }
    )


class WorkbookForm(Form):
    file = forms.FileField(
        allow_empty_file=True,  # the reader names the problem of an empty file
        error_messages={"required": gettext_lazy("Choose the Excel file.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload
