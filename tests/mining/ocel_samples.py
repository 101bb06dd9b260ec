"""Small OCEL logs written by hand in every format, for the OCEL tests."""

from __future__ import annotations

import json
import random
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from flowbridge.mining import discovery
from flowbridge.mining.log import EventLog

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


def make(kind: str, folder: Path, name: str = "purchase") -> Path:
    """The hand-made log written as ``kind`` ("json", "xml" or "sqlite") into ``folder``."""
    return WRITERS[kind](folder / f"{name}{SUFFIX[kind]}")


def cases(log: EventLog) -> dict[str, list[str]]:
    """Each case's event ids in order."""
    frame = discovery.ordered(log, "ocel:eid")
    grouped = frame.group_by("case", maintain_order=True).agg("ocel:eid")
    return dict(grouped.iter_rows())


def random_json(path: Path, events: int) -> Path:
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
