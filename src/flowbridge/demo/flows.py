"""The demo company's three core processes as deployed BPMN files (``processes/*.bpmn``).

The files are drawn with their diagrams and follow docs/process-conventions.md:
assignment by ``head:requester``, ``department:``, ``responsible:`` (the demo's
responsibility lists) and ``role:``; a countersign, rework loops after a
rejection, an amount threshold to the general manager and parallel branches.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flowbridge.org.models import Department, Person
from flowbridge.processes.models import ProcessDefinition, ProcessVersion
from flowbridge.processes.services import deploy_file

FOLDER = Path(__file__).resolve().parent / "processes"
DEPLOY_NOTE = "演示流程初始版本"


@dataclass(frozen=True)
class Flow:
    key: str
    filename: str
    name_en: str
    owner: str  # department code that owns the process


FLOWS: tuple[Flow, ...] = (
    Flow("complaint", "complaint.bpmn", "Customer complaint handling", "cs"),
    Flow("order-fulfilment", "order-fulfilment.bpmn", "Order fulfilment", "sales"),
    Flow("requirement-review", "requirement-review.bpmn", "Product requirement review", "rd"),
)


def bpmn_of(flow: Flow) -> bytes:
    return (FOLDER / flow.filename).read_bytes()


def deploy_flows(pmo: Person) -> dict[str, ProcessVersion]:
    """Deploy every demo process as the process office; an unchanged file stores nothing new."""
    deployed: dict[str, ProcessVersion] = {}
    for flow in FLOWS:
        version, _created = deploy_file(
            pmo.user,
            bpmn_of(flow),
            flow.filename,
            key=flow.key,
            name_en=flow.name_en,
            note=DEPLOY_NOTE,
            owner=Department.objects.filter(code=flow.owner).first(),
        )
        deployed[flow.key] = version
    return deployed


def deployed_definitions() -> list[ProcessDefinition]:
    return list(ProcessDefinition.objects.filter(key__in=[f.key for f in FLOWS]))
