"""Object-centric event logs (OCEL 2.0 JSON, XML, SQLite; OCEL 1.0 JSON) flattened per object type.

An object-centric log relates each event to any number of objects (an
order, its items, an invoice). Flattening on one object type makes every
object of that type a case and gives it the events related to it, as
PM4Py's ``ocel_flattening`` does:

* an event related to two objects of the type appears in both cases;
* an event related twice to the same object (two qualifiers) counts once;
* a relation to an object the log does not declare is ignored;
* the activity is the event type, the timestamp the event's time (UTC);
* events of a case are ordered by time, ties in the order PM4Py keeps
  (file order for JSON and XML; for SQLite, row within the event type's
  table, then event type name);
* event attributes become columns, the case object's attributes
  ``case:<name>`` columns, and the event id ``ocel:eid``.

The readers never hold the whole document: JSON is decoded one event or
object at a time, XML parsed element by element and cleared, SQLite read
in batches of rows. What they keep is the columns of the result.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

import polars as pl

from flowbridge.mining.errors import ImportReport, LogError
from flowbridge.mining.i18n import _
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
    EventLog,
    from_frame,
)

EVENT_ID = "ocel:eid"
OBJECT_ID = "__oid__"
OBJECT_TYPE = "__otype__"
RAW_TIME = "__time__"
# Column names the flattening sets itself; an attribute of the same name gets a trailing "_".
RESERVED = {CASE, ACTIVITY, TIMESTAMP, POSITION, START, RESOURCE, DEPARTMENT, LIFECYCLE, EVENT_ID}
if TYPE_CHECKING:
    from typing_extensions import Buffer  # collections.abc.Buffer from Python 3.12

SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"
# What reading a damaged or cut-off gzip file raises.
BROKEN_GZIP = (EOFError, zlib.error, gzip.BadGzipFile)
Progress = Callable[[int, int], None]


@dataclass
class RawOcel:
    """An OCEL as three tables, before flattening.

    ``events``: ``ocel:eid``, ``activity``, ``__time__`` (text), ``position``
    and attribute columns; ``objects``: ``__oid__``, ``__otype__`` and
    attribute columns; ``relations``: ``ocel:eid``, ``__oid__``.
    ``declared`` lists object types the log declares, with or without objects.
    """

    events: pl.DataFrame
    objects: pl.DataFrame
    relations: pl.DataFrame
    declared: list[str] = field(default_factory=list)
    report: ImportReport = field(default_factory=ImportReport)


def ocel_object_types(path: str | Path) -> dict[str, int]:
    """Objects with events per object type, the most first (as PM4Py counts them); types the
    log declares without such objects count 0."""
    raw = _read(Path(path), events=False)
    return _type_counts(raw)


def read_ocel(path: str | Path, *, object_type: str, progress: Progress | None = None) -> EventLog:
    """The log flattened on ``object_type``: one case per object of that type.

    The format (OCEL 2.0 JSON, XML or SQLite, OCEL 1.0 JSON) is recognised
    by content. Raises :class:`LogError` saying what and where when the file
    is not an OCEL, lacks a table or key, has a timestamp that is not ISO
    8601, or when ``object_type`` is not one of the log's (which are listed).
    ``progress(done, total)`` is called as the file is read (bytes; events
    for SQLite).
    """
    path = Path(path)
    raw = _read(path, events=True, progress=progress)
    counts = _type_counts(raw)
    if object_type not in counts:
        known = ", ".join(f"{name} ({n})" for name, n in counts.items()) or _("none")
        raise LogError(
            _("unknown object type %(type)r; the log has: %(known)s")
            % {"type": object_type, "known": known},
            where=str(path),
        )
    return _flatten(raw, object_type, str(path))


def _read(path: Path, *, events: bool, progress: Progress | None = None) -> RawOcel:
    if not path.is_file():
        raise LogError(_("no such file"), where=str(path))
    kind = detect(path)
    # Imported here: each reader pulls in what only it needs (lxml, sqlite3).
    if kind == "sqlite":
        from flowbridge.mining.ocel_sqlite import read_sqlite

        return read_sqlite(path, events=events, progress=progress)
    if kind == "xml":
        from flowbridge.mining.ocel_xml import read_xml

        return read_xml(path, events=events, progress=progress)
    from flowbridge.mining.ocel_json import read_json

    return read_json(path, events=events, progress=progress)


@contextmanager
def opened(path: Path, progress: Progress | None) -> Iterator[IO[bytes]]:
    """The file's bytes, gunzipped when it is gzip; progress counts the file's own bytes."""
    with path.open("rb") as raw:
        compressed = raw.peek(2)[:2] == GZIP_MAGIC
        stream = io.BufferedReader(CountingFile(raw, progress))
        if not compressed:
            yield stream
            return
        with gzip.GzipFile(fileobj=stream, mode="rb") as unzipped:
            yield cast(IO[bytes], unzipped)


def compressed_error(error: BaseException, where: str) -> LogError:
    return LogError(
        _("the compressed file cannot be read (%(error)s)")
        % {"error": str(error) or type(error).__name__},
        where=where,
    )


class CountingFile(io.RawIOBase):
    """A binary file that tells ``progress(bytes_read, size)`` as it is read."""

    def __init__(self, raw: io.BufferedReader, progress: Progress | None) -> None:
        super().__init__()
        self.raw = raw
        self.progress = progress
        self.size = os.fstat(raw.fileno()).st_size
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer) -> int:
        count = self.raw.readinto(buffer)
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.size)
        return count


def detect(path: Path) -> str:
    """``"json"``, ``"xml"`` or ``"sqlite"`` from the file's first bytes (after gunzip)."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(GZIP_MAGIC):
        try:
            with gzip.open(path, "rb") as unzipped:
                head = unzipped.read(4096)
        except BROKEN_GZIP as error:
            raise compressed_error(error, str(path)) from None
        if head.startswith(SQLITE_MAGIC):
            raise LogError(
                _("a compressed SQLite database cannot be read; decompress it first"),
                where=str(path),
            )
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"{", b"[")):
        return "json"
    if text.startswith(b"<"):
        return "xml"
    raise LogError(_("not an OCEL file: neither JSON, XML nor an SQLite database"), where=str(path))


def _type_counts(raw: RawOcel) -> dict[str, int]:
    # As PM4Py counts them: objects without any event are left out.
    related = raw.objects.join(raw.relations.select(OBJECT_ID), on=OBJECT_ID, how="semi")
    counts = (
        related.group_by(OBJECT_TYPE).len().sort(["len", OBJECT_TYPE], descending=[True, False])
    )
    found = {str(name): int(n) for name, n in counts.iter_rows()}
    for name in sorted(set(raw.declared) - set(found)):
        found[name] = 0
    return found


def _flatten(raw: RawOcel, object_type: str, source: str) -> EventLog:
    objects = raw.objects.filter(pl.col(OBJECT_TYPE) == object_type).drop(OBJECT_TYPE)
    # Attributes of other types' objects are all null here.
    objects = objects.select(
        c.name for c in objects if c.name == OBJECT_ID or c.null_count() < c.len()
    )
    objects = objects.rename({c: _case_column(c) for c in objects.columns if c != OBJECT_ID})
    # One lazy plan from the joins to the sorted log: each step materialized on its own
    # would hold a copy of the result (a quarter less memory at 1 M events).
    relations = raw.relations.lazy().join(
        objects.lazy().select(OBJECT_ID), on=OBJECT_ID, how="semi"
    )
    frame = (
        raw.events.lazy()
        .join(relations.unique(), on=EVENT_ID, how="inner")
        .join(objects.lazy(), on=OBJECT_ID, how="left")
        .rename({OBJECT_ID: CASE})
    )
    log = from_frame(frame, source=source, report=raw.report)
    # Attributes only other event types have are all null here.
    first = [CASE, ACTIVITY, TIMESTAMP, POSITION, EVENT_ID]
    events = log.events
    rest = [c.name for c in events if c.name not in first and c.null_count() < c.len()]
    log.report.rows_kept = events.height
    return EventLog(events.select(*first, *rest), source, log.report)


def _case_column(name: str) -> str:
    return "case:" + name


def column_name(name: str) -> str:
    """An attribute's column: its own name, with a trailing "_" when it clashes with ours."""
    return name + "_" if name in RESERVED or name.startswith("__") else name


def parse_times(events: pl.DataFrame, where: str) -> pl.DataFrame:
    """The ``__time__`` text as the ``timestamp`` column (UTC; no offset means UTC).

    Raises :class:`LogError` with the first events whose time is missing or
    not ISO 8601.
    """
    parsed = events.with_columns(iso_times(pl.col(RAW_TIME)).alias(TIMESTAMP))
    bad = parsed.filter(pl.col(TIMESTAMP).is_null())
    if bad.height:
        examples = [
            _("event %(id)s: %(time)r") % {"id": eid, "time": raw}
            for eid, raw in bad.head(5).select(EVENT_ID, RAW_TIME).iter_rows()
        ]
        raise LogError(
            _("%(count)s event(s) without a timestamp in ISO 8601") % {"count": bad.height},
            where=where,
            examples=examples,
        )
    return parsed.drop(RAW_TIME)


def iso_times(text: pl.Expr) -> pl.Expr:
    """ISO 8601 text to UTC microseconds; offsets are honoured, times without one are UTC."""
    clean = (
        text.cast(pl.String)
        .str.strip_chars()
        .str.replace(r"[Zz]$", "+00:00")
        .str.replace(r"^(\d{4}-\d\d-\d\d) ", "${1}T")
    )
    formats = (
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d",
    )
    return pl.coalesce(
        clean.str.to_datetime(f, time_unit="us", time_zone="UTC", strict=False) for f in formats
    ).cast(TIME_TYPE)


def unique_ids(frame: pl.DataFrame, column: str, what: str, where: str) -> pl.DataFrame:
    """The frame, or :class:`LogError` naming the ids that appear more than once."""
    twice = (
        frame.filter(pl.col(column).is_duplicated()).get_column(column).unique(maintain_order=True)
    )
    if twice.len():
        raise LogError(
            _("%(what)s used more than once: %(ids)s")
            % {"what": what, "ids": ", ".join(twice.head(5).to_list())},
            where=where,
        )
    return frame
