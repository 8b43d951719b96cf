from django import template

register = template.Library()


@register.filter
def dong(value) -> str:
    """1250000000 → "1.250.000.000 đ" (whole đồng, Vietnamese grouping)."""
    if value is None or value == "":
        return ""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    sign = "-" if number < 0 else ""
    return f"{sign}{abs(number):,}".replace(",", ".") + " đ"
