"""Timestamps as real exports write them, parsed column-wise into UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from flowbridge.mining.errors import LogError
from flowbridge.mining.timestamps import (
    EPOCH_MS,
    EPOCH_S,
    check_timezone,
    detect_format,
    parse_timestamps,
)

ON_5_MARCH = datetime(2024, 3, 5, 14, 30, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected", "family"),
    [
        ("2024-03-05T14:30:00Z", ON_5_MARCH, "iso"),
        ("2024-03-05T14:30:00", ON_5_MARCH, "iso"),
        ("2024-03-05T22:30:00+08:00", ON_5_MARCH, "iso"),
        ("2024-03-05T22:30:00+0800", ON_5_MARCH, "iso"),
        ("2024-03-05T09:30:00-05:00", ON_5_MARCH, "iso"),
        ("2024-03-05T14:30:00.250Z", utc(2024, 3, 5, 14, 30, 0, 250000), "iso"),
        ("2024-03-05T14:30:00.123456789+00:00", utc(2024, 3, 5, 14, 30, 0, 123456), "iso"),
        ("2024-03-05 14:30:00", ON_5_MARCH, "iso"),
        ("2024-03-05 14:30", ON_5_MARCH, "iso"),
        ("2024-03-05", utc(2024, 3, 5), "iso"),
        ("2024/3/5 14:30", ON_5_MARCH, "slash"),
        ("2024/03/05 14:30:15", utc(2024, 3, 5, 14, 30, 15), "slash"),
        ("2024/3/5", utc(2024, 3, 5), "slash"),
        ("2024年3月5日 14:30", ON_5_MARCH, "chinese"),
        ("2024年3月5日14时30分", ON_5_MARCH, "chinese"),
        ("2024年3月5日14时30分15秒", utc(2024, 3, 5, 14, 30, 15), "chinese"),
        ("2024年3月5日", utc(2024, 3, 5), "chinese"),
        ("1709649000", ON_5_MARCH, "epoch_s"),
        ("1709649000.5", utc(2024, 3, 5, 14, 30, 0, 500000), "epoch_s"),
        ("1709649000000", ON_5_MARCH, "epoch_ms"),
    ],
)
def test_every_format_alone_and_in_a_uniform_column(
    text: str, expected: datetime, family: str
) -> None:
    for values in ([text], [text] * 50):
        parsed = parse_timestamps(pl.Series("t", values))
        assert parsed.format.key == family
        assert parsed.failed == 0
        assert parsed.values.dtype == pl.Datetime("us", "UTC")
        assert parsed.values.to_list() == [expected] * len(values)


def test_naive_values_are_read_in_the_given_time_zone_and_offsets_are_not() -> None:
    values = ["2024-03-05 22:30:00", "2024-03-05T22:30:00+08:00", "2024-03-05T14:30:00Z"]
    parsed = parse_timestamps(pl.Series("t", values), timezone="Asia/Shanghai")
    assert parsed.values.to_list() == [ON_5_MARCH] * 3
    chinese = parse_timestamps(pl.Series("t", ["2024年3月5日22时30分"]), timezone="Asia/Shanghai")
    assert chinese.values.to_list() == [ON_5_MARCH]
    # Epoch values are UTC by definition: the zone changes nothing.
    epoch = parse_timestamps(pl.Series("t", ["1709649000"]), timezone="Asia/Shanghai")
    assert epoch.values.to_list() == [ON_5_MARCH]


def test_mixed_offsets_in_one_column_each_count() -> None:
    values = ["2005-03-23 00:00:00+01:00", "2005-07-22 00:00:00+02:00"]
    parsed = parse_timestamps(pl.Series("t", values))
    assert parsed.format.native == "%Y-%m-%d %H:%M:%S%:z"
    assert parsed.values.to_list() == [utc(2005, 3, 22, 23), utc(2005, 7, 21, 22)]


def test_numeric_columns_are_epochs_told_apart_by_magnitude() -> None:
    seconds = pl.Series("t", [1709649000, 1709649060])
    millis = pl.Series("t", [1709649000000, 1709649060000])
    assert detect_format(seconds) == EPOCH_S
    assert detect_format(millis) == EPOCH_MS
    assert parse_timestamps(seconds).values.to_list() == parse_timestamps(millis).values.to_list()
    assert parse_timestamps(millis).values.to_list() == [ON_5_MARCH, utc(2024, 3, 5, 14, 31)]
    floats = pl.Series("t", [1709649000.25])
    assert parse_timestamps(floats).values.to_list() == [utc(2024, 3, 5, 14, 30, 0, 250000)]


def test_typed_columns_are_taken_as_they_are() -> None:
    naive = pl.Series("t", [datetime(2024, 3, 5, 22, 30)])
    assert parse_timestamps(naive, timezone="Asia/Shanghai").values.to_list() == [ON_5_MARCH]
    aware = naive.dt.replace_time_zone("Asia/Shanghai").dt.cast_time_unit("ns")
    assert parse_timestamps(aware).values.to_list() == [ON_5_MARCH]


def test_values_that_do_not_parse_are_counted_with_lines_not_guessed() -> None:
    values = [
        "2024-03-05 14:30:00",
        "2024-02-30 10:00:00",
        "",
        None,
        "2024-13-01 10:00:00",
        "soon",
        "2024-03-05 25:00:00",
    ]
    parsed = parse_timestamps(pl.Series("t", values), first_line=2)
    assert parsed.values.to_list() == [ON_5_MARCH, None, None, None, None, None, None]
    # Empty values are missing, not failures; the rest name their line.
    assert parsed.failed == 4
    assert parsed.examples == [
        "line 3: '2024-02-30 10:00:00'",
        "line 6: '2024-13-01 10:00:00'",
        "line 7: 'soon'",
        "line 8: '2024-03-05 25:00:00'",
    ]


def test_a_column_in_another_family_is_not_read_as_this_one() -> None:
    # Year-first only: a day-first date is never turned into some other day.
    parsed = parse_timestamps(pl.Series("t", ["2024-03-05 14:30", "05/03/2024 14:30"]))
    assert parsed.failed == 1
    assert parsed.examples == ["line 2: '05/03/2024 14:30'"]


def test_rows_after_the_sample_in_a_looser_form_still_parse() -> None:
    # The fast pattern comes from the first rows; later rows without seconds get the lenient parse.
    values = ["2024-03-05 14:30:00"] * 1500 + ["2024-03-05 14:30"]
    parsed = parse_timestamps(pl.Series("t", values))
    assert parsed.format.native == "%Y-%m-%d %H:%M:%S"
    assert parsed.failed == 0
    assert parsed.values[-1] == ON_5_MARCH


def test_a_column_without_any_timestamp_is_an_error_with_examples() -> None:
    with pytest.raises(LogError) as caught:
        detect_format(pl.Series("when", ["yesterday", "today"]), where="when")
    assert caught.value.where == "when"
    assert caught.value.examples == ["yesterday", "today"]
    with pytest.raises(LogError, match="no timestamps"):
        detect_format(pl.Series("when", ["", None]), where="when")


def test_unknown_time_zone_is_an_error() -> None:
    assert check_timezone("Asia/Shanghai") == "Asia/Shanghai"
    with pytest.raises(LogError, match="unknown time zone 'Mars/Olympus'"):
        parse_timestamps(pl.Series("t", ["2024-03-05"]), timezone="Mars/Olympus")


def test_a_large_column_parses_in_one_pass() -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    times = pl.datetime_range(start, datetime(2024, 1, 1, tzinfo=UTC), interval="3m", eager=True)
    text = times.dt.strftime("%Y/%-m/%-d %-H:%M:%S")
    parsed = parse_timestamps(text.alias("t"))
    assert parsed.format.key == "slash"
    assert parsed.failed == 0
    assert parsed.values.dt.cast_time_unit("us").equals(times.dt.cast_time_unit("us").alias("t"))
