"""The few statements run on every autosave, compiled once (decision 95).

Django's ORM compiles a queryset into SQL each time it runs it: for the joined, locked
read of an autosave (five tables, about seventy columns) and the session's read, the
compiling costs more CPU than the rest of the request. Here a queryset of a fixed
shape is built and compiled once per connection, with stand-in values for the
arguments (``Read``; ``Count`` for a ``count()``); each call then sends the same SQL with the call's values, and
builds the model objects exactly as Django's ``ModelIterable`` does (its converters,
its related populators). ``update`` and ``insert`` write one row with the SQL Django's
``save`` would send (each field's ``pre_save`` and ``get_db_prep_save``), for models
with no ``save()`` of their own and no pre/post-save receivers (checked at each call:
others go through ``save``).

Arguments are ``int``, ``str`` or a list of ``int`` (its length is part of the shape;
a list longer than MAX_LIST is read through the ORM each time, not kept):
values that no database adapter transforms, so that each stand-in is found as it is
among the compiled parameters (an argument may be used more than once). The SQL passes through the connection's execute
wrappers (planwatch.pagecache sees what is read and written) and its debug cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import DatabaseError, connections, models
from django.db.models import signals
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.transaction import TransactionManagementError

Arg = int | str | Sequence[int]
M = TypeVar("M", bound=models.Model)
_BASE = -987_654_000  # stand-ins for integer arguments: ids no row has
MAX_LIST = 16  # a longer list is read through the ORM (no shape kept for it)


def _stand_in(name: str, index: int, value: Arg) -> Arg:
    if isinstance(value, str):
        return f"\x00fastsql:{name}\x00"
    if isinstance(value, int):
        return _BASE - 100 * index
    return [_BASE - 100 * index - 1 - k for k in range(len(value))]


def _shape(value: Arg) -> int:
    return -1 if isinstance(value, int | str) else len(value)


def _slots(params: list[Any], stand_ins: dict[str, Arg]) -> list[tuple[int, str, int | None]]:
    """Where each argument goes among ``params``: (position, argument, index in a list)."""
    slots: list[tuple[int, str, int | None]] = []
    for name, value in stand_ins.items():
        parts: list[tuple[int | None, Any]] = (
            [(None, value)] if isinstance(value, int | str) else list(enumerate(value))
        )
        for k, one in parts:
            where = [i for i, p in enumerate(params) if p == one]
            if not where:
                raise ValueError(f"fastsql: argument {name!r} is not among the parameters")
            slots.extend((i, name, k) for i in where)
    return slots


def _bound(params: list[Any], slots: list[tuple[int, str, int | None]], values: dict) -> list:
    bound = list(params)
    for position, name, k in slots:
        value = values[name]
        bound[position] = value if k is None else value[k]
    return bound


class _Compiled:
    """One shape's SQL, where each argument goes among its parameters, and how its
    rows become model objects (ModelIterable's steps, done once)."""

    def __init__(self, queryset: models.QuerySet, stand_ins: dict[str, Arg], db: str):
        compiler = queryset.query.get_compiler(using=db)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots = _slots(self.params, stand_ins)
        self.locks = bool(
            queryset.query.select_for_update and compiler.connection.features.has_select_for_update
        )
        self.compiler = compiler
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        info = compiler.klass_info
        self.model = info["model"]
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        self.span = slice(start, end)
        self.init_list = [f[0].target.attname for f in compiler.select[start:end]]
        self.populators = get_related_populators(info, compiler.select, db)
        self.db = db

    def run(self, values: dict[str, Arg]) -> list[models.Model]:
        connection = self.compiler.connection
        if self.locks and connection.get_autocommit():
            raise TransactionManagementError("fastsql: a locking read outside a transaction")
        with connection.cursor() as cursor:
            cursor.execute(self.sql, _bound(self.params, self.slots, values))
            rows: Any = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        objects = []
        for row in rows:
            obj = self.model.from_db(self.db, self.init_list, row[self.span])
            for populator in self.populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects


class _CompiledCount:
    """One shape's ``SELECT COUNT(*)`` (the SQL of QuerySet.count() on a plain filter)."""

    def __init__(self, queryset: models.QuerySet, stand_ins: dict[str, Arg], db: str):
        query = queryset.query
        if query.annotations or query.distinct or query.is_sliced or query.combinator:
            raise ValueError("fastsql: Count takes a plain filtered queryset")
        query = query.chain()
        query.clear_ordering(force=True)
        query.clear_select_clause()
        query.add_annotation(models.Count("*"), alias="__count", select=True)
        compiler = query.get_compiler(using=db)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots = _slots(self.params, stand_ins)
        self.connection = compiler.connection

    def run(self, values: dict[str, Arg]) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, _bound(self.params, self.slots, values))
            row = cursor.fetchone()
        return int(row[0]) if row else 0


class Read:
    """``Read(build)``: ``build(**arguments)`` returns the queryset; ``read(**values)``
    its objects, the SQL compiled once per connection and shape."""

    compiled_class: Any = _Compiled

    def __init__(self, build: Callable[..., models.QuerySet], using: str = "default"):
        self.build = build
        self.using = using

    def _uncompiled(self, values: dict[str, Arg]) -> Any:
        return list(self.build(**values))

    def __call__(self, **values: Arg) -> Any:
        if any(_shape(v) > MAX_LIST for v in values.values()):  # not a shape to keep
            return self._uncompiled(values)
        connection = connections[self.using]
        kept: dict = connection.__dict__.setdefault("planwatch_fastsql", {})
        key = (id(self), tuple((name, _shape(v)) for name, v in sorted(values.items())))
        compiled = kept.get(key)
        if compiled is None:
            stand_ins = {
                name: _stand_in(name, i, v) for i, (name, v) in enumerate(sorted(values.items()))
            }
            built = self.build(**stand_ins)
            compiled = kept[key] = self.compiled_class(built, stand_ins, self.using)
        return compiled.run(values)


class Count(Read):
    """``Count(build)``: ``count(**values)`` is ``build(**values).count()``, the SQL
    compiled once per connection and shape (a plain filter: no annotation, slice or
    distinct)."""

    compiled_class = _CompiledCount

    def _uncompiled(self, values: dict[str, Arg]) -> int:
        return self.build(**values).count()


def _plain(model: type[models.Model]) -> bool:
    """Whether saving ``model`` is only its SQL: no save() of its own, no receivers."""
    return (
        model.save is models.Model.save
        and not signals.pre_save.has_listeners(model)
        and not signals.post_save.has_listeners(model)
    )


def _prepared(obj: models.Model, field: models.Field, add: bool, connection) -> tuple[str, Any]:
    value = field.get_db_prep_save(field.pre_save(obj, add), connection=connection)
    placeholder = "%s"
    if hasattr(field, "get_placeholder"):
        placeholder = field.get_placeholder(value, None, connection)
    return placeholder, value


def update(obj: models.Model, names: Sequence[str], using: str = "default") -> None:
    """``obj.save(update_fields=names)``: one UPDATE of those columns of its row."""
    model = type(obj)
    if not _plain(model):
        obj.save(update_fields=names, using=using)
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = model._meta
    sets, params = [], []
    for name in names:
        field: Any = meta.get_field(name)
        placeholder, value = _prepared(obj, field, False, connection)
        sets.append(f"{quote(field.column)} = {placeholder}")
        params.append(value)
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    sql = f"UPDATE {table} SET {', '.join(sets)} WHERE {pk} = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, obj.pk])
        if cursor.rowcount != 1:
            raise DatabaseError("Save with update_fields did not affect any rows.")


def insert(obj: M, using: str = "default") -> M:
    """``obj.save()`` of a new object with an automatic primary key: one INSERT."""
    model = type(obj)
    if not _plain(model):
        obj.save(using=using)
        return obj
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = model._meta
    pk = meta.pk
    assert pk is not None and obj.pk is None
    fields = [f for f in meta.concrete_fields if f is not pk]
    marks, params = [], []
    for field in fields:
        placeholder, value = _prepared(obj, field, True, connection)
        marks.append(placeholder)
        params.append(value)
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(marks)})"
    returning = connection.features.can_return_columns_from_insert
    if returning:
        clause, extra = connection.ops.return_insert_columns([pk])
        sql, params = f"{sql} {clause}", [*params, *extra]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            (new_pk,) = connection.ops.fetch_returned_insert_columns(cursor, [])
        else:
            new_pk = connection.ops.last_insert_id(cursor, meta.db_table, pk.column)
    setattr(obj, pk.attname, pk.to_python(new_pk))
    obj._state.adding = False
    obj._state.db = using
    return obj


def save(obj: M, using: str = "default") -> M:
    """``obj.save()``: ``insert`` when it is new, else ``update`` of all its fields."""
    if obj._state.adding or not _plain(type(obj)):
        return insert(obj, using) if obj._state.adding else _saved(obj, using)
    pk = obj._meta.pk
    update(obj, [f.name for f in obj._meta.concrete_fields if f is not pk], using)
    return obj


def _saved(obj: M, using: str) -> M:
    obj.save(using=using)
    return obj
