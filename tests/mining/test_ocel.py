"""OCEL logs flattened per object type: equal to PM4Py's flattening on the shared logs and on
hand-made ones in every format. Bad files: test_ocel_errors.py."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from flowbridge.mining import discovery, ocel_json
from flowbridge.mining.ocel import iso_times, ocel_object_types, read_ocel
from tests.conftest import SHARED_DATA
from tests.mining.ocel_samples import (
    EVENTS,
    SUFFIX,
    TYPES,
    WRITERS,
    cases,
    make,
    random_json,
    write_json,
)
from tests.mining.pm4py_support import dfg_counts, pm4py, quiet, variant_counts

OCEL = SHARED_DATA / "logs" / "ocel"
SHARED = sorted(p.name for p in OCEL.iterdir()) if OCEL.is_dir() else ["no shared OCEL logs"]


@pytest.fixture(params=sorted(WRITERS))
def made(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return make(request.param, tmp_path)


def test_each_object_of_the_type_is_a_case_with_its_events(made: Path) -> None:
    log = read_ocel(made, object_type="Order")
    # e3 once per order (once for O1 despite two relations); X9 ignored. Files keep e5 before
    # e4 as listed; SQLite orders ties as PM4Py does, by row in the type's table, then by type.
    tie = ["e4", "e5"] if made.suffix == ".sqlite" else ["e5", "e4"]
    assert cases(log) == {"O1": ["e3", *tie, "e7"], "O2": ["e3", "e6"]}
    assert log.report.rows_read == len(EVENTS)
    assert log.report.rows_kept == 6


def test_attributes_become_columns_with_their_types(made: Path) -> None:
    log = read_ocel(made, object_type="Requisition")
    events = log.events
    assert events.schema["timestamp"] == pl.Datetime("us", "UTC")
    assert events.schema["amount"] == pl.Float64
    # e2 was at 11:30 in UTC+2.
    assert events.get_column("timestamp").dt.hour().to_list() == [9, 9, 8]
    assert events.get_column("approver").to_list() == [None, "王芳", None]
    assert events.get_column("case:product").to_list() == ["paper"] * 3
    orders = read_ocel(made, object_type="Order").events
    assert "approver" not in orders.columns  # no order event has one
    assert orders.filter(pl.col("case") == "O2").get_column("case:supplier").to_list() == [
        "Globex",
        "Globex",
    ]


def test_object_types_count_objects_with_events_and_list_declared_ones(made: Path) -> None:
    # O3 has no event: PM4Py leaves it out too.
    assert ocel_object_types(made) == {"Order": 2, "Invoice": 1, "Requisition": 1, "Payment": 0}
    assert read_ocel(made, object_type="Payment").event_count == 0


def test_every_format_flattens_to_the_same_log(tmp_path: Path) -> None:
    logs = [make(kind, tmp_path) for kind in sorted(WRITERS)]
    for object_type in TYPES:
        frames = [read_ocel(p, object_type=object_type).events for p in logs]
        # Ties in time aside (SQLite orders them otherwise), the same events in the same cases.
        keep = ["case", "activity", "timestamp", "ocel:eid", "amount"]
        same = [frame.select(keep).sort("case", "timestamp", "ocel:eid") for frame in frames]
        assert all(frame.equals(same[0]) for frame in same[1:])
        assert same[0].height > 0


def _pm4py_ocel(path: Path) -> Any:
    with quiet():
        if path.suffix == ".jsonocel" and '"ocel:events"' in path.read_text(encoding="utf-8"):
            return pm4py().read_ocel(str(path))
        return pm4py().read_ocel2(str(path))


def _equal_to_pm4py(path: Path) -> list[str]:
    """Object types compared; asserts along the way."""
    ocel = _pm4py_ocel(path)
    theirs_types = ocel.objects["ocel:type"].value_counts().to_dict()
    ours_types = ocel_object_types(path)
    assert {t: n for t, n in ours_types.items() if n} == theirs_types
    for object_type in sorted(theirs_types):
        log = read_ocel(path, object_type=object_type)
        with quiet():
            api = pm4py()
            # PM4Py's flattening is in time order; its variants need a frame grouped by case,
            # which format_dataframe (sorting by case, time and row) gives, as for any log.
            frame = api.format_dataframe(
                api.ocel_flattening(ocel, object_type),
                case_id="case:concept:name",
                activity_key="concept:name",
                timestamp_key="time:timestamp",
            )
            assert log.event_count == len(frame)
            assert log.case_count == frame["case:concept:name"].nunique()
            assert discovery.activities(log) == api.get_event_attribute_values(
                frame.copy(), "concept:name"
            )
            assert discovery.start_activities(log) == api.get_start_activities(frame.copy())
            assert discovery.end_activities(log) == api.get_end_activities(frame.copy())
            dfg, _, _ = api.discover_dfg(frame.copy())
            assert dfg_counts(log) == dfg
            assert variant_counts(log) == api.get_variants(frame.copy())
            performance, _, _ = api.discover_performance_dfg(frame.copy())
        ours = discovery.dfg(log).select("source", "target", "mean_seconds", "median_seconds")
        for source, target, mean, median in ours.iter_rows():
            figures = performance[(source, target)]
            assert (mean, median) == pytest.approx((figures["mean"], figures["median"]))
    return sorted(theirs_types)


@pytest.mark.shared_data
@pytest.mark.parametrize("name", SHARED)
def test_equal_to_pm4py_on_every_object_type_of_the_shared_logs(
    shared_data: Path, name: str
) -> None:
    assert len(SHARED) >= 4
    compared = _equal_to_pm4py(shared_data / "logs" / "ocel" / name)
    assert compared  # every shared log has at least one object type with objects


def test_equal_to_pm4py_on_a_hand_made_log_with_ties(made: Path) -> None:
    assert _equal_to_pm4py(made) == TYPES


def test_ocel_1_json_with_typed_values(tmp_path: Path) -> None:
    path = tmp_path / "legacy.jsonocel"
    document = {
        "ocel:global-log": {"ocel:object-types": ["orders", "items"]},
        "ocel:objects": {"o1": {"ocel:type": "orders", "ocel:ovmap": {"value": 3}}},
        "ocel:events": {
            "1": {
                "ocel:activity": "place",
                "ocel:timestamp": "2024-01-01T10:00:00.000Z",
                "ocel:vmap": {"weight": 2, "urgent": True},
                "ocel:omap": ["o1", "i1"],
            },
            "2": {
                "ocel:activity": "pay",
                "ocel:timestamp": "2024-01-02T10:00:00.000Z",
                "ocel:vmap": {"weight": 2.5, "urgent": False},
                "ocel:omap": ["o1"],
            },
        },
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    assert ocel_object_types(path) == {"orders": 1, "items": 0}
    events = read_ocel(path, object_type="orders").events
    assert events.select("case", "activity", "weight", "urgent", "case:value").rows() == [
        ("o1", "place", 2.0, True, 3),
        ("o1", "pay", 2.5, False, 3),
    ]


def test_json_values_split_across_the_reading_window(monkeypatch: pytest.MonkeyPatch) -> None:
    # A window of 7 characters cuts numbers, strings and objects; each still reads whole.
    monkeypatch.setattr(ocel_json, "CHUNK", 7)
    text = '{"a": 1234567890, "b": ["xy", {"k": "long string value"}, 3.25], "c": {"d": null}}'
    stream = ocel_json.JsonStream(io.StringIO(text), "memory")
    found: dict[str, Any] = {}
    for key in stream.members():
        found[key] = [v for _, v in stream.elements()] if key == "b" else stream.value()
    assert found == {
        "a": 1234567890,
        "b": ["xy", {"k": "long string value"}, 3.25],
        "c": {"d": None},
    }
    assert stream.peek() == ""


def test_json_with_events_before_objects(tmp_path: Path) -> None:
    path = write_json(tmp_path / "p.jsonocel")
    document = json.loads(path.read_text(encoding="utf-8"))
    reordered = {key: document[key] for key in ("events", "eventTypes", "objects", "objectTypes")}
    path.write_text(json.dumps(reordered), encoding="utf-8")
    assert cases(read_ocel(path, object_type="Order")) == {
        "O1": ["e3", "e5", "e4", "e7"],
        "O2": ["e3", "e6"],
    }


@pytest.mark.parametrize("kind", ["json", "xml", "sqlite"])
def test_equal_to_pm4py_on_a_random_log_with_many_ties(tmp_path: Path, kind: str) -> None:
    path = random_json(tmp_path / "random.jsonocel", 3000)
    if kind != "json":
        # Written by PM4Py itself, so the SQLite and XML are as it makes them.
        with quiet():
            ocel = pm4py().read_ocel2(str(path))
            path = tmp_path / f"random{SUFFIX[kind]}"
            writer = pm4py().write_ocel2_sqlite if kind == "sqlite" else pm4py().write_ocel2_xml
            writer(ocel, str(path))
    assert _equal_to_pm4py(path) == ["item", "order"]


def test_progress_is_told_as_the_file_is_read(made: Path) -> None:
    calls: list[tuple[int, int]] = []
    read_ocel(made, object_type="Order", progress=lambda done, total: calls.append((done, total)))
    assert calls
    done = [d for d, _ in calls]
    assert done == sorted(done)
    # Bytes of the file; events for SQLite, read a type table at a time.
    total = len(EVENTS) if made.suffix == ".sqlite" else made.stat().st_size
    assert calls[-1] == (total, total)


def test_iso_8601_forms_all_become_utc() -> None:
    texts = [
        "2024-03-05T14:30:00.250+08:00",
        "2024-03-05T06:30:00.25Z",
        "2024-03-05 06:30:00.250",
        "2024-03-05T14:30+08:00",
        "2024-03-05T06:30",
        "2024-03-05",
        "5 March 2024",
    ]
    parsed = pl.select(iso_times(pl.Series(texts))).to_series().to_list()
    at = datetime(2024, 3, 5, 6, 30, tzinfo=UTC)
    quarter = timedelta(milliseconds=250)
    assert parsed == [
        at + quarter,
        at + quarter,
        at + quarter,
        at,
        at,
        at - timedelta(hours=6, minutes=30),
        None,
    ]


@pytest.mark.parametrize("kind", ["json", "xml"])
def test_gzip_compressed_files_read_the_same(tmp_path: Path, kind: str) -> None:
    plain = make(kind, tmp_path)
    packed = tmp_path / (plain.name + ".gz")
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    calls: list[tuple[int, int]] = []
    log = read_ocel(packed, object_type="Order", progress=lambda d, t: calls.append((d, t)))
    assert log.events.equals(read_ocel(plain, object_type="Order").events)
    assert ocel_object_types(packed) == ocel_object_types(plain)
    # Progress counts the compressed bytes, the file's own.
    assert calls[-1] == (packed.stat().st_size, packed.stat().st_size)
