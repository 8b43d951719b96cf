"""Small helpers for views."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import PurePath

from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header


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


_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f"\\;/:*?<>|]+')


def safe_filename(name: str, default: str = "tep") -> str:
    """A file name fit for a download: no path, no quote, semicolon or control
    character (a name cannot smuggle a second ``filename*=`` into the header)."""
    base = PurePath(str(name or "").replace("\\", "/")).name
    cleaned = _UNSAFE_NAME.sub("_", base).strip(" .")[:150]
    return cleaned or default


def attachment(response: HttpResponse, name: str) -> HttpResponse:
    """Mark ``response`` as a download named ``name`` (cleaned, then quoted by Django,
    with the RFC 6266 ``filename*`` form for Vietnamese names)."""
    response["Content-Disposition"] = content_disposition_header(True, safe_filename(name)) or ""
    return response
