"""A copy of the whole test database, taken once per worker and put back in a moment.

The browser tests need the demo data committed (the live server reads it from its
own thread) and pytest-django flushes every table after each of them; loading the
demo again for each test took longer than the test itself. Instead the first test
loads it and takes a snapshot; the next ones restore the snapshot:

- SQLite (an in-memory test database): the sqlite3 backup API, page by page into a
  second in-memory database and back;
- PostgreSQL: a copy of every table in a schema of its own, put back with
  ``INSERT … SELECT`` in one transaction (foreign keys are deferred), the sequences
  reset after it.

What the snapshot holds is exactly what the loading committed: a test that restores
it sees the database the loading made, whatever the tests before it did.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

SCHEMA = "pw_test_snapshot"


class Snapshot:
    """``ensure(load)``: the first time, ``load()`` then the snapshot; after, the restore."""

    def __init__(self) -> None:
        self._copy: sqlite3.Connection | None = None
        self._tables: list[str] | None = None

    def ensure(self, load: Callable[[], None]) -> None:
        if self._tables is None:
            load()
            self._take()
        else:
            self._restore()

    def _take(self) -> None:
        connection.ensure_connection()
        tables = connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        if connection.vendor == "sqlite":
            self._copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self._copy)
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
                cursor.execute(f"CREATE SCHEMA {SCHEMA}")
                for table in tables:
                    name = connection.ops.quote_name(table)
                    cursor.execute(f"CREATE TABLE {SCHEMA}.{name} AS TABLE {name}")
        self._tables = tables

    def _restore(self) -> None:
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            assert self._copy is not None
            self._copy.backup(connection.connection)
            return
        assert self._tables is not None
        names = [connection.ops.quote_name(t) for t in self._tables]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
            for name in names:
                cursor.execute(f"INSERT INTO {name} SELECT * FROM {SCHEMA}.{name}")
            models = [m for m in apps.get_models(include_auto_created=True)]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
