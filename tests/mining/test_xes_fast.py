"""The vectorised XES reader gives exactly what the streaming reader gives, or steps aside.

Every shared log and a set of hand-made files are read both ways: the
frames (values, types, column order) and the import reports must be
identical. Files the fast reader cannot be sure of raise ``Unsure`` and
``read_xes`` still returns the streaming reader's log or its precise error.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal, assert_series_equal

from flowbridge.mining import xes_fast
from flowbridge.mining.errors import LogError
from flowbridge.mining.log import from_frame
from flowbridge.mining.xes import _XesReader, read_xes
from flowbridge.mining.xes_fast import read_fast
from flowbridge.mining.xes_values import DATE_FORMATS, Unsure, parse_dates
from tests.mining.pm4py_support import NAMES, over_shared_logs

HEAD = '<?xml version="1.0" encoding="UTF-8" ?>\n<log xmlns="http://www.xes-standard.org/">\n'


def both(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    fast, report = read_fast(path)
    reader = _XesReader(path, None)
    slow = reader.read()
    assert report == reader.report
    return fast, slow


def same(path: Path) -> pl.DataFrame:
    fast, slow = both(path)
    assert fast.columns == slow.columns
    assert_frame_equal(fast, slow)
    assert_frame_equal(read_xes(path).events, from_frame(slow).events)
    return fast


def write(tmp_path: Path, text: str, name: str = "log.xes") -> Path:
    path = tmp_path / name
    data = text.encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def trace(name: str, *events: str, extra: str = "") -> str:
    body = "".join(f"<event>{e}</event>\n" for e in events)
    return f'<trace><string key="concept:name" value="{name}"/>{extra}\n{body}</trace>\n'


def event(activity: str, time: str, more: str = "") -> str:
    return (
        f'<string key="concept:name" value="{activity}"/>'
        f'<date key="time:timestamp" value="{time}"/>{more}'
    )


@pytest.mark.shared_data
@over_shared_logs
def test_every_shared_log_reads_the_same_both_ways(shared_data: Path, name: str) -> None:
    assert name in NAMES
    frame = same(shared_data / "logs" / name)
    assert frame.height > 0


def test_typed_attributes_trace_attributes_and_entities(tmp_path: Path) -> None:
    text = (
        HEAD
        + trace(
            "c&amp;1",
            event("A &lt;x&gt;", "2024-03-05T14:30:00.000+08:00", '<int key="n" value="7"/>'),
            event("B", "2024-03-05T07:00:00Z", '<float key="n" value="1.5"/>'),
            extra='<boolean key="vip" value="true"/><int key="size" value=" 3 "/>',
        )
        + trace(
            "c2",
            event("B", "2024-03-06 09:00:00", '<string key="case" value="clash"/>'),
            event("C", "2024-03-06", '<date key="due" value="2024-03-08T00:00:00Z"/>'),
        )
        + "</log>\n"
    )
    frame = same(write(tmp_path, text))
    assert frame["activity"].to_list() == ["A <x>", "B", "B", "C"]
    assert frame["case"].unique().sort().to_list() == ["c&1", "c2"]
    assert frame.schema["n"] == pl.String  # int and float disagree: kept as text
    assert frame.schema["case:vip"] == pl.Boolean
    assert "case_" in frame.columns and "due" in frame.columns


def test_irregular_events_a_key_twice_and_attributes_after_events(tmp_path: Path) -> None:
    text = (
        HEAD
        + trace(
            "c1",
            event("A", "2024-01-01T00:00:00Z", '<string key="who" value="x"/>'),
            event("B", "2024-01-01T01:00:00Z", '<string key="who" value="y"/>' * 2),
            '<date key="time:timestamp" value="2024-01-01T02:00:00Z"/>'
            '<string key="concept:name" value="C"/><string key="concept:name" value="D"/>',
        ).replace("</trace>", '<string key="channel" value="web"/></trace>')
        + "</log>"
    )
    frame = same(write(tmp_path, text))
    assert frame["activity"].to_list() == ["A", "B", "D"]
    assert frame["case:channel"].to_list() == ["web"] * 3


def test_gzip_pretty_printed_and_crlf(tmp_path: Path) -> None:
    pretty = (
        HEAD
        + trace("c1", event("A", "2024-01-01T00:00:00Z"), event("B", "2024-01-02T00:00:00Z"))
        .replace("><", ">\r\n\t\t<")
        .replace('" />', '"/>')
        + "</log>\r\n"
    )
    assert same(write(tmp_path, pretty, "log.xes.gz")).height == 2


def test_chunks_of_traces_give_the_same_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    traces = [
        trace(f"c{i}", event("A", "2024-01-01T00:00:00Z", f'<int key="k{i % 3}" value="{i}"/>'))
        for i in range(50)
    ]
    path = write(tmp_path, HEAD + "".join(traces) + "</log>")
    monkeypatch.setattr(xes_fast, "CHUNK_BYTES", 300)
    frame = same(path)
    assert frame.height == 50 and {"k0", "k1", "k2"} <= set(frame.columns)


@pytest.mark.parametrize(
    "body",
    [
        trace("c1", event("A", "2024-01-01T00:00:00Z")).replace('"', "'"),  # single quotes
        trace("c1", event("A", "2024-01-01T00:00:00Z") + "<!-- a comment -->"),
        trace("c1", event("A", "2024-01-01T00:00:00Z", '<list key="l"><values/></list>')),
        trace("c1", event("A &#65;", "2024-01-01T00:00:00Z")),  # character reference
        trace("c1", event("A", "2024-01-01T00:00:00Z", '<string key="x" value="a">b</string>')),
        trace("c1", event("A", "2024-01-01T00:00:00Z"), event("B", "not a date")),
        trace("c1", event("A", "2024-01-01T00:00:00Z"), '<string key="x" value="y"/>'),
        trace("c1", event("A", "2024-01-01T00:00:00Z")).replace(
            '<string key="concept:name" value="c1"/>', ""
        ),
        trace("c1", event("A", "2024-01-01T00:00:00Z")) + '<string key="log" value="x"/>',
    ],
    ids=[
        "single-quotes",
        "comment",
        "list",
        "char-ref",
        "nested",
        "bad-date",
        "no-activity",
        "no-case",
        "log-attribute-after-traces",
    ],
)
def test_what_the_fast_reader_is_not_sure_of_goes_to_the_streaming_reader(
    tmp_path: Path, body: str
) -> None:
    path = write(tmp_path, HEAD + body + "</log>\n")
    with pytest.raises(Unsure):
        read_fast(path)
    reader = _XesReader(path, None)
    expected = from_frame(reader.read(), report=reader.report)
    log = read_xes(path)
    assert_frame_equal(log.events, expected.events)
    assert log.report == expected.report


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_files_get_the_streaming_readers_message(tmp_path: Path, cut: float) -> None:
    text = HEAD + "".join(trace(f"c{i}", event("A", "2024-01-01T00:00:00Z")) for i in range(9))
    path = write(tmp_path, text[: int(len(text) * cut)])
    with pytest.raises(LogError, match="line"):
        read_xes(path)


@pytest.mark.parametrize("fraction", ["", ".5", ".123", ".123456", ".123456789"])
def test_dates_read_as_the_first_format_that_fits(fraction: str) -> None:
    """The fast ways to read dates give what trying DATE_FORMATS in order gives."""
    odd = [
        "2024-01-01", "2024-01-01T10:00", "2024-01-01T10:00+01:00", "2024-01-01T10:00:00+99:99",
        " 2024-01-01T10:00:00-23:59 ", "2024-01-01 10:00:00Z", "x", "", None,
        "2024-02-30T00:00:00+00:00", "2024-01-01T10:00:00+00:0a", "2024-01-01T10:00:00.-5+00:00",
    ]  # fmt: skip
    same_shape = [f"2024-0{m}-1{m}T0{m}:3{m}:0{m}{fraction}+0{m}:{m}5" for m in range(1, 10)]
    same_zone = [f"2024-0{m}-1{m}T0{m}:3{m}:0{m}{fraction}-05:30" for m in range(1, 10)]
    for values in (same_shape, same_zone, same_shape + odd, [None, *same_zone, ""], odd):
        texts = pl.Series("t", values, dtype=pl.String)
        text = pl.col("t").str.strip_chars().str.replace(r"[Zz]$", "+00:00").str.replace(" ", "T")
        expected = texts.to_frame().select(
            pl.coalesce(
                text.str.to_datetime(f, time_unit="us", time_zone="UTC", strict=False)
                for f in DATE_FORMATS
            )
        )
        assert_series_equal(parse_dates(texts), expected.to_series(), check_names=False)


def test_white_space_and_greater_than_in_values_read_as_xml_reads_them(tmp_path: Path) -> None:
    text = (
        HEAD
        + trace("c1", event("a\tb\nc > d", "2024-01-01T00:00:00Z", '<string key="x" value=" y "/>'))
        + "</log>"
    )
    frame = same(write(tmp_path, text))
    assert frame["activity"].to_list() == ["a b c > d"]
    assert frame["x"].to_list() == [" y "]
