"""The seeded synthetic approval log of ``bench/mining.py``, and its XES and CSV files.

A request → approval flow across departments with 15 activities (提交申请,
形式审查, 部门负责人审批, 财务复核 …), rework loops (missing information,
revision and re-approval), an optional second approval, escalation, legal
review and rejection; start and complete timestamps, resources and
departments. Generated with numpy, vectorized: same seed, same log. The
files are written here, not by the code under test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

CSV_COLUMNS = {
    "case": "case:concept:name",
    "activity": "concept:name",
    "timestamp": "time:timestamp",
    "start_timestamp": "start_timestamp",
    "resource": "org:resource",
    "department": "org:group",
}

SUBMIT, CHECK, ASK_INFO, GIVE_INFO, HEAD, RETURN, REVISE, FINANCE = range(8)
ESCALATE, LEGAL, REJECT, NOTIFY, ARCHIVE, PROCURE, CLOSE = range(8, 15)
ACTIVITIES = [
    "提交申请",  # submit
    "形式审查",  # completeness check
    "要求补充材料",  # ask for missing information
    "补充材料",  # provide it
    "部门负责人审批",  # head of department approves
    "退回修改",  # sent back for revision
    "修改申请",  # revised
    "财务复核",  # optional second approval
    "升级处理",  # escalation
    "法务审核",  # legal review
    "驳回",  # rejected
    "通知申请人",  # requester notified
    "归档",  # archived
    "采购执行",  # purchase made
    "结案",  # closed
]
# Blocks of a case in order; each appears a drawn number of times (loops repeat a block).
BLOCKS = [
    [SUBMIT, CHECK],
    [ASK_INFO, GIVE_INFO, CHECK],
    [HEAD],
    [RETURN, REVISE, HEAD],
    [FINANCE],
    [ESCALATE],
    [LEGAL],
    [REJECT, NOTIFY, ARCHIVE],
    [PROCURE, NOTIFY, ARCHIVE, CLOSE],
]
REQUESTERS = ["销售部", "研发部", "生产部", "人事部", "市场部", "客服部"]
# Department of each activity; None = the requester's own department.
OFFICE = "行政部"
DEPARTMENT_OF: list[str | None] = [
    None, OFFICE, OFFICE, None, None, None, None, "财务部",
    "总经办", "法务部", OFFICE, OFFICE, OFFICE, "采购部", OFFICE,
]  # fmt: skip
# Median waiting before, and processing of, each activity (seconds).
WAIT = np.array([0, 4, 8, 30, 6, 5, 20, 10, 12, 24, 3, 1, 12, 48, 2]) * 3600.0
WORK = np.array([20, 15, 10, 60, 10, 10, 90, 20, 30, 120, 10, 5, 10, 240, 5]) * 60.0


def generate(events: int, seed: int) -> pl.DataFrame:
    """About ``events`` events (whole cases), vectorized; same seed, same log."""
    rng = np.random.default_rng(seed)
    cases = int(events / 9.0 * 1.15) + 10
    counts = np.stack(
        [
            np.ones(cases, np.int64),
            rng.geometric(0.72, cases) - 1,  # missing-information loops
            np.ones(cases, np.int64),
            rng.geometric(0.70, cases) - 1,  # revision loops
            rng.random(cases) < 0.35,  # second approval
            rng.random(cases) < 0.05,
            rng.random(cases) < 0.15,
            (rejected := rng.random(cases) < 0.12),
            ~rejected,
        ],
        axis=1,
    ).astype(np.int64)
    block_len = np.array([len(b) for b in BLOCKS])
    per_case = counts @ block_len
    cases = max(1, int(np.searchsorted(np.cumsum(per_case), events, side="right")))
    counts = counts[:cases]
    table = np.full((len(BLOCKS), block_len.max()), -1)
    for i, block in enumerate(BLOCKS):
        table[i, : len(block)] = block
    block_seq = np.repeat(np.tile(np.arange(len(BLOCKS)), cases), counts.ravel())
    block_case = np.repeat(np.arange(cases), counts.sum(axis=1))
    lengths = block_len[block_seq]
    owner = np.repeat(np.arange(len(block_seq)), lengths)
    offset = np.arange(owner.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    activity = table[block_seq[owner], offset]
    case = block_case[owner]
    n = activity.size
    # Times: whole seconds, at least one, so that no two events of a case tie.
    work = np.maximum(1, rng.lognormal(np.log(WORK[activity]), 0.8)).astype(np.int64)
    wait = np.maximum(1, rng.lognormal(np.log(WAIT[activity] + 60), 1.0)).astype(np.int64)
    step = work + wait
    total = np.cumsum(step)
    first = np.r_[0, np.flatnonzero(np.diff(case)) + 1]
    base = (total[first] - step[first])[case]
    opened = rng.integers(1_704_067_200, 1_735_689_600, cases)  # during 2024, UTC
    complete = opened[case] + total - base
    requester = rng.integers(0, len(REQUESTERS), cases)[case]
    departments = np.array(REQUESTERS + sorted({d for d in DEPARTMENT_OF if d}))
    fixed = np.array([-1 if d is None else int(np.flatnonzero(departments == d)[0])
                      for d in DEPARTMENT_OF])  # fmt: skip
    department = np.where(fixed[activity] < 0, requester, fixed[activity])
    return (
        pl.DataFrame(
            {
                "case": pl.Series(case).cast(pl.String).str.zfill(7).str.replace("^", "R"),
                "activity": pl.Series(np.array(ACTIVITIES)[activity]),
                "start_timestamp": pl.from_epoch(pl.Series(complete - work), time_unit="s"),
                "timestamp": pl.from_epoch(pl.Series(complete), time_unit="s"),
                "department": pl.Series(departments[department]),
                "worker": pl.Series(rng.integers(1, 25, n)),
            }
        )
        .with_columns(
            pl.format("{}-{}", "department", "worker").alias("resource"),
        )
        .drop("worker")
    )


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    iso = "%Y-%m-%dT%H:%M:%S+00:00"
    frame.select(
        pl.col("case").alias(CSV_COLUMNS["case"]),
        pl.col("activity").alias(CSV_COLUMNS["activity"]),
        pl.col("timestamp").dt.strftime(iso).alias(CSV_COLUMNS["timestamp"]),
        pl.col("start_timestamp").dt.strftime(iso).alias(CSV_COLUMNS["start_timestamp"]),
        pl.col("resource").alias(CSV_COLUMNS["resource"]),
        pl.col("department").alias(CSV_COLUMNS["department"]),
    ).write_csv(path)


def write_xes(frame: pl.DataFrame, path: Path) -> None:
    """XES as OpenXES writes it (namespace, extensions), one element per line."""
    iso = "%Y-%m-%dT%H:%M:%S%.3f+00:00"
    first = pl.col("case") != pl.col("case").shift(1)
    last = pl.col("case") != pl.col("case").shift(-1)
    event = pl.format(
        '<event><string key="concept:name" value="{}"/><string key="org:resource" value="{}"/>'
        '<string key="org:group" value="{}"/><date key="start_timestamp" value="{}"/>'
        '<date key="time:timestamp" value="{}"/>'
        '<string key="lifecycle:transition" value="complete"/></event>',
        "activity",
        "resource",
        "department",
        pl.col("start_timestamp").dt.strftime(iso),
        pl.col("timestamp").dt.strftime(iso),
    )
    opening = pl.format('<trace><string key="concept:name" value="{}"/>\n', "case")
    line = (
        pl.when(first.fill_null(True)).then(opening).otherwise(pl.lit(""))
        + event
        + pl.when(last.fill_null(True)).then(pl.lit("\n</trace>")).otherwise(pl.lit(""))
    )
    head = (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        '<log xes.version="1.0" xes.features="nested-attributes" '
        'xmlns="http://www.xes-standard.org/">\n'
        + "".join(
            f'<extension name="{n}" prefix="{p}" uri="http://www.xes-standard.org/{p}.xesext"/>\n'
            for n, p in [
                ("Concept", "concept"),
                ("Time", "time"),
                ("Organizational", "org"),
                ("Lifecycle", "lifecycle"),
            ]
        )
    )
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        for chunk in frame.iter_slices(500_000):
            lines = chunk.select(line.alias("x"))["x"]
            out.write("\n".join(lines.to_list()))
            out.write("\n")
        out.write("</log>\n")
