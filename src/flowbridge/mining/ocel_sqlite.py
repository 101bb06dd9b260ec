"""OCEL 2.0 SQLite, opened read-only; nothing runs but SELECTs over the OCEL 2.0 tables.

The database is opened with ``mode=ro`` and ``query_only``; every table
read is first looked up in ``sqlite_master`` as a table (never a view, so no
SQL stored in the file runs), and its name is quoted. Rows come in batches.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import polars as pl

from flowbridge.mining.errors import ImportReport, LogError
from flowbridge.mining.i18n import _
from flowbridge.mining.log import ACTIVITY, POSITION
from flowbridge.mining.ocel import (
    EVENT_ID,
    OBJECT_ID,
    OBJECT_TYPE,
    RAW_TIME,
    Progress,
    RawOcel,
    column_name,
    parse_times,
    unique_ids,
)
from flowbridge.mining.ocel_columns import typed_text

BATCH = 100_000
REQUIRED = ("event", "object", "event_object", "event_map_type", "object_map_type")
# Columns of the per-type tables that are OCEL's, not attributes.
OWN = {"ocel_id", "ocel_time", "ocel_changed_field"}


def read_sqlite(path: Path, *, events: bool = True, progress: Progress | None = None) -> RawOcel:
    """The tables of an OCEL 2.0 SQLite database."""
    where = str(path)
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as db:
            db.execute("PRAGMA query_only = ON")
            return _Database(db, where, progress).read(events=events)
    except sqlite3.DatabaseError as error:
        raise LogError(
            _("not an OCEL SQLite database: %(error)s") % {"error": error}, where=where
        ) from None


class _Database:
    def __init__(self, db: sqlite3.Connection, where: str, progress: Progress | None) -> None:
        self.db = db
        self.where = where
        self.progress = progress
        # Tables only: a view would run SQL stored in the file.
        self.tables = {
            str(name)
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        missing = [t for t in REQUIRED if t not in self.tables]
        if missing:
            raise LogError(
                _("not an OCEL 2.0 SQLite database: no table(s) %(missing)s; it has: %(found)s")
                % {
                    "missing": ", ".join(missing),
                    "found": ", ".join(sorted(self.tables)) or _("none"),
                },
                where=where,
            )

    def read(self, *, events: bool) -> RawOcel:
        objects = self._frame("object", ["ocel_id", "ocel_type"]).rename(
            {"ocel_id": OBJECT_ID, "ocel_type": OBJECT_TYPE}
        )
        object_maps = self._type_map("object_map_type")
        objects = unique_ids(objects, OBJECT_ID, _("object id"), self.where)
        objects = objects.join(self._object_attributes(object_maps), on=OBJECT_ID, how="left")
        report = ImportReport()
        relations = self._frame("event_object", ["ocel_event_id", "ocel_object_id"]).rename(
            {"ocel_event_id": EVENT_ID, "ocel_object_id": OBJECT_ID}
        )
        if not events:
            empty = pl.DataFrame(schema={EVENT_ID: pl.String})
            return RawOcel(empty, objects, relations, sorted(object_maps), report)
        event_frame = self._events(report)
        return RawOcel(event_frame, objects, relations, sorted(object_maps), report)

    def _events(self, report: ImportReport) -> pl.DataFrame:
        index = self._frame("event", ["ocel_id", "ocel_type"]).rename(
            {"ocel_id": EVENT_ID, "ocel_type": ACTIVITY}
        )
        index = unique_ids(index, EVENT_ID, _("event id"), self.where)
        report.rows_read = index.height
        maps = self._type_map("event_map_type")
        unmapped = sorted(set(index.get_column(ACTIVITY).drop_nulls()) - set(maps))
        if unmapped:
            raise LogError(
                _("event type(s) missing from table event_map_type: %(types)s")
                % {"types": ", ".join(unmapped[:5])},
                where=self.where,
            )
        parts = []
        kinds: dict[str, str] = {}
        # PM4Py stacks the tables of the types that have events in order of type name and
        # breaks ties in time by the row within a table, then by that order; so do positions.
        names = sorted(set(index.get_column(ACTIVITY).drop_nulls()))
        for rank, name in enumerate(names):
            table = "event_" + maps[name]
            part = self._frame(table, ["ocel_id", "ocel_time"], attributes=kinds)
            part = part.with_row_index("__row__").with_columns(
                (pl.col("__row__").cast(pl.UInt64) * len(names) + rank).alias(POSITION),
                pl.lit(name).alias("__table_type__"),
            )
            parts.append(part.drop("__row__"))
            if self.progress is not None:
                self.progress(min(sum(p.height for p in parts), index.height), index.height)
        frame = pl.concat(parts, how="diagonal_relaxed").rename(
            {"ocel_id": EVENT_ID, "ocel_time": RAW_TIME}
        )
        frame = frame.join(index, on=EVENT_ID, how="inner")
        frame = frame.filter(pl.col("__table_type__") == pl.col(ACTIVITY)).drop("__table_type__")
        lost = index.join(frame, on=EVENT_ID, how="anti")
        if lost.height:
            example = ", ".join(lost.get_column(EVENT_ID).head(5).to_list())
            report.skip(
                _("event without a row in its type's table (no time)"), example, lost.height
            )
        return parse_times(_typed(frame, kinds), self.where)

    def _object_attributes(self, maps: dict[str, str]) -> pl.DataFrame:
        parts = []
        kinds: dict[str, str] = {}
        for name in sorted(maps):
            table = "object_" + maps[name]
            if table not in self.tables:
                continue
            part = self._frame(table, ["ocel_id"], attributes=kinds)
            if "ocel_changed_field" in part.columns:
                # The object's own values come first; rows naming a changed field are changes.
                part = part.sort(pl.col("ocel_changed_field").is_not_null(), maintain_order=True)
            parts.append(part.unique("ocel_id", keep="first", maintain_order=True))
        if not parts:
            return pl.DataFrame(schema={OBJECT_ID: pl.String})
        frame = pl.concat(parts, how="diagonal_relaxed").rename({"ocel_id": OBJECT_ID})
        frame = frame.select(OBJECT_ID, *[c for c in kinds if c in frame.columns])
        return _typed(frame, kinds)

    def _type_map(self, table: str) -> dict[str, str]:
        frame = self._frame(table, ["ocel_type", "ocel_type_map"])
        return {str(a): str(b) for a, b in frame.iter_rows() if a is not None and b is not None}

    def _frame(
        self, table: str, required: list[str], attributes: dict[str, str] | None = None
    ) -> pl.DataFrame:
        """The table's rows as text: the ``required`` columns, and the attributes when asked
        for (their declared types go into ``attributes``)."""
        if table not in self.tables:
            raise LogError(_("missing table %(table)s") % {"table": table}, where=self.where)
        declared = self._columns(table)
        missing = [c for c in required if c not in declared]
        if missing:
            raise LogError(
                _("table %(table)s has no column(s) %(columns)s")
                % {"table": table, "columns": ", ".join(missing)},
                where=self.where,
            )
        names = list(required)
        if attributes is not None:
            extra = [c for c in declared if c not in OWN and c not in required]
            for column in extra:
                attributes.setdefault(column, _kind(declared[column]))
            names += extra
            if "ocel_changed_field" in declared and "ocel_changed_field" not in names:
                names.append("ocel_changed_field")
        schema = dict.fromkeys(names, pl.String)
        frames = [
            pl.DataFrame(rows, schema=schema, orient="row") for rows in self._rows(table, names)
        ]
        return pl.concat(frames) if frames else pl.DataFrame(schema=schema)

    def _rows(self, table: str, columns: list[str]) -> Iterator[list[tuple[str | None, ...]]]:
        select = ", ".join(f"CAST({_quote(c)} AS TEXT)" for c in columns)
        # The table's own order, as PM4Py's SELECT * reads it.
        cursor = self.db.execute(f"SELECT {select} FROM {_quote(table)}")  # noqa: S608
        while rows := cursor.fetchmany(BATCH):
            yield rows

    def _columns(self, table: str) -> dict[str, str]:
        info = self.db.execute("SELECT name, type FROM pragma_table_info(?)", (table,))
        return {str(name): str(kind or "") for name, kind in info}


def _typed(frame: pl.DataFrame, kinds: dict[str, str]) -> pl.DataFrame:
    """Attribute columns (read as text) in their declared types, under their column names."""
    present = [c for c in kinds if c in frame.columns]
    return frame.with_columns(typed_text(pl.col(c), kinds[c]) for c in present).rename(
        {c: column_name(c) for c in present}
    )


def _kind(sql_type: str) -> str:
    lowered = sql_type.lower()
    if "time" in lowered or "date" in lowered:
        return "time"
    if "int" in lowered:
        return "integer"
    if "real" in lowered or "floa" in lowered or "doub" in lowered:
        return "float"
    if "bool" in lowered:
        return "boolean"
    return "string"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
