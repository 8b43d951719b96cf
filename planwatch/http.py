"""Small helpers for views."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.shortcuts import redirect


def post_or_redirect(to: str, *keys: str) -> Callable[[Callable], Callable]:
    """A step's view acts on a POST; a GET (a reload after an error, the back button, a
    pasted address) goes to the page the step belongs to (``to``, with the URL
    arguments ``keys``) instead of a bare 405."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method != "POST":
                return redirect(to, **{key: kwargs[key] for key in keys})
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
