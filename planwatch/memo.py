"""Results kept in the process until a table they read is written (issue 17).

The task table's agency filter lists who answers each task today: every assignment of
the plan resolved through the succession and the territory, the costliest part of the
page; its tasks with their references come next. They change when tasks, agencies,
assignments, groups or the succession do (the filter also on a new day), not when a
report is saved. ``remembered`` keeps such a result in this process and gives it
again while every table its computation read has the generation it had before it read
it (planwatch.pagecache's per-table tokens, moved by every process's writes at
their commit whether kept pages are on or off): exact, not approximate.

- The tables are those of the statements the computation ran (pagecache.watch records
  them), and ``also``: the tables of what the caller handed it already read.
- A hit adds its tables to the page being kept around it (pagecache.cached_page), as if
  the computation had run its statements again.
- Inside a transaction nothing is kept or given: its own writes move no generation
  before they commit, and a snapshot of SQLite (or of a stricter isolation than read
  committed) may be older than the generations read.
- The results are shared by the requests of the process (threads too): callers must
  not change them.
- Bounded: the ``MAX_ENTRIES`` most recently used keys (for a national province: its
  task list with the references about 330 kB, the answers of a day 370 kB, the agency
  filter 130 kB, the words searched 17 kB: at most ~25 MB a process). Otherwise the
  limits of kept pages: the processes share ``VAR_DIR``; a write from outside planwatch
  is seen with the next write of the same tables through it (or ``manage.py
  clear_pages``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from planwatch import pagecache

T = TypeVar("T")
MAX_ENTRIES = 64
_kept: OrderedDict[Hashable, tuple[dict[str, str], Any]] = OrderedDict()
_lock = threading.Lock()


def remembered(key: Hashable, compute: Callable[[], T], also: Iterable[str] = ()) -> T:
    """``compute()``, or what it gave last for ``key`` if no table it read (nor
    ``also``) has been written since."""
    connection: Any = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        return compute()
    key = (str(settings.VAR_DIR), key)  # the generations are those of this folder
    with _lock:
        found = _kept.get(key)
    if found is not None and pagecache.tokens(found[0]) == found[0]:
        with _lock:
            if key in _kept:
                _kept.move_to_end(key)
        reading = getattr(connection, "planwatch_reading", None)
        if reading is not None:
            reading.update(found[0])
        return found[1]
    value, tables = _computed(connection, compute, also)
    with _lock:
        _kept[key] = (tables, value)
        _kept.move_to_end(key)
        while len(_kept) > MAX_ENTRIES:
            _kept.popitem(last=False)
    return value


def _computed(connection: Any, compute: Callable[[], T], also: Iterable[str]):
    """(``compute()``, {table read: its generation before it was read})."""
    before = pagecache.snapshot()
    outer = getattr(connection, "planwatch_reading", None)
    read: set[str] = set(also)
    connection.planwatch_reading = read
    try:
        value = compute()
    finally:
        connection.planwatch_reading = outer
    if outer is not None:
        outer |= read
    tables = read - pagecache.IGNORED
    return value, {t: before.get(t, "0") for t in sorted(tables)}


def forget() -> None:
    """Nothing kept (tests)."""
    with _lock:
        _kept.clear()
