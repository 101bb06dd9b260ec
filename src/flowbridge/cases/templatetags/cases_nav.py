"""The open-task count in the header (one query per page, only for signed-in people)."""

from __future__ import annotations

from typing import Any

from django import template

from flowbridge.cases.models import WorkItem, WorkStatus

register = template.Library()


@register.simple_tag(takes_context=True)
def open_task_count(context: Any) -> int:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return WorkItem.objects.filter(assignee__user_id=user.pk, status=WorkStatus.OPEN).count()
