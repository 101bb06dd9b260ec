"""Conformance: how far the real cases of a log are from the designed BPMN process.

Every distinct activity sequence (variant) is aligned once with the model
(:mod:`flowbridge.mining.alignment`) and every case of that variant shares
the result, so all cases are covered, not a sample. Figures follow PM4Py's
alignment-based fitness exactly:

* per case, ``1 - deviations / (events + activities of the shortest model
  run)``, deviations being the skipped and inserted steps;
* ``fitness`` for the log is PM4Py's ``log_fitness`` — one minus the summed
  alignment costs over the summed worst-case costs, in PM4Py's cost units
  (silent steps count 1/10,000);
* ``average_fitness`` is PM4Py's ``average_trace_fitness``.

Per case, ``skipped`` lists activities the model needed but the case lacks,
``inserted`` events the model could not place, and ``out_of_order`` the
activities that are both — done, but not where the design puts them (such an
activity is not also listed as skipped or inserted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

from flowbridge.mining.alignment import DEVIATION, MAX_STATES, Aligner, Alignment
from flowbridge.mining.bpmnmodel import ProcessModel
from flowbridge.mining.discovery import ordered
from flowbridge.mining.i18n import _
from flowbridge.mining.log import ACTIVITY, CASE, EventLog
from flowbridge.mining.modelnet import reachability, to_net

CASE_COLUMNS = ("case", "fitness", "skipped", "inserted", "out_of_order")
DEVIATION_COLUMNS = ("activity", "kind", "cases")
KINDS = ("skipped", "inserted", "out_of_order")


@dataclass(frozen=True)
class Conformance:
    """The result of :func:`conformance`.

    ``cases``: one row per case [case, fitness, skipped, inserted,
    out_of_order]; ``variants``: one row per variant [variant, cases,
    fitness, cost, skipped, inserted, out_of_order]; ``deviations``: cases
    per (activity, kind), most cases first; ``conforming_share``: share of
    cases that fit the model perfectly; ``notes``: what limited the result.
    """

    fitness: float
    average_fitness: float
    conforming_share: float
    cases: pl.DataFrame
    variants: pl.DataFrame
    deviations: pl.DataFrame
    notes: list[str] = field(default_factory=list)


def conformance(log: EventLog, model: ProcessModel, *, max_states: int = MAX_STATES) -> Conformance:
    """Align every variant of ``log`` with ``model`` and report fitness and deviations.

    ``max_states`` bounds the states one variant's search may explore; a
    variant that hits it counts as all its events inserted plus the shortest
    model run skipped (fitness 0), and ``notes`` says how many cases that was.
    """
    graph = reachability(to_net(model), where=f"process {model.process_id}")
    aligner = Aligner(graph, max_states=max_states)
    traces = (
        ordered(log)
        .select(CASE, ACTIVITY)
        .group_by(CASE, maintain_order=True)
        .agg(pl.col(ACTIVITY).alias("variant"))
    )
    counted = traces.group_by("variant", maintain_order=True).agg(pl.len().alias("cases"))
    rows = []
    bounded = 0
    for variant, cases in counted.iter_rows():
        trace = tuple(variant)
        result = aligner.align(trace)
        bounded += cases if result.bounded else 0
        rows.append(_variant_row(trace, cases, result, aligner.empty_cost))
    variants = pl.DataFrame(
        rows,
        schema={
            "variant": pl.List(pl.String),
            "cases": pl.Int64,
            "fitness": pl.Float64,
            "cost": pl.Int64,
            "worst_cost": pl.Int64,
            "skipped": pl.List(pl.String),
            "inserted": pl.List(pl.String),
            "out_of_order": pl.List(pl.String),
        },
        orient="row",
    )
    cases = traces.join(variants, on="variant", how="left", maintain_order="left").select(
        pl.col(CASE).alias("case"), "fitness", "skipped", "inserted", "out_of_order"
    )
    notes = []
    if bounded:
        notes.append(
            _("%d cases: the search for the best alignment hit its bound; counted as not fitting")
            % bounded
        )
    return Conformance(
        fitness=_log_fitness(variants),
        average_fitness=_average(variants),
        conforming_share=_share_conforming(variants),
        cases=cases,
        variants=variants.drop("worst_cost").sort(["cases", "variant"], descending=[True, False]),
        deviations=_deviations(cases),
        notes=notes,
    )


def _variant_row(
    trace: tuple[str, ...], cases: int, result: Alignment, empty_cost: int
) -> tuple[object, ...]:
    worst = DEVIATION * len(trace) + empty_cost
    denominator = worst // DEVIATION
    fitness = 1 - result.deviations / denominator if denominator > 0 else 0.0
    both = set(result.skipped) & set(result.inserted)
    return (
        list(trace),
        cases,
        fitness,
        result.cost,
        worst,
        _unique(a for a in result.skipped if a not in both),
        _unique(a for a in result.inserted if a not in both),
        _unique(a for a in result.inserted + result.skipped if a in both),
    )


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _log_fitness(variants: pl.DataFrame) -> float:
    # PM4Py sums over traces, not variants: weight each variant by its cases.
    cost = int((variants["cost"] * variants["cases"]).sum())
    worst = int((variants["worst_cost"] * variants["cases"]).sum())
    return 1.0 - cost / worst if worst > 0 else 0.0


def _average(variants: pl.DataFrame) -> float:
    total = int(variants["cases"].sum())
    if not total:
        return 0.0
    return float((variants["fitness"] * variants["cases"]).sum()) / total


def _share_conforming(variants: pl.DataFrame) -> float:
    total = int(variants["cases"].sum())
    fitting = int(variants.filter(pl.col("fitness") == 1.0)["cases"].sum())
    return fitting / total if total else 0.0


def _deviations(cases: pl.DataFrame) -> pl.DataFrame:
    parts = [
        cases.select(pl.col(kind).alias("activity"))
        .explode("activity")
        .drop_nulls()
        .group_by("activity")
        .agg(pl.len().cast(pl.Int64).alias("cases"))
        .with_columns(pl.lit(kind).alias("kind"))
        .select(DEVIATION_COLUMNS)
        for kind in KINDS
    ]
    return pl.concat(parts).sort(["cases", "activity", "kind"], descending=[True, False, False])
