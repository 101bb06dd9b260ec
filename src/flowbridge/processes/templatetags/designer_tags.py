"""``{% load designer_tags %}``: ask whether a process reopens in the approval-chain designer."""

from __future__ import annotations

from django import template

from flowbridge.processes.designer.services import designed
from flowbridge.processes.models import ProcessDefinition

register = template.Library()


@register.filter
def is_designed(definition: ProcessDefinition) -> bool:
    """True when the current version was made with the designer (and not edited since)."""
    return designed(definition)
