"""Template filters for showing parts as badges."""

from __future__ import annotations

from django import template
from django.utils.translation import pgettext_lazy

from flowbridge.responsibility.models import Part

register = template.Library()

SHORT = {
    Part.RESPONSIBLE.value: pgettext_lazy("part badge", "R"),
    Part.COLLABORATOR.value: pgettext_lazy("part badge", "C"),
    Part.CONSULTED.value: pgettext_lazy("part badge", "Co"),
    Part.INFORMED.value: pgettext_lazy("part badge", "I"),
}


@register.filter
def part_short(part: str | None) -> str:
    """The one- or two-letter badge of a part (责 / 协 / 询 / 知 in Chinese)."""
    return str(SHORT.get(str(part), "")) if part else ""


@register.filter
def part_label(part: str | None) -> str:
    """The full name of a part, or an empty string for no part."""
    return str(Part(part).label) if part else ""
