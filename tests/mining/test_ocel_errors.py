"""OCEL files that cannot be read: what is wrong and where, never a traceback."""

from __future__ import annotations

import gzip
import io
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from flowbridge.mining import ocel_json
from flowbridge.mining.errors import LogError
from flowbridge.mining.ocel import ocel_object_types, read_ocel
from tests.mining.ocel_samples import WRITERS, cases, make, write_json, write_sqlite, write_xml


@pytest.fixture(params=sorted(WRITERS))
def made(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return make(request.param, tmp_path)


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


def test_a_value_bigger_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocel_json, "CHUNK", 8)
    monkeypatch.setattr(ocel_json, "MAX_VALUE", 16)
    stream = ocel_json.JsonStream(io.StringIO('\n["' + "x" * 100 + '"]'), "memory")
    with pytest.raises(LogError, match="not well-formed JSON") as raised:
        stream.value()
    assert raised.value.where == "memory, line 2"


def test_json_that_is_not_utf8_is_said_so(tmp_path: Path) -> None:
    path = write_json(tmp_path / "p.jsonocel")
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(LogError, match="not UTF-8 text") as raised:
        read_ocel(path, object_type="Order")
    assert raised.value.where.startswith(f"{path}, line ")


@pytest.mark.parametrize("kind", ["json", "xml"])
def test_a_cut_off_compressed_file_is_said_so(tmp_path: Path, kind: str) -> None:
    plain = make(kind, tmp_path)
    packed = gzip.compress(plain.read_bytes())
    cut = tmp_path / (plain.name + ".gz")
    cut.write_bytes(packed[: len(packed) * 2 // 3])
    with pytest.raises(LogError, match="the compressed file cannot be read") as raised:
        read_ocel(cut, object_type="Order")
    assert str(cut) in raised.value.where


def test_a_compressed_database_is_refused(tmp_path: Path) -> None:
    plain = make("sqlite", tmp_path)
    packed = tmp_path / "purchase.sqlite.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    with pytest.raises(LogError, match="compressed SQLite database cannot be read"):
        ocel_object_types(packed)
