"""Forms of the outgoing documents' pages (and of the agency's formal report)."""

from __future__ import annotations

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from outgoing.models import Kind
from planwatch.forms import Form

MAX_PDF = 20 * 1024 * 1024


class RevisionForm(Form):
    revision = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class DraftForm(Form):
    plan = forms.CharField(label=_("Plan"), max_length=64)
    year = forms.IntegerField(label=_("Report year"), min_value=2000, max_value=2100)


class UploadForm(RevisionForm):
    file = forms.FileField(label=_("Edited Word file (.docx)"))


class CommentForm(RevisionForm):
    comment = forms.CharField(label=_("Comments"), widget=forms.Textarea(attrs={"rows": 3}))


class Bootstrap:
    """Bootstrap's classes on the visible fields (the page renders them as they are)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.visible_fields():
            widget = field.field.widget
            css = (
                "form-check-input"
                if isinstance(widget, forms.CheckboxInput)
                else "form-select"
                if isinstance(widget, forms.Select)
                else "form-control mb-2"
            )
            widget.attrs.setdefault("class", css)


class ApproveForm(Bootstrap, RevisionForm):
    authority = forms.CharField(label=_("Signing authority"), max_length=80, required=False,
                                initial="KT. GIÁM ĐỐC")  # fmt: skip
    title = forms.CharField(
        label=pgettext_lazy("a signer's position", "Title"), max_length=150, initial="PHÓ GIÁM ĐỐC"
    )
    comment = forms.CharField(label=_("Comments"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class RecipientsForm(RevisionForm):
    lines = forms.CharField(
        label=_("Recipients (Nơi nhận)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One recipient a line; an e-mail address after a | is sent the PDF."),
    )

    def clean_lines(self) -> list[tuple[str, str]]:
        out = []
        for number, raw in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            name, _bar, email = raw.partition("|")
            name, email = name.strip().lstrip("-").strip().rstrip(";."), email.strip()
            if not name:
                continue
            if email:
                try:
                    validate_email(email)
                except forms.ValidationError:
                    raise forms.ValidationError(
                        _("Line %(n)s: %(email)s is not an e-mail address.")
                        % {"n": number, "email": email}
                    ) from None
            out.append((name, email))
        if not out:
            raise forms.ValidationError(_("Give at least one recipient."))
        return out


class RegisterSearchForm(Bootstrap, Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", "—"), *Kind.choices])  # fmt: skip


class VerifyForm(Bootstrap, Form):
    file = forms.FileField(label=_("Signed PDF"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PDF:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class FormalReportForm(Bootstrap, Form):
    number = forms.CharField(label=_("Number"), max_length=20, required=False,
                             help_text=_("Typed in, or left empty for a blank to fill by hand."))  # fmt: skip
    from_register = forms.BooleanField(
        label=_("Take the next number of our outgoing register"), required=False
    )
    signer_name = forms.CharField(label=_("Signer's name"), max_length=150)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=150,
                                   initial="GIÁM ĐỐC")  # fmt: skip
    authority = forms.CharField(label=_("Signing authority"), max_length=80, required=False)
    fmt = forms.ChoiceField(label=_("Format"), choices=[("docx", "Word"), ("pdf", "PDF")])

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        if number and not number.isdigit():
            raise forms.ValidationError(_("The number is a whole number, such as 15."))
        return number
