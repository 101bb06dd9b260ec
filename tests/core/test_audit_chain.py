"""The hash-chained audit log: appends verify; edits, deletions and insertions are detected."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from flowbridge.core import audit
from flowbridge.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(clock: Any) -> list[AuditEntry]:
    entries = []
    for n in range(5):
        entries.append(
            audit.record(
                None,
                "test.thing.update",
                object_type="test.thing",
                object_id=str(n),
                object_repr=f"thing {n}",
                changes={"n": [n, n + 1]},
            )
        )
        clock.advance(timedelta(minutes=1))
    return entries


def test_record_and_verify(chain: list[AuditEntry], admin_user: User) -> None:
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5]
    assert chain[1].prev_hash == chain[0].entry_hash
    entry = audit.record(admin_user, "test.thing.delete", admin_user, changes={"why": "test"})
    assert entry.actor_name == admin_user.username and entry.object_type == "auth.user"
    result = audit.verify()
    assert result.ok and result.checked == 6


def test_deleting_a_user_leaves_their_entries_and_the_chain_intact(
    chain: list[AuditEntry], django_user_model: type[User]
) -> None:
    user = django_user_model.objects.create_user("leaver")
    user_id = user.pk
    entry = audit.record(user, "test.thing.update", changes={"by": "leaver"})
    user.delete()
    kept = AuditEntry.objects.get(pk=entry.pk)
    assert kept.actor_id == user_id and kept.actor_name == "leaver"
    assert audit.verify().ok


def test_entries_refuse_save_and_delete(chain: list[AuditEntry]) -> None:
    with pytest.raises(RuntimeError):
        chain[0].save()
    with pytest.raises(RuntimeError):
        chain[0].delete()


@pytest.mark.parametrize(
    "field_value",
    [
        ("object_repr", "forged"),
        ("action", "test.thing.create"),
        ("changes", {"n": [0, 99]}),
        ("actor_name", "someone"),
    ],
)
def test_edited_entry_is_detected(chain: list[AuditEntry], field_value: tuple[str, Any]) -> None:
    field, value = field_value
    AuditEntry.objects.filter(seq=3).update(**{field: value})
    result = audit.verify()
    assert not result.ok
    assert (result.problem_seq, result.reason) == (3, "content does not match its hash")
    assert result.checked == 2


def test_edit_with_recomputed_hash_breaks_the_next_link(chain: list[AuditEntry]) -> None:
    row = AuditEntry.objects.get(seq=3)
    content = audit._content(
        row.seq, row.at, row.actor_id, row.actor_name, row.action, row.object_type,
        row.object_id, "forged", row.changes,
    )  # fmt: skip
    AuditEntry.objects.filter(seq=3).update(
        object_repr="forged", entry_hash=audit._hash(row.prev_hash, content)
    )
    result = audit.verify()
    assert (result.ok, result.problem_seq) == (False, 4)
    assert "previous-hash link broken" in result.reason


def test_deleted_middle_entry_is_detected(chain: list[AuditEntry]) -> None:
    AuditEntry.objects.filter(seq=3).delete()
    result = audit.verify()
    assert (result.ok, result.problem_seq) == (False, 3)
    assert "missing" in result.reason


def test_deleted_last_entry_is_detected(chain: list[AuditEntry]) -> None:
    AuditEntry.objects.filter(seq=5).delete()
    result = audit.verify()
    assert (result.ok, result.problem_seq, result.checked) == (False, 5, 4)
    assert "newest entries are missing" in result.reason


def test_deleted_middle_entry_with_renumbering_is_detected(chain: list[AuditEntry]) -> None:
    AuditEntry.objects.filter(seq=3).delete()
    for seq in (4, 5):
        AuditEntry.objects.filter(seq=seq).update(seq=seq - 1)
    AuditHead.objects.filter(id=1).update(seq=4)
    result = audit.verify()
    assert (result.ok, result.problem_seq) == (False, 3)


def test_inserted_entry_is_detected(chain: list[AuditEntry]) -> None:
    """A forged entry slipped in after #2, with a correct hash, the later ones renumbered."""
    for seq in (5, 4, 3):
        AuditEntry.objects.filter(seq=seq).update(seq=seq + 1)
    second = AuditEntry.objects.get(seq=2)
    forged_at = second.at + timedelta(seconds=30)
    content = audit._content(3, forged_at, None, "system", "test.forged", "", "", "", {})
    AuditEntry.objects.create(
        seq=3, at=forged_at, actor_name="system", action="test.forged", changes={},
        prev_hash=second.entry_hash, entry_hash=audit._hash(second.entry_hash, content),
    )  # fmt: skip
    result = audit.verify()
    assert (result.ok, result.problem_seq) == (False, 4)
    assert "previous-hash link broken" in result.reason


def test_appended_entry_outside_record_is_detected(chain: list[AuditEntry]) -> None:
    last = chain[-1]
    content = audit._content(6, last.at, None, "system", "test.forged", "", "", "", {})
    AuditEntry.objects.create(
        seq=6, at=last.at, actor_name="system", action="test.forged", changes={},
        prev_hash=last.entry_hash, entry_hash=audit._hash(last.entry_hash, content),
    )  # fmt: skip
    result = audit.verify()
    assert (result.ok, result.problem_seq) == (False, 6)
    assert "after the chain head" in result.reason


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_the_chain_intact() -> None:
    threads_count, per_thread = 8, 25
    errors: list[BaseException] = []
    start = threading.Barrier(threads_count)

    def append(worker: int) -> None:
        try:
            start.wait()
            for n in range(per_thread):
                audit.record(None, "test.concurrent", object_type="t", object_id=f"{worker}-{n}")
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=append, args=(w,)) for w in range(threads_count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    result = audit.verify()
    assert result.ok, result
    assert result.checked == threads_count * per_thread
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, threads_count * per_thread + 1))
