"""Money as Vietnamese documents write it: whole đồng, dots between thousands."""

from __future__ import annotations


def group_digits(value: int) -> str:
    """1250000000 → "1.250.000.000" (Vietnamese grouping with dots)."""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(int(value)):,}".replace(",", ".")


def dong(value: int | None) -> str:
    """Whole đồng with Vietnamese grouping: "1.250.000.000 đ"; "" for nothing."""
    return "" if value is None else f"{group_digits(value)} đ"
