"""Conformance against a BPMN design: worked out by hand, and equal to PM4Py's alignments.

PM4Py's figures come from ``pm4py.fitness_alignments`` and
``pm4py.conformance_diagnostics_alignments`` on the Petri net PM4Py converts
the same BPMN file into. On the shared logs the model is discovered by PM4Py's
inductive miner (noise threshold 0.2, so cases deviate) and written as BPMN.
PM4Py aligns the most frequent variants only (it needs minutes for all of
receipt.xes); ours aligns every case of the whole log.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from flowbridge.mining.bpmnmodel import ModelError, read_bpmn
from flowbridge.mining.conformance import CASE_COLUMNS, conformance
from flowbridge.mining.log import CASE, EventLog, from_frame
from flowbridge.mining.modelnet import to_net
from tests.mining.bpmn_support import approval, bpmn
from tests.mining.pm4py_support import both, over_shared_logs, quiet
from tests.mining.pm4py_support import pm4py as pm4py_module

T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
TOP_VARIANTS = 25


def log_of(cases: dict[str, list[str]]) -> EventLog:
    rows = [
        (case, activity, T0 + timedelta(minutes=i))
        for case, activities in cases.items()
        for i, activity in enumerate(activities)
    ]
    return from_frame(pl.DataFrame(rows, schema=["case", "activity", "timestamp"], orient="row"))


APPROVAL_LOG = {
    "fits-pay": ["Submit", "Check", "Approve", "Pay", "Archive"],
    "fits-reject": ["Submit", "Check", "Approve", "Reject", "Archive"],
    "skips-1": ["Submit", "Approve", "Pay", "Archive"],
    "skips-2": ["Submit", "Approve", "Pay", "Archive"],
    "inserts": ["Submit", "Check", "Call applicant", "Approve", "Pay", "Archive"],
    "swaps": ["Submit", "Approve", "Check", "Pay", "Archive"],
}


def test_a_skipped_an_inserted_and_a_swapped_step_are_reported_per_case() -> None:
    result = conformance(log_of(APPROVAL_LOG), read_bpmn(approval()))
    assert result.cases.columns == list(CASE_COLUMNS)
    rows = {r["case"]: r for r in result.cases.iter_rows(named=True)}
    # The shortest run of the design has 5 activities; fitness = 1 - cost / (events + 5).
    assert rows["fits-pay"] == {
        "case": "fits-pay",
        "fitness": 1.0,
        "skipped": [],
        "inserted": [],
        "out_of_order": [],
    }
    assert rows["fits-reject"]["fitness"] == 1.0
    assert rows["skips-1"] == {
        "case": "skips-1",
        "fitness": 1 - 1 / 9,
        "skipped": ["Check"],
        "inserted": [],
        "out_of_order": [],
    }
    assert rows["skips-2"]["skipped"] == ["Check"]
    assert rows["inserts"] == {
        "case": "inserts",
        "fitness": 1 - 1 / 11,
        "skipped": [],
        "inserted": ["Call applicant"],
        "out_of_order": [],
    }
    # Approve before Check: both "Approve early" and "Check late" cost 2; the step done
    # earlier than the design says is the one reported.
    assert rows["swaps"] == {
        "case": "swaps",
        "fitness": 1 - 2 / 10,
        "skipped": [],
        "inserted": [],
        "out_of_order": ["Approve"],
    }
    assert result.deviations.rows() == [
        ("Check", "skipped", 2),
        ("Approve", "out_of_order", 1),
        ("Call applicant", "inserted", 1),
    ]
    assert result.conforming_share == 2 / 6
    assert result.average_fitness == pytest.approx((2 + 2 * (8 / 9) + 10 / 11 + 0.8) / 6)
    # Cases share their variant's alignment: five variants for six cases.
    assert result.variants.height == 5
    assert result.variants.row(0, named=True)["cases"] == 2
    assert result.notes == []


def test_fitness_equals_pm4py_on_the_hand_made_approval(tmp_path: Path) -> None:
    path = tmp_path / "approval.bpmn"
    path.write_bytes(approval())
    result = conformance(log_of(APPROVAL_LOG), read_bpmn(path))
    theirs = pm4py_figures(path, APPROVAL_LOG)
    assert result.fitness == pytest.approx(theirs["log_fitness"], abs=1e-9)
    assert result.average_fitness == pytest.approx(theirs["average_trace_fitness"], abs=1e-9)


def parallel_and_inclusive() -> bytes:
    # a, then b and c in parallel, then an inclusive choice of d and/or e, then f.
    return bpmn(
        [
            ("startEvent", "s", ""),
            ("task", "a", "a"),
            ("parallelGateway", "p1", ""),
            ("task", "b", "b"),
            ("task", "c", "c"),
            ("parallelGateway", "p2", ""),
            ("inclusiveGateway", "o1", ""),
            ("task", "d", "d"),
            ("task", "e", "e"),
            ("inclusiveGateway", "o2", ""),
            ("task", "f", "f"),
            ("endEvent", "end", ""),
        ],
        [
            ("s", "a"),
            ("a", "p1"),
            ("p1", "b"),
            ("p1", "c"),
            ("b", "p2"),
            ("c", "p2"),
            ("p2", "o1"),
            ("o1", "d"),
            ("o1", "e"),
            ("d", "o2"),
            ("e", "o2"),
            ("o2", "f"),
            ("f", "end"),
        ],
    )


def test_parallel_and_inclusive_gateways_equal_pm4py(tmp_path: Path) -> None:
    path = tmp_path / "gateways.bpmn"
    path.write_bytes(parallel_and_inclusive())
    cases = {
        "1": ["a", "b", "c", "d", "f"],
        "2": ["a", "c", "b", "e", "d", "f"],
        "3": ["a", "b", "d", "f"],
        "4": ["a", "c", "b", "f"],
        "5": ["b", "a", "x", "c", "e", "f", "f"],
        "6": [],
    }
    cases.pop("6")
    result = conformance(log_of(cases), read_bpmn(path))
    ours = dict(result.cases.select("case", "fitness").iter_rows())
    assert ours["1"] == ours["2"] == 1.0
    assert ours["3"] == 1 - 1 / (4 + 4)  # c skipped; the shortest run is a, b, c, f
    theirs = pm4py_figures(path, cases)
    assert ours == pytest.approx(theirs["cases"], abs=1e-9)
    assert result.fitness == pytest.approx(theirs["log_fitness"], abs=1e-9)


def test_a_variant_past_the_search_bound_counts_as_not_fitting_with_a_note() -> None:
    result = conformance(log_of(APPROVAL_LOG), read_bpmn(approval()), max_states=3)
    assert result.cases["fitness"].to_list() == [0.0] * 6
    assert result.notes == [
        "6 cases: the search for the best alignment hit its bound; counted as not fitting"
    ]


@pytest.mark.shared_data
@over_shared_logs
def test_fitness_equals_pm4py_alignments_on_every_shared_log(
    shared_data: Path, name: str, tmp_path: Path
) -> None:
    log, frame, pm4py = both(shared_data, name)
    path = tmp_path / "discovered.bpmn"
    with quiet():
        pm4py.write_bpmn(
            pm4py.discover_bpmn_inductive(frame, noise_threshold=0.2), str(path), auto_layout=False
        )
    model = read_bpmn(path)
    whole = conformance(log, model)
    # Every case of the whole log is covered.
    assert whole.cases.height == log.case_count
    assert whole.cases["case"].n_unique() == log.case_count
    assert whole.notes == []
    assert 0 < whole.fitness <= 1
    with quiet():
        frequent = pm4py.filter_variants_top_k(frame, TOP_VARIANTS)
        net, im, fm = pm4py.convert_to_petri_net(pm4py.read_bpmn(str(path)))
        theirs = pm4py.fitness_alignments(frequent, net, im, fm)
        aligned = pm4py.conformance_diagnostics_alignments(frequent, net, im, fm)
    kept = set(frequent["case:concept:name"].astype(str))
    part = conformance(from_frame(log.events.filter(pl.col(CASE).is_in(kept))), model)
    assert part.fitness == pytest.approx(theirs["log_fitness"], abs=1e-9)
    assert part.average_fitness == pytest.approx(theirs["average_trace_fitness"], abs=1e-9)
    per_variant = {tuple(v): f for v, f in whole.variants.select("variant", "fitness").iter_rows()}
    compared = 0
    for alignment in aligned:
        trace = tuple(move for move, _model in alignment["alignment"] if move != ">>")
        assert per_variant[trace] == pytest.approx(alignment["fitness"], abs=1e-9), trace
        compared += 1
    assert compared == len(kept)


def pm4py_figures(path: Path, cases: dict[str, list[str]]) -> dict[str, Any]:
    """PM4Py's log and average fitness and per-case fitness on a hand-made log."""
    pandas: Any = importlib.import_module("pandas")  # PM4Py's own frames; untyped
    frame = pandas.DataFrame(
        [
            (case, a, T0 + timedelta(minutes=i))
            for case, activities in cases.items()
            for i, a in enumerate(activities)
        ],
        columns=["case:concept:name", "concept:name", "time:timestamp"],
    )
    pm4py = pm4py_module()
    with quiet():
        net, im, fm = pm4py.convert_to_petri_net(pm4py.read_bpmn(str(path)))
        figures = dict(pm4py.fitness_alignments(frame, net, im, fm))
        aligned = pm4py.conformance_diagnostics_alignments(frame, net, im, fm)
    by_trace = {tuple(m for m, _t in a["alignment"] if m != ">>"): a["fitness"] for a in aligned}
    figures["cases"] = {case: by_trace[tuple(acts)] for case, acts in cases.items()}
    return figures


@pytest.mark.parametrize("make", [approval, parallel_and_inclusive])
def test_the_petri_net_has_the_shape_pm4py_gives_the_same_bpmn(make: Any, tmp_path: Path) -> None:
    path = tmp_path / "model.bpmn"
    path.write_bytes(make())
    ours = to_net(read_bpmn(path))
    pm4py = pm4py_module()
    with quiet():
        net, _im, _fm = pm4py.convert_to_petri_net(pm4py.read_bpmn(str(path)))
    places = {p for t in ours.transitions.values() for p in t.pre + t.post}
    assert len(ours.transitions) == len(net.transitions)
    assert len(places) == len(net.places)
    assert sorted(t.label or "" for t in ours.transitions.values()) == sorted(
        t.label or "" for t in net.transitions
    )


def test_bpmn_semantics_beyond_pm4py_boundary_implicit_split_and_merge() -> None:
    # Work may be interrupted by a timer (then only Escalate is logged); after Work, two
    # flows leave it (a parallel split) and both arrive at Last, which runs once per token.
    extra = (
        '<boundaryEvent id="late" attachedToRef="t1"><timerEventDefinition/></boundaryEvent>'
        '<task id="esc" name="Escalate"/>'
        '<sequenceFlow id="b1" sourceRef="late" targetRef="esc"/>'
        '<sequenceFlow id="b2" sourceRef="esc" targetRef="e"/>'
    )
    model = read_bpmn(
        bpmn(
            [
                ("startEvent", "s", ""), ("task", "t1", "Work"), ("task", "t2", "Then"),
                ("task", "t3", "Also"), ("task", "t4", "Last"), ("endEvent", "e", ""),
            ],
            [("s", "t1"), ("t1", "t2"), ("t1", "t3"), ("t2", "t4"), ("t3", "t4"), ("t4", "e")],
            extra=extra,
        )
    )  # fmt: skip
    cases = {
        "interrupted": ["Escalate"],
        "both-branches": ["Work", "Also", "Then", "Last", "Last"],
        "one-branch": ["Work", "Then", "Last"],
    }
    rows = {r[0]: r[1:] for r in conformance(log_of(cases), model).cases.rows()}
    assert rows["interrupted"] == (1.0, [], [], [])
    assert rows["both-branches"] == (1.0, [], [], [])
    # The shortest run is the interrupted one (one activity): 1 - 2 / (3 + 1).
    assert rows["one-branch"] == (0.5, ["Also", "Last"], [], [])


def test_an_empty_log_has_no_cases_and_no_deviations() -> None:
    empty = from_frame(
        pl.DataFrame(
            schema={"case": pl.String, "activity": pl.String, "timestamp": pl.Datetime("us", "UTC")}
        )
    )
    result = conformance(empty, read_bpmn(approval()))
    assert (result.fitness, result.average_fitness, result.conforming_share) == (0.0, 0.0, 0.0)
    assert result.cases.columns == list(CASE_COLUMNS) and result.cases.height == 0
    assert result.deviations.height == 0


def test_a_model_that_can_never_finish_is_refused() -> None:
    # An exclusive choice joined by a parallel gateway waits forever for the other branch.
    deadlock = bpmn(
        [
            ("startEvent", "s", ""), ("exclusiveGateway", "x", ""), ("task", "a", "a"),
            ("task", "b", "b"), ("parallelGateway", "j", ""), ("endEvent", "e", ""),
        ],
        [("s", "x"), ("x", "a"), ("x", "b"), ("a", "j"), ("b", "j"), ("j", "e")],
    )  # fmt: skip
    with pytest.raises(ModelError, match="can never finish") as caught:
        conformance(log_of({"1": ["a"]}), read_bpmn(deadlock))
    assert caught.value.where == "process p1"
