"""Money as Vietnamese documents write it: whole đồng, dots between thousands; and
reading it back as people type it (one parser for every form, the API and Excel)."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _


def group_digits(value: int) -> str:
    """1250000000 → "1.250.000.000" (Vietnamese grouping with dots)."""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(int(value)):,}".replace(",", ".")


def dong(value: int | None) -> str:
    """Whole đồng with Vietnamese grouping: "1.250.000.000 đ"; "" for nothing."""
    return "" if value is None else f"{group_digits(value)} đ"


# --- reading money typed by people -------------------------------------------------

MAX_MONEY = 10**15  # beyond any budget: a typing error


class MoneyError(ValueError):
    """Money that cannot be read; ``message`` is a sentence in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_dong(value: object, label: str | None = None) -> int:
    """Whole đồng from 1250000000, "1250000000", "1.250.000.000", "1 250 000 000 đ",
    "15.000.000 VNĐ". MoneyError (with ``label`` in front) for anything else: empty,
    negative, with a fraction, not a number, beyond any budget."""
    label = label or _("Amount")
    if isinstance(value, bool):
        raise MoneyError(_("%(label)s: not valid.") % {"label": label})
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise MoneyError(
                _("%(label)s: money is whole đồng, without a fraction.") % {"label": label}
            )
        number = int(value)
    else:
        number = _parse_text(str(value if value is not None else ""), label)
    if number < 0:
        raise MoneyError(_("%(label)s: an amount cannot be negative.") % {"label": label})
    if number > MAX_MONEY:
        raise MoneyError(
            _("%(label)s: %(n)s đồng is beyond any plausible budget.")
            % {"label": label, "n": number}
        )
    return number


def _parse_text(raw: str, label: str) -> int:
    text = unicodedata.normalize("NFC", raw).strip().lower()
    for unit in ("vnđ", "vnd", "đồng", "đ"):
        text = text.replace(unit, "")
    text = text.strip()
    if not text:
        raise MoneyError(_("%(label)s: no amount entered.") % {"label": label})
    compact = re.sub(r"[\s.]", "", text)
    shown = raw.strip()[:40]
    if text.startswith("-") and re.fullmatch(r"-\d+", compact):
        raise MoneyError(_("%(label)s: an amount cannot be negative.") % {"label": label})
    if "," in text or re.search(r"\.\d{1,2}$", text.replace(" ", "")):
        raise MoneyError(
            _("%(label)s: money is whole đồng, without a fraction (%(value)s).")
            % {"label": label, "value": shown}
        )
    grouped = re.fullmatch(r"\d{1,3}(\.\d{3})+", text.replace(" ", ""))
    if not re.fullmatch(r"\d+", compact) or ("." in text and not grouped):
        raise MoneyError(
            _("%(label)s: “%(value)s” is not an amount of money.")
            % {"label": label, "value": shown}
        )
    return int(compact)
