"""The home page's "My tasks" panel: counts and the oldest few open tasks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from flowbridge.cases import queries
from flowbridge.core.home import Panel, register_panel
from flowbridge.org.models import Person


def my_tasks(request: HttpRequest) -> dict[str, Any] | None:
    person = Person.objects.filter(user_id=getattr(request.user, "pk", None) or 0).first()
    if person is None:
        return None
    return {
        "counts": queries.inbox_counts(person),
        "items": list(queries.inbox(person)[:5]),
    }


def install() -> None:
    register_panel(Panel("my_tasks", "cases/panels/my_tasks.html", my_tasks, order=10))
