"""from_frame sorts by case, time and source position, and skips the sort only when rows
already follow that order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from flowbridge.mining.log import CASE, POSITION, TIMESTAMP, from_frame

T0 = datetime(2024, 3, 5, tzinfo=UTC)
CASES = st.sampled_from(["a", "b", "B", "审批-1", "审批-10", "z"])
ROWS = st.lists(st.tuples(CASES, st.integers(0, 3)), min_size=0, max_size=40)


def frame_of(rows: list[tuple[str, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(case, f"act{i}", T0 + timedelta(minutes=m)) for i, (case, m) in enumerate(rows)],
        schema={"case": pl.String, "activity": pl.String, "timestamp": pl.Datetime("us", "UTC")},
        orient="row",
    )


@settings(max_examples=200, deadline=None)
@given(ROWS)
def test_rows_come_out_in_case_time_position_order(rows: list[tuple[str, int]]) -> None:
    frame = frame_of(rows)
    events = from_frame(frame).events
    expected = (
        frame.with_row_index(POSITION)
        .with_columns(pl.col(POSITION).cast(pl.UInt64))
        .sort([CASE, TIMESTAMP, POSITION])
    )
    assert events.select(expected.columns).equals(expected)
    # Read again in that order (as an already sorted export is), the result is the same.
    again = from_frame(events).events
    assert again.equals(events)


def test_a_sorted_export_keeps_its_order_and_an_unsorted_one_is_sorted() -> None:
    ordered = frame_of([("a", 0), ("a", 0), ("a", 2), ("b", 1)])
    assert from_frame(ordered).events["activity"].to_list() == ["act0", "act1", "act2", "act3"]
    shuffled = frame_of([("b", 1), ("a", 2), ("a", 0), ("a", 0)])
    assert from_frame(shuffled).events["activity"].to_list() == ["act2", "act3", "act1", "act0"]
