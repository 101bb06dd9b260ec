"""A case's open steps and work items, read once per operation and written in bulk.

An operation reads the rows it decides on from the :class:`Ledger` and
changes them in memory; nothing is written until the session is saved, when
:func:`flush` writes every new and changed row of one or many cases in a few
statements (one insert per table, one update per table and set of fields).
Because nothing reaches the database early, an operation that fails halfway
leaves nothing behind, which is what lets a bulk approval skip one bad item
and keep the others without a savepoint per item.

Invariant relied on: an open work item always belongs to an open step (a
step that closes cancels its pending items), so the open steps and their
items are everything an operation can act on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import models

from flowbridge.cases.models import Case, Step, StepStatus, WorkItem
from flowbridge.core.bulkwrite import insert_rows, update_rows

# Who holds an item is read on every decision; the rest is read when an operation needs it.
ITEM_RELATIONS = ("assignee", "owner")


class Ledger:
    """The rows of one case an operation works on, and which of them to write."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self._steps: list[Step] | None = None
        self._items: dict[int, list[WorkItem]] = {}
        self.new_steps: list[Step] = []
        self.new_items: list[WorkItem] = []
        self.new_rows: list[models.Model] = []
        self.changes: dict[int, tuple[models.Model, set[str]]] = {}

    # -- reading
    def steps(self) -> list[Step]:
        """Every step in play: the open ones read at the start, and the ones opened since."""
        if self._steps is None:
            load([self])
        assert self._steps is not None
        return self._steps

    def open_steps(self) -> list[Step]:
        return [s for s in self.steps() if s.status == StepStatus.OPEN]

    def items(self, step: Step) -> list[WorkItem]:
        """The step's work items in any status, in creation order."""
        self.steps()
        found = self._items.get(id(step))
        if found is None:  # a closed step read from elsewhere (returns look back)
            found = list(step.work_items.select_related(*ITEM_RELATIONS).order_by("id"))
            for item in found:
                item.step = step
            self._items[id(step)] = found
        return found

    def item(self, item_id: int) -> WorkItem | None:
        """A work item of an open step, or None (it is closed, or not of this case)."""
        for step in self.steps():
            for item in self._items.get(id(step), []):
                if item.pk == item_id:
                    return item
        return None

    def open_items(self) -> list[WorkItem]:
        return [i for s in self.open_steps() for i in self.items(s) if i.status == "open"]

    def start_empty(self) -> None:
        """A case created in this transaction has no rows to read."""
        self._steps = []

    # -- writing
    def add_step(self, step: Step) -> None:
        self.steps().append(step)
        self._items[id(step)] = []
        self.new_steps.append(step)

    def add_item(self, item: WorkItem) -> None:
        self.items(item.step).append(item)
        self.new_items.append(item)

    def add_row(self, row: models.Model) -> None:
        """Another new row written with the case (a carbon copy)."""
        self.new_rows.append(row)

    def changed(self, row: models.Model, *fields: str) -> None:
        """Write ``fields`` of ``row`` when the session is saved (new rows are written whole)."""
        if row.pk is None:
            return
        entry = self.changes.setdefault(id(row), (row, set()))
        entry[1].update(fields)

    @property
    def dirty(self) -> bool:
        return bool(self.new_steps or self.new_items or self.new_rows or self.changes)

    def clear(self) -> None:
        self.new_steps, self.new_items, self.new_rows = [], [], []
        self.changes = {}


def load(ledgers: Sequence[Ledger]) -> None:
    """Read the open steps and their items of every ledger's case: two queries for all of them."""
    todo = [ledger for ledger in ledgers if ledger._steps is None]
    if not todo:
        return
    for ledger in todo:
        ledger._steps = []
    # A case being started has nothing stored yet.
    by_case = {ledger.case.pk: ledger for ledger in todo if ledger.case.pk is not None}
    if not by_case:
        return
    steps = list(
        Step.objects.filter(case_id__in=list(by_case), status=StepStatus.OPEN).order_by("id")
    )
    by_step: dict[int, Step] = {}
    for step in steps:
        ledger = by_case[step.case_id]
        step.case = ledger.case
        assert ledger._steps is not None
        ledger._steps.append(step)
        ledger._items[id(step)] = []
        by_step[step.pk] = step
    items = WorkItem.objects.filter(step_id__in=list(by_step)).select_related(*ITEM_RELATIONS)
    for item in items.order_by("id"):
        step = by_step[item.step_id]
        item.step, item.case = step, step.case
        by_case[step.case_id]._items[id(step)].append(item)


def flush(ledgers: Iterable[Ledger]) -> None:
    """Write the new and changed rows of all ``ledgers``: a few statements whatever their number."""
    ledgers = [ledger for ledger in ledgers if ledger.dirty]
    if not ledgers:
        return
    insert_rows(Step, [s for ledger in ledgers for s in ledger.new_steps])
    insert_rows(WorkItem, [i for ledger in ledgers for i in ledger.new_items])
    rows: dict[type[models.Model], list[models.Model]] = defaultdict(list)
    for ledger in ledgers:
        for row in ledger.new_rows:
            rows[type(row)].append(row)
    for model, batch in rows.items():
        insert_rows(model, batch)
    updates: dict[tuple[type[models.Model], tuple[str, ...]], list[models.Model]] = defaultdict(
        list
    )
    for ledger in ledgers:
        for row, fields in ledger.changes.values():
            updates[(type(row), tuple(sorted(fields)))].append(row)
    for (model, names), batch in updates.items():
        update_rows(model, batch, names)
    for ledger in ledgers:
        ledger.clear()
