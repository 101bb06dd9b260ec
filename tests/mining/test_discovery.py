"""Discovery on small hand-made logs whose answers can be worked out on paper."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import polars as pl

from flowbridge.mining.discovery import (
    _variants_exact,
    activities,
    dfg,
    end_activities,
    ordered,
    start_activities,
    summary,
    variant_count,
    variants,
)
from flowbridge.mining.log import EventLog, from_frame

T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def hand_made() -> EventLog:
    # Rows in file order. c1 has a tie at minute 10 (Check before Approve in the file);
    # c2 is one event; c3 has every event at the same moment; c4 is listed out of time order.
    rows = [
        ("c1", "Submit", at(0)),
        ("c1", "Check", at(10)),
        ("c1", "Approve", at(10)),
        ("c2", "Submit", at(5)),
        ("c3", "Submit", at(20)),
        ("c3", "Approve", at(20)),
        ("c3", "Check", at(20)),
        ("c4", "Approve", at(90)),
        ("c4", "Submit", at(30)),
        ("c4", "Check", at(60)),
    ]
    frame = pl.DataFrame(rows, schema=["case", "activity", "timestamp"], orient="row")
    return from_frame(frame)


def test_activity_counts_and_first_and_last_activities() -> None:
    log = hand_made()
    assert activities(log) == {"Submit": 4, "Check": 3, "Approve": 3}
    assert start_activities(log) == {"Submit": 4}
    # c2's only event is both its first and its last.
    assert end_activities(log) == {"Approve": 2, "Submit": 1, "Check": 1}


def test_ties_keep_file_order_in_variants() -> None:
    table = variants(hand_made())
    assert table.to_dicts() == [
        {"variant": ["Submit", "Check", "Approve"], "cases": 2, "share": 0.5},
        {"variant": ["Submit"], "cases": 1, "share": 0.25},
        {"variant": ["Submit", "Approve", "Check"], "cases": 1, "share": 0.25},
    ]
    assert variant_count(hand_made()) == 3


def test_directly_follows_edges_with_durations() -> None:
    edges = {(r["source"], r["target"]): r for r in dfg(hand_made()).to_dicts()}
    assert {k: r["frequency"] for k, r in edges.items()} == {
        ("Submit", "Check"): 2,
        ("Check", "Approve"): 2,
        ("Submit", "Approve"): 1,
        ("Approve", "Check"): 1,
    }
    # Submit→Check: 600 s in c1, 1800 s in c4. Check→Approve: 0 s (tie) in c1, 1800 s in c4.
    submit_check = edges[("Submit", "Check")]
    assert submit_check["mean_seconds"] == 1200.0
    assert submit_check["median_seconds"] == 1200.0
    assert submit_check["p90_seconds"] == 600 + 0.9 * 1200
    assert (submit_check["min_seconds"], submit_check["max_seconds"]) == (600.0, 1800.0)
    assert submit_check["total_seconds"] == 2400.0
    # c3's events share one moment: its edges take no time at all.
    assert edges[("Submit", "Approve")]["max_seconds"] == 0.0
    assert edges[("Approve", "Check")]["mean_seconds"] == 0.0
    assert list(dfg(hand_made()).columns) == [
        "source",
        "target",
        "frequency",
        "mean_seconds",
        "median_seconds",
        "p90_seconds",
        "min_seconds",
        "max_seconds",
        "total_seconds",
    ]


def test_start_timestamps_order_events_and_measure_to_the_next_start() -> None:
    # Review starts before Draft completes (overlapping work): by start time Draft comes
    # first, and the edge lasts from Draft's completion to Review's start, -30 minutes.
    frame = pl.DataFrame(
        {
            "case": ["c1", "c1", "c1"],
            "activity": ["Review", "Draft", "Sign"],
            "timestamp": [at(60), at(90), at(120)],
            "start_timestamp": [at(60), at(0), None],
        }
    )
    log = from_frame(frame)
    assert variants(log)["variant"].to_list() == [["Draft", "Review", "Sign"]]
    edges = {(r["source"], r["target"]): r["mean_seconds"] for r in dfg(log).to_dicts()}
    # Sign has no start time: it starts when it completes.
    assert edges == {("Draft", "Review"): -1800.0, ("Review", "Sign"): 3600.0}
    assert start_activities(log) == {"Draft": 1}
    assert end_activities(log) == {"Sign": 1}


def test_summary_has_exactly_what_the_cli_writes() -> None:
    result = summary(hand_made())
    assert list(result) == [
        "events",
        "cases",
        "variants",
        "activities",
        "start_activities",
        "end_activities",
        "dfg",
    ]
    assert (result["events"], result["cases"], result["variants"]) == (10, 4, 3)
    assert result["dfg"][0] == {
        "source": "Check",
        "target": "Approve",
        "frequency": 2,
        "mean_seconds": 900.0,
        "median_seconds": 900.0,
    }
    assert all(
        set(edge) == {"source", "target", "frequency", "mean_seconds", "median_seconds"}
        for edge in result["dfg"]
    )


def log_of(sequences: dict[str, str]) -> EventLog:
    """One case per entry, one event per letter, a minute apart."""
    rows = [
        (case, letter, at(i)) for case, word in sequences.items() for i, letter in enumerate(word)
    ]
    return from_frame(pl.DataFrame(rows, schema=["case", "activity", "timestamp"], orient="row"))


def test_mirrored_and_repeated_sequences_are_different_variants() -> None:
    # Cases are told apart by hashes of (activity, position) summed per case: sequences
    # that a sum of per-position weights would confuse must still count apart.
    log = log_of({"c1": "abba", "c2": "baab", "c3": "abba", "c4": "aabb", "c5": "a", "c6": "aa"})
    found = {tuple(v): n for v, n in variants(log).select("variant", "cases").iter_rows()}
    assert found == {
        ("a", "b", "b", "a"): 2,
        ("b", "a", "a", "b"): 1,
        ("a", "a", "b", "b"): 1,
        ("a",): 1,
        ("a", "a"): 1,
    }


def test_hashed_variants_equal_grouping_every_sequence() -> None:

    pick = random.Random(7)
    log = log_of(
        {f"c{i:04}": "".join(pick.choices("abcd", k=pick.randint(1, 7))) for i in range(3000)}
    )
    exact = _variants_exact(ordered(log))
    assert exact.height > 1000
    assert variants(log).equals(exact)
