"""A copy of the whole test database, taken once per worker and put back in a moment.

A transactional test (the browser tests: the live server reads what they commit from
its own thread) is flushed at its end, and with it the data state the next one
needs; building it again (``load_demo``) took longer than the test itself. So the
first time a transactional test needs a state, tests/states.py takes a snapshot of
it, and puts it back for the next ones:

- SQLite (an in-memory test database): the sqlite3 backup API, page by page into a
  second in-memory database and back;
- PostgreSQL: a copy of every table in a schema of its own, put back with
  ``INSERT … SELECT`` in one transaction (foreign keys are deferred), the sequences
  reset after it.

What the snapshot holds is exactly what the build committed: a test that restores
it sees the database the build made, whatever the tests before it did.
"""

from __future__ import annotations

import sqlite3

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


class Snapshot:
    """``Snapshot(name)`` copies the database as it is now; ``restore()`` puts it back."""

    def __init__(self, name: str) -> None:
        self._schema = f"pw_snapshot_{name}"  # PostgreSQL: the schema that holds the copy
        self._copy: sqlite3.Connection | None = None  # SQLite: the copy
        self._tables: list[str] = []
        self._take()

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
                cursor.execute(f"DROP SCHEMA IF EXISTS {self._schema} CASCADE")
                cursor.execute(f"CREATE SCHEMA {self._schema}")
                for table in tables:
                    name = connection.ops.quote_name(table)
                    cursor.execute(f"CREATE TABLE {self._schema}.{name} AS TABLE {name}")
        self._tables = tables

    def restore(self) -> None:
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            assert self._copy is not None
            self._copy.backup(connection.connection)
            return
        names = [connection.ops.quote_name(t) for t in self._tables]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
            for name in names:
                cursor.execute(f"INSERT INTO {name} SELECT * FROM {self._schema}.{name}")
            models = [m for m in apps.get_models(include_auto_created=True)]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
