"""Element ids the engine keeps for itself, renamed in its copy of a file.

SpiffWorkflow names two internal steps of every process ``Start`` and
``End``; a BPMN element with one of those ids (common in hand-written files
and in our designer's output) would collide with them. The engine's copy
renames such elements and every reference to them; :func:`original_id`
gives the id the file uses, so steps, overlays and the event log keep the
modeler's names.
"""

from __future__ import annotations

from lxml import etree  # type: ignore[import-untyped]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
RESERVED = frozenset({"Start", "End", "Root"})
SUFFIX = "__flowbridge"
REFERENCE_ATTRIBUTES = ("sourceRef", "targetRef", "default", "attachedToRef")
REFERENCE_ELEMENTS = ("incoming", "outgoing", "flowNodeRef")


def engine_id(element_id: str) -> str:
    return element_id + SUFFIX if element_id in RESERVED else element_id


def original_id(engine_element_id: str) -> str:
    """The id in the deployed file for an id the engine uses."""
    base = engine_element_id.removesuffix(SUFFIX)
    return base if base in RESERVED else engine_element_id


def rename_reserved(process: etree._Element) -> None:
    """Rename reserved ids inside ``process`` and every reference to them."""
    for element in process.iter():
        if not isinstance(element.tag, str):
            continue
        element_id = element.get("id")
        if element_id in RESERVED:
            element.set("id", engine_id(element_id))
        for attribute in REFERENCE_ATTRIBUTES:
            value = element.get(attribute)
            if value in RESERVED:
                element.set(attribute, engine_id(value))
        if element.tag.rsplit("}", 1)[-1] in REFERENCE_ELEMENTS and element.tag.startswith(
            f"{{{BPMN_NS}}}"
        ):
            text = (element.text or "").strip()
            if text in RESERVED:
                element.text = engine_id(text)
