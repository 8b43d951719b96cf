"""The main pages kept as rendered until the data changes (issue 17, decision 90).

A page such as the task table or the progress dashboard is read far more often than
its data changes (a leader opens it again and again; the figures move when a report
is accepted), and rendering it costs 50–150 ms of Python at national scale. So a
page's response is kept, and given again, for as long as nothing was written to the
database: not approximately, exactly.

- **Generations.** Each table has one: a token in ``VAR_DIR/cache/generations/<table>``.
  Every process's database connections carry ``watch`` (installed on
  ``connection_created``): a statement that inserts, updates, deletes or truncates rows
  of a table (but the few that no page shows: sessions, login attempts) schedules a new
  token for that table when its transaction commits (at once outside a transaction;
  never if it rolls back). A token is written aside, then renamed: readers see the old
  or the new one, whole. So the web workers, the task worker and the commands all move
  them, and an autosave (report items, indicator values, audit) leaves the task table
  and the funding pages kept.
- **A kept page** is found by a key made of the release (the code, templates and
  translations served), the hour (pages say "today" and "late"), the path with its
  query, the language, the user, the session's contents, the CSRF secret of the
  browser and the htmx headers that choose a fragment; it is given again only while
  every table the view read (the statements it ran, seen by ``watch``) still has the
  generation it had *before* the view read it: a page is never kept as fresher than
  what it shows. Exact, not approximate.
- **What is kept**: a 200 response of HTML or JSON, only when the view queued no
  message, did not change the session and set no cookie; the nonce of the
  Content-Security-Policy is put back fresh each time it is given.
- **Where**: the ``pages`` cache (files under ``VAR_DIR/cache/pages``, shared by the
  processes of one host, bounded in entries). Like the generations, it assumes that
  every process serving the database shares ``VAR_DIR`` (one host, as deploy/ does);
  a database changed from outside planwatch (psql) is not seen until the next write
  of the same tables through it, or ``manage.py clear_pages``. ``PAGE_CACHE=0`` turns
  it off.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
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
_READ = re.compile(r'(?:FROM|JOIN|INTO|UPDATE|TRUNCATE|TABLE|,)\s+"(\w+)"', re.IGNORECASE)
# Read before a view runs (the middleware's user): part of every kept page.
ALWAYS = frozenset({"accounts_user"})
# A sign-in's own write (django.contrib.auth's update_last_login): no kept page shows
# the time of a sign-in, so it leaves them kept (any other write to the accounts moves
# them all, as the pages read the user).
_SIGN_IN = re.compile(r'\s*UPDATE\s+"accounts_user"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE\s')
_HEADERS = ("HX-Request", "HX-Target", "HX-Trigger", "HX-Boosted", "Accept")


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE", False))


def _folder() -> Path:
    return Path(settings.VAR_DIR) / "cache" / "generations"


TOKEN_BYTES = 24
_files: dict[str, int] = {}  # a table's generation file, kept open (pread, pwrite)


def _fd(path: str, create: bool) -> int | None:
    """The open file of ``path``; opened again if it was removed (``var/cache`` deleted
    while running: the others would never see what is written to a removed file)."""
    fd = _files.get(path)
    if fd is not None and os.fstat(fd).st_nlink == 0:
        os.close(fd)
        del _files[path]
        fd = None
    if fd is None:
        try:
            fd = os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o640)
        except FileNotFoundError:
            return None
        _files[path] = fd
    return fd


def bump(tables: Iterable[str]) -> None:
    """A new generation of each table: every page kept that read one is stale now. The
    token is written in place, in one write of its fixed size: a reader sees the old one,
    the new one or (at worst) a mix of both, which is neither, so it reads the page again."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    for table in tables:
        fd = _fd(str(folder / table), create=True)
        assert fd is not None
        os.pwrite(fd, secrets.token_hex(TOKEN_BYTES // 2).encode(), 0)


def tokens(tables: Iterable[str]) -> dict[str, str]:
    """The current generation of each table ("0": never written since the folder began)."""
    folder = str(_folder())
    out = {}
    for table in tables:
        fd = _fd(f"{folder}/{table}", create=False)
        found = os.pread(fd, TOKEN_BYTES, 0) if fd is not None else b"0"
        out[table] = found.decode("ascii", "replace")
    return out


def snapshot() -> dict[str, str]:
    """The generations of every table written so far (the others are "0")."""
    try:
        names = [n for n in os.listdir(_folder()) if not n.startswith(".")]
    except FileNotFoundError:
        return {}
    return tokens(names)


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


def _committed(connection) -> Callable[[], None]:
    def committed() -> None:
        written, connection.planwatch_written = connection.planwatch_written, set()
        bump(written)

    committed.planwatch = True  # type: ignore[attr-defined]
    return committed


def _scheduled(connection) -> bool:
    here = set(connection.savepoint_ids)
    return any(
        getattr(f, "planwatch", False) and s == here for s, f, _r in connection.run_on_commit
    )


def watch(execute, sql, params, many, context):
    """The execute wrapper: the tables a page being kept reads (``planwatch_reading``),
    and the tables written, whose generation moves when the transaction commits: one
    callback for each savepoint level that writes (Django forgets those of a savepoint
    rolled back and runs none of a transaction rolled back; a table it would have
    bumped is bumped by the next commit: more than needed, never less)."""
    result = execute(sql, params, many, context)
    connection = context["connection"]
    reading = getattr(connection, "planwatch_reading", None)
    if reading is not None:
        reading.update(t.lower() for t in _READ.findall(sql))
    found = _WRITE.match(sql)
    if found and not _SIGN_IN.match(sql):
        table = found.group(1).lower()
        truncate = "TRUNCATE" in sql[:20].upper()
        written = {t.lower() for t in _READ.findall(sql)} | {table} if truncate else {table}
        written -= set() if truncate else IGNORED
        if written and connection.in_atomic_block:
            if not hasattr(connection, "planwatch_written"):
                connection.planwatch_written = set()
            connection.planwatch_written |= written
            if not _scheduled(connection):
                transaction.on_commit(_committed(connection), using=connection.alias)
        elif written:
            bump(written)
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


def _record(request: HttpRequest, response: HttpResponse, read: dict[str, str]) -> dict:
    body = response.content
    nonce = getattr(request, "csp_nonce", "")
    if nonce:
        body = body.replace(nonce.encode(), NONCE.encode())
    return {"body": body, "headers": dict(response.headers), "tables": read}


def _render(view, request, args, kwargs) -> tuple[HttpResponse, dict[str, str]]:
    """The view's response, and the generation of each table it read, as they were
    before it read them."""
    before = snapshot()
    connection: Any = connections[DEFAULT_DB_ALIAS]
    outer = getattr(connection, "planwatch_reading", None)
    read: set[str] = set()
    connection.planwatch_reading = read
    try:
        response = view(request, *args, **kwargs)
    finally:
        connection.planwatch_reading = outer
    if outer is not None:
        outer |= read
    tables = (read | ALWAYS) - IGNORED
    return response, {t: before.get(t, "0") for t in sorted(tables)}


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
    """The view's response kept and given again until a table it read is written
    (inside the access decorators: who may see the page is decided first, every time)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        key = None
        if enabled() and request.method == "GET" and not _pending_messages(request):
            key = _key(request)
        if key is None:
            return view(request, *args, **kwargs)
        kept = caches["pages"].get(key)
        if kept is not None and tokens(kept["tables"]) == kept["tables"]:
            return _replay(request, kept)
        response, read = _render(view, request, args, kwargs)
        if _storable(request, response):
            caches["pages"].set(key, _record(request, response, read))
        return response

    return wrapped
