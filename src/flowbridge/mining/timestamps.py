"""Timestamps as written in real exports, read into Datetime(us, UTC).

The format is detected once from a sample of the column; the whole column
is then parsed with Polars expressions (no Python per row). Accepted:

* ISO 8601 and ``YYYY-MM-DD HH:MM[:SS[.fff]]``, with or without ``Z`` or an
  offset such as ``+08:00`` / ``+0800``, or a date alone;
* ``YYYY/M/D H:MM[:SS]`` or ``YYYY/M/D``;
* Chinese dates: ``2024年3月5日 14:30``, ``2024年3月5日14时30分[15秒]``, ``2024年3月5日``;
* epoch seconds or milliseconds, as numbers or numeric text (told apart by
  magnitude: from 10^11 on, a value is milliseconds — 10^11 seconds would be
  the year 5138);
* columns already typed as dates or datetimes.

Values without an offset are read in ``timezone`` (default UTC). Dates are
only ever read year first, so nothing is ambiguous; a value that does not fit
the column's format becomes null, and callers report and skip it rather than
guess.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import timedelta

import polars as pl

from flowbridge.mining.errors import MAX_EXAMPLES, LogError

TIME_TYPE = pl.Datetime("us", "UTC")
SAMPLE_SIZE = 1000
MILLISECONDS_FROM = 1e11

_TIME = r"(?:(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,9}))?)?)?"
_OFFSET = r"\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?"
# Every family's pattern yields the same groups: year, month, day, hour,
# minute, second, fraction, offset — so one builder serves them all.
_PATTERNS = {
    "iso": r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:T|\s+)" + _TIME + r")?" + _OFFSET + r"\s*$",
    "slash": r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})(?:\s+" + _TIME + r")?" + _OFFSET + r"\s*$",
    "chinese": r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*" + _TIME + r")?" + _OFFSET + r"\s*$",
}
_NUMBER = r"^\s*[+-]?\d+(?:\.\d+)?\s*$"


@dataclass(frozen=True)
class TimeFormat:
    """A column's timestamp format: family, label for people, fast native pattern if one fits."""

    key: str
    label: str
    native: str | None = None
    # The "+HH:MM" every sampled value ends with, when the native pattern ends in one.
    offset: str | None = None

    @property
    def is_epoch(self) -> bool:
        return self.key in ("epoch_s", "epoch_ms")


ISO = TimeFormat("iso", "ISO 8601 (YYYY-MM-DD HH:MM:SS, optional offset)")
SLASH = TimeFormat("slash", "YYYY/M/D H:MM[:SS]")
CHINESE = TimeFormat("chinese", "YYYY年M月D日 H:MM / H时M分")
EPOCH_S = TimeFormat("epoch_s", "epoch seconds")
EPOCH_MS = TimeFormat("epoch_ms", "epoch milliseconds")
TYPED = TimeFormat("typed", "date/time values")
TYPED_AWARE = TimeFormat("typed_aware", "date/time values with a time zone")
FAMILIES = (ISO, SLASH, CHINESE)


def check_timezone(timezone: str) -> str:
    """``timezone`` if it is a known IANA zone name; otherwise a :class:`LogError`."""
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise LogError(f"unknown time zone {timezone!r}", where="timezone") from error
    return timezone


def detect_format(sample: pl.Series, *, where: str = "") -> TimeFormat:
    """The format that reads most of ``sample`` (a column's first values).

    Raises :class:`LogError` when no format reads any value of it.
    """
    if isinstance(sample.dtype, pl.Datetime) and sample.dtype.time_zone is not None:
        return TYPED_AWARE
    if isinstance(sample.dtype, (pl.Datetime, pl.Date)):
        return TYPED
    if sample.dtype.is_numeric():
        return _epoch_by_magnitude(sample.cast(pl.Float64))
    if sample.dtype != pl.String:
        raise LogError(f"holds {sample.dtype}, not timestamps", where=where)
    text = sample.str.strip_chars().drop_nulls()
    text = text.filter(text != "").head(SAMPLE_SIZE)
    if text.is_empty():
        raise LogError("no timestamps in the first rows", where=where)
    if bool(text.str.contains(_NUMBER).all()):
        return _epoch_by_magnitude(text.cast(pl.Float64))
    frame = text.to_frame("t")
    best, best_count = ISO, 0
    for family in FAMILIES:
        count = frame.select(_generic(pl.col("t"), family.key, "UTC").count()).item()
        if count > best_count:
            best, best_count = family, count
    if best_count == 0:
        raise LogError(
            "timestamps not understood", where=where, examples=text.head(MAX_EXAMPLES).to_list()
        )
    native = _native_for(frame, best.key)
    return TimeFormat(best.key, best.label, native, _one_offset(text, native))


def timestamp_expr(column: pl.Expr, fmt: TimeFormat, timezone: str = "UTC") -> pl.Expr:
    """``column`` parsed as Datetime(us, UTC) in format ``fmt``; null where a value does not fit."""
    if fmt.key == "typed_aware":
        return column.dt.convert_time_zone("UTC").dt.cast_time_unit("us")
    if fmt.key == "typed":
        return _localize(column.cast(pl.Datetime("us")), timezone)
    if fmt.is_epoch:
        scale = 1000 if fmt.key == "epoch_ms" else 1_000_000
        number = column.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
        micros = (number * scale).round(0).cast(pl.Int64, strict=False)
        return pl.from_epoch(micros, time_unit="us").dt.replace_time_zone("UTC")
    if fmt.native is not None:
        return _native(column, fmt.native, timezone, fmt.offset)
    return _generic(column, fmt.key, timezone)


def fallback_expr(column: pl.Expr, fmt: TimeFormat, timezone: str = "UTC") -> pl.Expr:
    """The slower, lenient parse of ``fmt``'s family, for values its fast pattern missed."""
    if fmt.key in _PATTERNS:
        return _generic(column, fmt.key, timezone)
    return timestamp_expr(column, fmt, timezone)


@dataclass(frozen=True)
class ParsedTimes:
    """A parsed column: values (null where not understood), the format, and what failed."""

    values: pl.Series
    format: TimeFormat
    failed: int
    examples: list[str]


def parse_timestamps(
    series: pl.Series, *, timezone: str = "UTC", fmt: TimeFormat | None = None, first_line: int = 1
) -> ParsedTimes:
    """Parse a whole column; failures are counted with examples ``line N: 'value'``.

    ``first_line`` is the line number of the series' first value (2 for a CSV
    with a header), so examples point at the source. Empty values are not
    failures: they are simply missing.
    """
    check_timezone(timezone)
    fmt = fmt or detect_format(series, where=series.name)
    frame = series.to_frame("raw").with_row_index("line", offset=first_line)
    parsed = frame.with_columns(timestamp_expr(pl.col("raw"), fmt, timezone).alias("time"))
    missed = parsed["time"].is_null() & _present(parsed["raw"])
    if fmt.native is not None and bool(missed.any()):
        parsed = parsed.with_columns(
            pl.when(missed)
            .then(fallback_expr(pl.col("raw"), fmt, timezone))
            .otherwise(pl.col("time"))
            .alias("time")
        )
        missed = parsed["time"].is_null() & _present(parsed["raw"])
    bad = parsed.filter(missed)
    examples = [
        f"line {line}: {raw!r}"
        for line, raw in bad.head(MAX_EXAMPLES).select("line", "raw").iter_rows()
    ]
    return ParsedTimes(parsed["time"].alias(series.name), fmt, bad.height, examples)


def _present(raw: pl.Series) -> pl.Series:
    if raw.dtype == pl.String:
        return raw.is_not_null() & (raw.str.strip_chars() != "")
    return raw.is_not_null()


def _epoch_by_magnitude(numbers: pl.Series) -> TimeFormat:
    biggest = numbers.abs().max()
    if isinstance(biggest, (int, float)) and biggest >= MILLISECONDS_FROM:
        return EPOCH_MS
    return EPOCH_S


def _localize(naive: pl.Expr, timezone: str) -> pl.Expr:
    return naive.dt.replace_time_zone(
        timezone, ambiguous="earliest", non_existent="null"
    ).dt.convert_time_zone("UTC")


def _one_offset(sample: pl.Series, native: str | None) -> str | None:
    if native is None or not native.endswith("%:z"):
        return None
    offsets = sample.str.strip_chars().str.tail(6).unique().to_list()
    if len(offsets) == 1 and re.fullmatch(r"[+-]([01]\d|2[0-3]):[0-5]\d", offsets[0]):
        return str(offsets[0])
    return None


def _native(column: pl.Expr, pattern: str, timezone: str, offset: str | None = None) -> pl.Expr:
    text = column.str.strip_chars()
    if offset is not None and pattern.endswith("%:z"):
        # One offset in the sample: values ending in it are read as local times and shifted
        # once; any other value is null here and gets the lenient parse.
        east = (int(offset[1:3]) * 60 + int(offset[4:6])) * (-1 if offset[0] == "-" else 1)
        local = text.str.head(-6).str.strptime(
            pl.Datetime("us"), pattern.removesuffix("%:z"), strict=False, cache=False
        )
        shifted = (local - timedelta(minutes=east)).dt.replace_time_zone("UTC")
        return pl.when(text.str.ends_with(offset)).then(shifted)
    if pattern.endswith("%:z"):
        return _with_offset(text, pattern.removesuffix("%:z"))
    if pattern.endswith("z"):
        return text.str.to_datetime(pattern, time_unit="us", time_zone="UTC", strict=False)
    naive = text.str.strptime(pl.Datetime("us"), pattern, strict=False, cache=False)
    if pattern.endswith("Z"):
        return naive.dt.replace_time_zone("UTC")
    return _localize(naive, timezone)


def _with_offset(text: pl.Expr, pattern: str) -> pl.Expr:
    """``pattern`` followed by an offset ``+HH:MM``: the local time parsed without the offset,
    which is then subtracted — half the work of Polars' own ``%:z`` on a million values."""
    offset = text.str.tail(6)
    sign = offset.str.head(1)
    minutes = (
        pl.when((offset.str.slice(3, 1) == ":") & sign.is_in(["+", "-"]))
        .then(
            offset.str.slice(1, 2).cast(pl.Int64, strict=False) * 60
            + offset.str.slice(4, 2).cast(pl.Int64, strict=False)
        )
        .otherwise(None)
    )
    minutes = pl.when(sign == "-").then(-minutes).otherwise(minutes)
    naive = text.str.head(-6).str.strptime(pl.Datetime("us"), pattern, strict=False, cache=False)
    return (naive - pl.duration(minutes=minutes)).dt.replace_time_zone("UTC")


def _generic(column: pl.Expr, key: str, timezone: str) -> pl.Expr:
    """Parse by regular expression: rebuild a canonical text, let Polars validate it."""
    text = column.str.strip_chars()
    if key == "chinese":
        # 14时30分15秒 → 14:30:15 so the shared time pattern applies.
        text = (
            text.str.replace_all("[时点]", ":")
            .str.replace_all("分(\\d)", ":$1")
            .str.replace_all("[分秒]", "")
        )
    # Fields are read inside the struct (``pl.field``) so the regular
    # expression runs once per value, not once per field.
    parts = text.str.extract_groups(_PATTERNS[key])
    field = pl.field

    def number(index: int, default: str) -> pl.Expr:
        return field(str(index)).fill_null(default)

    canonical = pl.concat_str(
        field("1"),
        pl.lit("-"),
        field("2"),
        pl.lit("-"),
        field("3"),
        pl.lit(" "),
        number(4, "0"),
        pl.lit(":"),
        number(5, "0"),
        pl.lit(":"),
        number(6, "0"),
        pl.lit("."),
        number(7, "0"),
    )
    naive = canonical.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S%.f", strict=False)
    offset = field("8")
    sign = pl.when(offset.str.starts_with("-")).then(-1).otherwise(1)
    digits = offset.str.replace_all(r"[^0-9]", "")
    minutes = sign * (
        digits.str.slice(0, 2).cast(pl.Int64, strict=False) * 60
        + digits.str.slice(2, 2).cast(pl.Int64, strict=False).fill_null(0)
    )
    with_offset = (naive - pl.duration(minutes=minutes.fill_null(0))).dt.replace_time_zone("UTC")
    parsed = pl.when(offset.is_null()).then(_localize(naive, timezone)).otherwise(with_offset)
    return parts.struct.with_fields(parsed.alias("parsed")).struct.field("parsed")


def _native_candidates(key: str) -> list[str]:
    if key == "slash":
        return ["%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d"]
    if key == "chinese":
        return [
            "%Y年%m月%d日 %H:%M",
            "%Y年%m月%d日 %H:%M:%S",
            "%Y年%m月%d日%H时%M分",
            "%Y年%m月%d日",
        ]
    out = ["%Y-%m-%d"]
    for separator in (" ", "T"):
        for clock in ("%H:%M:%S", "%H:%M:%S%.f", "%H:%M"):
            for zone in ("", "%:z", "%z", "Z"):
                out.append(f"%Y-%m-%d{separator}{clock}{zone}")
    return out


def _native_for(frame: pl.DataFrame, key: str) -> str | None:
    """A native pattern that reads the sample exactly as the generic parse does, if any.

    Both are tried in UTC and in a far zone so that a pattern which drops an
    offset cannot pass by accident.
    """
    candidates = _native_candidates(key)
    # Patterns that cannot read the first few values are not tried on the whole sample.
    few = frame.head(8).select(
        _native(pl.col("t"), pattern, "UTC").is_not_null().all().alias(str(i))
        for i, pattern in enumerate(candidates)
    )
    fits = {i for i in range(len(candidates)) if few[str(i)].item()}
    for zone in ("UTC", "Asia/Kathmandu"):
        if not fits:
            return None
        expected = frame.select(_generic(pl.col("t"), key, zone).alias("t"))["t"]
        if expected.null_count():
            return None
        # All candidates in one pass over the sample.
        tried = frame.select(
            _native(pl.col("t"), candidates[i], zone).alias(str(i)) for i in sorted(fits)
        )
        fits = {i for i in fits if tried[str(i)].equals(expected)}
    return candidates[min(fits)] if fits else None
