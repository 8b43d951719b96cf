from django import template

from planwatch.money import dong as format_dong

register = template.Library()


@register.filter
def dong(value) -> str:
    """1250000000 → "1.250.000.000 đ" (whole đồng, Vietnamese grouping)."""
    if value is None or value == "":
        return ""
    try:
        return format_dong(int(value))
    except (TypeError, ValueError):
        return str(value)
