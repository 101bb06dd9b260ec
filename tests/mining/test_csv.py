"""CSV and Parquet logs: mapping, encodings, separators, bad rows, round trips, PM4Py's view."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from flowbridge.mining.errors import LogError
from flowbridge.mining.log import EventLog
from flowbridge.mining.tables import preview, read_csv, read_parquet, write_csv, write_parquet

SHARED_CSVS = ["running-example.csv", "roadtraffic100traces.csv", "interval_event_log.csv"]

# A request flow as a Chinese system exports it: GB18030, Chinese headers and times in Beijing time.
CHINESE = """工单号,环节,完成时间,开始时间,处理人,部门,备注
R1,提交申请,2024年3月5日 09:00,2024年3月5日 08:50,张三,财务部,加急
R1,部门审批,2024年3月5日 10:30,,李四,财务部,
R2,提交申请,2024年3月6日9时15分,,王五,人事部,
R2,驳回,2024年3月7日,,李四,人事部,材料不全
"""


def sequences(log: EventLog) -> dict[str, list[str]]:
    grouped = log.events.group_by("case", maintain_order=True).agg(pl.col("activity"))
    return dict(zip(grouped["case"].to_list(), grouped["activity"].to_list(), strict=True))


def figures(log: EventLog) -> dict[str, Any]:
    paths = sequences(log)
    return {
        "activities": dict(Counter(log.events["activity"].to_list())),
        "start": dict(Counter(path[0] for path in paths.values())),
        "end": dict(Counter(path[-1] for path in paths.values())),
        "sequences": paths,
        "events": log.event_count,
        "cases": log.case_count,
    }


def pm4py_figures(path: Path) -> dict[str, Any]:
    import pandas as pd
    import pm4py

    frame = pm4py.format_dataframe(pd.read_csv(path))
    paths = frame.groupby("case:concept:name", sort=False)["concept:name"].agg(list).to_dict()
    return {
        "activities": dict(pm4py.get_event_attribute_values(frame, "concept:name")),
        "start": dict(pm4py.get_start_activities(frame)),
        "end": dict(pm4py.get_end_activities(frame)),
        "sequences": {str(case): list(path) for case, path in paths.items()},
        "events": len(frame),
        "cases": frame["case:concept:name"].nunique(),
    }


@pytest.mark.shared_data
@pytest.mark.parametrize("name", SHARED_CSVS)
def test_shared_csvs_read_as_pm4py_reads_them(shared_data: Path, name: str) -> None:
    path = shared_data / "logs" / name
    log = read_csv(path)
    assert log.report.skipped_count == 0
    assert figures(log) == pm4py_figures(path)


@pytest.mark.shared_data
def test_interval_log_keeps_start_times_and_our_csv_reads_back_in_pm4py(
    shared_data: Path, tmp_path: Path
) -> None:
    log = read_csv(shared_data / "logs" / "interval_event_log.csv")
    assert log.has_start
    first = log.events.row(0, named=True)
    assert (first["case"], first["activity"]) == ("C1", "place order")
    assert first["start_timestamp"] == datetime(2015, 1, 5, 9, 0, 7, tzinfo=UTC)
    assert first["timestamp"] == datetime(2015, 1, 5, 9, 2, 50, tzinfo=UTC)
    written = tmp_path / "interval.csv"
    write_csv(log, written)
    assert pm4py_figures(written) == figures(log)


@pytest.mark.shared_data
def test_explicit_columns_win_over_the_defaults(shared_data: Path) -> None:
    # running-example.csv has both concept:name and Activity, org:resource and Resource.
    log = read_csv(
        shared_data / "logs" / "running-example.csv", activity="Activity", resource="Resource"
    )
    assert log.event_count == 42
    assert "concept:name" in log.events.columns  # the unused default stays as an attribute
    assert log.events["activity"].to_list() == log.events["concept:name"].to_list()


def test_gb18030_with_chinese_headers_and_times(tmp_path: Path) -> None:
    path = tmp_path / "工单.csv"
    path.write_bytes(CHINESE.encode("gb18030"))
    log = read_csv(path, timezone="Asia/Shanghai")
    events = log.events
    assert sequences(log) == {"R1": ["提交申请", "部门审批"], "R2": ["提交申请", "驳回"]}
    assert events["resource"].to_list() == ["张三", "李四", "王五", "李四"]
    assert events["department"].to_list() == ["财务部", "财务部", "人事部", "人事部"]
    assert events["备注"].to_list() == ["加急", None, None, "材料不全"]
    assert events["timestamp"].to_list() == [
        datetime(2024, 3, 5, 1, 0, tzinfo=UTC),
        datetime(2024, 3, 5, 2, 30, tzinfo=UTC),
        datetime(2024, 3, 6, 1, 15, tzinfo=UTC),
        datetime(2024, 3, 6, 16, 0, tzinfo=UTC),
    ]
    assert events["start_timestamp"].to_list() == [
        datetime(2024, 3, 5, 0, 50, tzinfo=UTC),
        None,
        None,
        None,
    ]
    # The same file named as GB18030 explicitly, and as UTF-8 with a byte-order mark.
    assert read_csv(path, encoding="GBK", timezone="Asia/Shanghai").events.equals(events)
    bom = tmp_path / "bom.csv"
    bom.write_bytes(CHINESE.encode("utf-8-sig"))
    assert read_csv(bom, timezone="Asia/Shanghai").events.equals(events)


@pytest.mark.parametrize("separator", [";", "\t", "|"])
def test_separator_is_sniffed(tmp_path: Path, separator: str) -> None:
    path = tmp_path / "log.csv"
    rows = [
        ["case id", "activity", "timestamp", "amount"],
        ["1", "order", "2024/3/5 9:00", "1,5"],
        ["1", "ship", "2024/3/5 10:00", "2,5"],
    ]
    path.write_text("\n".join(separator.join(row) for row in rows) + "\n", encoding="utf-8")
    log = read_csv(path)
    assert sequences(log) == {"1": ["order", "ship"]}
    assert log.events["amount"].to_list() == ["1,5", "2,5"]
    assert preview(path).separator == separator


def test_ties_keep_file_order_and_cases_sort(tmp_path: Path) -> None:
    path = tmp_path / "ties.csv"
    path.write_text(
        "case,activity,time\nb,x,2024-01-01 10:00\na,second,2024-01-01 09:00\n"
        "a,third,2024-01-01 09:00\na,first,2024-01-01 08:00\n",
        encoding="utf-8",
    )
    log = read_csv(path)
    assert sequences(log) == {"a": ["first", "second", "third"], "b": ["x"]}
    assert log.events["position"].to_list() == [3, 1, 2, 0]


def test_bad_rows_are_skipped_and_reported_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "case:concept:name,concept:name,time:timestamp\n"
        "c1,a,2024-03-05 09:00:00\n"
        ",a,2024-03-05 09:00:00\n"
        "c1, ,2024-03-05 09:00:00\n"
        "c1,b,2024-02-30 09:00:00\n"
        "c1,c,\n"
        "c2,a,next tuesday\n"
        "c2,b,2024-03-05 10:00:00\n",
        encoding="utf-8",
    )
    log = read_csv(path)
    assert sequences(log) == {"c1": ["a"], "c2": ["b"]}
    report = log.report
    assert (report.rows_read, report.rows_kept, report.skipped_count) == (7, 2, 5)
    assert {s.reason: s.examples for s in report.skipped.values()} == {
        "case id empty": ["line 3"],
        "activity empty": ["line 4"],
        "timestamp empty": ["line 6"],
        "timestamp not understood": ["line 5: 2024-02-30 09:00:00", "line 7: next tuesday"],
    }


def test_mapping_errors_name_the_column_and_list_the_others(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("ticket,step,done_at\nR1,submit,2024-03-05 09:00\n", encoding="utf-8")
    with pytest.raises(LogError) as caught:
        read_csv(path, case="ticket", activity="stage", timestamp="done_at")
    assert "no column stage (given for activity)" in caught.value.message
    assert "ticket, step, done_at" in caught.value.message
    with pytest.raises(LogError, match="no column for case, activity, timestamp"):
        read_csv(path)
    log = read_csv(path, case="ticket", activity="step", timestamp="done_at")
    assert sequences(log) == {"R1": ["submit"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\n\n", "the file is empty"),
        (b"case,activity,timestamp\n", "header but no rows"),
        (b"case,activity,timestamp\n,a,2024-01-01\nc,,2024-01-01\n", "no usable rows"),
        (b"case,activity,timestamp\nc,a,yesterday\n", "timestamps not understood"),
        (b"case,activity,timestamp\n\xff\xfe\xfa,a,2024-01-01\n", "neither UTF-8 nor GB18030"),
    ],
)
def test_bad_files_are_clear_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(content)
    with pytest.raises(LogError, match=message) as caught:
        read_csv(path)
    # Where: the file, or the column whose values are not understood.
    assert caught.value.where in (str(path), "timestamp")


def test_all_rows_bad_lists_the_reasons(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("case,activity,timestamp\n,a,2024-01-01\nc,,2024-01-01\n", encoding="utf-8")
    with pytest.raises(LogError) as caught:
        read_csv(path)
    assert caught.value.examples == [
        "1 rows skipped: case id empty (e.g. line 2)",
        "1 rows skipped: activity empty (e.g. line 3)",
    ]


def test_missing_file_and_unknown_encoding(tmp_path: Path) -> None:
    with pytest.raises(LogError, match="cannot open"):
        read_csv(tmp_path / "nowhere.csv")
    path = tmp_path / "log.csv"
    path.write_text("case,activity,timestamp\nc,a,2024-01-01\n", encoding="utf-8")
    with pytest.raises(LogError, match="unsupported encoding latin-1"):
        read_csv(path, encoding="latin-1")


def test_epoch_milliseconds_and_progress(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "case,activity,timestamp\nc,a,1709649000000\nc,b,1709649060000\n", encoding="utf-8"
    )
    calls: list[tuple[int, int]] = []
    log = read_csv(path, progress=lambda done, total: calls.append((done, total)))
    assert log.events["timestamp"].to_list() == [
        datetime(2024, 3, 5, 14, 30, tzinfo=UTC),
        datetime(2024, 3, 5, 14, 31, tzinfo=UTC),
    ]
    size = path.stat().st_size
    assert calls == [(0, size), (size, size)]


def test_preview_shows_header_mapping_format_and_rows(tmp_path: Path) -> None:
    path = tmp_path / "工单.csv"
    path.write_bytes(CHINESE.encode("gb18030"))
    shown = preview(path, rows=2)
    assert shown.columns == ["工单号", "环节", "完成时间", "开始时间", "处理人", "部门", "备注"]
    assert shown.mapping == {
        "case": "工单号",
        "activity": "环节",
        "timestamp": "完成时间",
        "start_timestamp": "开始时间",
        "resource": "处理人",
        "department": "部门",
    }
    assert shown.missing == []
    assert (shown.encoding, shown.separator) == ("gb18030", ",")
    assert shown.time_format is not None and shown.time_format.key == "chinese"
    assert [row["环节"] for row in shown.rows] == ["提交申请", "部门审批"]
    unmapped = tmp_path / "other.csv"
    unmapped.write_text("ticket,step,when\nR1,submit,someday\n", encoding="utf-8")
    partial = preview(unmapped, timestamp="when")
    assert partial.missing == ["case", "activity"]
    assert partial.time_format is None and "timestamps not understood" in partial.time_problem


def test_round_trips_through_csv_and_parquet(tmp_path: Path) -> None:
    path = tmp_path / "工单.csv"
    path.write_bytes(CHINESE.encode("gb18030"))
    log = read_csv(path, timezone="Asia/Shanghai")
    write_csv(log, tmp_path / "again.csv")
    header = (tmp_path / "again.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",")[:4] == [
        "case:concept:name",
        "concept:name",
        "time:timestamp",
        "start_timestamp",
    ]
    write_parquet(log, tmp_path / "again.parquet")
    for again in (read_csv(tmp_path / "again.csv"), read_parquet(tmp_path / "again.parquet")):
        # Positions are renumbered in the written (sorted) order; everything else is equal.
        assert again.events.drop("position").equals(log.events.drop("position"))
        assert again.events["position"].to_list() == list(range(log.event_count))


def test_parquet_with_its_own_names_and_types(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "ticket": [7, 7, 8],
            "step": ["submit", "approve", "submit"],
            "at": [1709649000000, 1709652600000, 1709649000000],
            "amount": [1.5, 1.5, 2.0],
        }
    )
    frame.write_parquet(tmp_path / "own.parquet")
    log = read_parquet(tmp_path / "own.parquet", case="ticket", activity="step", timestamp="at")
    assert sequences(log) == {"7": ["submit", "approve"], "8": ["submit"]}
    assert log.events["timestamp"][1] == datetime(2024, 3, 5, 15, 30, tzinfo=UTC)
    assert log.events["amount"].dtype == pl.Float64
    with pytest.raises(LogError, match="no column when"):
        read_parquet(tmp_path / "own.parquet", timestamp="when")
    with pytest.raises(LogError, match="no such file"):
        read_parquet(tmp_path / "none.parquet")


def test_offsets_east_west_and_odd_read_as_the_instant_they_name(tmp_path: Path) -> None:
    # The first thousand rows make "+08:00" the column's fast pattern, which shifts by that
    # offset; a value with another offset, "+0530" or "Z" still gets the lenient parse.
    lines = ["case,activity,timestamp"]
    lines += [f"c0,x,2024-01-01T{h % 24:02d}:00:00+08:00" for h in range(1000)]
    lines += [
        "c1,a,2024-03-05T14:30:00+08:00",
        "c1,b,2024-03-05T02:00:00-03:30",
        "c1,c,2024-03-05T20:00:00+05:45",
        "c2,a,2024-03-05T10:00:00+05:30",
        "c2,b,2024-03-05T10:00:00+0530",
        "c2,c,2024-03-05T04:30:00Z",
        "c3,a,   ",
    ]
    path = tmp_path / "offsets.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert preview(path).time_format is not None
    assert preview(path).time_format.native == "%Y-%m-%dT%H:%M:%S%:z"
    assert preview(path).time_format.offset == "+08:00"  # one shift for the values ending so
    log = read_csv(path)
    events = log.events.filter(pl.col("case") != "c0")
    keys = (events["activity"] + events["case"]).to_list()
    times = dict(zip(keys, events["timestamp"].to_list(), strict=True))
    assert times == {
        "ac1": datetime(2024, 3, 5, 6, 30, tzinfo=UTC),
        "bc1": datetime(2024, 3, 5, 5, 30, tzinfo=UTC),
        "cc1": datetime(2024, 3, 5, 14, 15, tzinfo=UTC),
        "ac2": datetime(2024, 3, 5, 4, 30, tzinfo=UTC),
        "bc2": datetime(2024, 3, 5, 4, 30, tzinfo=UTC),
        "cc2": datetime(2024, 3, 5, 4, 30, tzinfo=UTC),
    }
    assert log.events.filter(pl.col("case") == "c0")["timestamp"].dt.hour().max() == 23
    assert log.report.skipped_count == 1
    assert list(log.report.skipped) == ["timestamp empty"]
