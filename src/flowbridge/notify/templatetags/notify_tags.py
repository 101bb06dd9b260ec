"""The unread count on the header bell (one query per page, only for signed-in people)."""

from __future__ import annotations

from typing import Any

from django import template

from flowbridge.notify.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: Any) -> int:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient__user_id=user.pk, read_at__isnull=True).count()
