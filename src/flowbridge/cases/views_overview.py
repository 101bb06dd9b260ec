"""The running-cases overview on a process's page (for the process office, management, auditors).

The process page belongs to the processes app; it asks this module for the
overview so that definitions never depend on running cases.
"""

from __future__ import annotations

from typing import Any

from flowbridge.cases import queries
from flowbridge.cases.models import CaseStatus
from flowbridge.processes.diagram import DiagramUnavailable, render_svg
from flowbridge.processes.models import ProcessDefinition, ProcessVersion


def overview_context(
    actor: Any, definition: ProcessDefinition, version: ProcessVersion
) -> dict[str, Any] | None:
    """Running cases per node drawn on the diagram, totals and overdue; None for others."""
    if not queries.can_see_all(actor):
        return None
    data = queries.process_overview(version, definition)
    try:
        svg: str | None = render_svg(
            version.bpmn_xml, process_id=version.bpmn_process_id, overlay=data["overlay"]
        )
    except DiagramUnavailable:
        svg = None
    totals = [(label, data["totals"].get(code, 0), code) for code, label in CaseStatus.choices]
    return {
        "svg": svg,
        "totals": totals,
        "overdue": data["overdue"],
        "running_here": sum(data["per_node"].values()),
        "key": definition.key,
    }
