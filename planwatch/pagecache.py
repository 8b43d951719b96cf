"""The main pages kept as rendered until the data changes (issue 17, decision 90).

A page such as the task table or the progress dashboard is read far more often than
its data changes (a leader opens it again and again; the figures move when a report
is accepted), and rendering it costs 50–150 ms of Python at national scale. So a
page's response is kept, and given again, for as long as nothing was written to the
database: not approximately, exactly.

- **The generation.** A token in ``VAR_DIR/cache/generation``. Every process's
  database connections carry ``watch`` (installed on ``connection_created``): a
  statement that inserts, updates or deletes a row of any table but the few that no
  page shows (sessions, login attempts) schedules ``bump`` for when its transaction
  commits (at once outside a transaction; never if it rolls back). ``bump`` writes a
  new random token (written aside, then renamed: readers see the old or the new
  one, whole). So the web workers, the task worker and the commands all move it.
- **The key** of a kept page: the generation read *before* the page reads its data
  (so a page can only be kept under a generation as old as, or older than, what it
  shows), the release (the code, templates and translations served), the hour (pages say "today" and "late"), the path with its query, the
  language, the user, the session's contents, the CSRF secret of the browser, and the
  htmx headers that choose a fragment.
- **What is kept**: a 200 response of HTML or JSON, only when the view queued no
  message, did not change the session and set no cookie; the nonce of the
  Content-Security-Policy is put back fresh each time it is given.
- **Where**: the ``pages`` cache (files under ``VAR_DIR/cache/pages``, shared by the
  processes of one host, bounded in entries). Like the generation, it assumes that
  every process serving the database shares ``VAR_DIR`` (one host, as deploy/ does);
  a database changed from outside planwatch (psql) is not seen until the next write
  through it, or ``manage.py clear_pages``. ``PAGE_CACHE=0`` turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse

NONCE = "\x00planwatch-nonce\x00"
# Tables no cached page reads: writing them does not change any page.
IGNORED = frozenset(
    {"accounts_usersession", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
)
_WRITE = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|REPLACE\s+INTO)\s+"?(\w+)',
    re.IGNORECASE,
)
_HEADERS = ("HX-Request", "HX-Target", "HX-Trigger", "HX-Boosted", "Accept")


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE", False))


def _generation_file() -> Path:
    return Path(settings.VAR_DIR) / "cache" / "generation"


def bump() -> None:
    """A new generation: every kept page is stale from now on."""
    path = _generation_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f"generation.{os.getpid()}.{secrets.token_hex(4)}")
    aside.write_text(secrets.token_hex(16), encoding="ascii")
    os.replace(aside, path)


def generation() -> str:
    """The current generation (one is made if there is none)."""
    try:
        return _generation_file().read_text(encoding="ascii")
    except FileNotFoundError:
        bump()
        return _generation_file().read_text(encoding="ascii")


_SOURCES = (".py", ".html", ".mo", ".json")
_SKIPPED = {".venv", "var", "node_modules", ".git", "tests", "bench", "__pycache__"}


@functools.cache
def release_stamp() -> str:
    """The code, templates and translations this process serves (their paths, sizes and
    times), once a process: a page kept by an older release is never given by a newer."""
    digest = hashlib.sha256()
    roots = [Path(settings.BASE_DIR), Path(settings.STATIC_ROOT)]
    for root in roots:
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = sorted(d for d in subfolders if d not in _SKIPPED)
            for name in sorted(files):
                if name.endswith(_SOURCES):
                    info = os.stat(os.path.join(folder, name))
                    digest.update(f"{folder}/{name}:{info.st_size}:{info.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def _committed() -> None:
    bump()


def watch(execute, sql, params, many, context):
    """The execute wrapper: after a statement that writes a table pages may show, the
    generation moves when the transaction commits: one callback for each savepoint
    level that writes (Django forgets those of a savepoint rolled back, and runs none
    of a transaction rolled back)."""
    result = execute(sql, params, many, context)
    found = _WRITE.match(sql)
    if found and (found.group(1).lower() not in IGNORED or "TRUNCATE" in sql[:20].upper()):
        connection = context["connection"]
        if connection.in_atomic_block:
            here = set(connection.savepoint_ids)
            if not any(f is _committed and s == here for s, f, _r in connection.run_on_commit):
                transaction.on_commit(_committed, using=connection.alias)
        else:
            bump()
    return result


def install(sender, connection, **kwargs) -> None:
    """connection_created: every new connection carries ``watch`` once."""
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch)


def _key(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    secret = request.META.get("CSRF_COOKIE")
    if user is None or not user.is_authenticated or not secret:
        return None
    from django.utils import timezone

    parts = [
        generation(),
        release_stamp(),
        timezone.localtime().strftime("%Y%m%d%H"),
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", ""),
        str(user.pk),
        repr(sorted(request.session.items())),
        secret,
        *(request.headers.get(name, "") for name in _HEADERS),
    ]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _pending_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and bool(getattr(storage, "_queued_messages", None) or len(storage))


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    kind = response.get("Content-Type", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and kind.startswith(("text/html", "application/json"))
        and not request.session.modified
        and not _pending_messages(request)
    )


def _record(request: HttpRequest, response: HttpResponse) -> dict:
    body = response.content
    nonce = getattr(request, "csp_nonce", "")
    if nonce:
        body = body.replace(nonce.encode(), NONCE.encode())
    return {"body": body, "headers": dict(response.headers)}


def _replay(request: HttpRequest, kept: dict) -> HttpResponse:
    body = kept["body"]
    nonce = getattr(request, "csp_nonce", "")
    if nonce:
        body = body.replace(NONCE.encode(), nonce.encode())
    response = HttpResponse(body)
    for name, value in kept["headers"].items():
        response[name] = value
    return response


def cached_page(view: Callable) -> Callable:
    """The view's response kept and given again until the generation moves (inside
    the access decorators: who may see the page is decided first, every time)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        key = None
        if enabled() and request.method == "GET" and not _pending_messages(request):
            key = _key(request)
        if key is not None:
            kept = caches["pages"].get(key)
            if kept is not None:
                return _replay(request, kept)
        response = view(request, *args, **kwargs)
        if key is not None and _storable(request, response):
            caches["pages"].set(key, _record(request, response))
        return response

    return wrapped
