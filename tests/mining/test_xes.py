"""XES in and out: typed attributes, trace attributes, bad files said plainly, round trips."""

from __future__ import annotations

import gzip
import warnings
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from flowbridge.mining.errors import LogError
from flowbridge.mining.log import from_frame
from flowbridge.mining.xes import read_xes
from flowbridge.mining.xes_write import write_xes

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<log xmlns="http://www.xes-standard.org/">\n'

LOG = (
    HEADER
    + """  <string key="concept:name" value="a log attribute, not a case"/>
  <trace>
    <string key="concept:name" value="order-1"/>
    <int key="priority" value="2"/>
    <event>
      <string key="concept:name" value="Submit"/>
      <date key="time:timestamp" value="2024-03-05T14:30:00.000+08:00"/>
      <string key="org:resource" value="王芳"/>
      <string key="org:group" value="Finance"/>
      <string key="lifecycle:transition" value="complete"/>
      <int key="amount" value="1200"/>
      <float key="rate" value="0.5"/>
      <boolean key="urgent" value="true"/>
      <date key="due" value="2024-03-08T00:00:00Z"/>
      <string key="case" value="clashes with the case column"/>
      <list key="items"><values><string key="x" value="y"/></values></list>
    </event>
    <event>
      <string key="concept:name" value="Approve"/>
      <date key="time:timestamp" value="2024-03-05T07:00:00.123456Z"/>
      <int key="amount" value="not a number"/>
      <boolean key="urgent" value="false"/>
    </event>
    <string key="channel" value="web"/>
  </trace>
  <trace>
    <event>
      <string key="concept:name" value="Submit"/>
      <date key="time:timestamp" value="2024-03-06T09:00:00"/>
    </event>
    <event>
      <date key="time:timestamp" value="2024-03-06T10:00:00"/>
    </event>
    <event>
      <string key="concept:name" value="Approve"/>
    </event>
    <event>
      <string key="concept:name" value="Approve"/>
      <date key="time:timestamp" value="the sixth of March"/>
    </event>
  </trace>
</log>
"""
)


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    data = text.encode() if isinstance(text, str) else text
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def test_reads_cases_events_and_typed_attributes(tmp_path: Path) -> None:
    log = read_xes(write(tmp_path, "orders.xes", LOG))
    events = log.events
    assert events.select("case", "activity").rows() == [
        ("order-1", "Submit"),
        ("order-1", "Approve"),
        ("trace-2", "Submit"),
    ]
    first = events.row(0, named=True)
    # 14:30 in Shanghai is 06:30 UTC, so it sorts before Approve at 07:00 UTC.
    assert first["timestamp"] == datetime(2024, 3, 5, 6, 30, tzinfo=UTC)
    assert first["resource"] == "王芳"
    assert first["department"] == "Finance"
    assert first["lifecycle"] == "complete"
    assert first["due"] == datetime(2024, 3, 8, tzinfo=UTC)
    assert first["case_"] == "clashes with the case column"
    assert "items" not in events.columns
    assert events["timestamp"][1] == datetime(2024, 3, 5, 7, 0, 0, 123456, tzinfo=UTC)
    assert events.schema["amount"] == pl.Int64
    assert events["amount"].to_list() == [1200, None, None]
    assert events.schema["rate"] == pl.Float64
    assert events["urgent"].to_list() == [True, False, None]
    # Trace attributes, before and after the events, on every event of their case.
    assert events["case:priority"].to_list() == [2, 2, None]
    assert events["case:channel"].to_list() == ["web", "web", None]
    assert events["position"].to_list() == [0, 1, 2]


def test_report_counts_what_was_left_out_with_examples(tmp_path: Path) -> None:
    report = read_xes(write(tmp_path, "orders.xes", LOG)).report
    assert (report.rows_read, report.rows_kept, report.skipped_count) == (6, 3, 3)
    skipped = report.skipped
    assert skipped["event without activity (concept:name)"].count == 1
    assert skipped["event without timestamp (time:timestamp)"].count == 1
    not_understood = skipped["timestamp not understood"]
    assert not_understood.count == 1
    assert not_understood.examples == ["line 39: 'the sixth of March'"]
    assert "trace without concept:name, given a generated case id" not in skipped
    renamed = report.notes["trace without concept:name, given a generated case id"]
    assert renamed.count == 1
    assert renamed.examples == ["line 28: trace-2"]
    assert report.lines()[-1] == (
        "1 time(s): trace without concept:name, given a generated case id (e.g. line 28: trace-2)"
    )


def test_gzip_is_recognised_by_content_and_progress_reaches_the_end(tmp_path: Path) -> None:
    path = write(tmp_path, "orders.xes.gz", LOG)
    seen: list[tuple[int, int]] = []
    log = read_xes(path, progress=lambda done, total: seen.append((done, total)))
    assert log.event_count == 3
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    renamed = path.rename(tmp_path / "compressed-but-named.xes")
    assert read_xes(renamed).event_count == 3


def test_not_xml_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "log.xes", "case,activity,timestamp\n1,Submit,2024-03-05\n")
    with pytest.raises(LogError) as raised:
        read_xes(path)
    assert "not an XES file: it is not XML" in raised.value.message
    assert raised.value.where == f"{path}, line 1"


def test_xml_that_is_not_xes_is_named(tmp_path: Path) -> None:
    bpmn = '<?xml version="1.0"?>\n<definitions><process id="p"/></definitions>\n'
    with pytest.raises(LogError, match=r"not XES: the root element is <definitions>, not <log>"):
        read_xes(write(tmp_path, "model.xes", bpmn))


@pytest.mark.parametrize("name", ["cut.xes", "cut.xes.gz"])
def test_truncated_file_says_which_trace_and_line(tmp_path: Path, name: str) -> None:
    cut = LOG[: LOG.index('<date key="time:timestamp" value="2024-03-06T10:00:00"/>')]
    with pytest.raises(LogError) as raised:
        read_xes(write(tmp_path, name, cut))
    assert "ends in the middle of trace 2" in raised.value.message
    if name.endswith(".xes"):
        assert raised.value.message.endswith(f"line {cut.count(chr(10)) + 1}")


def test_file_ending_after_the_last_trace_says_so(tmp_path: Path) -> None:
    cut = LOG[: LOG.rindex("</log>")]
    with pytest.raises(LogError, match="ends before the log is closed"):
        read_xes(write(tmp_path, "cut.xes", cut))


def test_a_log_without_usable_events_is_an_error(tmp_path: Path) -> None:
    text = (
        HEADER + '<trace><string key="concept:name" value="c1"/>'
        '<event><string key="concept:name" value="A"/></event></trace></log>'
    )
    with pytest.raises(LogError) as raised:
        read_xes(write(tmp_path, "empty.xes", text))
    assert raised.value.message == "events found, none usable"
    assert raised.value.examples == [
        "1 rows skipped: event without timestamp (time:timestamp) (e.g. line 3)"
    ]
    with pytest.raises(LogError, match="no events found"):
        read_xes(write(tmp_path, "none.xes", HEADER + "</log>"))
    with pytest.raises(LogError, match="no such file"):
        read_xes(tmp_path / "missing.xes")


def sample_log() -> pl.DataFrame:
    when = datetime(2024, 3, 5, 6, 30, tzinfo=UTC)
    return pl.DataFrame(
        {
            "case": ["c1", "c1", "c2"],
            "activity": ["Submit", 'Check "<&>"', "Submit"],
            "timestamp": [when, datetime(2024, 3, 5, 7, 0, 0, 123456, tzinfo=UTC), when],
            "start_timestamp": [None, when, None],
            "resource": ["王芳", None, "Li\nLei"],
            "amount": [1200, None, 7],
            "rate": [0.5, 1.25, None],
            "urgent": [True, None, False],
            "case:channel": ["web", "web", "mail"],
        }
    )


@pytest.mark.parametrize("name", ["out.xes", "out.xes.gz"])
def test_write_then_read_gives_the_same_log(tmp_path: Path, name: str) -> None:
    log = from_frame(sample_log())
    path = tmp_path / name
    write_xes(log, path)
    assert path.read_bytes()[:2] == (b"\x1f\x8b" if name.endswith(".gz") else b"<?")
    back = read_xes(path)
    columns = sorted(log.events.columns)
    assert back.events.select(columns).equals(log.events.select(columns))


def test_pm4py_reads_what_we_write(tmp_path: Path) -> None:
    log = from_frame(sample_log())
    path = tmp_path / "out.xes.gz"
    write_xes(log, path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py

        frame = pm4py.read_xes(str(path), show_progress_bar=False)
    assert frame["case:concept:name"].tolist() == ["c1", "c1", "c2"]
    assert frame["concept:name"].tolist() == ["Submit", 'Check "<&>"', "Submit"]
    assert frame["org:resource"].tolist()[0] == "王芳"
    assert frame["org:resource"].tolist()[2] == "Li\nLei"
    assert frame["case:channel"].tolist() == ["web", "web", "mail"]
    stamps = [t.to_pydatetime() for t in frame["time:timestamp"]]
    assert stamps == log.events["timestamp"].to_list()
    assert frame["amount"].tolist()[0] == 1200
