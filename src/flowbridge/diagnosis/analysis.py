"""A dataset's analyses, computed once and cached until the dataset is imported again.

Pages ask an :class:`Analysis` (one per request) for what they show. It
reads the dataset's Parquet log at most once per request, and keeps every
result in Django's cache under a key made of the dataset, a version of its
log file (size and modification time, which change when an import writes
the file again) and the parameters — so a re-import invalidates without
anyone having to remember to, and several web processes can share a cache
backend.

Nothing here writes to the database.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

import polars as pl
from django.conf import settings
from django.core.cache import caches
from django.utils import translation
from django.utils.translation import gettext as _

from flowbridge.core.errors import InvalidInput, NotFound
from flowbridge.mining.bpmnmodel import ProcessModel, read_bpmn
from flowbridge.mining.discovery import BEGINS, ordered, variants
from flowbridge.mining.errors import LogError
from flowbridge.mining.findings import Finding
from flowbridge.mining.i18n import language as mining_language
from flowbridge.mining.log import ACTIVITY, CASE, TIMESTAMP, EventLog
from flowbridge.mining.processmap import ProcessMap, process_map

T = TypeVar("T")
Metric = Literal["frequency", "median"]

CACHE_ALIAS = "default"
CACHE_SECONDS = 7 * 24 * 3600
PAGE_SIZE = 20
METRICS = ("frequency", "median")
_MISSING = object()
_SEP = "\x1f"  # joins a variant's activities into one comparable key


class NotReady(NotFound):
    """The dataset has no imported log (yet): pending, importing or failed."""


@dataclass(frozen=True)
class MapParams:
    """What the process-map page was asked for, checked."""

    min_frequency: int = 1
    coverage: float = 1.0
    metric: Metric = "frequency"


def map_params(query: Mapping[str, str], *, max_frequency: int) -> MapParams:
    """Parse ``min_frequency``, ``coverage`` (percent, 1 to 100) and ``metric`` from a query.

    Raises :class:`InvalidInput` naming the parameter, its value and the
    allowed range; missing or empty parameters take their defaults.
    """
    top = max(max_frequency, 1)
    min_frequency = _number(query, "min_frequency", 1, 1, top, int)
    coverage = _number(query, "coverage", 100, 1, 100, float)
    metric = query.get("metric") or "frequency"
    if metric not in METRICS:
        raise InvalidInput(
            _("Unknown metric %(value)s: choose frequency or median time.") % {"value": metric}
        )
    return MapParams(int(min_frequency), float(coverage) / 100, cast(Metric, metric))


def _number(
    query: Mapping[str, str], name: str, default: float, low: float, high: float, kind: type
) -> float:
    raw = (query.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise InvalidInput(
            _("%(name)s must be a number from %(low)s to %(high)s, got %(value)s.")
            % {"name": name, "low": _plain(low), "high": _plain(high), "value": raw}
        )
    return float(value)


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


class Analysis:
    """The analyses of one ready dataset, for one request."""

    def __init__(self, dataset: Any, *, load: Callable[[Any], EventLog] | None = None) -> None:
        if dataset.status != "ready":
            raise NotReady(
                _("The dataset %(name)s is not ready (status: %(status)s).")
                % {"name": dataset.name, "status": dataset.get_status_display()}
            )
        path = str(dataset.parquet_path)
        try:
            stat = os.stat(path)
        except OSError as error:
            raise NotReady(
                _("The imported log of %(name)s is missing; import it again.")
                % {"name": dataset.name}
            ) from error
        self.dataset = dataset
        self._version = f"{dataset.pk}:{path}:{stat.st_size}:{stat.st_mtime_ns}"
        self._load = load
        self._log: EventLog | None = None
        self.reads = 0  # how often this request read the log: at most once

    @property
    def log(self) -> EventLog:
        if self._log is None:
            load = self._load
            if load is None:
                from flowbridge.diagnosis.services import load_log

                load = load_log
            self._log = load(self.dataset)
            self.reads += 1
        return self._log

    def cached(self, name: str, compute: Callable[[], T], *params: Any) -> T:
        """``compute()``'s result, from the cache when this version of the log has it."""
        # Findings and the score carry text in the user's language.
        params = (*params, translation.get_language())
        digest = hashlib.sha1(repr(params).encode(), usedforsecurity=False).hexdigest()[:16]
        key = f"diagnosis:{self._version}:{name}:{digest}"
        cache = caches[CACHE_ALIAS]
        found = cache.get(key, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[no-any-return]
        # The library's own text (findings, the score's formula) in the person's language too.
        with mining_language(translation.get_language() or settings.LANGUAGE_CODE):
            value = compute()
        cache.set(key, value, CACHE_SECONDS)
        return value

    # --- what the tabs show -------------------------------------------------------------

    def cases(self) -> pl.DataFrame:
        """One row per case: ``case, variant`` (number, 1 = most frequent), ``events``,
        ``start``, ``end``, ``duration_seconds`` — longest first."""
        return self.cached("cases", lambda: case_table(self.log))

    def variants(self) -> pl.DataFrame:
        """``number, activities (list), cases, share, median_seconds`` per variant."""
        return self.cached("variants", lambda: variant_table(self.log, self.cases()))

    def process_map(self, params: MapParams) -> ProcessMap:
        return self.cached(
            "map",
            lambda: process_map(
                self.log, min_frequency=params.min_frequency, coverage=params.coverage
            ),
            params.min_frequency,
            params.coverage,
        )

    def map_svg(self, params: MapParams) -> str:
        from flowbridge.mining.mapsvg import process_map_svg

        return self.cached(
            "map_svg",
            lambda: str(process_map_svg(self.process_map(params), metric=params.metric)),
            params,
        )

    def activities(self) -> list[str]:
        """Every activity of the log, most frequent first."""
        return self.process_map(MapParams()).nodes.get_column("activity").to_list()

    def max_frequency(self) -> int:
        """Events of the most frequent activity: the frequency slider's top."""
        nodes = self.process_map(MapParams()).nodes
        return int(nodes.select(pl.col("frequency").max()).item() or 1) if nodes.height else 1

    def handoffs(self) -> pl.DataFrame | None:
        """Hand-offs between departments, or None when the log names no departments."""
        from flowbridge.mining.handoffs import handoffs

        def compute() -> pl.DataFrame | None:
            return handoffs(self.log) if self.log.has("department") else None

        return self.cached("handoffs", compute)

    def heatmap_svg(self) -> str:
        from flowbridge.mining.mapsvg import handoff_heatmap_svg

        frame = self.handoffs()
        if frame is None or frame.height == 0:
            return ""
        return self.cached("heatmap", lambda: str(handoff_heatmap_svg(frame)))

    def overview(self) -> dict[str, Any]:
        """Events, cases, variants, period, cycle-time stats, histogram and throughput."""
        from flowbridge.mining import performance

        def compute() -> dict[str, Any]:
            log, cases = self.log, self.cases()
            return {
                "events": log.event_count,
                "cases": cases.height,
                "variants": self.variants().height,
                "first": log.events.get_column(TIMESTAMP).min(),
                "last": log.events.get_column(TIMESTAMP).max(),
                "stats": performance.cycle_time_stats(log),
                "histogram": performance.cycle_time_histogram(log, bins=20),
                "throughput": performance.throughput(
                    log, every=_period(log), timezone=settings.TIME_ZONE
                ),
            }

        return self.cached("overview", compute)

    def activity_times(self) -> dict[str, dict[str, Any]]:
        """Measured figures per activity (events, waiting, processing), by activity."""
        from flowbridge.mining.performance import activity_times

        def compute() -> dict[str, dict[str, Any]]:
            return {row["activity"]: row for row in activity_times(self.log).iter_rows(named=True)}

        return self.cached("activity_times", compute)

    def findings(self) -> list[Finding]:
        """Ranked findings; for a dataset of one of our processes, also deviations from its
        newest design (when the design names some of the log's activities)."""
        from flowbridge.mining.findings import findings

        target, costs = _targets(self.dataset)
        version = _newest_version(self.dataset)

        def compute() -> list[Finding]:
            model = self._design(version)
            return findings(self.log, model=model, target_cycle_seconds=target, cost_per_hour=costs)

        return self.cached(
            "findings",
            compute,
            target,
            sorted((costs or {}).items()),
            version.pk if version is not None else None,
        )

    def _design(self, version: Any) -> ProcessModel | None:
        if version is None:
            return None
        try:
            model = read_bpmn(version.bpmn_xml.encode(), process_id=version.bpmn_process_id or None)
        except LogError:
            return None  # a design the reader cannot follow only costs the conformance findings
        return model if model.activities & set(self.activities()) else None

    def score(self) -> Any:
        """The dataset's :class:`flowbridge.mining.score.ProcessScore`."""
        from flowbridge.mining.score import score

        target, costs = _targets(self.dataset)
        return self.cached(
            "score",
            lambda: score(self.log, target_cycle_seconds=target, cost_per_hour=costs),
            target,
            sorted((costs or {}).items()),
        )

    # --- cases behind a node, an edge or a variant --------------------------------------

    def cases_of(
        self,
        *,
        activity: str | None = None,
        source: str | None = None,
        target: str | None = None,
        variant: int | None = None,
    ) -> pl.DataFrame:
        """The rows of :meth:`cases` through an activity, an edge or of a variant."""
        table = self.cases()
        if variant is not None:
            return table.filter(pl.col("variant") == variant)
        if activity is not None:
            ids = self.cached("node_cases", lambda: node_cases(self.log, activity), activity)
        elif source is not None and target is not None:
            ids = self.cached(
                "edge_cases", lambda: edge_cases(self.log, source, target), source, target
            )
        else:
            raise InvalidInput(_("Say which activity, edge or variant to list the cases of."))
        return table.join(ids, on=CASE, how="semi")


def page_of(
    frame: pl.DataFrame, page: int, size: int = PAGE_SIZE
) -> tuple[list[dict[str, Any]], int]:
    """Rows of page ``page`` (1-based, clamped to the last) and the number of pages."""
    pages = max(1, -(-frame.height // size))
    page = min(max(page, 1), pages)
    return frame.slice((page - 1) * size, size).to_dicts(), pages


def case_table(log: EventLog) -> pl.DataFrame:
    """Per case its variant number, events, first begin, last completion and duration."""
    traces = (
        ordered(log)
        .group_by(CASE, maintain_order=True)
        .agg(
            pl.col(ACTIVITY).str.join(_SEP).alias("key"),
            pl.len().cast(pl.Int64).alias("events"),
            pl.col(BEGINS).min().alias("start"),
            pl.col(TIMESTAMP).max().alias("end"),
        )
    )
    numbers = _variant_numbers(log)
    seconds = (pl.col("end") - pl.col("start")).dt.total_microseconds() / 1_000_000
    return (
        traces.join(numbers, on="key", how="left")
        .select(CASE, "variant", "events", "start", "end", seconds.alias("duration_seconds"))
        .sort(["duration_seconds", CASE], descending=[True, False])
    )


def variant_table(log: EventLog, cases: pl.DataFrame) -> pl.DataFrame:
    """Variants in :func:`flowbridge.mining.variants` order, numbered, with median duration."""
    medians = cases.group_by("variant").agg(
        pl.col("duration_seconds").median().alias("median_seconds")
    )
    return (
        variants(log)
        .with_row_index("number", offset=1)
        .with_columns(pl.col("number").cast(pl.Int64))
        .rename({"variant": "activities"})
        .join(medians, left_on="number", right_on="variant", how="left")
        .sort("number")
    )


def _variant_numbers(log: EventLog) -> pl.DataFrame:
    """``key`` (a variant's activities joined) and its ``variant`` number, 1 = most frequent."""
    return (
        variants(log)
        .select(pl.col("variant").list.join(_SEP).alias("key"))
        .with_row_index("variant", offset=1)
        .with_columns(pl.col("variant").cast(pl.Int64))
    )


def node_cases(log: EventLog, activity: str) -> pl.DataFrame:
    """Ids of the cases with at least one event of ``activity``."""
    return log.events.filter(pl.col(ACTIVITY) == activity).select(CASE).unique()


def edge_cases(log: EventLog, source: str, target: str) -> pl.DataFrame:
    """Ids of the cases in which ``target`` directly follows ``source`` at least once."""
    frame = ordered(log)
    follows = (
        (pl.col(ACTIVITY) == source)
        & (pl.col(ACTIVITY).shift(-1) == target)
        & (pl.col(CASE) == pl.col(CASE).shift(-1))
    )
    return frame.filter(follows).select(CASE).unique()


def _period(log: EventLog) -> str:
    """A throughput period giving a readable number of bars: days, weeks or months."""
    span = log.events.select((pl.col(TIMESTAMP).max() - pl.col(TIMESTAMP).min()).dt.total_days())
    days = span.item() if span.height else None
    if days is None:
        return "1w"
    return "1d" if days <= 60 else "1w" if days <= 730 else "1mo"


def _newest_version(dataset: Any) -> Any:
    """The newest version of the dataset's process (engine datasets), else None."""
    if dataset.process_id is None:
        return None
    from flowbridge.processes.models import ProcessVersion

    return (
        ProcessVersion.objects.filter(definition_id=dataset.process_id).order_by("-number").first()
    )


def _targets(dataset: Any) -> tuple[float | None, dict[str, float] | None]:
    target = dataset.target_cycle_seconds
    costs = {str(k): float(v) for k, v in (dataset.cost_per_hour or {}).items()}
    return (float(target) if target else None), (costs or None)
