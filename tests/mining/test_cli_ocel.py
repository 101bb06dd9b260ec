"""``flowbridge mine`` on object-centric logs: the object type is asked for, then the log is
flattened on it exactly as the library does."""

from __future__ import annotations

import json
from pathlib import Path

from flowbridge.mining.discovery import summary
from flowbridge.mining.ocel import ocel_object_types, read_ocel
from tests.mining.cli_support import mine


def test_an_ocel_file_without_object_type_lists_the_types(shared_data: Path) -> None:
    path = shared_data / "logs" / "ocel" / "ocel20_example.sqlite"
    result = mine(str(path))
    assert result.returncode == 2
    assert "--object-type" in result.stderr
    for object_type in ocel_object_types(path):
        assert object_type in result.stderr


def test_the_summary_of_a_flattened_log_is_the_librarys(shared_data: Path) -> None:
    path = shared_data / "logs" / "ocel" / "ocel20_example.jsonocel"
    object_type = next(iter(ocel_object_types(path)))
    result = mine(str(path), "--object-type", object_type, "--json", "-")
    assert result.returncode == 0, result.stderr
    written = json.loads(result.stdout)
    expected = json.loads(json.dumps(summary(read_ocel(path, object_type=object_type))))
    assert {k: written[k] for k in expected} == expected
    assert written["cases"] > 0
