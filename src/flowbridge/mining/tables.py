"""Event logs from and to CSV and Parquet tables.

Columns are found by name (XES names first, then common English and Chinese
headers, see :mod:`flowbridge.mining.dialect`); the caller's names win. Rows
without a case id, an activity or a readable timestamp are skipped and
counted in the log's report with their line numbers, never guessed. Writing
uses XES names (``case:concept:name``, ``concept:name``, ``time:timestamp``,
...), so PM4Py and pandas read the files back as they are.

Reading is lazy (``pl.scan_csv`` / ``pl.scan_parquet``): the file is parsed
once, in parallel, straight into the columns kept. Every column other than
the mapped ones is kept as an attribute; from CSV it stays text.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from flowbridge.mining.dialect import ROLES, Dialect, require_roles, resolve_columns, sniff
from flowbridge.mining.errors import MAX_EXAMPLES, ImportReport, LogError
from flowbridge.mining.i18n import _
from flowbridge.mining.log import ACTIVITY, CASE, POSITION, TIMESTAMP, EventLog, from_frame
from flowbridge.mining.timestamps import (
    SAMPLE_SIZE,
    TimeFormat,
    check_timezone,
    detect_format,
    fallback_expr,
    timestamp_expr,
)

Progress = Callable[[int, int], None]
PREVIEW_BYTES = 1024 * 1024
TRANSCODE_CHUNK = 4 * 1024 * 1024
# Canonical column → the XES name written to files.
XES_NAMES = {canonical: defaults[0] for canonical, defaults in ROLES.values()}
_ROW, _BAD_TIME, _BAD_START = "__row", "__bad_time", "__bad_start"


def read_csv(
    path: str | os.PathLike[str],
    *,
    case: str | None = None,
    activity: str | None = None,
    timestamp: str | None = None,
    start_timestamp: str | None = None,
    resource: str | None = None,
    department: str | None = None,
    lifecycle: str | None = None,
    timezone: str | None = "UTC",
    separator: str | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> EventLog:
    """The event log in the CSV file at ``path``.

    Column arguments name the source column for each role; the others are
    found by their usual names. ``timezone`` applies to times written
    without an offset. ``progress(done, total)`` is called with bytes.
    Raises :class:`LogError` for an empty file, a missing column, or a file
    with no usable row; skipped rows are in ``log.report``.
    """
    source = Path(path)
    zone = check_timezone(timezone or "UTC")
    dialect = sniff(source, separator=separator, encoding=encoding)
    total = source.stat().st_size
    if progress:
        progress(0, total)
    explicit = _explicit(
        case, activity, timestamp, start_timestamp, resource, department, lifecycle
    )
    with _utf8_copy(source, dialect, progress) as readable:
        lazy = pl.scan_csv(
            readable, separator=dialect.separator, infer_schema=False, encoding="utf8"
        )
        log = _read(lazy, explicit, zone, str(source), line_label="line", first_line=2)
    if progress:
        progress(total, total)
    return log


def read_parquet(
    path: str | os.PathLike[str],
    *,
    case: str | None = None,
    activity: str | None = None,
    timestamp: str | None = None,
    start_timestamp: str | None = None,
    resource: str | None = None,
    department: str | None = None,
    lifecycle: str | None = None,
    timezone: str | None = "UTC",
) -> EventLog:
    """The event log in the Parquet file at ``path``; columns are found as for :func:`read_csv`."""
    source = Path(path)
    zone = check_timezone(timezone or "UTC")
    if not source.is_file():
        raise LogError(_("no such file"), where=str(source))
    explicit = _explicit(
        case, activity, timestamp, start_timestamp, resource, department, lifecycle
    )
    return _read(
        pl.scan_parquet(source), explicit, zone, str(source), line_label="row", first_line=1
    )


def write_csv(log: EventLog, path: str | os.PathLike[str]) -> None:
    """Write ``log`` as UTF-8 CSV with XES names and UTC times with offset (PM4Py reads it)."""
    _for_files(log).write_csv(Path(path), datetime_format="%Y-%m-%d %H:%M:%S%.6f%:z")


def write_parquet(log: EventLog, path: str | os.PathLike[str]) -> None:
    """Write ``log`` as Parquet with XES column names; :func:`read_parquet` reads it back equal."""
    _for_files(log).write_parquet(Path(path))


@dataclass(frozen=True)
class Preview:
    """The start of a table and how it would be read, for a page where the user confirms columns."""

    columns: list[str]
    mapping: dict[str, str]
    missing: list[str]
    separator: str
    encoding: str
    time_format: TimeFormat | None
    time_problem: str
    rows: list[dict[str, str | None]]


def preview(
    path: str | os.PathLike[str],
    rows: int = 20,
    *,
    separator: str | None = None,
    encoding: str | None = None,
    **columns: str | None,
) -> Preview:
    """Header, detected column mapping and timestamp format, and the first ``rows`` rows.

    Only the first megabyte is read. Required roles without a column are
    listed in ``missing`` rather than raised, so the page can ask for them.
    """
    source = Path(path)
    dialect = sniff(source, separator=separator, encoding=encoding)
    with source.open("rb") as handle:
        head = handle.read(PREVIEW_BYTES)
        truncated = bool(handle.read(1))
    text = codecs.getincrementaldecoder(dialect.encoding)(errors="replace").decode(
        head, final=not truncated
    )
    if truncated and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    frame = pl.read_csv(
        io.BytesIO(text.encode("utf-8")),
        separator=dialect.separator,
        infer_schema=False,
        truncate_ragged_lines=True,
    )
    mapping = resolve_columns(frame.columns, _explicit(**columns), where=str(source))
    missing = [role for role in ("case", "activity", "timestamp") if role not in mapping]
    time_format: TimeFormat | None = None
    problem = ""
    if "timestamp" in mapping:
        try:
            time_format = detect_format(frame[mapping["timestamp"]], where=mapping["timestamp"])
        except LogError as error:
            problem = str(error)
    return Preview(
        columns=frame.columns,
        mapping=mapping,
        missing=missing,
        separator=dialect.separator,
        encoding=dialect.encoding,
        time_format=time_format,
        time_problem=problem,
        rows=frame.head(rows).to_dicts(),
    )


def _explicit(
    case: str | None = None,
    activity: str | None = None,
    timestamp: str | None = None,
    start_timestamp: str | None = None,
    resource: str | None = None,
    department: str | None = None,
    lifecycle: str | None = None,
) -> dict[str, str | None]:
    return {
        "case": case,
        "activity": activity,
        "timestamp": timestamp,
        "start_timestamp": start_timestamp,
        "resource": resource,
        "department": department,
        "lifecycle": lifecycle,
    }


def _read(
    lazy: pl.LazyFrame,
    explicit: dict[str, str | None],
    timezone: str,
    source: str,
    *,
    line_label: str,
    first_line: int,
) -> EventLog:
    try:
        names = lazy.collect_schema().names()
        mapping = resolve_columns(names, explicit, where=source)
        require_roles(mapping, names, where=source)
        timed = [role for role in ("timestamp", "start_timestamp") if role in mapping]
        # The first rows of the time columns, read once (before the row index, which
        # would make Polars read on).
        head = lazy.select(mapping[r] for r in timed).head(SAMPLE_SIZE * 2).collect()
        formats: dict[str, TimeFormat] = {
            role: _format_of(lazy, head, mapping[role]) for role in timed
        }
        lazy = lazy.with_row_index(_ROW)
        frame = lazy.select(_columns(names, mapping, formats, timezone)).collect()
    except pl.exceptions.PolarsError as error:
        raise LogError(
            _("the file cannot be read: %(error)s") % {"error": str(error).splitlines()[0]},
            where=source,
        ) from error
    if frame.is_empty():
        raise LogError(_("the file has a header but no rows"), where=source)
    frame = _retry_times(_blank_is_missing(frame), formats, timezone)
    report = ImportReport(rows_read=frame.height)
    frame = _skip_bad_rows(frame, report, line_label, first_line)
    report.rows_kept = frame.height
    if frame.is_empty():
        raise LogError(_("no usable rows"), where=source, examples=report.lines())
    frame = frame.rename({_ROW: POSITION}).with_columns(pl.col(POSITION).cast(pl.UInt64))
    return from_frame(frame, source=source, report=report)


def _format_of(lazy: pl.LazyFrame, head: pl.DataFrame, column: str) -> TimeFormat:
    present = _present(pl.col(column), lazy.collect_schema()[column])
    # The first rows usually hold the sample; the whole column is searched only when not.
    values = head.select(column).filter(present).head(SAMPLE_SIZE).to_series()
    if values.len() < SAMPLE_SIZE and head.height == SAMPLE_SIZE * 2:
        sample = lazy.select(pl.col(column)).filter(present)
        values = sample.head(SAMPLE_SIZE).collect().to_series()
    if values.is_empty():
        # An empty start column is simply absent; a missing end time is caught per row.
        return TimeFormat("iso", "")
    return detect_format(values, where=column)


def _present(column: pl.Expr, dtype: pl.DataType | type[pl.DataType]) -> pl.Expr:
    if dtype == pl.String:
        return column.is_not_null() & (column.str.strip_chars() != "")
    return column.is_not_null()


def _columns(
    names: list[str], mapping: dict[str, str], formats: dict[str, TimeFormat], timezone: str
) -> list[pl.Expr]:
    """Kept columns: row number, roles, raw text of unreadable times, other attributes."""
    exprs = [pl.col(_ROW)]
    for role, column in mapping.items():
        canonical = ROLES[role][0]
        if role in formats:
            parsed = timestamp_expr(pl.col(column), formats[role], timezone)
            exprs.append(parsed.alias(canonical))
            raw = pl.col(column).cast(pl.String)
            flag = _BAD_TIME if role == "timestamp" else _BAD_START
            # Blank values are not bad but missing: cleared in _blank_is_missing, on the few
            # rows flagged, rather than stripping every value here.
            exprs.append(pl.when(parsed.is_null()).then(raw).otherwise(None).alias(flag))
        else:
            exprs.append(pl.col(column).cast(pl.String).alias(canonical))
    taken = {ROLES[role][0] for role in mapping} | {POSITION, _ROW}
    for name in names:
        if name not in mapping.values():
            exprs.append(pl.col(name).alias(f"{name} (source)" if name in taken else name))
    return exprs


def _blank_is_missing(frame: pl.DataFrame) -> pl.DataFrame:
    """Flagged times that are only blanks are missing, not unreadable."""
    flags = [c for c in (_BAD_TIME, _BAD_START) if c in frame.columns]
    return frame.with_columns(
        pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c)).alias(c)
        for c in flags
        if frame[c].null_count() < frame.height
    )


def _retry_times(
    frame: pl.DataFrame, formats: dict[str, TimeFormat], timezone: str
) -> pl.DataFrame:
    """Values the fast pattern missed get the family's lenient parse (usually few or none)."""
    for role, flag in (("timestamp", _BAD_TIME), ("start_timestamp", _BAD_START)):
        fmt = formats.get(role)
        if fmt is None or fmt.native is None or frame[flag].null_count() == frame.height:
            continue
        canonical = ROLES[role][0]
        retried = fallback_expr(pl.col(flag), fmt, timezone)
        frame = frame.with_columns(pl.coalesce(pl.col(canonical), retried).alias(canonical))
        frame = frame.with_columns(
            pl.when(pl.col(canonical).is_null()).then(pl.col(flag)).alias(flag)
        )
    return frame


def _skip_bad_rows(
    frame: pl.DataFrame, report: ImportReport, label: str, first_line: int
) -> pl.DataFrame:
    line = pl.col(_ROW) + first_line
    where = pl.format(f"{label} {{}}", line)
    empty_case = ~_present(pl.col(CASE), pl.String)
    empty_activity = ~_present(pl.col(ACTIVITY), pl.String)
    no_time = pl.col(TIMESTAMP).is_null() & pl.col(_BAD_TIME).is_null()
    bad_time = pl.col(_BAD_TIME).is_not_null()
    reasons: list[tuple[str, pl.Expr, pl.Expr]] = [
        (_("case id empty"), empty_case, where),
        (_("activity empty"), empty_activity, where),
        (_("timestamp empty"), no_time, where),
        (
            _("timestamp not understood"),
            bad_time,
            pl.format(f"{label} {{}}: {{}}", line, pl.col(_BAD_TIME)),
        ),
    ]
    if _BAD_START in frame.columns:
        text = pl.format(f"{label} {{}}: {{}}", line, pl.col(_BAD_START))
        reasons.append((_("start time not understood"), pl.col(_BAD_START).is_not_null(), text))
    if not frame.select(pl.any_horizontal(c for _, c, _ in reasons).any()).item():
        return frame.drop(c for c in (_BAD_TIME, _BAD_START) if c in frame.columns)
    keep = pl.lit(True)
    for reason, condition, example in reasons:
        # A row is counted under its first reason only.
        hits = frame.filter(keep & condition)
        if hits.height:
            examples = hits.head(MAX_EXAMPLES).select(example).to_series().to_list()
            report.skip(reason, examples[0], count=hits.height)
            for more in examples[1:]:
                report.skip(reason, more, count=0)
        keep = keep & ~condition
    extra = [c for c in (_BAD_TIME, _BAD_START) if c in frame.columns]
    return frame.filter(keep).drop(extra)


@contextlib.contextmanager
def _utf8_copy(source: Path, dialect: Dialect, progress: Progress | None) -> Iterator[Path]:
    """``source`` itself when Polars can read it, else a UTF-8 copy written chunk by chunk."""
    if dialect.encoding in ("utf-8", "utf-8-sig"):
        yield source
        return
    total = source.stat().st_size
    decoder = codecs.getincrementaldecoder(dialect.encoding)(errors="strict")
    handle, name = tempfile.mkstemp(suffix=".csv", prefix="flowbridge-")
    copy = Path(name)
    try:
        with source.open("rb") as reader, os.fdopen(handle, "wb") as writer:
            done = 0
            while chunk := reader.read(TRANSCODE_CHUNK):
                done += len(chunk)
                try:
                    writer.write(decoder.decode(chunk, final=done >= total).encode("utf-8"))
                except UnicodeDecodeError as error:
                    where = f"{source}: byte {done - len(chunk) + error.start}"
                    raise LogError(
                        _("not valid %(encoding)s text") % {"encoding": dialect.encoding},
                        where=where,
                    ) from error
                if progress:
                    progress(done // 2, total)
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def _for_files(log: EventLog) -> pl.DataFrame:
    """The events with XES names, without ``position`` (row order is the log's order)."""
    frame = log.events.drop(POSITION)
    names = {column: XES_NAMES[column] for column in frame.columns if column in XES_NAMES}
    clashes = {c: f"{c} (source)" for c in frame.columns if c in names.values() and c not in names}
    return frame.rename(clashes).rename(names)


__all__ = ["Preview", "preview", "read_csv", "read_parquet", "write_csv", "write_parquet"]
