"""Columns of an OCEL gathered one event or object at a time, and typed attribute values.

The JSON and XML readers hand each event and object to a :class:`Collector`,
which keeps plain lists only for the last :data:`CHUNK_EVENTS` events and
turns them into Polars frames then, so what stays in memory is compact
columns, not Python objects per value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import polars as pl

from flowbridge.mining.errors import ImportReport
from flowbridge.mining.i18n import _
from flowbridge.mining.log import ACTIVITY, POSITION
from flowbridge.mining.ocel import (
    EVENT_ID,
    OBJECT_ID,
    OBJECT_TYPE,
    RAW_TIME,
    RawOcel,
    column_name,
    iso_times,
    parse_times,
    unique_ids,
)

CHUNK_EVENTS = 100_000
ROW = "__row__"

KINDS = {
    "string": pl.String,
    "integer": pl.Int64,
    "int": pl.Int64,
    "float": pl.Float64,
    "double": pl.Float64,
    "real": pl.Float64,
    "boolean": pl.Boolean,
    "bool": pl.Boolean,
}


def typed(name: str, values: list[Any], kind: str | None) -> pl.Series:
    """Attribute values as one column: of the declared kind, else as the values say."""
    if kind:
        text = pl.Series(name, [_text(v) for v in values], dtype=pl.String)
        return text.to_frame().select(typed_text(pl.col(name), kind)).to_series()
    present = {type(v) for v in values if v is not None}
    if present and present <= {bool}:
        return pl.Series(name, values, dtype=pl.Boolean)
    if present and present <= {int}:
        return pl.Series(name, values, dtype=pl.Int64, strict=False)
    if present and present <= {int, float}:
        return pl.Series(name, values, dtype=pl.Float64, strict=False)
    return pl.Series(name, [_text(v) for v in values], dtype=pl.String)


def typed_text(text: pl.Expr, kind: str) -> pl.Expr:
    """Text of a declared kind (OCEL's string, integer, float, boolean, time) as that type;
    values that are not of it become null, kinds we do not know stay text."""
    kind = kind.lower()
    if "time" in kind or "date" in kind:
        return iso_times(text)
    target = KINDS.get(kind, pl.String)
    if target == pl.Boolean:
        return (
            text.str.strip_chars()
            .str.to_lowercase()
            .replace_strict(
                {"true": True, "1": True, "false": False, "0": False},
                default=None,
                return_dtype=pl.Boolean,
            )
        )
    if target == pl.String:
        return text
    return text.str.strip_chars().cast(target, strict=False)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class Collector:
    """Events, objects and relations gathered one at a time, as columns.

    Attribute types are those declared (:meth:`declare`), else what the
    values are; :meth:`result` gives the tables of a :class:`RawOcel`.
    """

    def __init__(self, where: str, *, events: bool = True) -> None:
        self.where = where
        self.keep_events = events
        self.events = _Table({EVENT_ID: pl.String, ACTIVITY: pl.String, RAW_TIME: pl.String})
        self.relations = _Table({EVENT_ID: pl.String, OBJECT_ID: pl.String})
        self.objects = _Table({OBJECT_ID: pl.String, OBJECT_TYPE: pl.String})
        self.event_kinds: dict[str, set[str]] = {}
        self.object_kinds: dict[str, set[str]] = {}
        self.declared: list[str] = []
        self.report = ImportReport()

    def declare(self, kinds: dict[str, set[str]], attribute: str, kind: str) -> None:
        kinds.setdefault(attribute, set()).add(kind.lower())

    def event(
        self,
        eid: str,
        activity: str,
        time: str | None,
        attributes: Iterable[tuple[str, Any]],
        objects: Iterable[str],
    ) -> None:
        self.report.rows_read += 1
        # Relations are kept even when events are not: they say which objects have events.
        for oid in objects:
            self.relations.add((eid, oid), ())
        if not self.keep_events:
            if self.relations.pending >= CHUNK_EVENTS:
                self.relations.flush({})
            return
        self.events.add((eid, activity, time), attributes)
        if self.events.pending >= CHUNK_EVENTS:
            self.events.flush(self.event_kinds)
            self.relations.flush({})

    def object(self, oid: str, otype: str, attributes: Iterable[tuple[str, Any]]) -> None:
        seen: set[str] = set()
        first = []
        for name, value in attributes:
            # The first value of an attribute is the object's; later ones are changes.
            if name not in seen:
                seen.add(name)
                first.append((name, value))
        self.objects.add((oid, otype), first)
        if self.objects.pending >= CHUNK_EVENTS:
            self.objects.flush(self.object_kinds)

    def result(self) -> RawOcel:
        events = self.events.frame(self.event_kinds).rename({ROW: POSITION})
        events = unique_ids(events, EVENT_ID, _("event id"), self.where)
        objects = self.objects.frame(self.object_kinds).drop(ROW)
        objects = unique_ids(objects, OBJECT_ID, _("object id"), self.where)
        relations = self.relations.frame({}).drop(ROW)
        return RawOcel(
            parse_times(events, self.where).with_columns(pl.col(POSITION).cast(pl.UInt64)),
            objects,
            relations,
            self.declared,
            self.report,
        )


class _Table:
    """Rows of fixed columns plus sparse attributes, made a frame every chunk."""

    def __init__(self, schema: dict[str, type[pl.DataType]]) -> None:
        self.schema = schema
        self.columns: list[list[Any]] = [[] for _ in schema]
        self.attributes: dict[str, tuple[list[int], list[Any]]] = {}
        self.parts: list[pl.DataFrame] = []
        self.done = 0  # rows already in parts

    @property
    def pending(self) -> int:
        return len(self.columns[0])

    def add(self, values: tuple[Any, ...], attributes: Iterable[tuple[str, Any]]) -> None:
        row = self.done + self.pending
        for column, value in zip(self.columns, values, strict=True):
            column.append(value)
        for name, value in attributes:
            rows, found = self.attributes.setdefault(name, ([], []))
            rows.append(row)
            found.append(value)

    def flush(self, kinds: dict[str, set[str]]) -> None:
        if not self.pending and self.parts:
            return
        frame = pl.DataFrame(dict(zip(self.schema, self.columns, strict=True)), schema=self.schema)
        frame = frame.with_row_index(ROW, offset=self.done).with_columns(
            pl.col(ROW).cast(pl.UInt64)
        )
        for name, (rows, values) in self.attributes.items():
            declared = kinds.get(name, set())
            kind = next(iter(declared)) if len(declared) == 1 else ("string" if declared else None)
            part = pl.DataFrame({ROW: pl.Series(rows, dtype=pl.UInt64)}).with_columns(
                typed(column_name(name), values, kind)
            )
            frame = frame.join(part, on=ROW, how="left")
        self.parts.append(frame)
        self.done += self.pending
        self.columns = [[] for _ in self.schema]
        self.attributes = {}

    def frame(self, kinds: dict[str, set[str]]) -> pl.DataFrame:
        self.flush(kinds)
        return pl.concat(self.parts, how="diagonal_relaxed")
