"""Forms of the documents page: making a report, uploading the Word template."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import formats, word
from documents.content import Kind
from planwatch.forms import SafeInputMixin

CHOOSE_A_YEAR = gettext_lazy("Choose a year.")


class GenerateForm(SafeInputMixin, forms.Form):
    """The consolidated report of a year (``year``) or a review, in one format."""

    kind = forms.ChoiceField(
        choices=[
            (Kind.ANNUAL, Kind.ANNUAL),
            (Kind.MIDTERM, Kind.MIDTERM),
            (Kind.FINAL, Kind.FINAL),
        ],
        required=False,
    )
    format = forms.ChoiceField(choices=formats.choices, required=False)
    year = forms.IntegerField(
        required=False, error_messages={"invalid": CHOOSE_A_YEAR, "required": CHOOSE_A_YEAR}
    )

    def clean(self):
        data = super().clean()
        data["kind"] = data.get("kind") or Kind.ANNUAL
        data["format"] = data.get("format") or "docx"
        if data["kind"] != Kind.ANNUAL:
            data["year"] = None
        elif data.get("year") is None and "year" not in self.errors:
            self.add_error("year", CHOOSE_A_YEAR)
        return data

    def message(self) -> str:
        return " ".join(str(e) for errors in self.errors.values() for e in errors)


class TemplateForm(SafeInputMixin, forms.Form):
    template = forms.FileField(
        allow_empty_file=True,  # the reader names the problem of an empty file
        error_messages={"required": gettext_lazy("Choose a Word template (.docx).")},
    )

    def clean_template(self):
        upload = self.cleaned_data["template"]
        if upload.size > word.MAX_TEMPLATE_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(mb)s MB); the limit is %(limit)s MB.")
                % {
                    "mb": upload.size // (1024 * 1024),
                    "limit": word.MAX_TEMPLATE_BYTES // (1024 * 1024),
                }
            )
        return upload
