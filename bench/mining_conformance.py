"""Conformance speed and correctness: Flowbridge's alignments against PM4Py's.

    python bench/mining_conformance.py [--events N] [--seed S] [--pm4py-timeout SECONDS]

Builds the designed BPMN of the synthetic approval process that
``bench/mining.py`` generates (submit, completeness check with a loop for
missing information, head-of-department approval with a loop for revisions,
an optional finance review and legal review, then rejection or purchase;
escalation is *not* in the design, so escalated cases deviate), generates
the log, writes it as XES, and times conformance of every case:

* Flowbridge — ``conformance(log, read_bpmn(...))``;
* PM4Py — ``pm4py.fitness_alignments`` on the Petri net PM4Py converts the
  same BPMN into, in a child process; past ``--pm4py-timeout`` it is stopped
  and token-based replay (``pm4py.fitness_token_based_replay``) is timed
  instead, labelled so (a different measure: no equality check).

Log and average fitness must be equal to 1e-9. ``run(log_path, events)`` is
what ``bench/mining.py`` calls with the log it wrote; the last line printed
is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from flowbridge.mining.bpmnmodel import read_bpmn
from flowbridge.mining.conformance import conformance
from flowbridge.mining.log import ACTIVITY, CASE, TIMESTAMP, EventLog

PM4PY_TIMEOUT = 900.0

# The activities of bench/mining.py's synthetic log (its ACTIVITIES, same spelling).
SUBMIT, CHECK, ASK_INFO, GIVE_INFO, HEAD = (
    "提交申请",
    "形式审查",
    "要求补充材料",
    "补充材料",
    "部门负责人审批",
)
RETURN, REVISE, FINANCE, LEGAL = "退回修改", "修改申请", "财务复核", "法务审核"
REJECT, NOTIFY_R, ARCHIVE_R = "驳回", "通知申请人", "归档"
PROCURE, NOTIFY_P, ARCHIVE_P, CLOSE = "采购执行", "通知申请人", "归档", "结案"

# (tag, id, name) and flows (source, target) of the designed process.
ELEMENTS = [
    ("startEvent", "start", ""), ("userTask", "submit", SUBMIT),
    ("exclusiveGateway", "m_check", ""), ("userTask", "check", CHECK),
    ("exclusiveGateway", "x_check", "complete?"), ("userTask", "ask", ASK_INFO),
    ("userTask", "give", GIVE_INFO), ("exclusiveGateway", "m_head", ""),
    ("userTask", "head", HEAD), ("exclusiveGateway", "x_head", "approved?"),
    ("userTask", "return", RETURN), ("userTask", "revise", REVISE),
    ("exclusiveGateway", "x_fin", "above limit?"), ("userTask", "finance", FINANCE),
    ("exclusiveGateway", "m_fin", ""), ("exclusiveGateway", "x_legal", "contract?"),
    ("userTask", "legal", LEGAL), ("exclusiveGateway", "m_legal", ""),
    ("exclusiveGateway", "x_out", "outcome"), ("userTask", "reject", REJECT),
    ("sendTask", "notify_r", NOTIFY_R), ("userTask", "archive_r", ARCHIVE_R),
    ("userTask", "procure", PROCURE), ("sendTask", "notify_p", NOTIFY_P),
    ("userTask", "archive_p", ARCHIVE_P), ("userTask", "close", CLOSE),
    ("endEvent", "end_r", ""), ("endEvent", "end_p", ""),
]  # fmt: skip
FLOWS = [
    ("start", "submit"), ("submit", "m_check"), ("m_check", "check"), ("check", "x_check"),
    ("x_check", "ask"), ("ask", "give"), ("give", "m_check"), ("x_check", "m_head"),
    ("m_head", "head"), ("head", "x_head"), ("x_head", "return"), ("return", "revise"),
    ("revise", "m_head"), ("x_head", "x_fin"), ("x_fin", "finance"), ("finance", "m_fin"),
    ("x_fin", "m_fin"), ("m_fin", "x_legal"), ("x_legal", "legal"), ("legal", "m_legal"),
    ("x_legal", "m_legal"), ("m_legal", "x_out"), ("x_out", "reject"),
    ("reject", "notify_r"), ("notify_r", "archive_r"), ("archive_r", "end_r"),
    ("x_out", "procure"), ("procure", "notify_p"), ("notify_p", "archive_p"),
    ("archive_p", "close"), ("close", "end_p"),
]  # fmt: skip


def design_bpmn() -> bytes:
    """The designed approval process as BPMN 2.0 XML (no diagram)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">',
        '<process id="approval" name="采购审批" isExecutable="true">',
    ]
    lines += [f'<{tag} id="{i}" name="{name}"/>' for tag, i, name in ELEMENTS]
    lines += [
        f'<sequenceFlow id="f{n}" sourceRef="{s}" targetRef="{t}"/>'
        for n, (s, t) in enumerate(FLOWS)
    ]
    lines.append("</process></definitions>")
    return "\n".join(lines).encode("utf-8")


def read_log(path: Path) -> EventLog:
    if path.suffix == ".csv":
        from flowbridge.mining.tables import read_csv
        from mining import CSV_COLUMNS  # bench/mining.py, beside this file

        return read_csv(path, **CSV_COLUMNS)
    from flowbridge.mining.xes import read_xes

    return read_xes(path)


def pm4py_frame(log: EventLog) -> Any:
    """PM4Py's frame of the same events (case, activity, time), built without re-reading."""
    import pandas as pd

    events = log.events
    return pd.DataFrame(
        {
            "case:concept:name": events.get_column(CASE).to_numpy(),
            "concept:name": events.get_column(ACTIVITY).to_numpy(),
            "time:timestamp": pd.to_datetime(
                events.get_column(TIMESTAMP).dt.epoch("us").to_numpy(), unit="us", utc=True
            ),
        }
    )


def _pm4py_child(kind: str, frame: Any, bpmn_path: str, out: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py
        from pm4py.util import constants

        constants.SHOW_PROGRESS_BAR = False
        net, im, fm = pm4py.convert_to_petri_net(pm4py.read_bpmn(bpmn_path))
        started = time.perf_counter()
        if kind == "alignments":
            result = pm4py.fitness_alignments(frame, net, im, fm, multi_processing=False)
        else:
            result = pm4py.fitness_token_based_replay(frame, net, im, fm)
        out.put((time.perf_counter() - started, dict(result)))


def pm4py_timed(kind: str, frame: Any, bpmn_path: Path, timeout: float) -> tuple[float, Any]:
    """PM4Py's fitness and its time, in a forked child stopped after ``timeout`` seconds."""
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    child = context.Process(target=_pm4py_child, args=(kind, frame, str(bpmn_path), out))
    child.start()
    try:
        return out.get(timeout=timeout)  # type: ignore[no-any-return]
    except Exception:  # queue.Empty: too slow
        return timeout, None
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def run(
    log_path: Path, events: int, *, pm4py_timeout: float = PM4PY_TIMEOUT, with_pm4py: bool = True
) -> dict[str, Any]:
    """Time conformance of every case of ``log_path`` (the synthetic log) for both sides."""
    log = read_log(log_path)
    model = read_bpmn(design_bpmn())
    started = time.perf_counter()
    ours = conformance(log, model)
    our_s = time.perf_counter() - started
    figures: dict[str, Any] = {
        "events": log.event_count,
        "events_requested": events,
        "cases": log.case_count,
        "variants": ours.variants.height,
        "flowbridge_s": round(our_s, 3),
        "fitness": ours.fitness,
        "average_fitness": ours.average_fitness,
        "conforming_share": ours.conforming_share,
        "deviations": ours.deviations.head(5).rows(),
        "notes": ours.notes,
    }
    print(f"conformance: {log.case_count:,} cases, {ours.variants.height:,} variants, "
          f"Flowbridge {our_s:.2f} s, fitness {ours.fitness:.6f}", flush=True)  # fmt: skip
    if not with_pm4py:
        return figures
    frame = pm4py_frame(log)
    with tempfile.TemporaryDirectory(prefix="flowbridge-conformance-") as tmp:
        bpmn_path = Path(tmp) / "design.bpmn"
        bpmn_path.write_bytes(design_bpmn())
        their_s, theirs = pm4py_timed("alignments", frame, bpmn_path, pm4py_timeout)
        if theirs is not None:
            figures["pm4py"] = "alignments"
            figures["equal"] = bool(
                abs(theirs["log_fitness"] - ours.fitness) < 1e-9
                and abs(theirs["average_trace_fitness"] - ours.average_fitness) < 1e-9
            )
        else:
            print(f"  PM4Py alignments: stopped after {pm4py_timeout:g} s; "
                  "token-based replay instead", flush=True)  # fmt: skip
            their_s, theirs = pm4py_timed("token_replay", frame, bpmn_path, pm4py_timeout)
            figures["pm4py"] = "token-based replay (alignments took longer than the timeout)"
            figures["equal"] = None
            if theirs is None:
                figures["pm4py"] = f"neither finished within {pm4py_timeout:g} s (ratio: at least)"
    figures["pm4py_s"] = round(their_s, 3)
    figures["pm4py_figures"] = theirs
    figures["ratio"] = round(their_s / our_s, 1) if our_s > 0 else None
    print(f"  PM4Py ({figures['pm4py']}) {their_s:.2f} s → {figures['ratio']}x "
          f"faster, equal: {figures['equal']}", flush=True)  # fmt: skip
    return figures


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=4)
    p.add_argument("--pm4py-timeout", type=float, default=PM4PY_TIMEOUT)
    p.add_argument("--no-pm4py", action="store_true", help="time Flowbridge only")
    args = p.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from mining import ACTIVITIES, generate, write_xes

    assert read_bpmn(design_bpmn()).activities <= set(ACTIVITIES)
    with tempfile.TemporaryDirectory(prefix="flowbridge-conformance-") as tmp:
        xes = Path(tmp) / "synthetic.xes"
        write_xes(generate(args.events, args.seed), xes)
        figures = run(
            xes, args.events, pm4py_timeout=args.pm4py_timeout, with_pm4py=not args.no_pm4py
        )
    print(json.dumps(figures, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
