"""OCEL logs flattened per object type: equal to PM4Py's flattening on the shared logs and on
hand-made ones in every format; bad files said plainly."""

from __future__ import annotations

import io
import json
import random
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from flowbridge.mining import discovery, ocel_json
from flowbridge.mining.errors import LogError
from flowbridge.mining.log import EventLog
from flowbridge.mining.ocel import iso_times, ocel_object_types, read_ocel
from tests.conftest import SHARED_DATA
from tests.mining.pm4py_support import dfg_counts, pm4py, quiet, variant_counts

OCEL = SHARED_DATA / "logs" / "ocel"
SHARED = sorted(p.name for p in OCEL.iterdir()) if OCEL.is_dir() else ["no shared OCEL logs"]

# A purchase: requisition PR1 leads to orders O1 and O2; O1 is invoiced.
# e3 relates to both orders (and to O1 twice, with two qualifiers); e4 and e5 happen at the
# same time for O1 and are listed e5 first; e6 names an object the log does not declare.
EVENTS: list[tuple[str, str, str, dict[str, Any], list[str]]] = [
    ("e1", "Create Requisition", "2024-03-01T09:00:00Z", {"amount": 120}, ["PR1"]),
    ("e2", "Approve Requisition", "2024-03-01T11:30:00+02:00", {"approver": "王芳"}, ["PR1"]),
    ("e3", "Create Order", "2024-03-02T08:00:00Z", {"amount": 120}, ["PR1", "O1", "O2", "O1"]),
    ("e5", "Send Order", "2024-03-03T10:00:00Z", {}, ["O1"]),
    ("e4", "Check Order", "2024-03-03T10:00:00Z", {}, ["O1"]),
    ("e6", "Send Order", "2024-03-03T12:00:00Z", {}, ["O2", "X9"]),
    ("e7", "Receive Invoice", "2024-03-04T16:00:00Z", {"amount": 118.5}, ["O1", "I1"]),
]
OBJECTS: list[tuple[str, str, dict[str, Any]]] = [
    ("PR1", "Requisition", {"product": "paper"}),
    ("O1", "Order", {"supplier": "ACME"}),
    ("O2", "Order", {"supplier": "Globex"}),
    ("O3", "Order", {"supplier": "Initech"}),  # never ordered: no event
    ("I1", "Invoice", {}),
]
EVENT_ATTRIBUTES = {"amount": "float", "approver": "string"}
OBJECT_ATTRIBUTES = {"product": "string", "supplier": "string"}
TYPES = ["Invoice", "Order", "Requisition"]


def write_json(path: Path) -> Path:
    document = {
        "objectTypes": [
            {
                "name": t,
                "attributes": [{"name": n, "type": k} for n, k in OBJECT_ATTRIBUTES.items()],
            }
            for t in [*TYPES, "Payment"]
        ],
        "eventTypes": [
            {"name": t, "attributes": [{"name": n, "type": k} for n, k in EVENT_ATTRIBUTES.items()]}
            for t in sorted({e[1] for e in EVENTS})
        ],
        "objects": [
            {
                "id": oid,
                "type": otype,
                "attributes": [
                    {"name": n, "time": "1970-01-01T00:00:00Z", "value": v}
                    for n, v in attrs.items()
                ],
            }
            for oid, otype, attrs in OBJECTS
        ],
        "events": [
            {
                "id": eid,
                "type": etype,
                "time": time,
                "attributes": [{"name": n, "value": v} for n, v in attrs.items()],
                "relationships": [
                    {"objectId": o, "qualifier": f"q{i}"} for i, o in enumerate(objs)
                ],
            }
            for eid, etype, time, attrs, objs in EVENTS
        ],
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_xml(path: Path) -> Path:
    def attrs(values: dict[str, Any], time: bool) -> str:
        stamp = ' time="1970-01-01T00:00:00Z"' if time else ""
        inner = "".join(f'<attribute name="{n}"{stamp}>{v}</attribute>' for n, v in values.items())
        return f"<attributes>{inner}</attributes>"

    declared = "".join(f'<attribute name="{n}" type="{k}"/>' for n, k in OBJECT_ATTRIBUTES.items())
    object_types = "".join(
        f'<object-type name="{t}"><attributes>{declared}</attributes></object-type>'
        for t in [*TYPES, "Payment"]
    )
    declared = "".join(f'<attribute name="{n}" type="{k}"/>' for n, k in EVENT_ATTRIBUTES.items())
    event_types = "".join(
        f'<event-type name="{t}"><attributes>{declared}</attributes></event-type>'
        for t in sorted({e[1] for e in EVENTS})
    )
    objects = "".join(
        f'<object id="{oid}" type="{otype}">{attrs(a, True)}</object>' for oid, otype, a in OBJECTS
    )
    events = "".join(
        f'<event id="{eid}" type="{etype}" time="{time}">{attrs(a, False)}<objects>'
        + "".join(f'<relationship object-id="{o}" qualifier="q{i}"/>' for i, o in enumerate(objs))
        + "</objects></event>\n"
        for eid, etype, time, a, objs in EVENTS
    )
    path.write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n<log>"
        f"<object-types>{object_types}</object-types><event-types>{event_types}</event-types>\n"
        f"<objects>{objects}</objects>\n<events>\n{events}</events></log>\n",
        encoding="utf-8",
    )
    return path


def write_sqlite(path: Path) -> Path:
    def table(name: str) -> str:
        return name.replace(" ", "")

    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE event (ocel_id TEXT PRIMARY KEY, ocel_type TEXT)")
        db.execute("CREATE TABLE object (ocel_id TEXT PRIMARY KEY, ocel_type TEXT)")
        db.execute(
            "CREATE TABLE event_object "
            "(ocel_event_id TEXT, ocel_object_id TEXT, ocel_qualifier TEXT)"
        )
        db.execute(
            "CREATE TABLE object_object "
            "(ocel_source_id TEXT, ocel_target_id TEXT, ocel_qualifier TEXT)"
        )
        db.execute("CREATE TABLE event_map_type (ocel_type TEXT, ocel_type_map TEXT)")
        db.execute("CREATE TABLE object_map_type (ocel_type TEXT, ocel_type_map TEXT)")
        for etype in sorted({e[1] for e in EVENTS}):
            db.execute("INSERT INTO event_map_type VALUES (?, ?)", (etype, table(etype)))
            db.execute(
                f'CREATE TABLE "event_{table(etype)}" (ocel_id TEXT, ocel_time TIMESTAMP, '
                "amount REAL, approver TEXT)"
            )
        for otype in [*TYPES, "Payment"]:
            db.execute("INSERT INTO object_map_type VALUES (?, ?)", (otype, otype))
            db.execute(
                f'CREATE TABLE "object_{otype}" (ocel_id TEXT, product TEXT, supplier TEXT, '
                "ocel_time TIMESTAMP, ocel_changed_field TEXT)"
            )
        for eid, etype, time, attrs, objs in EVENTS:
            db.execute("INSERT INTO event VALUES (?, ?)", (eid, etype))
            db.execute(
                f'INSERT INTO "event_{table(etype)}" VALUES (?, ?, ?, ?)',  # noqa: S608
                (eid, time, attrs.get("amount"), attrs.get("approver")),
            )
            for i, oid in enumerate(objs):
                db.execute("INSERT INTO event_object VALUES (?, ?, ?)", (eid, oid, f"q{i}"))
        for oid, otype, attrs in OBJECTS:
            db.execute("INSERT INTO object VALUES (?, ?)", (oid, otype))
            db.execute(
                f'INSERT INTO "object_{otype}" VALUES (?, ?, ?, ?, NULL)',  # noqa: S608
                (oid, attrs.get("product"), attrs.get("supplier"), "1970-01-01 00:00:00"),
            )
        db.commit()
    return path


WRITERS = {"json": write_json, "xml": write_xml, "sqlite": write_sqlite}
SUFFIX = {"json": ".jsonocel", "xml": ".xmlocel", "sqlite": ".sqlite"}


@pytest.fixture(params=sorted(WRITERS))
def made(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    kind = request.param
    return WRITERS[kind](tmp_path / f"purchase{SUFFIX[kind]}")


def cases(log: EventLog) -> dict[str, list[str]]:
    """Each case's event ids in order."""
    frame = discovery.ordered(log, "ocel:eid")
    grouped = frame.group_by("case", maintain_order=True).agg("ocel:eid")
    return dict(grouped.iter_rows())


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
    logs = [WRITERS[k](tmp_path / f"p{SUFFIX[k]}") for k in sorted(WRITERS)]
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


def test_an_unknown_object_type_lists_the_known_ones(made: Path) -> None:
    with pytest.raises(LogError) as raised:
        read_ocel(made, object_type="Orders")
    message = str(raised.value)
    assert "'Orders'" in message
    assert "Order (2), Invoice (1), Requisition (1), Payment (0)" in message
    assert raised.value.where == str(made)


def test_a_bad_timestamp_names_the_event(tmp_path: Path) -> None:
    path = write_json(tmp_path / "p.jsonocel")
    path.write_text(path.read_text(encoding="utf-8").replace("2024-03-02T08:00:00Z", "yesterday"))
    with pytest.raises(LogError) as raised:
        read_ocel(path, object_type="Order")
    assert "1 event(s) without a timestamp in ISO 8601" in str(raised.value)
    assert raised.value.examples == ["event e3: 'yesterday'"]


def test_an_event_without_a_time_is_named_with_its_line(tmp_path: Path) -> None:
    path = write_json(tmp_path / "p.jsonocel")
    text = path.read_text(encoding="utf-8").replace('"time": "2024-03-03T12:00:00Z"', '"at": 1')
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if '"id": "e6"' in row) - 1
    with pytest.raises(LogError, match="event without time") as raised:
        read_ocel(path, object_type="Order")
    assert raised.value.where == f"{path}, line {line}"


def test_an_xml_event_without_a_type_is_named_with_its_line(tmp_path: Path) -> None:
    path = write_xml(tmp_path / "p.xmlocel")
    text = path.read_text(encoding="utf-8").replace(
        '<event id="e4" type="Check Order"', '<event id="e4"'
    )
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if 'id="e4"' in row)
    with pytest.raises(LogError, match="event without type") as raised:
        read_ocel(path, object_type="Order")
    assert raised.value.where == f"{path}, line {line}"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("case,activity\n1,a\n", "not an OCEL file: neither JSON, XML nor an SQLite database"),
        ("[1, 2]", "not an OCEL file: the JSON is not an object"),
        ('{"log": {"traces": []}}', 'no "events" (OCEL 2.0) or "ocel:events" (1.0); keys: log'),
        ('{"events": [], "objects": [', "not well-formed JSON"),
        ('{"events": {"e1": 1}}', "expected '['"),
        ('{"events": [{"id": "e1", "type": "a", "time": "2024-01-01"}]} x', "text after the end"),
        ("<log><trace/></log>", "not an OCEL file: XML without <log> and <events>"),
        ('<?xml version="1.0"?>\n<log><events><event id="e1"', "not well-formed XML"),
        (
            '<log><events><event><string key="ocel:activity" value="a"/></event></events></log>',
            "OCEL 1.0 XML is not read",
        ),
    ],
)
def test_files_that_are_not_ocel_are_refused_plainly(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "log.jsonocel"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LogError) as raised:
        ocel_object_types(path)
    assert message in str(raised.value)
    assert str(path) in raised.value.where


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(LogError, match="no such file"):
        read_ocel(tmp_path / "nothing.sqlite", object_type="Order")


def test_ids_used_twice_are_named(tmp_path: Path) -> None:
    path = write_json(tmp_path / "p.jsonocel")
    path.write_text(path.read_text(encoding="utf-8").replace('"id": "e4"', '"id": "e5"'))
    with pytest.raises(LogError, match="event id used more than once: e5"):
        read_ocel(path, object_type="Order")


def test_a_database_without_the_ocel_tables_names_them(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE event (ocel_id TEXT, ocel_type TEXT)")
        db.commit()
    with pytest.raises(LogError) as raised:
        ocel_object_types(path)
    assert "no table(s) object, event_object, event_map_type, object_map_type" in str(raised.value)
    assert "it has: event" in str(raised.value)


def test_a_missing_type_table_or_column_is_named(tmp_path: Path) -> None:
    path = write_sqlite(tmp_path / "p.sqlite")
    with closing(sqlite3.connect(path)) as db:
        db.execute('DROP TABLE "event_SendOrder"')
        db.execute('ALTER TABLE "event_CheckOrder" RENAME COLUMN ocel_time TO time')
        db.commit()
    with pytest.raises(LogError, match="table event_CheckOrder has no column"):
        read_ocel(path, object_type="Order")
    with closing(sqlite3.connect(path)) as db:
        db.execute('ALTER TABLE "event_CheckOrder" RENAME COLUMN time TO ocel_time')
        db.commit()
    with pytest.raises(LogError, match="missing table event_SendOrder"):
        read_ocel(path, object_type="Order")


def test_the_database_is_only_read(tmp_path: Path) -> None:
    path = write_sqlite(tmp_path / "p.sqlite")
    with closing(sqlite3.connect(path)) as db:
        # A view in place of a type table would run SQL from the file: it is not read.
        db.execute('ALTER TABLE "event_CreateOrder" RENAME TO hidden')
        db.execute('CREATE VIEW "event_CreateOrder" AS SELECT * FROM hidden')
        db.commit()
    before = path.read_bytes()
    path.chmod(0o444)
    with pytest.raises(LogError, match="missing table event_CreateOrder"):
        read_ocel(path, object_type="Order")
    assert ocel_object_types(path)["Order"] == 2
    assert path.read_bytes() == before
    assert not path.with_name("p.sqlite-journal").exists()


def test_an_sqlite_event_without_a_type_row_is_skipped_and_counted(tmp_path: Path) -> None:
    path = write_sqlite(tmp_path / "p.sqlite")
    with closing(sqlite3.connect(path)) as db:
        db.execute("DELETE FROM \"event_CheckOrder\" WHERE ocel_id = 'e4'")
        db.commit()
    log = read_ocel(path, object_type="Order")
    assert cases(log)["O1"] == ["e3", "e5", "e7"]
    assert log.report.lines() == [
        "1 rows skipped: event without a row in its type's table (no time) (e.g. e4)"
    ]


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


def test_a_value_bigger_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocel_json, "CHUNK", 8)
    monkeypatch.setattr(ocel_json, "MAX_VALUE", 16)
    stream = ocel_json.JsonStream(io.StringIO('\n["' + "x" * 100 + '"]'), "memory")
    with pytest.raises(LogError, match="not well-formed JSON") as raised:
        stream.value()
    assert raised.value.where == "memory, line 2"


def test_json_with_events_before_objects(tmp_path: Path) -> None:
    path = write_json(tmp_path / "p.jsonocel")
    document = json.loads(path.read_text(encoding="utf-8"))
    reordered = {key: document[key] for key in ("events", "eventTypes", "objects", "objectTypes")}
    path.write_text(json.dumps(reordered), encoding="utf-8")
    assert cases(read_ocel(path, object_type="Order")) == {
        "O1": ["e3", "e5", "e4", "e7"],
        "O2": ["e3", "e6"],
    }


def _random_json(path: Path, events: int) -> Path:
    """A seeded log of orders and their items with many ties in time (five events a minute)."""
    rng = random.Random(4)
    orders = events // 6
    activities = ["create", "approve", "pick", "pack", "ship", "invoice", "pay"]
    document = {
        "objectTypes": [{"name": "order", "attributes": []}, {"name": "item", "attributes": []}],
        "eventTypes": [{"name": a, "attributes": []} for a in activities],
        "objects": [{"id": f"o{i}", "type": "order"} for i in range(orders)]
        + [{"id": f"i{i}", "type": "item"} for i in range(2 * orders)],
        "events": [],
    }
    for i in range(events):
        order = rng.randrange(orders)
        related = [f"o{order}", f"i{2 * order}", f"i{2 * order + 1}"][: rng.randint(1, 3)]
        document["events"].append(
            {
                "id": f"e{i}",
                "type": rng.choice(activities),
                "time": f"2024-01-01T{i // 5 // 60 % 24:02d}:{i // 5 % 60:02d}:00Z",
                "relationships": [{"objectId": o, "qualifier": ""} for o in related],
            }
        )
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["json", "xml", "sqlite"])
def test_equal_to_pm4py_on_a_random_log_with_many_ties(tmp_path: Path, kind: str) -> None:
    path = _random_json(tmp_path / "random.jsonocel", 3000)
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


def test_json_that_is_not_utf8_is_said_so(tmp_path: Path) -> None:
    path = write_json(tmp_path / "p.jsonocel")
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(LogError, match="not UTF-8 text") as raised:
        read_ocel(path, object_type="Order")
    assert raised.value.where.startswith(f"{path}, line ")
