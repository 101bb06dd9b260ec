"""Columns from attribute rows, for the vectorised XES reader (:mod:`flowbridge.mining.xes_fast`).

One row per attribute — its event or trace, name, XES type and text —
becomes one row per event (or trace) with one column per name: by
reshaping when every event has the same keys in the same order, else per
name. Values are unescaped as XML reads them, and copied out of the buffer
they were split from.
"""

from __future__ import annotations

import polars as pl

from flowbridge.mining.log import ACTIVITY, CASE, POSITION
from flowbridge.mining.xes_values import TRACE_NO, Unsure

KINDS = ["string", "date", "int", "float", "boolean", "id"]
ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}


def owned(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with its text copied out of the chunk's buffer.

    Polars' strings are views into the buffer they were split from: kept as
    they are, every chunk's whole text (markup, keys and all) would stay in
    memory as long as the log does.
    """
    return frame.with_columns(
        (pl.col(name) + "").alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )


def odd(values: pl.Series) -> bool:
    """Whether some value holds a line feed or a "<" (which XML would not take as it is)."""
    return bool(
        (values.str.contains("\n", literal=True) | values.str.contains("<", literal=True)).any()
    )


def unescaped(values: pl.Series) -> pl.Series:
    """Attribute values as XML reads them: entities replaced, tabs and line feeds as spaces."""
    if values.str.contains("<|&#").any():
        raise Unsure("markup or character reference in a value")
    named = values.str.count_matches("&(lt|gt|amp|quot|apos);").sum()
    if named != values.str.count_matches("&", literal=True).sum():
        raise Unsure("unknown entity")
    values = values.str.replace_all("[\t\n]", " ")
    for entity, char in ENTITIES.items():
        values = values.str.replace_all(entity, char, literal=True)
    return values.str.replace_all("&amp;", "&", literal=True)


def wide(
    rows: pl.DataFrame, index: str, key_names: list[str], kinds: list[tuple[str, str]], count: int
) -> pl.DataFrame:
    """One row per event (or trace), one column per name: [trace number, names…, index].

    The first name is the one every row must have (activity, case); a name twice in one
    event or trace: the last counts. Names are in the order first seen, and their types
    added to ``kinds`` in the order seen.
    """
    distinct = list(dict.fromkeys(key_names))
    name_of = pl.Series([distinct.index(n) for n in key_names], dtype=pl.Int32)
    rows = rows.with_columns(pl.lit(name_of).gather(pl.col("key")).alias("name"))
    seen = rows.select((pl.col("name") * 16 + pl.col("kind")).unique(maintain_order=True))
    order: list[str] = []
    for code in seen.to_series().to_list():
        name = distinct[code // 16]
        kinds.append((name, KINDS[code % 16]))
        if name not in order:
            order.append(name)
    first = ACTIVITY if index == POSITION else CASE
    if first not in order:
        raise Unsure(f"{first} missing")
    regular = _regular(rows, index, distinct, count)
    if regular is not None:
        return regular.select(*dict.fromkeys([TRACE_NO, *order, index]))
    parts = rows.partition_by("name", as_dict=True, include_key=False)
    frame: pl.DataFrame | None = None
    for name in [first, *(n for n in order if n != first)]:
        part = parts[(distinct.index(name),)]
        if (part[index].diff() == 0).any():
            part = part.unique(index, keep="last", maintain_order=True)
        if frame is None:
            if part.height != count:
                raise Unsure(f"{first} missing")  # events without activity, traces without name
            frame = part.select(*dict.fromkeys([TRACE_NO, index]), pl.col("value").alias(name))
        elif part.height == count:
            frame = frame.with_columns(part["value"].alias(name))
        else:
            part = part.select(index, pl.col("value").alias(name))
            frame = frame.join(part, on=index, how="left", maintain_order="left")
    assert frame is not None
    return frame.select(*dict.fromkeys([TRACE_NO, *order, index]))


def _regular(
    rows: pl.DataFrame, index: str, distinct: list[str], count: int
) -> pl.DataFrame | None:
    """The wide frame by reshaping, when every event (trace) has the same keys in the same order.

    Generated logs mostly do; then no partitioning or joining is needed. None otherwise.
    """
    if not count or rows.height % count:
        return None
    width = rows.height // count
    pattern = rows["name"].head(width)
    if pattern.n_unique() != width:
        return None
    step = pl.int_range(pl.len())
    aligned = rows.select(
        (pl.col("name") == pl.lit(pattern).gather(step % width)).all(),
        (pl.col(index) == pl.col(index).first() + step // width).all(),
    ).row(0)
    if not all(aligned):
        return None
    grid = rows["value"].reshape((-1, width))
    ids = [rows[c].gather_every(width) for c in dict.fromkeys([TRACE_NO, index])]
    names = pattern.to_list()
    return pl.DataFrame([*ids, *(grid.arr.get(i).alias(distinct[c]) for i, c in enumerate(names))])
