"""``unread_notices`` for the menu: counted only when a page shows it (one query)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from notices.send import unread_count


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(user))}
