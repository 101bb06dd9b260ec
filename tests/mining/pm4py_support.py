"""What the tests that compare Flowbridge with PM4Py share.

The shared logs (``../shared/data/logs``) read once by each library, PM4Py
imported without its banner warnings, and Flowbridge's results put in the
shapes PM4Py returns, so a test compares two plain dicts.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from flowbridge.mining import discovery
from flowbridge.mining.log import EventLog
from flowbridge.mining.xes import read_xes
from tests.conftest import SHARED_DATA

LOGS = SHARED_DATA / "logs"
# Listed at collection; without the folder a placeholder runs and the fixture skips (CI: fails).
NAMES = sorted(p.name for p in LOGS.glob("*.xes*")) if LOGS.is_dir() else ["no shared logs"]

# Runs a test once per shared XES log, as ``name``.
over_shared_logs = pytest.mark.parametrize("name", NAMES)


@contextmanager
def quiet() -> Iterator[None]:
    """PM4Py warns about deprecations and its licence; pytest would make those errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def pm4py() -> Any:
    """The ``pm4py`` module, imported quietly."""
    with quiet():
        import pm4py as module

        return module


@cache
def pm4py_frame(path: Path) -> Any:
    """PM4Py's frame of an XES file, read once; hand PM4Py a ``.copy()`` (it adds columns)."""
    with quiet():
        return pm4py().read_xes(str(path), show_progress_bar=False)


@cache
def our_log(path: Path) -> EventLog:
    return read_xes(path)


def both(shared_data: Path, name: str) -> tuple[EventLog, Any, Any]:
    """Our log, a fresh copy of PM4Py's frame, and the ``pm4py`` module."""
    path = shared_data / "logs" / name
    return our_log(path), pm4py_frame(path).copy(), pm4py()


def variant_counts(log: EventLog) -> dict[tuple[str, ...], int]:
    """Our variants as ``pm4py.get_variants`` gives them: activity tuple → cases."""
    ours = discovery.variants(log)
    return {tuple(v): c for v, c in ours.select("variant", "cases").iter_rows()}


def dfg_counts(log: EventLog) -> dict[tuple[str, str], int]:
    """Our directly-follows edges as ``pm4py.discover_dfg`` gives them: (source, target) → count."""
    edges = discovery.dfg(log).select("source", "target", "frequency")
    return {(s, t): f for s, t, f in edges.iter_rows()}
