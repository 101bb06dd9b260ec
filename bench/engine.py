"""Engine throughput: N cases of a five-approval chain through Flowbridge's service layer.

    python bench/engine.py [--cases N] [--workers W] [--batch B] [--repeat R] [--profile]

Runs, each in a fresh child process with its own Django set-up (DATABASE_URL):

* Flowbridge on SQLite (a temporary file database),
* Flowbridge on PostgreSQL (database ``bench`` on 127.0.0.1:5432, created if
  missing; skipped with a note when the server does not answer), with
  ``--workers`` processes each driving its own cases at the same time,
* each of them twice: one by one (``services.start_case`` and
  ``services.decide`` per task, one transaction each, as a person clicking
  through their inbox) and in bulk (``bulk.start_many`` of B cases, then each
  approver's ``bulk.decide_many`` of their B waiting tasks: 批量发起 and
  批量审批, one transaction per call),
* the same BPMN on bare SpiffWorkflow, saving the full JSON state (spec
  included, ``BpmnWorkflowSerializer.serialize_json``) to a SQLite table and
  committing after every step: the reference.

A "task completion" is one approval decided; starting the cases is included
in the time. Figures are printed as they come; the last line
is one JSON object with all of them.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import os
import platform
import pstats
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TASKS = 5
KEY = "bench-chain"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/bench"


def chain_bpmn() -> str:
    """start → five sequential approvals, each by one named person → end."""
    tasks = "".join(
        f'<bpmn:userTask id="a{i}" name="审批 {i}"><bpmn:extensionElements><camunda:properties>'
        f'<camunda:property name="flowbridge.kind" value="approval"/>'
        f'<camunda:property name="flowbridge.assignee" value="person:B00{i}"/>'
        f"</camunda:properties></bpmn:extensionElements></bpmn:userTask>"
        for i in range(1, TASKS + 1)
    )
    ids = ["start"] + [f"a{i}" for i in range(1, TASKS + 1)] + ["end"]
    flows = "".join(
        f'<bpmn:sequenceFlow id="f{n}" sourceRef="{a}" targetRef="{b}"/>'
        for n, (a, b) in enumerate(itertools.pairwise(ids))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" '
        'targetNamespace="http://flowbridge.bench">'
        '<bpmn:process id="BenchChain" name="五级审批" isExecutable="true">'
        '<bpmn:startEvent id="start" name="提交"/>'
        f'{tasks}<bpmn:endEvent id="end" name="完成"/>{flows}'
        "</bpmn:process></bpmn:definitions>"
    )


def say(text: str) -> None:
    print(text, flush=True)


# ---------------------------------------------------------------- Flowbridge (child process)


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flowbridge.settings")
    import django

    django.setup()


def prepare(url: str) -> None:
    """Migrate the bench database and create the people and the process (once per database)."""
    _django(url)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from flowbridge.org import services as org
    from flowbridge.org.models import Department
    from flowbridge.processes.services import deploy

    call_command("migrate", verbosity=0)
    if Department.objects.filter(code="bench").exists():
        _analyze()
        return
    department = org.create_department(None, code="bench", name="基准部", kind="department")
    users = get_user_model()
    for n in range(TASKS + 1):
        user = users.objects.create(username=f"bench{n}")
        org.create_person(
            None,
            employee_no=f"B00{n}",
            name=f"基准{n}",
            department=department,
            user=user,
        )
    deploy(None, chain_bpmn().encode(), "bench.bpmn", key=KEY)
    _analyze()


def _analyze() -> None:
    """A database at rest before a timed run, as autovacuum keeps a live system.

    The bench grows its tables by thousands of rows in seconds, faster than
    autovacuum (once a minute) re-analyzes them: with stale statistics
    PostgreSQL scans whole tables for a hundred work items, and an
    autovacuum or checkpoint starting in the middle of a five-second run
    takes one of the two cores. So: vacuum, analyze and checkpoint first.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")


def drive(url: str, cases: int, profile: bool, batch: int = 0) -> dict[str, Any]:
    """Start and complete ``cases`` cases; returns timings (wall clock, epoch seconds).

    With ``batch``, cases are started ``batch`` at a time and each approver then
    decides all their waiting tasks of those cases in one bulk decision
    (``bulk.decide_many``, 批量审批) instead of one by one.
    """
    _django(url)
    from django.contrib.auth import get_user_model

    from flowbridge.cases import bulk, services
    from flowbridge.cases.models import WorkItem

    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="bench")}
    requester = users["bench0"]
    approvers = [users[f"bench{n}"] for n in range(1, TASKS + 1)]
    profiler = cProfile.Profile() if profile else None
    began = time.time()
    if profiler:
        profiler.enable()
    left = cases if batch else 0
    while left > 0:
        size = min(batch, left)
        left -= size
        started = [case.pk for case in bulk.start_many(requester, KEY, [{}] * size)]
        for approver in approvers:
            person = approver.person
            items = list(
                WorkItem.objects.filter(
                    case_id__in=started, status="open", assignee=person
                ).values_list("pk", flat=True)
            )
            outcomes = bulk.decide_many(approver, items, "approved")
            assert len(items) == size and all(o.ok for o in outcomes), outcomes[:3]
    for _n in range(0 if batch else cases):
        case = services.start_case(requester, KEY, {})
        for approver in approvers:
            item_id = (
                WorkItem.objects.filter(case_id=case.pk, status="open")
                .values_list("pk", flat=True)
                .first()
            )
            assert item_id is not None
            services.decide(approver, item_id, "approved")
    if profiler:
        profiler.disable()
    ended = time.time()
    result: dict[str, Any] = {"began": began, "ended": ended, "cases": cases}
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
        result["profile"] = out.getvalue()
    return result


def flowbridge_run(
    label: str, url: str, cases: int, workers: int, profile: bool, batch: int = 0
) -> dict[str, Any]:
    """Prepare the database, then run ``workers`` child processes at once; aggregate."""
    child = [sys.executable, __file__]
    env = {**os.environ, "DATABASE_URL": url}
    # The children are this very script with arguments built here: no untrusted input.
    subprocess.run([*child, "--prepare", url], check=True, env=env)  # noqa: S603
    per_worker = [cases // workers + (1 if i < cases % workers else 0) for i in range(workers)]
    procs = [
        subprocess.Popen(  # noqa: S603
            [
                *child,
                *("--drive", url, "--cases", str(n), "--batch", str(batch)),
                *(["--profile"] if profile else []),
            ],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        for n in per_worker
        if n
    ]
    results = []
    for proc in procs:
        out, _err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"{label}: a worker failed ({proc.returncode})")
        results.append(json.loads(out.strip().splitlines()[-1]))
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    done = sum(r["cases"] for r in results)
    figures = {
        "cases": done,
        "workers": len(results),
        "seconds": round(wall, 3),
        "task_completions_per_s": round(done * TASKS / wall, 1),
        "cases_per_s": round(done / wall, 2),
        "mode": f"bulk, {batch} per call" if batch else "one by one",
    }
    say(
        f"{label}: {done} cases, {done * TASKS} task completions in {wall:.2f} s with "
        f"{len(results)} worker(s), {figures['mode']} = "
        f"{figures['task_completions_per_s']} completions/s"
    )
    if profile and results[0].get("profile"):
        say(f"--- {label} profile (worker 1, cumulative) ---\n{results[0]['profile']}")
    return figures


def repeated(times: int, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The run of median throughput out of ``times`` (this VM's neighbours make single runs
    vary by ±15 %); every run's figure is kept in ``runs``."""
    results = [run() for _n in range(max(1, times))]
    results.sort(key=lambda r: r["task_completions_per_s"])
    median = dict(results[len(results) // 2])
    median["runs"] = [r["task_completions_per_s"] for r in results]
    if len(results) > 1:
        say(f"  median of {len(results)}: {median['task_completions_per_s']} completions/s")
    return median


def postgres_available() -> str | None:
    """None when the bench database is ready, else why PostgreSQL is skipped."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(PG_ADMIN.replace("postgres://", "postgresql://"), autocommit=True,
                             connect_timeout=3) as conn:  # fmt: skip
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'bench'").fetchone()
            if found is None:
                conn.execute("CREATE DATABASE bench")
    except psycopg.Error as error:
        return f"PostgreSQL at 127.0.0.1:5432 is not reachable ({str(error).strip()[:120]})"
    return None


# ---------------------------------------------------------------- bare SpiffWorkflow


def spiff_run(cases: int, folder: Path) -> dict[str, Any]:
    """The same file on bare SpiffWorkflow; full JSON state to SQLite after every step."""
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
    from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG
    from SpiffWorkflow.util.task import TaskState

    path = folder / "chain.bpmn"
    path.write_text(chain_bpmn(), encoding="utf-8")
    parser = CamundaParser()
    parser.add_bpmn_file(str(path))
    spec = parser.get_spec("BenchChain")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
    db = sqlite3.connect(folder / "spiff.sqlite3")
    db.execute("CREATE TABLE workflow (id INTEGER PRIMARY KEY, state TEXT NOT NULL)")
    db.commit()
    began = time.perf_counter()
    for _n in range(cases):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        row = db.execute(
            "INSERT INTO workflow (state) VALUES (?)", (serializer.serialize_json(workflow),)
        ).lastrowid
        db.commit()
        for _step in range(TASKS):
            task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
            task.run()
            workflow.do_engine_steps()
            db.execute(
                "UPDATE workflow SET state = ? WHERE id = ?",
                (serializer.serialize_json(workflow), row),
            )
            db.commit()
        assert workflow.is_completed()
    wall = time.perf_counter() - began
    db.close()
    figures = {
        "cases": cases,
        "workers": 1,
        "seconds": round(wall, 3),
        "task_completions_per_s": round(cases * TASKS / wall, 1),
        "cases_per_s": round(cases / wall, 2),
    }
    say(
        f"bare SpiffWorkflow + SQLite JSON: {cases} cases in {wall:.2f} s = "
        f"{figures['task_completions_per_s']} completions/s"
    )
    return figures


# ---------------------------------------------------------------- main


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000, help="cases per run (default 1000)")
    parser.add_argument(
        "--workers", type=int, default=2, help="worker processes on PostgreSQL (default 2)"
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=100,
        help="cases per bulk start and tasks per bulk decision in the bulk runs (default 100)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="bulk runs repeated, median reported (default 3)"
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of worker 1")
    parser.add_argument("--prepare", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--drive", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare)
        return
    if args.drive:
        print(json.dumps(drive(args.drive, args.cases, args.profile, args.batch)))
        return
    sys.path.insert(0, str(ROOT / "src"))
    results: dict[str, Any] = {"tasks_per_case": TASKS, "cases": args.cases}
    with tempfile.TemporaryDirectory(prefix="flowbridge-bench-") as tmp:
        folder = Path(tmp)
        os.environ["FLOWBRIDGE_DATA_DIR"] = str(folder)
        say(f"Flowbridge engine bench: {args.cases} cases x {TASKS} approvals")
        sqlite_url = f"sqlite:///{folder / 'bench.sqlite3'}"
        results["sqlite"] = flowbridge_run(
            "Flowbridge + SQLite", sqlite_url, args.cases, 1, args.profile
        )
        results["sqlite_bulk"] = repeated(
            args.repeat,
            lambda: flowbridge_run(
                "Flowbridge + SQLite", sqlite_url, args.cases, 1, args.profile, args.batch
            ),
        )
        skipped = postgres_available()
        workers = max(1, args.workers)
        if skipped:
            say(f"PostgreSQL skipped: {skipped}")
            results["postgresql"] = {"skipped": skipped}
        else:
            results["postgresql"] = flowbridge_run(
                "Flowbridge + PostgreSQL", PG_BENCH, args.cases, workers, args.profile
            )
            results["postgresql_bulk"] = repeated(
                args.repeat,
                lambda: flowbridge_run(
                    "Flowbridge + PostgreSQL", PG_BENCH, args.cases, workers, args.profile,
                    args.batch,
                ),
            )  # fmt: skip
            if workers > 1:
                results["postgresql_bulk_1_worker"] = repeated(
                    args.repeat,
                    lambda: flowbridge_run(
                        "Flowbridge + PostgreSQL", PG_BENCH, args.cases, 1, False, args.batch
                    ),
                )
        results["spiff_sqlite_json"] = spiff_run(args.cases, folder)
    results["concurrency"] = (
        f"PostgreSQL runs use {workers} worker processes, each driving its own cases; "
        "SQLite and bare Spiff run in one process"
    )
    best = results.get("postgresql_bulk", {}).get("task_completions_per_s", 0)
    reference = results["spiff_sqlite_json"]["task_completions_per_s"]
    results["target"] = {
        "postgresql_completions_per_s": 1000,
        "met": bool(best >= 1000 and best > reference),
        "best_postgresql": best,
        "bare_spiff": reference,
    }
    results["machine"] = machine()
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
