"""Send and read notifications.

Apps register the kinds they send with :func:`register_kind` (a lazy,
translatable text with ``%(name)s`` placeholders filled from ``params``);
:func:`send` stores one row per recipient in the caller's transaction, so a
rolled-back action notifies nobody.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet

from flowbridge.core import clock
from flowbridge.core.bulkwrite import insert_rows
from flowbridge.notify.models import Notification
from flowbridge.org.models import Person

_kinds: dict[str, Any] = {}


def register_kind(kind: str, text: Any) -> None:
    """Declare a kind of notification and its text, e.g. ``_("%(person)s urges you")``."""
    _kinds[kind] = text


def send(
    recipients: Iterable[Person],
    kind: str,
    params: Mapping[str, Any] | None = None,
    *,
    url: str = "",
) -> list[Notification]:
    """Notify each distinct active recipient once."""
    return send_many([(recipients, kind, params, url)])


def send_many(
    notices: Iterable[tuple[Iterable[Person], str, Mapping[str, Any] | None, str]],
) -> list[Notification]:
    """Several notices ``(recipients, kind, params, url)`` in one insert, a person once each."""
    now = clock.now()
    rows: list[Notification] = []
    for recipients, kind, params, url in notices:
        seen: set[int] = set()
        for person in recipients:
            if person.pk in seen or not person.is_active:
                continue
            seen.add(person.pk)
            rows.append(
                Notification(
                    recipient=person, kind=kind, params=dict(params or {}), url=url, created_at=now
                )
            )
    insert_rows(Notification, rows)
    return rows


def text_of(notification: Notification) -> str:
    """The notification in the active language; an unknown kind shows its name."""
    template = _kinds.get(notification.kind)
    if template is None:
        return notification.kind
    try:
        return str(str(template) % notification.params)
    except (KeyError, TypeError, ValueError):
        return str(template)


def for_person(person: Person, *, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=person)
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(person: Person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()


def mark_read(person: Person, ids: Iterable[int] | None = None) -> int:
    """Mark the person's notifications (all, or those ``ids``) read; returns how many changed."""
    rows = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=clock.now())
