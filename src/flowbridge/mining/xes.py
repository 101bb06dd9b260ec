"""Read and write XES event logs (``.xes`` and ``.xes.gz``).

Files in the common layout are read by the vectorised reader of
:mod:`flowbridge.mining.xes_fast`; everything else, and every file that
reader is not sure of, by the streaming reader here, which gives the same
log (tested) and names the line of what is wrong. It streams: lxml's
iterparse hands over one event at a time, each is cleared once read, and
values are gathered in plain lists that become a Polars frame every
:data:`CHUNK_EVENTS` events, so a 3 GB file never sits in memory as a
tree. Values stay text until a whole chunk is typed at once by Polars
(dates, numbers, booleans).

XES keys map to the canonical columns of :mod:`flowbridge.mining.log`
(``concept:name`` → ``activity``, ``time:timestamp`` → ``timestamp``, …);
other event attributes keep their key as column name and trace attributes
become ``case:<key>``, as in PM4Py's frames.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, cast

import polars as pl
from lxml import etree  # type: ignore[import-untyped]

from flowbridge.mining.errors import ImportReport, LogError
from flowbridge.mining.i18n import _
from flowbridge.mining.log import ACTIVITY, CASE, POSITION, START, TIMESTAMP, EventLog, from_frame
from flowbridge.mining.xes_fast import read_fast
from flowbridge.mining.xes_values import (
    EVENT_KEYS as EVENT_KEYS,  # the XES writer maps columns back with it
)
from flowbridge.mining.xes_values import (
    LINE,
    SIMPLE_TYPES,
    TRACE_NO,
    Unsure,
    assemble,
    column_name,
    kind_seen,
    parse_dates,
    trace_column,
)

Progress = Callable[[int, int], None]

CHUNK_EVENTS = 100_000
GZIP_MAGIC = b"\x1f\x8b"


def read_xes(path: str | Path, *, progress: Progress | None = None) -> EventLog:
    """The event log in an XES file (plain or gzip-compressed), read in one pass.

    Events without activity or timestamp, or with a timestamp that is not
    a date, are left out and counted in the log's report; a trace without
    ``concept:name`` gets the id ``trace-<n>`` (its place in the file).
    ``progress(bytes_read, total_bytes)`` is called as the file is read.
    Raises :class:`LogError` naming the line when the file is not XES, is
    cut off, or holds no usable event.
    """
    path = Path(path)
    if not path.is_file():
        raise LogError(_("no such file"), where=str(path))
    progress = _forward_only(progress)
    try:
        events, report = read_fast(path, progress)
    except (Unsure, pl.exceptions.PolarsError, EOFError, OSError, zlib.error):
        # Not the common layout, or not well-formed: the streaming reader reads it or says
        # precisely what is wrong and where.
        reader = _XesReader(path, progress)
        events, report = reader.read(), reader.report
    return from_frame(events, source=str(path), report=report)


def _forward_only(progress: Progress | None) -> Progress | None:
    """The progress callback, never going back when the file is read a second time."""
    if progress is None:
        return None
    furthest = 0

    def forward(done: int, total: int) -> None:
        nonlocal furthest
        furthest = max(furthest, done)
        progress(furthest, total)

    return forward


class _CountingFile:
    """The raw file as lxml (or gzip) reads it, counting bytes for the progress bar."""

    def __init__(self, raw: IO[bytes], total: int, progress: Progress | None):
        self.raw = raw
        self.total = total
        self.progress = progress
        self.bytes_read = 0
        self.at_end = False

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.bytes_read += len(data)
        self.at_end = self.at_end or not data or self.bytes_read >= self.total
        if self.progress is not None:
            self.progress(self.bytes_read, self.total)
        return data


class _XesReader:
    """One pass over one file: lists of text per column, typed per chunk."""

    def __init__(self, path: Path, progress: Progress | None):
        self.path = path
        self.progress = progress
        self.report = ImportReport()
        self.kinds: dict[str, str] = {}  # column -> XES type; "string" once types disagree
        self.tag_kinds: dict[str, str] = {}  # element tag -> XES type, "" when not a plain value
        self.names: dict[str | None, str] = {}  # XES key -> column name
        self.trace_kinds: dict[str, str] = {}
        self.event_chunks: list[pl.DataFrame] = []
        self.traces: dict[str, list[Any]] = {}
        self.trace_values: dict[str, Any] = {}
        self.trace_count = 0
        self.trace_no = 0
        self.in_trace = False
        self.position = 0
        self._new_chunk()

    def _new_chunk(self) -> None:
        self.rows = 0
        self.columns: dict[str, list[Any]] = {TRACE_NO: [], LINE: []}

    def read(self) -> pl.DataFrame:
        total = self.path.stat().st_size
        with self.path.open("rb") as raw:
            counting = _CountingFile(raw, total, self.progress)
            magic = raw.read(2)
            raw.seek(0)
            source: Any = (
                gzip.GzipFile(fileobj=cast(Any, counting)) if magic == GZIP_MAGIC else counting
            )
            try:
                root_tag = self._parse(source)
            except etree.XMLSyntaxError as error:
                raise self._syntax_error(error, counting) from None
            except (EOFError, gzip.BadGzipFile, zlib.error) as error:
                if self.in_trace:
                    message = _(
                        "the compressed file cannot be read (%(error)s); "
                        "it ends in the middle of trace %(trace)s"
                    ) % {"error": error, "trace": self.trace_no}
                else:
                    message = _("the compressed file cannot be read (%(error)s)") % {"error": error}
                raise LogError(message, where=str(self.path)) from None
        if root_tag != "log":
            raise LogError(
                _("this is XML but not XES: the root element is <%(tag)s>, not <log>")
                % {"tag": root_tag},
                where=str(self.path),
            )
        self._flush()
        return self._frame()

    def _parse(self, source: Any) -> str:
        context = etree.iterparse(
            source,
            events=("start", "end"),
            tag=("{*}event", "{*}trace"),
            resolve_entities=False,
            no_network=True,
            huge_tree=True,
        )
        for action, elem in context:
            if elem.tag.endswith("trace"):
                if action == "start":
                    self.trace_no += 1
                    self.in_trace = True
                    self.trace_values = {}
                else:
                    self._end_trace(elem)
            elif action == "end":
                self._end_event(elem)
        return _local(context.root.tag) if context.root is not None else ""

    def _end_event(self, elem: Any) -> None:
        parent = elem.getparent()
        if not self.in_trace or parent is None:
            self.report.rows_read += 1
            self.report.skip(_("event outside a trace"), f"line {elem.sourceline}")
            elem.clear()
            return
        columns, rows, kinds, tag_kinds = self.columns, self.rows, self.kinds, self.tag_kinds
        for child in elem:
            # The hot loop: dictionary look-ups only, names and types worked out once per key.
            kind = tag_kinds.get(child.tag)
            if kind is None:
                kind = tag_kinds[child.tag] = _simple_kind(child.tag)
            if not kind:
                continue  # lists and containers: PM4Py's frames drop them too
            key = child.get("key")
            name = self.names.get(key)
            if name is None:
                if key is None:
                    continue
                name = self.names[key] = column_name(key)
            if kinds.get(name) != kind:
                kind_seen(kinds, name, kind)
            column = columns.get(name)
            if column is None:
                column = columns[name] = [None] * rows
            elif len(column) > rows:
                column[rows] = child.get("value")  # the key again in this event: the last counts
                continue
            elif len(column) < rows:
                column.extend([None] * (rows - len(column)))
            column.append(child.get("value"))
        columns[TRACE_NO].append(self.trace_no)
        columns[LINE].append(elem.sourceline)
        self.rows = rows + 1
        # Trace attributes read so far sit before this event; keep them, drop what is done.
        while elem.getprevious() is not None:
            if not parent[0].tag.endswith("event"):
                self._trace_attribute(parent[0])
            del parent[0]
        elem.clear()
        if self.rows >= CHUNK_EVENTS:
            self._flush()

    def _trace_attribute(self, elem: Any) -> None:
        kind, key = _local(elem.tag), elem.get("key")
        if key is None or kind not in SIMPLE_TYPES:
            return
        name = trace_column(key)
        kind_seen(self.trace_kinds, name, kind)
        self.trace_values[name] = elem.get("value")

    def _end_trace(self, elem: Any) -> None:
        for child in elem:
            if _local(child.tag) != "event":
                self._trace_attribute(child)
        values = self.trace_values
        if values.get(CASE) is None:
            values[CASE] = f"trace-{self.trace_no}"
            self.report.note(
                _("trace without concept:name, given a generated case id"),
                f"line {elem.sourceline}: trace-{self.trace_no}",
            )
        values[TRACE_NO] = self.trace_no
        count = self.trace_count
        for name, value in values.items():
            column = self.traces.setdefault(name, [])
            column.extend([None] * (count - len(column)))
            column.append(value)
        self.trace_count = count + 1
        self.trace_values = {}
        self.in_trace = False
        elem.clear()
        parent = elem.getparent()
        if parent is not None:
            while elem.getprevious() is not None:
                del parent[0]

    def _flush(self) -> None:
        rows = self.rows
        if not rows:
            return
        series = []
        for name, values in self.columns.items():
            values.extend([None] * (rows - len(values)))
            dtype = pl.Int64 if name in (TRACE_NO, LINE) else pl.String
            series.append(pl.Series(name, values, dtype=dtype))
        frame = pl.DataFrame(series).with_columns(
            pl.int_range(self.position, self.position + rows, dtype=pl.UInt64).alias(POSITION)
        )
        self.position += rows
        self.report.rows_read += rows
        self.event_chunks.append(self._keep_valid(frame))
        self._new_chunk()

    def _keep_valid(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Events with an activity and a readable timestamp; the others counted with examples."""
        for name in (ACTIVITY, TIMESTAMP):
            if name not in frame.columns:
                frame = frame.with_columns(pl.lit(None, pl.String).alias(name))
        raw_time = pl.col(TIMESTAMP)
        frame = frame.with_columns(parse_dates(frame[TIMESTAMP]).alias("__time__"))
        checks = [
            (pl.col(ACTIVITY).is_null(), _("event without activity (concept:name)"), False),
            (raw_time.is_null(), _("event without timestamp (time:timestamp)"), False),
            (pl.col("__time__").is_null(), _("timestamp not understood"), True),
        ]
        for bad, reason, show_value in checks:
            rejected = frame.filter(bad)
            if not rejected.height:
                continue
            self.report.skip(reason, count=rejected.height)
            for line, value in rejected.head(5).select(LINE, TIMESTAMP).iter_rows():
                example = f"line {line}: {value!r}" if show_value else f"line {line}"
                self.report.skip(reason, example, count=0)
            frame = frame.filter(~bad)
        frame = frame.with_columns(pl.col("__time__").alias(TIMESTAMP)).drop("__time__", LINE)
        if START in frame.columns:
            frame = frame.with_columns(parse_dates(frame[START]))
        self.report.rows_kept += frame.height
        return frame

    def _frame(self) -> pl.DataFrame:
        if not self.event_chunks or not self.report.rows_kept:
            raise LogError(
                _("events found, none usable") if self.report.rows_read else _("no events found"),
                where=str(self.path),
                examples=self.report.lines(),
            )
        count = self.trace_count
        traces = pl.DataFrame(
            [
                pl.Series(
                    name,
                    values + [None] * (count - len(values)),
                    dtype=pl.Int64 if name == TRACE_NO else pl.String,
                )
                for name, values in self.traces.items()
            ]
        )
        return assemble(self.event_chunks, self.kinds, traces, self.trace_kinds)

    def _syntax_error(self, error: Any, counting: _CountingFile) -> LogError:
        line = error.lineno
        where = f"{self.path}, line {line}"
        if counting.at_end and self.in_trace:
            message = _("the file ends in the middle of trace %(trace)s, line %(line)s") % {
                "trace": self.trace_no,
                "line": line,
            }
        elif counting.at_end and self.trace_no:
            message = _("the file ends before the log is closed, line %(line)s") % {"line": line}
        elif not self.trace_no and not self.report.rows_read and line <= 1:
            message = _("not an XES file: it is not XML (%(error)s)") % {"error": error.msg}
        else:
            message = _("not well-formed XML: %(error)s") % {"error": error.msg}
        return LogError(message, where=where)


def _simple_kind(tag: str) -> str:
    kind = _local(tag)
    return kind if kind in SIMPLE_TYPES else ""


def _local(tag: Any) -> str:
    text = str(tag)
    return text.rpartition("}")[2] if text[:1] == "{" else text
