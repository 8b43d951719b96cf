"""Forms of the plan pages: the plan's territory (the area it applies to)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from plans.territory import AREA_KINDS
from planwatch.forms import SafeInputMixin
from planwatch.text import vi_sort_key


class AreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        until = f" (đến {obj.valid_to:%d/%m/%Y})" if obj.valid_to else ""
        return f"{obj.name}{until}"


class TerritoryForm(SafeInputMixin, forms.Form):
    """Which provinces or district-level units, as they were, the plan applies to."""

    areas = AreaChoiceField(
        label=_("Areas the plan applies to"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "None chosen: the province of the issuing People's Committee. Communes and "
            "wards formed on an area's territory are in the plan's territory."
        ),
        error_messages={"invalid_choice": _("%(value)s is not a province or a district.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        areas = Agency.objects.filter(kind__in=AREA_KINDS).select_related("province")
        self.fields["areas"].queryset = areas
        # Provinces first, then each province's district-level units, in Vietnamese order.
        self.fields["areas"].choices = [
            (a.pk, self.fields["areas"].label_from_instance(a))
            for a in sorted(
                areas,
                key=lambda a: (
                    a.kind != "province_committee",
                    a.province_id or 0,
                    vi_sort_key(a.name),
                ),
            )
        ]
