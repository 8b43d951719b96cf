"""The form fields every form shares: one date field, one money field, one decimal
field, each reading what Vietnamese users type and answering in their language
next to the field. Bottom layer: Django only, and planwatch's own helpers."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from planwatch.money import MoneyError, parse_dong

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")


def parse_date(value: object) -> dt.date | None:
    """dd/mm/yyyy, yyyy-mm-dd (a browser's date input) or dd-mm-yyyy; None when it is
    none of them (or empty)."""
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()[:20]
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class DateField(forms.DateField):
    """A date typed as 10/12/2026 or picked in a browser's date input (2026-12-10)."""

    input_formats = list(DATE_FORMATS)
    default_error_messages = {
        "invalid": _("The date is not valid: write it as day/month/year (10/12/2026)."),
        "required": _("Give the date (day/month/year)."),
    }


class MoneyField(forms.Field):
    """Whole đồng: "1.250.000.000", "1250000000", "1 250 000 000 đ"."""

    default_error_messages = {"required": _("No amount entered.")}

    def __init__(self, *, label_in_message: str | Promise | None = None, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)
        self.label_in_message = label_in_message

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_dong(value, str(self.label_in_message or self.label or _("Amount")))
        except MoneyError as exc:
            raise ValidationError(exc.message, code="invalid") from None


REVISION_MESSAGE = _(
    "This page is out of date or damaged; reload it to see the latest version. Nothing was saved."
)


class RevisionField(forms.IntegerField):
    """The revision a page was read at (a hidden field): a stale one is the service's
    to refuse; a damaged one ("abc") is this message, never a 500."""

    widget = forms.HiddenInput
    default_error_messages = {
        "invalid": REVISION_MESSAGE,
        "required": REVISION_MESSAGE,
        "min_value": REVISION_MESSAGE,
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)


def parse_decimal(value: object) -> Decimal:
    """ "12,5" -> 12.5 (Vietnamese decimal comma), "1.250.000" -> 1250000 (dots
    between thousands), "1.250,5" -> 1250.5, "1.5" -> 1.5; ValueError for what is not
    a finite number."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        raw = str(value).strip().replace(" ", "")
        if "," in raw and "." in raw:
            raw = raw.replace(".", "").replace(",", ".")
        elif "," in raw:
            raw = raw.replace(",", ".")
        elif re.fullmatch(r"\d{1,3}(\.\d{3}){2,}", raw):
            raw = raw.replace(".", "")
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


class DecimalField(forms.Field):
    """A number where decimals are allowed: "1,5" and "1.5" are one and a half."""

    default_error_messages = {"invalid": _('"%(value)s" is not a number.')}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_decimal(value)
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": str(value)[:30]}
            ) from None


# NUL (PostgreSQL refuses it: a 500), the other C0 controls but tab and line breaks
# (Word and Excel refuse them: a document that can never be made again) and lone
# surrogates (not UTF-8: the database refuses them).
BAD_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
BAD_TEXT_MESSAGE = _(
    "The text contains a character that is not allowed (a control character or a "
    "broken one); remove it and try again."
)


def _has_bad_text(value: object) -> bool:
    if isinstance(value, str):
        return BAD_TEXT.search(value) is not None
    if isinstance(value, list | tuple):
        return any(_has_bad_text(v) for v in value)
    return False


def _guarded(clean):
    def clean_checked(value, *args, **kwargs):  # a file field's clean has ``initial``
        if _has_bad_text(value):
            raise ValidationError(BAD_TEXT_MESSAGE, code="bad_text")
        return clean(value, *args, **kwargs)

    clean_checked.guarded = True
    return clean_checked


class SafeInputMixin:
    """Every field of the form refuses, before its own cleaning runs (a choice field
    queries the database with what was typed), a value holding a character no page
    may store: the message is beside the field, nothing reaches the database."""

    fields: dict

    def full_clean(self):
        for field in self.fields.values():
            if not getattr(field.clean, "guarded", False):
                field.clean = _guarded(field.clean)
        super().full_clean()


class Form(SafeInputMixin, forms.Form):
    """A form whose errors can also be listed as sentences (the summary at the top of a
    page; the fields show them beside them too), and whose fields refuse NUL, control
    characters and lone surrogates (SafeInputMixin)."""

    def messages(self) -> list[str]:
        return [str(e) for errors in self.errors.values() for e in errors]
