"""Writing an event log as XES (gzip-compressed when the name ends in ``.gz``).

Readable back by :func:`flowbridge.mining.xes.read_xes` and by PM4Py. Rows
are rendered to text column-wise with Polars expressions, a block of rows
at a time, so memory stays bounded whatever the log's size.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import IO

import polars as pl

from flowbridge.mining.log import CASE, POSITION, EventLog
from flowbridge.mining.xes import EVENT_KEYS

XES_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xes.features="nested-attributes">
\t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
\t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
\t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
\t<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
"""
WRITE_ROWS = 50_000


def write_xes(log: EventLog, path: str | Path) -> None:
    """Write the log as XES, gzip-compressed when the name ends in ``.gz``.

    One trace per case (cases in id order, events in the log's order);
    ``case:<key>`` columns become trace attributes, the canonical columns
    their XES keys, any other column an event attribute typed by its
    column type. Null values are left out.
    """
    path = Path(path)
    events = log.events
    xes_keys = {column: key for key, column in EVENT_KEYS.items()}
    event_parts = [
        _attribute(xes_keys.get(name, name), name, events.schema[name], "\t\t\t")
        for name in events.columns
        if name not in (CASE, POSITION) and not name.startswith("case:")
    ]
    trace_parts = [_attribute("concept:name", CASE, events.schema[CASE], "\t\t")] + [
        _attribute(name.removeprefix("case:"), name, events.schema[name], "\t\t")
        for name in events.columns
        if name.startswith("case:")
    ]
    # Flags on the whole frame, so that a trace cut by a write slice still opens and closes once.
    flagged = events.with_columns(
        pl.col(CASE).ne_missing(pl.col(CASE).shift(1)).alias("__first__"),
        pl.col(CASE).ne_missing(pl.col(CASE).shift(-1)).alias("__last__"),
    )
    text = pl.concat_str(
        [
            pl.when("__first__").then(
                pl.concat_str([pl.lit("\t<trace>\n"), *trace_parts], ignore_nulls=True)
            ),
            pl.lit("\t\t<event>\n"),
            *event_parts,
            pl.lit("\t\t</event>\n"),
            pl.when("__last__").then(pl.lit("\t</trace>\n")),
        ],
        ignore_nulls=True,
    )
    with _open_for_writing(path) as out:
        out.write(XES_HEADER.encode())
        for offset in range(0, flagged.height, WRITE_ROWS):
            chunk = flagged.slice(offset, WRITE_ROWS).select(text).to_series()
            out.write("".join(chunk.to_list()).encode())
        out.write(b"</log>\n")


def _open_for_writing(path: Path) -> IO[bytes]:
    if path.name.endswith(".gz"):
        return gzip.open(path, "wb", compresslevel=6)  # type: ignore[return-value]
    return path.open("wb")


def _attribute(key: str, column: str, dtype: pl.DataType, indent: str) -> pl.Expr:
    """``<type key=".." value=".."/>`` for each row, null where the value is null."""
    expr = pl.col(column)
    if isinstance(dtype, pl.Datetime):
        zoned = expr.dt.convert_time_zone("UTC") if dtype.time_zone else expr
        kind, value = "date", zoned.dt.strftime("%Y-%m-%dT%H:%M:%S%.6f+00:00")
    elif dtype == pl.Boolean:
        kind, value = "boolean", pl.when(expr).then(pl.lit("true")).otherwise(pl.lit("false"))
        value = pl.when(expr.is_null()).then(None).otherwise(value)
    elif dtype.is_integer():
        kind, value = "int", expr.cast(pl.String)
    elif dtype.is_float():
        kind, value = "float", expr.cast(pl.String)
    else:
        kind, value = "string", _escape(expr.cast(pl.String))
    return pl.concat_str(
        [pl.lit(f'{indent}<{kind} key="{_escape_text(key)}" value="'), value, pl.lit('"/>\n')]
    )


def _escape(expr: pl.Expr) -> pl.Expr:
    for raw, entity in XML_ENTITIES:
        expr = expr.str.replace_all(raw, entity, literal=True)
    return expr


def _escape_text(text: str) -> str:
    for raw, entity in XML_ENTITIES:
        text = text.replace(raw, entity)
    return text


# "&" first, so the other entities are not escaped twice.
XML_ENTITIES = (
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ('"', "&quot;"),
    ("\n", "&#10;"),
    ("\r", "&#13;"),
    ("\t", "&#9;"),
)
