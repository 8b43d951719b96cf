"""Forms of the reorganisation screens: a change (succession event) with its rows of
successors as a Django formset, confirming an uncertain change, importing agencies."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.importing import MAX_BYTES
from agencies.models import Agency, AgencyKind, SuccessionEvent, SuccessionKind
from agencies.registry import province_of
from agencies.succession import EventSpec, LinkSpec, NewAgency
from planwatch.forms import DateField, SafeInputMixin

SUCCESSOR_ROWS = 3
EFFECTIVE_MESSAGE = gettext_lazy("The effective date is not valid: write it as day/month/year.")


class ChangeForm(SafeInputMixin, forms.Form):
    """The change itself: kind, date, act, the agencies before it."""

    action = forms.ChoiceField(
        choices=[("preview", "preview"), ("apply", "apply")], required=False, initial="preview"
    )
    kind = forms.ChoiceField(choices=SuccessionKind.choices)
    effective = DateField(
        error_messages={"invalid": EFFECTIVE_MESSAGE, "required": EFFECTIVE_MESSAGE}
    )
    act = forms.CharField(max_length=300, required=False)
    predecessor = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.select_related("province"),
        to_field_name="code",
        error_messages={
            "required": gettext_lazy("Choose the agency or agencies before the change."),
            "invalid_choice": gettext_lazy("Choose the agency or agencies before the change."),
        },
    )
    note = forms.CharField(required=False)
    certain = forms.BooleanField(required=False)

    @property
    def applying(self) -> bool:
        return self.cleaned_data.get("action") == "apply"


class SuccessorForm(SafeInputMixin, forms.Form):
    """One row after the change: an existing agency or a new one, and for a split or a
    transfer the function it takes and the words of its tasks."""

    successor = forms.ModelChoiceField(
        queryset=Agency.objects.all(),
        to_field_name="code",
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Unknown agency %(value)s.")},
    )
    new_name = forms.CharField(max_length=300, required=False)
    new_kind = forms.ChoiceField(choices=[("", ""), *AgencyKind.choices], required=False)
    function = forms.CharField(max_length=200, required=False)
    keywords = forms.CharField(max_length=500, required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(k) for k in ("successor", "new_name", "function", "keywords"))


SuccessorFormSet = forms.formset_factory(
    SuccessorForm, extra=SUCCESSOR_ROWS, max_num=SUCCESSOR_ROWS, absolute_max=SUCCESSOR_ROWS
)


def _successor(row: dict, preds: list[Agency]) -> Agency | NewAgency | None:
    if row.get("successor"):
        return row["successor"]
    if not row.get("new_name"):
        return None
    province = province_of(preds[0]) if preds else None
    if preds and preds[0].kind == AgencyKind.PROVINCE_COMMITTEE:
        province = None
    return NewAgency(
        name=row["new_name"],
        kind=row.get("new_kind") or (preds[0].kind if preds else ""),
        province=province,
        parent=province,
    )


def event_spec(change: ChangeForm, rows: forms.BaseFormSet) -> EventSpec:
    """The succession event the two valid forms describe."""
    data = change.cleaned_data
    preds = list(data["predecessor"])
    successors = []
    for form in rows.forms:
        if form.is_blank():
            continue
        row = form.cleaned_data
        keywords = [k.strip() for k in row.get("keywords", "").split(",") if k.strip()]
        successors.append((_successor(row, preds), row.get("function", ""), keywords))
    links = []
    for pred in preds:
        if data["kind"] == SuccessionKind.ABOLITION or not successors:
            links.append(LinkSpec(pred, None))
        if data["kind"] != SuccessionKind.ABOLITION:
            links += [LinkSpec(pred, s, f, k) for s, f, k in successors]
    return EventSpec(
        kind=data["kind"],
        effective=data["effective"],
        act=data["act"],
        links=links,
        note=data["note"],
        certain=data["certain"],
    )


def form_errors(*forms_: forms.Form | forms.BaseFormSet) -> list[str]:
    """Every error of the forms and formsets, as sentences."""
    out: list[str] = []
    for form in forms_:
        if isinstance(form, forms.BaseFormSet):
            out += [str(e) for e in form.non_form_errors()]
            out += form_errors(*form.forms)
        else:
            out += [str(e) for errors in form.errors.values() for e in errors]
    return out


class ConfirmForm(SafeInputMixin, forms.Form):
    event = forms.ModelChoiceField(queryset=SuccessionEvent.objects.all())


class AgencyFileForm(SafeInputMixin, forms.Form):
    file = forms.FileField(
        allow_empty_file=True,  # the reader names the problem of an empty file
        error_messages={"required": gettext_lazy("Choose a .csv or .xlsx file.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload
