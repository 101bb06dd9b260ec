"""The process map's filters: variant coverage and minimum frequency, on logs worked out by hand
and on receipt.xes against the variant table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from flowbridge.mining.discovery import dfg, variants
from flowbridge.mining.log import EventLog, from_frame
from flowbridge.mining.processmap import keep_variants, process_map
from flowbridge.mining.xes import read_xes

T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)


def log_of(traces: dict[str, str]) -> EventLog:
    """One case per entry; each letter of the value is an activity, one minute apart."""
    rows = [
        (case, activity, T0 + timedelta(minutes=i))
        for case, sequence in traces.items()
        for i, activity in enumerate(sequence)
    ]
    return from_frame(pl.DataFrame(rows, schema=["case", "activity", "timestamp"], orient="row"))


# Six cases: abc in 3 (50 %), abd in 2 (33 %), axc in 1 (17 %).
SIX = log_of({"1": "abc", "2": "abc", "3": "abc", "4": "abd", "5": "abd", "6": "axc"})


def test_full_coverage_keeps_every_case_and_edge() -> None:
    pm = process_map(SIX)
    assert (pm.cases, pm.total_cases, pm.hidden_cases) == (6, 6, 0)
    assert dict(pm.nodes.iter_rows()) == {"a": 6, "b": 5, "c": 4, "d": 2, "x": 1}
    assert pm.edges.equals(dfg(SIX))
    assert (pm.starts, pm.ends) == ({"a": 6}, {"c": 4, "d": 2})


def test_coverage_keeps_the_variant_that_crosses_the_threshold() -> None:
    # 50 % is reached by abc alone; 60 % needs abd as well; 84 % still does (83.3 % covered).
    assert keep_variants(SIX, 0.5).case_count == 3
    assert keep_variants(SIX, 0.6).case_count == 5
    assert keep_variants(SIX, 0.84).case_count == 6
    pm = process_map(SIX, coverage=0.6)
    assert (pm.cases, pm.hidden_cases) == (5, 1)
    assert "x" not in pm.nodes.get_column("activity").to_list()
    assert pm.ends == {"c": 3, "d": 2}


def test_min_frequency_drops_rare_activities_with_their_edges() -> None:
    pm = process_map(SIX, min_frequency=2)
    assert set(pm.nodes.get_column("activity")) == {"a", "b", "c", "d"}
    pairs = set(pm.edges.select("source", "target").iter_rows())
    assert pairs == {("a", "b"), ("b", "c"), ("b", "d")}
    assert all(n >= 2 for n in pm.edges.get_column("frequency"))


@pytest.mark.parametrize("coverage", [0.0, -0.1, 1.5])
def test_coverage_outside_the_unit_interval_is_refused(coverage: float) -> None:
    with pytest.raises(ValueError, match="coverage must be in"):
        keep_variants(SIX, coverage)


def test_coverage_on_receipt_matches_the_variant_table(shared_data: Path) -> None:
    log = read_xes(shared_data / "logs" / "receipt.xes")
    table = variants(log)
    shares = table.get_column("share").cum_sum().to_list()
    needed = next(i for i, covered in enumerate(shares) if covered >= 0.8) + 1
    expected_cases = int(table.get_column("cases").head(needed).sum())
    pm = process_map(log, coverage=0.8)
    assert pm.cases == expected_cases
    assert pm.total_cases == 1434
    assert int(pm.nodes.get_column("frequency").sum()) == keep_variants(log, 0.8).event_count
