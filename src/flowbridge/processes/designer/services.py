"""Deploying a designed chain, drawing its preview, and reopening it from a stored version.

A designed chain deploys through :func:`flowbridge.processes.services.deploy`
like any uploaded file: the same judge, the same versions, the same audit
entries. Reopening reads the chain the writer embedded in the file, but only
while the file still says what that chain says: a version edited by hand in a
modeler is not silently replaced by its older chain.
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from flowbridge.core.errors import InvalidInput
from flowbridge.core.permissions import Action, require
from flowbridge.processes import services as process_services
from flowbridge.processes.bpmn_rules import BPMN_NS, CAMUNDA_NS, local
from flowbridge.processes.designer.bpmn_writer import DESIGNER_PROPERTY, chain_to_bpmn, process_id
from flowbridge.processes.designer.chain import Chain, parse_chain
from flowbridge.processes.diagram import render_svg
from flowbridge.processes.models import ProcessDefinition, ProcessVersion


def require_designer(actor: Any) -> None:
    """Refuse (NotAllowed) anyone but the process office, before a chain is even read."""
    require(actor, Action.CHANGE, ProcessDefinition)


def design_deploy(actor: Any, chain: Chain, *, note: str = "") -> ProcessVersion:
    """Deploy ``chain`` as the next version of process ``chain.key``.

    Only the process office may; an unchanged chain returns the current
    version (the file comes out byte for byte the same).
    """
    version, _created = design_deploy_file(actor, chain, note=note)
    return version


def design_deploy_file(actor: Any, chain: Chain, *, note: str = "") -> tuple[ProcessVersion, bool]:
    """:func:`design_deploy`, also saying whether a new version was stored."""
    require_designer(actor)
    data = chain_to_bpmn(chain).encode("utf-8")
    return process_services.deploy_file(
        actor,
        data,
        f"{chain.key}.bpmn",
        key=chain.key,
        name=chain.name,
        name_en=chain.name_en,
        note=note,
    )


def preview_svg(chain: Chain) -> str:
    """The diagram the chain would deploy with, as SVG markup."""
    return render_svg(chain_to_bpmn(chain), process_id=process_id(chain.key), title=chain.name)


def _read(xml: str) -> etree._Element | None:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        return etree.fromstring(xml.encode("utf-8"), parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def _process(root: etree._Element, wanted: str) -> etree._Element | None:
    return next(
        (p for p in root.iter(f"{{{BPMN_NS}}}process") if p.get("id") == wanted),
        None,
    )


def _embedded(process: etree._Element) -> Any:
    for prop in process.iterfind(
        f"{{{BPMN_NS}}}extensionElements/{{{CAMUNDA_NS}}}properties/{{{CAMUNDA_NS}}}property"
    ):
        if prop.get("name") == DESIGNER_PROPERTY:
            try:
                return json.loads(prop.get("value") or "")
            except ValueError:
                return None
    return None


def _signature(process: etree._Element) -> list[tuple[str, ...]]:
    """What a process runs: its elements, flows, conditions and flowbridge properties."""
    rows: list[tuple[str, ...]] = []
    for element in process.iter():
        if not isinstance(element.tag, str):
            continue
        name = local(element.tag)
        if name == "property" and element.get("name") != DESIGNER_PROPERTY:
            rows.append(("property", element.get("name") or "", element.get("value") or ""))
        elif name in ("formField", "constraint", "value"):
            rows.append((name, *sorted(f"{k}={v}" for k, v in element.attrib.items())))
        elif element.tag.startswith(f"{{{BPMN_NS}}}") and element.get("id"):
            attrs = sorted(f"{k}={v}" for k, v in element.attrib.items())
            rows.append((name, *attrs))
        elif name == "conditionExpression":
            rows.append((name, (element.text or "").strip()))
    return sorted(rows)


def chain_from_version(version: ProcessVersion) -> Chain | None:
    """The chain a version was designed from, or None when it was not designed (or was edited)."""
    root = _read(version.bpmn_xml)
    process = _process(root, version.bpmn_process_id) if root is not None else None
    payload = _embedded(process) if process is not None else None
    if process is None or not isinstance(payload, dict):
        return None
    try:
        chain = parse_chain(payload, check_references=False)
    except InvalidInput:
        return None
    regenerated = _read(chain_to_bpmn(chain))
    again = _process(regenerated, process_id(chain.key)) if regenerated is not None else None
    if again is None or _signature(again) != _signature(process):
        return None
    return chain


def designed(definition: ProcessDefinition) -> bool:
    """Whether the current version of ``definition`` reopens in the designer."""
    version = definition.versions.order_by("-number").first()
    return version is not None and chain_from_version(version) is not None
