from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notices.models import Kind


class PreferencesForm(forms.Form):
    """One box per kind of notice: e-mail it too (every notice is shown in the app)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Kind.choices:
            self.fields[value] = forms.BooleanField(label=label, required=False)

    def choices(self) -> dict[str, bool]:
        return {kind: bool(self.cleaned_data.get(kind)) for kind in Kind.values}


class ReadForm(forms.Form):
    all = forms.BooleanField(required=False, label=_("Mark all as read"))
