"""The SpiffWorkflow adapter: the engine is a library Flowbridge drives.

Spiff knows the BPMN semantics (tokens, gateways, joins, sub-processes);
Flowbridge owns persistence, people and time. This module touches no
database: it compiles a deployed file into specs once per version (cached),
starts and restores workflows, moves them on, and dumps their state *without*
the specs, which are the same for every case of a version and would
otherwise dominate the stored size and the time to save.

Every expression Spiff evaluates (gateway conditions) goes through
:mod:`flowbridge.core.expressions`; scripts are never executed.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from lxml import etree  # type: ignore[import-untyped]
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException  # type: ignore[import-untyped]
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine  # type: ignore[import-untyped]
from SpiffWorkflow.bpmn.serializer.default.workflow import (  # type: ignore[import-untyped]
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.workflow import (  # type: ignore[import-untyped]
    BpmnWorkflowSerializer,
)
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # type: ignore[import-untyped]
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser  # type: ignore[import-untyped]
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG  # type: ignore[import-untyped]
from SpiffWorkflow.exceptions import SpiffWorkflowException  # type: ignore[import-untyped]
from SpiffWorkflow.task import Task as SpiffTask  # type: ignore[import-untyped]
from SpiffWorkflow.util.task import TaskState  # type: ignore[import-untyped]

from flowbridge.cases.nodes import ProcessConfig, process_config
from flowbridge.core import expressions
from flowbridge.processes.bpmn import engine_document, read_deployed
from flowbridge.processes.reserved_ids import original_id


class EngineError(Exception):
    """The engine cannot go on: a condition failed, no flow matched, a script was met."""


class SafeScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """Conditions through the restricted evaluator; scripts refused (the judge refuses them too)."""

    def validate(self, expression: str) -> None:
        expressions.check(expression)

    def evaluate(
        self, task: SpiffTask, expression: str, external_context: dict[str, Any] | None = None
    ) -> Any:
        names = dict(task.data)
        names.update(external_context or {})
        try:
            return expressions.evaluate(expression, names)
        except expressions.ExpressionError as error:
            raise WorkflowTaskException(
                f"condition {expression!r} failed: {error.message}", task=task
            ) from None

    def execute(
        self, task: SpiffTask, script: str, external_context: dict[str, Any] | None = None
    ) -> Any:
        raise WorkflowTaskException("scripts are not run by Flowbridge", task=task)

    def call_service(self, task: SpiffTask, **kwargs: Any) -> Any:
        raise WorkflowTaskException("service calls are not run by Flowbridge", task=task)


SAFE_ENGINE = SafeScriptEngine()


class _StateConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """Spiff's workflow converter without the specs: they come from the compiled version."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        spec, subprocess_specs = dct.pop("spec"), dct.pop("subprocess_specs")
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_CONFIG = dict(DEFAULT_CONFIG)
_CONFIG[BpmnWorkflow] = _StateConverter
_REGISTRY = BpmnWorkflowSerializer.configure(_CONFIG)
STATE_FORMAT = "flowbridge-spiff-3"


@dataclass(frozen=True)
class CompiledProcess:
    """One deployed version, parsed once: Spiff specs plus Flowbridge's node configuration."""

    digest: str
    spec: Any
    subprocess_specs: dict[str, Any]
    config: ProcessConfig


_compiled: OrderedDict[str, CompiledProcess] = OrderedDict()
_COMPILED_MAX = 64


def compile_process(bpmn_xml: str, process_id: str) -> CompiledProcess:
    """Specs and configuration of ``process_id`` in a file the judge accepted (cached)."""
    digest = hashlib.sha256(f"{process_id}\0{bpmn_xml}".encode()).hexdigest()
    found = _compiled.get(digest)
    if found is not None:
        _compiled.move_to_end(digest)
        return found
    root, chosen = read_deployed(bpmn_xml.encode("utf-8"))
    # The declaration may name another encoding than the text we hold; lxml reads the str.
    parser = CamundaParser()
    parser.add_bpmn_xml(etree.ElementTree(engine_document(root, chosen)), "deployed.bpmn")
    process = next(p for p in chosen if p.get("id") == process_id)
    compiled = CompiledProcess(
        digest=digest,
        spec=parser.get_spec(process_id),
        subprocess_specs=parser.get_subprocess_specs(process_id),
        config=process_config(process),
    )
    _compiled[digest] = compiled
    if len(_compiled) > _COMPILED_MAX:
        _compiled.popitem(last=False)
    return compiled


def _run_engine(workflow: BpmnWorkflow) -> None:
    try:
        workflow.do_engine_steps()
    except SpiffWorkflowException as error:
        raise EngineError(str(error)) from error


def start(compiled: CompiledProcess, values: dict[str, Any]) -> BpmnWorkflow:
    """A new workflow whose first tasks see ``values``, run up to its first waiting tasks."""
    workflow = BpmnWorkflow(compiled.spec, compiled.subprocess_specs, script_engine=SAFE_ENGINE)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(values)
    _run_engine(workflow)
    return workflow


def dump(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The workflow's state as JSON-ready data, without specs."""
    state: dict[str, Any] = _REGISTRY.convert(workflow)
    state["format"] = STATE_FORMAT
    return state


def restore(compiled: CompiledProcess, state: dict[str, Any]) -> BpmnWorkflow:
    """The workflow :func:`dump` saved, on the specs of its own version."""
    dct = _parents_first(state)
    dct.pop("format", None)
    dct["spec"] = compiled.spec
    dct["subprocess_specs"] = compiled.subprocess_specs
    workflow = _REGISTRY.restore(dct)
    workflow.script_engine = SAFE_ENGINE
    return workflow


def _parents_first(state: dict[str, Any]) -> dict[str, Any]:
    """The state with every task after its parent, in the workflow and each sub-process.

    Spiff rebuilds a task's data from its parent's while restoring, in the
    order of the ``tasks`` mapping; PostgreSQL's jsonb does not keep that
    order (it sorts keys), which silently emptied the data of later tasks.
    """
    dct = dict(state)
    if not isinstance(dct.get("tasks"), dict):
        return dct
    tasks: dict[str, Any] = dct["tasks"]
    ordered: dict[str, Any] = {}
    for key in tasks:
        chain = []
        while key in tasks and key not in ordered and key not in chain:
            chain.append(key)
            key = tasks[key].get("parent")
        for found in reversed(chain):
            ordered[found] = tasks[found]
    dct["tasks"] = ordered
    subprocesses = dct.get("subprocesses")
    if isinstance(subprocesses, dict):
        dct["subprocesses"] = {k: _parents_first(v) for k, v in subprocesses.items()}
    return dct


def ready_tasks(workflow: BpmnWorkflow) -> list[SpiffTask]:
    """Tasks waiting for Flowbridge: human tasks, copies and automatic nodes, in tree order."""
    return list(workflow.get_tasks(state=TaskState.READY, manual=True))


def find(workflow: BpmnWorkflow, task_id: UUID) -> SpiffTask:
    task = workflow.get_task_from_id(task_id)
    if task is None:
        raise EngineError(f"no task {task_id}")
    return task


def node_id(task: SpiffTask) -> str:
    """The BPMN element id of a task, as the deployed file spells it."""
    return original_id(str(getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name))


def set_data(workflow: BpmnWorkflow, task_id: UUID, values: dict[str, Any]) -> None:
    """Give a waiting task new values (a corrected form) before it completes."""
    find(workflow, task_id).data.update(values)


def complete(workflow: BpmnWorkflow, task_id: UUID, values: dict[str, Any]) -> None:
    """Complete a waiting task with ``values`` added to its data and move the workflow on."""
    task = find(workflow, task_id)
    if task.state != TaskState.READY:
        raise EngineError(f"task {node_id(task)} is not waiting")
    task.data.update(values)
    try:
        task.run()
    except SpiffWorkflowException as error:
        raise EngineError(str(error)) from error
    _run_engine(workflow)


def completed_tasks(workflow: BpmnWorkflow) -> list[SpiffTask]:
    """Human tasks already completed, in the order they were reached (return targets)."""
    done = workflow.get_tasks(state=TaskState.COMPLETED, manual=True)
    return sorted(done, key=lambda t: t.last_state_change)


def reset_to(workflow: BpmnWorkflow, task_id: UUID) -> None:
    """Return to a completed task: it waits again and everything after it is undone."""
    task = find(workflow, task_id)
    if task.state != TaskState.COMPLETED:
        raise EngineError(f"task {node_id(task)} was not completed")
    workflow.reset_from_task_id(task_id)
    _run_engine(workflow)


def without_prediction(state: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``state`` without the predicted future after waiting tasks (for a version move)."""
    tasks = {k: dict(v) for k, v in state.get("tasks", {}).items()}
    doomed: list[str] = []
    for task in tasks.values():
        if task["state"] == TaskState.READY:
            doomed += [str(c) for c in task.get("children", [])]
            task["children"] = []
    while doomed:
        removed = tasks.pop(doomed.pop(), None)
        if removed is not None:
            doomed += [str(c) for c in removed.get("children", [])]
    return {**state, "tasks": tasks}


def spec_names(state: dict[str, Any]) -> set[str]:
    """The task-spec (node) names a saved state refers to, sub-processes included."""
    names = {str(t["task_spec"]) for t in state.get("tasks", {}).values()}
    for sub in state.get("subprocesses", {}).values():
        names |= {str(t["task_spec"]) for t in sub.get("tasks", {}).values()}
    return names


def repredict(workflow: BpmnWorkflow) -> None:
    """After a move to another version: forget the predicted future and predict it anew."""
    for task in workflow.get_tasks(state=TaskState.READY):
        task._drop_children(force=True)
        mask = TaskState.PREDICTED_MASK | TaskState.FUTURE | TaskState.READY
        task.task_spec._predict(task, mask=mask)


def cancel(workflow: BpmnWorkflow) -> None:
    workflow.cancel()


def is_completed(workflow: BpmnWorkflow) -> bool:
    return bool(workflow.is_completed())


def last_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The data the workflow ended with (or its latest task's data while running)."""
    return dict(workflow.data or (workflow.last_task.data if workflow.last_task else {}))


class WorkflowCache:
    """Restored workflows kept in memory per case and revision, so a busy case is not re-read.

    :meth:`take` removes the entry: a workflow is only put back (with the new
    revision) after its transaction committed, so a rolled-back change never
    leaves a mutated workflow behind.
    """

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._items: OrderedDict[int, tuple[int, str, BpmnWorkflow]] = OrderedDict()

    def take(self, case_id: int, revision: int, digest: str) -> BpmnWorkflow | None:
        item = self._items.pop(case_id, None)
        if item is None or item[0] != revision or item[1] != digest:
            return None
        return item[2]

    def holds(self, case_id: int, revision: int) -> bool:
        """Whether the workflow of this revision of the case is in memory."""
        item = self._items.get(case_id)
        return item is not None and item[0] == revision

    def put(self, case_id: int, revision: int, digest: str, workflow: BpmnWorkflow) -> None:
        self._items[case_id] = (revision, digest, workflow)
        self._items.move_to_end(case_id)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()
