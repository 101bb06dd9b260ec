"""The diagram of a version as inline SVG, through the diagram package when it is present."""

from __future__ import annotations

import importlib
import logging

from flowbridge.processes.models import ProcessVersion

log = logging.getLogger(__name__)


def diagram_svg(version: ProcessVersion) -> str | None:
    """SVG markup of the version's executable process, or None when it cannot be drawn."""
    try:
        module = importlib.import_module("flowbridge.processes.diagram")
    except ImportError:
        return None
    try:
        svg = module.render_svg(
            version.bpmn_xml.encode("utf-8"), process_id=version.bpmn_process_id
        )
    except Exception:  # a file without DI (or a drawing bug) must not break the page
        log.info("no diagram for %s", version, exc_info=True)
        return None
    return svg if isinstance(svg, str) else None
