"""Panels on the home page, contributed by apps.

The home page belongs to no single domain: organization shows the user's
department and liaison warnings now; later apps add "my tasks", overdue
items or KPIs. Each app registers a panel in its ``AppConfig.ready``; core
imports no app to render them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    """A template rendered on the home page with the context ``context(request)`` returns.

    ``context`` returns None when the panel has nothing to show this user.
    """

    name: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _panels[panel.name] = panel


def panels_for(request: HttpRequest) -> list[tuple[Panel, dict[str, Any]]]:
    """The panels to show, in order, each with its context."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(request)
        if context is not None:
            shown.append((panel, context))
    return shown
