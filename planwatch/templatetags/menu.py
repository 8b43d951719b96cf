"""``{% menu_url 'name' %}``: ``{% url 'name' %}`` for a route without arguments, kept
once found (the menu of base.html names the same dozen routes on every page). The
kept address is keyed by what ``reverse`` depends on: the URLconf's resolver (a new
one when the URLs are reloaded), the script prefix and the name."""

from __future__ import annotations

from django import template
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

register = template.Library()

_KEPT: dict[tuple, str] = {}
_MAX = 256  # names x prefixes: a few dozen in practice


@register.simple_tag
def menu_url(name: str) -> str:
    key = (get_resolver(get_urlconf()), get_script_prefix(), name)
    found = _KEPT.get(key)
    if found is None:
        found = reverse(name)
        if len(_KEPT) >= _MAX:
            _KEPT.clear()
        _KEPT[key] = found
    return found
