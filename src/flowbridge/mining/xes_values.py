"""What both XES readers share: column names, typing of values, and the final frame.

The streaming reader (:mod:`flowbridge.mining.xes`) and the vectorised one
(:mod:`flowbridge.mining.xes_fast`) gather values as text in chunks of
events and trace attributes; :func:`assemble` types and joins them the same
way for both, so that the two give identical logs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

import polars as pl

from flowbridge.mining.log import (
    ACTIVITY,
    CASE,
    DEPARTMENT,
    LIFECYCLE,
    POSITION,
    RESOURCE,
    START,
    TIME_TYPE,
    TIMESTAMP,
)

EVENT_KEYS = {
    "concept:name": ACTIVITY,
    "time:timestamp": TIMESTAMP,
    "start_timestamp": START,
    "org:resource": RESOURCE,
    "org:group": DEPARTMENT,
    "lifecycle:transition": LIFECYCLE,
}
# Column names the reader sets itself; an XES attribute of the same name gets a trailing "_".
RESERVED = {CASE, POSITION, *EVENT_KEYS.values()}
SIMPLE_TYPES = {"string", "date", "int", "float", "boolean", "id"}
TRACE_NO = "__trace__"
LINE = "__line__"


class Unsure(Exception):
    """Not in the layout the vectorised reader handles: the streaming reader reads it."""


def column_name(key: str) -> str:
    """Canonical name for the standard keys; a key that clashes with one gets a trailing "_"."""
    if key in EVENT_KEYS:
        return EVENT_KEYS[key]
    clashes = key in RESERVED or key in (TRACE_NO, LINE) or key.startswith("case:")
    return key + "_" if clashes else key


def trace_column(key: str) -> str:
    """Trace attributes are ``case:<key>``, as in PM4Py's frames; the trace's name is the case."""
    return CASE if key == "concept:name" else f"case:{key}"


def kind_seen(kinds: dict[str, str], name: str, kind: str) -> None:
    """The first type seen for a column, or "string" once two attributes of it disagree."""
    known = kinds.setdefault(name, kind)
    if known != kind and name not in (TIMESTAMP, START):
        kinds[name] = "string"


DATE_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M%z", "%Y-%m-%d")


def parse_dates(texts: pl.Series) -> pl.Series:
    """xs:dateTime text to UTC microseconds; offsets are honoured, times without one are UTC.

    The first of :data:`DATE_FORMATS` that reads a value counts. Most values
    end in an offset ``+HH:MM``: those are read without it, the offset then
    subtracted (a fifth of the work of Polars' ``%z``, same instant); the
    formats are tried only when some value is left.
    """
    text = texts.str.strip_chars()
    if (text.str.ends_with("Z") | text.str.ends_with("z")).any():
        text = text.str.replace(r"[Zz]$", "+00:00")
    if text.str.contains(" ", literal=True).any():
        text = text.str.replace(" ", "T", literal=True)
    frame = text.to_frame("t")
    parsed = _with_offset(text)
    if parsed.null_count() > text.null_count():
        tries = [
            pl.col("t").str.to_datetime(f, time_unit="us", time_zone="UTC", strict=False)
            for f in DATE_FORMATS
        ]
        parsed = frame.select(pl.coalesce(parsed, *tries)).to_series()
    return parsed.cast(TIME_TYPE).alias(texts.name)


def _with_offset(text: pl.Series) -> pl.Series:
    """``…THH:MM:SS[.f]+HH:MM`` read as the first format reads it; null for anything else."""
    offset = text.str.tail(6)
    naive = _local_time(text.str.head(-6))
    one = offset.drop_nulls().head(1).to_list()
    if one and re.fullmatch(r"[+-]([01]\d|2[0-3]):[0-5]\d", one[0]) and (offset == one[0]).all():
        # One offset for the whole column, as most files have: one shift for all.
        east = (int(one[0][1:3]) * 60 + int(one[0][4:6])) * (-1 if one[0][0] == "-" else 1)
        return (naive - timedelta(minutes=east)).dt.replace_time_zone("UTC")
    sign = offset.str.head(1)
    hours = offset.str.slice(1, 2).cast(pl.Int64, strict=False)
    minutes = offset.str.slice(4, 2).cast(pl.Int64, strict=False)
    fits = (offset.str.slice(3, 1) == ":") & sign.is_in(["+", "-"]) & (hours < 24) & (minutes < 60)
    shift = (hours * 60 + minutes) * (1 - 2 * (sign == "-").cast(pl.Int64))
    shifted = naive - pl.select(pl.duration(minutes=pl.lit(shift.set(~fits, None)))).to_series()
    return shifted.dt.replace_time_zone("UTC")


def _local_time(naive: pl.Series) -> pl.Series:
    """``%Y-%m-%dT%H:%M:%S%.f`` as Polars reads it; when every value has the same number of
    fraction digits (up to six), the seconds and the fraction are read apart, which is twice
    as fast as ``%.f``."""
    lengths = naive.str.len_bytes()
    length = lengths.min()
    whole = "%Y-%m-%dT%H:%M:%S"
    if isinstance(length, int) and length == lengths.max():
        digits = length - 20
        if length == 19:
            return naive.str.strptime(pl.Datetime("us"), whole, strict=False, cache=False)
        fraction_text = naive.str.slice(20)
        if (
            1 <= digits <= 6
            and (naive.str.slice(19, 1) == ".").all()
            and not fraction_text.str.contains("[^0-9]").any()
        ):
            seconds = naive.str.head(19).str.strptime(
                pl.Datetime("us"), whole, strict=False, cache=False
            )
            fraction = fraction_text.cast(pl.Int64, strict=False) * 10 ** (6 - digits)
            return seconds + pl.select(pl.duration(microseconds=pl.lit(fraction))).to_series()
    return naive.str.strptime(pl.Datetime("us"), DATE_FORMATS[1], strict=False, cache=False)


def typed(column: pl.Series, kind: str) -> pl.Series:
    """Text of an XES attribute as its declared type; what does not parse becomes null."""
    if kind == "date":
        return parse_dates(column)
    return column.to_frame().select(_typed(pl.col(column.name), kind)).to_series()


def _typed(expr: pl.Expr, kind: str) -> pl.Expr:
    if kind == "int":
        return expr.str.strip_chars().cast(pl.Int64, strict=False)
    if kind == "float":
        return expr.str.strip_chars().cast(pl.Float64, strict=False)
    if kind == "boolean":
        return (
            expr.str.strip_chars()
            .str.to_lowercase()
            .replace_strict(
                {"true": True, "1": True, "false": False, "0": False},
                default=None,
                return_dtype=pl.Boolean,
            )
        )
    return expr


def assemble(
    event_chunks: Iterable[pl.DataFrame],
    kinds: dict[str, str],
    traces: pl.DataFrame,
    trace_kinds: dict[str, str],
) -> pl.DataFrame:
    """Events (text, with trace number and position) typed and joined with their trace's values.

    Columns come in a fixed order whatever the chunking: event attributes
    in the order they were first seen, ``position``, then trace attributes
    in the order they were first seen.
    """
    events = pl.concat(list(event_chunks), how="diagonal_relaxed")
    events = events.with_columns(
        typed(events[name], kind)
        for name, kind in kinds.items()
        if name in events.columns and name not in (ACTIVITY, TIMESTAMP, START)
    )
    traces = traces.with_columns(
        typed(traces[name], kind)
        for name, kind in trace_kinds.items()
        if name != CASE and name in traces.columns
    )
    joined = _with_traces(events, traces)
    first = [n for n in kinds if n in events.columns and n != TRACE_NO]
    last = [n for n in trace_kinds if n in traces.columns]
    order = [*first, *(n for n in events.columns if n not in first and n != TRACE_NO)]
    order += [*last, *(n for n in traces.columns if n not in last and n != TRACE_NO)]
    moved = [n for n in order if n != POSITION]
    return joined.select(*moved[: len(first)], POSITION, *moved[len(first) :])


def _with_traces(events: pl.DataFrame, traces: pl.DataFrame) -> pl.DataFrame:
    """Each event with its trace's values (and without the trace number).

    Traces are numbered 1, 2, … in file order by both readers, so a trace's row
    is its number less one: a gather, not a join of millions of rows.
    """
    numbers = traces.get_column(TRACE_NO)
    if numbers.len() and numbers.equals(pl.int_range(1, numbers.len() + 1, eager=True)):
        rows = traces.drop(TRACE_NO).gather(events.get_column(TRACE_NO) - 1)
        return pl.concat([events.drop(TRACE_NO), rows], how="horizontal")
    joined = events.join(traces, on=TRACE_NO, how="left", maintain_order="left")
    return joined.drop(TRACE_NO)
