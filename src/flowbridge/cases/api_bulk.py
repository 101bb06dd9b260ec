"""The requests API in bulk: 批量审批 (decide many tasks) and 批量发起 (start many requests).

Bodies are read like every other route (:func:`.api_input.body`: 422 naming
the field); the rules are :mod:`.bulk`'s. A bulk decision answers 200 even
when some items failed: each item reports its own outcome. A bulk start is
all or none: one bad row is a 422 naming ``rows[i].field`` and nothing starts.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from flowbridge.cases import bulk
from flowbridge.cases.api_input import actor_of, body, documented

router = Router(tags=["requests"])


class DecideManyIn(Schema):
    items: list[int] = Field(..., description="work item ids, at most 500")
    decision: Literal["approved", "rejected", "done"]
    comment: str = Field("", description="required to reject")


class StartManyIn(Schema):
    process: str
    rows: list[dict[str, Any]] = Field(..., description="one object of form values per request")
    version: int | None = None


class ItemResultOut(Schema):
    item_id: int
    ok: bool
    case_id: int | None
    reference: str | None
    status: str | None
    error: str


class DecidedOut(Schema):
    decided: int
    failed: int
    results: list[ItemResultOut]


class StartedCaseOut(Schema):
    id: int
    reference: str
    title: str
    status: str


class StartedOut(Schema):
    started: int
    requests: list[StartedCaseOut]


def _result(outcome: bulk.ItemOutcome) -> ItemResultOut:
    case = outcome.case
    return ItemResultOut(
        item_id=outcome.item_id,
        ok=outcome.ok,
        case_id=case.pk if case is not None else None,
        reference=case.reference if case is not None else None,
        status=case.status if case is not None else None,
        error=outcome.error,
    )


@router.post(
    "/tasks/decide",
    response=DecidedOut,
    url_name="task_decide_many",
    openapi_extra=documented(DecideManyIn),
)
def decide_many(request: HttpRequest) -> DecidedOut:
    """批量审批: decide many of your open tasks the same way; each item succeeds or fails alone."""
    payload = body(request, DecideManyIn)
    outcomes = bulk.decide_many(
        actor_of(request), payload.items, payload.decision, comment=payload.comment
    )
    results = [_result(o) for o in outcomes]
    decided = sum(1 for r in results if r.ok)
    return DecidedOut(decided=decided, failed=len(results) - decided, results=results)


@router.post(
    "/requests/batch",
    response={201: StartedOut},
    url_name="request_start_many",
    openapi_extra=documented(StartManyIn),
)
def start_many(request: HttpRequest) -> Status[StartedOut]:
    """批量发起: one request per row of form values, all or none (attachments cannot be given)."""
    payload = body(request, StartManyIn)
    cases = bulk.start_many(
        actor_of(request), payload.process, payload.rows, version_number=payload.version
    )
    started = [
        StartedCaseOut(id=c.pk, reference=c.reference, title=c.title, status=c.status)
        for c in cases
    ]
    return Status(201, StartedOut(started=len(started), requests=started))
