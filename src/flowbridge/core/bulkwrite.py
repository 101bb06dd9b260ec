"""Insert or update many rows of one table in one statement, each row with its own values.

Django's ``bulk_update`` builds a ``CASE WHEN pk = ... THEN ...`` expression
per field and row and resolves each in Python, and ``bulk_create`` prepares
every value through its expression machinery: for a bulk approval of a
hundred requests that costs more than the database's work. Here values go
through each field's own ``get_db_prep_save`` (so JSON, dates and foreign
keys are stored exactly as ``save()`` stores them) and then:

* on PostgreSQL, one array parameter per column, ``unnest``-ed server-side:
  the statement text stays short whatever the number of rows (psycopg
  parses a statement's placeholders in Python, which dominated with
  thousands of them);
* on SQLite, a ``VALUES`` list (SQLite 3.33+ for ``UPDATE ... FROM``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.functional import Promise

if TYPE_CHECKING:
    Field = models.Field[Any, Any]

# Placeholders per SQLite statement stay well under its limit (32766).
MAX_PARAMS = 30000


def update_rows(
    model: type[models.Model], rows: Sequence[models.Model], names: Sequence[str]
) -> None:
    """Write fields ``names`` of ``rows`` (saved instances of ``model``), few statements for all."""
    if not rows:
        return
    opts = model._meta
    fields: list[models.Field[Any, Any]] = []
    for name in names:
        try:
            field = opts.get_field(name)
        except FieldDoesNotExist:
            field = None
        if not isinstance(field, models.Field) or not field.concrete or field.column is None:
            raise ValueError(f"{name} is not a column of {opts.label}")
        fields.append(field)
    relations = [f for f in fields if isinstance(f, models.ForeignKey)]
    if relations:
        for row in rows:
            _take_related_keys(row, relations)
    connection = connections[router.db_for_write(model)]
    pk = opts.pk
    assert pk is not None
    columns = [pk, *fields]
    qn = connection.ops.quote_name
    names_sql = ", ".join(qn(f"c{i}") for i in range(len(columns)))
    table = qn(opts.db_table)
    sets = ", ".join(f"{qn(str(f.column))} = v.{qn(f'c{i + 1}')}" for i, f in enumerate(fields))
    match = f"{table}.{qn(str(pk.column))} = v.{qn('c0')}"

    with connection.cursor() as cursor:
        for chunk in _chunks(connection, rows, len(columns)):
            params: list[Any] = []
            rows_sql = _rows_source(connection, columns, chunk, params)
            cursor.execute(
                f"WITH v({names_sql}) AS ({rows_sql}) "  # noqa: S608 - quoted model metadata
                f"UPDATE {table} SET {sets} FROM v WHERE {match}",
                params,
            )


def insert_rows(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """Insert ``rows`` (new instances of ``model``) and give each its primary key.

    Foreign keys to objects saved earlier in the same transaction are taken
    from those objects, as ``save()`` does. A primary key the database does
    not generate (``id = PositiveSmallIntegerField(primary_key=True)``) is
    written as given.
    """
    if not rows:
        return
    opts = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    pk = opts.pk
    assert pk is not None
    generated = opts.auto_field is pk
    fields = [f for f in opts.concrete_fields if f is not pk or not generated]
    relations = [f for f in fields if isinstance(f, models.ForeignKey)]
    for row in rows:
        _take_related_keys(row, relations)
    qn = connection.ops.quote_name
    columns = ", ".join(qn(str(f.column)) for f in fields)
    table = qn(opts.db_table)
    with connection.cursor() as cursor:
        for chunk in _chunks(connection, rows, len(fields)):
            params: list[Any] = []
            rows_sql = _rows_source(connection, fields, chunk, params)
            returning = f" RETURNING {qn(str(pk.column))}" if generated else ""
            cursor.execute(f"INSERT INTO {table} ({columns}) {rows_sql}{returning}", params)
            if generated:
                # Keys are drawn in row order within one statement on both databases, but
                # neither promises RETURNING's order: match them up sorted.
                keys = sorted(key for (key,) in cursor.fetchall())
                for row, key in zip(chunk, keys, strict=True):
                    row.pk = key
            for row in chunk:
                row._state.adding = False
                row._state.db = alias


def _chunks(
    connection: BaseDatabaseWrapper, rows: Sequence[models.Model], width: int
) -> list[Sequence[models.Model]]:
    size = len(rows) if connection.vendor == "postgresql" else max(1, MAX_PARAMS // width)
    return [rows[start : start + size] for start in range(0, len(rows), size)]


def _rows_source(
    connection: BaseDatabaseWrapper,
    fields: Sequence[Field],
    rows: Sequence[models.Model],
    params: list[Any],
) -> str:
    """A row source for ``rows``: ``SELECT * FROM unnest(...)`` or ``VALUES (...), ...``."""
    if connection.vendor == "postgresql":
        return _unnest_source(connection, fields, rows, params)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    preparers = [(f.attname, _preparer(f, connection)) for f in fields]
    for row in rows:
        params.extend(prepare(getattr(row, attname)) for attname, prepare in preparers)
    return "VALUES " + ", ".join([row_sql] * len(rows))


def _unnest_source(
    connection: BaseDatabaseWrapper,
    fields: Sequence[Field],
    rows: Sequence[models.Model],
    params: list[Any],
) -> str:
    """PostgreSQL: one array per column; a JSON column as one JSON array document.

    A JSON value inside an array literal is escaped character by character
    (slow, and large for engine states); one document holding every row's
    value goes as it is and is indexed by the row's ordinal.
    """
    documents: list[str] = []
    arrays: list[list[Any]] = []
    casts: list[str] = []
    select: list[str] = []
    for field in fields:
        if isinstance(field, models.JSONField):
            values = [getattr(row, field.attname) for row in rows]
            documents.append(json.dumps(values, cls=field.encoder))
            # A top-level None is SQL NULL, as save() stores it (a NOT NULL column refuses it);
            # JSON null is only kept inside a value.
            element = "(CAST(%s AS jsonb) -> CAST(u.n - 1 AS integer))"
            select.append(f"NULLIF({element}, 'null'::jsonb)")
        else:
            select.append(f"u.c{len(arrays)}")
            prepare, attname = _preparer(field, connection), field.attname
            arrays.append([prepare(getattr(row, attname)) for row in rows])
            casts.append(f"CAST(%s AS {_element_type(field, connection)}[])")
    names = ", ".join([*(f"c{i}" for i in range(len(arrays))), "n"])
    # Placeholders in text order: the documents (select list), then the arrays.
    params.extend(documents)
    params.extend(arrays)
    return (
        f"SELECT {', '.join(select)} "  # noqa: S608 - column types and fixed names
        f"FROM unnest({', '.join(casts)}) WITH ORDINALITY AS u({names})"
    )


def _element_type(field: Field, connection: BaseDatabaseWrapper) -> str:
    """The column's type without its length or precision: ``varchar(300)`` -> ``varchar``.

    An explicit cast to ``varchar(n)`` silently cuts a longer value; without
    the modifier the value reaches the column by assignment, which refuses it
    as ``save()`` does.
    """
    return re.sub(r"\([^)]*\)", "", str(field.db_type(connection)))


# Values of these fields reach the driver as they are (``get_db_prep_save`` returns them
# unchanged, at a cost that dominated bulk writes); everything else goes through it.
_AS_IS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BooleanField,
    models.AutoField,
    models.BigAutoField,
)


def _preparer(field: Field, connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """How to turn an attribute value into the value the database driver receives."""
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    if type(target) in _TEXT:
        return _text
    if type(target) in _AS_IS:
        return _as_is

    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return prepare


def _as_is(value: Any) -> Any:
    return value


# Text columns also take lazy translations, which the drivers cannot adapt.
_TEXT = (models.CharField, models.TextField)


def _text(value: Any) -> Any:
    return str(value) if isinstance(value, Promise) else value


def _take_related_keys(row: models.Model, relations: Sequence[models.ForeignKey[Any, Any]]) -> None:
    """Fill a foreign key from its object when the object was saved after being assigned."""
    for field in relations:
        if getattr(row, field.attname) is not None or not field.is_cached(row):
            continue
        related = field.get_cached_value(row)
        if related is None:
            continue
        if related.pk is None:
            raise ValueError(f"{row._meta.label}.{field.name} refers to an unsaved object")
        setattr(row, field.attname, related.pk)
