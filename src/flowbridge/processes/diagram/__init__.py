"""BPMN diagrams drawn as SVG from the file's DI coordinates (pure library: lxml, no Django)."""

from .model import DiagramUnavailable
from .render import NodeState, Overlay, render_svg

__all__ = ["DiagramUnavailable", "NodeState", "Overlay", "render_svg"]
