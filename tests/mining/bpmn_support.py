"""Small BPMN files written in tests: elements and flows in a line each, no diagram."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs">\n'
)


def bpmn(
    elements: list[tuple[str, str, str]],
    flows: list[tuple[str, str]],
    *,
    process_id: str = "p1",
    extra: str = "",
) -> bytes:
    """A one-process BPMN file: ``elements`` are (tag, id, name), ``flows`` (source, target)."""
    lines = [HEAD, f'<process id="{process_id}" isExecutable="true">']
    for tag, element_id, name in elements:
        lines.append(f"<{tag} id={quoteattr(element_id)} name={quoteattr(name)}/>")
    for number, (source, target) in enumerate(flows):
        lines.append(
            f'<sequenceFlow id="f{number}" sourceRef={quoteattr(source)}'
            f" targetRef={quoteattr(target)}/>"
        )
    lines.append(extra)
    lines.append("</process></definitions>")
    return "\n".join(lines).encode("utf-8")


def approval() -> bytes:
    """Submit, check, approve, then pay or reject, then archive."""
    return bpmn(
        [
            ("startEvent", "s", ""),
            ("userTask", "submit", "Submit"),
            ("serviceTask", "check", "Check"),
            ("userTask", "approve", "Approve"),
            ("exclusiveGateway", "x1", "approved?"),
            ("task", "pay", "Pay"),
            ("task", "reject", "Reject"),
            ("exclusiveGateway", "x2", ""),
            ("task", "archive", "Archive"),
            ("endEvent", "e", ""),
        ],
        [
            ("s", "submit"),
            ("submit", "check"),
            ("check", "approve"),
            ("approve", "x1"),
            ("x1", "pay"),
            ("x1", "reject"),
            ("pay", "x2"),
            ("reject", "x2"),
            ("x2", "archive"),
            ("archive", "e"),
        ],
    )
