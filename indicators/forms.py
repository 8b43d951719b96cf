"""Forms of the progress pages: a baseline, a provincial value, a registry entry.
The numbers are read by the shared fields (decimal comma allowed); the rules every
value obeys stay in indicators.values."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from agencies.models import Agency
from planwatch.forms import DecimalField, Form


class BaselineForm(Form):
    baseline_year = DecimalField(required=False)
    baseline_value = DecimalField(required=False)


class ValueForm(Form):
    year = forms.IntegerField(
        error_messages={
            "required": gettext_lazy("Give the year of the value."),
            "invalid": gettext_lazy("Give the year of the value."),
        }
    )
    value = DecimalField(required=False)
    numerator = DecimalField(required=False)
    denominator = DecimalField(required=False)
    category = forms.CharField(required=False, max_length=120)


class RegistryForm(Form):
    category = forms.CharField(required=False, max_length=40)
    name = forms.CharField(required=False, max_length=300)
    year = forms.CharField(required=False, max_length=10)
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.all(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose the agency.")},
    )
    locality = forms.CharField(required=False, max_length=120)
    evidence = forms.CharField(required=False, max_length=500)
