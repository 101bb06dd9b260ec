"""The append-only, hash-chained audit log.

Each entry's hash covers its own content and the previous entry's hash, so
editing or deleting any row breaks the chain from that row on, and
:func:`verify` says where. Appends lock the single :class:`AuditHead` row,
which serializes writers on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction

from flowbridge.core import clock
from flowbridge.core.bulkwrite import insert_rows
from flowbridge.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str).encode()


def _content(
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: dict[str, Any],
) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "changes": changes,
    }


def _hash(prev_hash: str, content: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + _canonical(content)).hexdigest()


def _jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    # Round-trip so the stored JSON and the hashed JSON are the same values.
    result: dict[str, Any] = json.loads(json.dumps(changes, ensure_ascii=False, default=str))
    return result


@dataclass(frozen=True)
class Entry:
    """One entry to append: ``actor`` (a user, or None for the system) did ``action`` to ``obj``."""

    actor: Any
    action: str
    obj: models.Model | None = None
    changes: dict[str, Any] | None = None
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one entry: ``actor`` (a user or None for the system) did ``action`` to ``obj``.

    ``action`` is a dotted name such as ``org.department.update``; ``changes``
    maps field names to ``[old, new]`` or carries whatever describes the change.
    Call it inside the service's transaction so the entry commits with the change.
    """
    entry = Entry(actor, action, obj, changes, object_type, object_id, object_repr)
    return record_many([entry])[0]


def record_many(entries: list[Entry]) -> list[AuditEntry]:
    """Append ``entries`` in order under one lock of the chain head (a bulk operation's entries)."""
    if not entries:
        return []
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        seq, prev_hash = head.seq, head.entry_hash
        at = clock.now()
        rows = []
        for entry in entries:
            seq += 1
            row = _row(entry, seq, at, prev_hash)
            prev_hash = row.entry_hash
            rows.append(row)
        insert_rows(AuditEntry, rows)
        AuditHead.objects.filter(id=1).update(seq=seq, entry_hash=prev_hash)
    return rows


def _row(entry: Entry, seq: int, at: datetime, prev_hash: str) -> AuditEntry:
    obj = entry.obj
    object_type, object_id, object_repr = entry.object_type, entry.object_id, entry.object_repr
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    actor = entry.actor
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_name = actor.get_username() if actor is not None and actor_id is not None else "system"
    payload = _jsonable(entry.changes or {})
    content = _content(
        seq, at, actor_id, actor_name, entry.action, object_type, object_id, object_repr, payload
    )
    return AuditEntry(
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_name=actor_name,
        action=entry.action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes=payload,
        prev_hash=prev_hash,
        entry_hash=_hash(prev_hash, content),
    )


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    problem_seq: int | None = None
    reason: str = ""


def verify(batch_size: int = 2000) -> Verification:
    """Walk the whole chain and report the first entry that was edited, deleted or inserted."""
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    fields = [
        "seq", "at", "actor_id", "actor_name", "action", "object_type",
        "object_id", "object_repr", "changes", "prev_hash", "entry_hash",
    ]  # fmt: skip
    for row in AuditEntry.objects.order_by("seq").values(*fields).iterator(batch_size):
        if row["seq"] != expected_seq:
            return Verification(
                False, checked, expected_seq, f"entry {expected_seq} is missing (deleted)"
            )
        if row["prev_hash"] != prev_hash:
            return Verification(
                False, checked, row["seq"], "previous-hash link broken (an earlier entry changed)"
            )
        content = _content(
            row["seq"], row["at"], row["actor_id"], row["actor_name"], row["action"],
            row["object_type"], row["object_id"], row["object_repr"], row["changes"],
        )  # fmt: skip
        if _hash(prev_hash, content) != row["entry_hash"]:
            return Verification(False, checked, row["seq"], "content does not match its hash")
        prev_hash = row["entry_hash"]
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and head.seq > checked:
        return Verification(
            False, checked, checked + 1, "the newest entries are missing (chain head is ahead)"
        )
    if head is not None and head.seq < checked:
        return Verification(
            False, checked, head.seq + 1, "entries after the chain head were added outside record()"
        )
    if head is not None and head.entry_hash != prev_hash:
        return Verification(
            False, checked, checked, "the newest entry does not match the chain head"
        )
    if head is None and checked:
        return Verification(False, checked, 1, "the chain head is missing")
    return Verification(True, checked)
