"""The requests API's actions: one POST per thing a person can do to a task or a request.

Each route reads its body (:func:`.api_schemas.body`: 422 naming the field
when malformed), resolves people by employee number, calls one service and
answers with the case as the caller now sees it. ``expected_revision`` makes
an action on a stale view a 409; the services check who may act.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.http import HttpRequest
from ninja import Router, Status

from flowbridge.cases import operations, services
from flowbridge.cases.api_input import (
    AddApproverIn,
    CommentIn,
    CopyIn,
    DecideIn,
    HandOverIn,
    ResubmitIn,
    ReturnIn,
    UrgeIn,
    WithdrawIn,
    actor_of,
    body,
    documented,
    people,
    person,
)
from flowbridge.cases.api_schemas import (
    CaseOut,
    CommentOut,
    TargetOut,
    case_out,
    ref,
)
from flowbridge.cases.models import Case

router = Router(tags=["requests"])


def _answer(request: HttpRequest, case: Case) -> CaseOut:
    actor = actor_of(request)
    return case_out(actor, services.case_of(actor, case.pk))


def _decide(request: HttpRequest, item_id: int, decision: str) -> CaseOut:
    payload = body(request, DecideIn)
    case = services.decide(
        actor_of(request),
        item_id,
        decision,
        comment=payload.comment,
        values=payload.values,
        expected_revision=payload.expected_revision,
    )
    return _answer(request, case)


@router.post(
    "/tasks/{item_id}/approve",
    response=CaseOut,
    url_name="task_approve",
    openapi_extra=documented(DecideIn),
)
def approve(request: HttpRequest, item_id: int) -> CaseOut:
    return _decide(request, item_id, "approved")


@router.post(
    "/tasks/{item_id}/reject",
    response=CaseOut,
    url_name="task_reject",
    openapi_extra=documented(DecideIn),
)
def reject(request: HttpRequest, item_id: int) -> CaseOut:
    """Reject (a ``comment`` saying why is required)."""
    return _decide(request, item_id, "rejected")


@router.post(
    "/tasks/{item_id}/done",
    response=CaseOut,
    url_name="task_done",
    openapi_extra=documented(DecideIn),
)
def done(request: HttpRequest, item_id: int) -> CaseOut:
    return _decide(request, item_id, "done")


@router.post(
    "/tasks/{item_id}/add-approver",
    response=CaseOut,
    url_name="task_add_approver",
    openapi_extra=documented(AddApproverIn),
)
def add_approver(request: HttpRequest, item_id: int) -> CaseOut:
    """加签: ``people`` (employee numbers) ``before``, ``after`` or ``parallel`` to you."""
    payload = body(request, AddApproverIn)
    chosen = people(payload.people, "people")
    case = operations.add_approver(
        actor_of(request),
        item_id,
        chosen,
        cast(Any, payload.position),
        comment=payload.comment,
        expected_revision=payload.expected_revision,
    )
    return _answer(request, case)


def _hand_over(request: HttpRequest, item_id: int, operation: Callable[..., Case]) -> CaseOut:
    """Transfer and delegate take the same payload and differ only in the operation."""
    payload = body(request, HandOverIn)
    case = operation(
        actor_of(request),
        item_id,
        person(payload.to, "to"),
        comment=payload.comment,
        expected_revision=payload.expected_revision,
    )
    return _answer(request, case)


@router.post(
    "/tasks/{item_id}/transfer",
    response=CaseOut,
    url_name="task_transfer",
    openapi_extra=documented(HandOverIn),
)
def transfer(request: HttpRequest, item_id: int) -> CaseOut:
    """转办: the task becomes ``to``'s."""
    return _hand_over(request, item_id, operations.transfer)


@router.post(
    "/tasks/{item_id}/delegate",
    response=CaseOut,
    url_name="task_delegate",
    openapi_extra=documented(HandOverIn),
)
def delegate(request: HttpRequest, item_id: int) -> CaseOut:
    """委托: ``to`` handles it and hands it back to you to decide."""
    return _hand_over(request, item_id, operations.delegate)


@router.post(
    "/tasks/{item_id}/return",
    response=CaseOut,
    url_name="task_return",
    openapi_extra=documented(ReturnIn),
)
def return_to(request: HttpRequest, item_id: int) -> CaseOut:
    """退回: to an earlier node (``target`` from return-targets) or to the requester."""
    payload = body(request, ReturnIn)
    case = operations.return_to(
        actor_of(request),
        item_id,
        payload.target,
        comment=payload.comment,
        expected_revision=payload.expected_revision,
    )
    return _answer(request, case)


@router.post(
    "/tasks/{item_id}/resubmit",
    response=CaseOut,
    url_name="task_resubmit",
    openapi_extra=documented(ResubmitIn),
)
def resubmit(request: HttpRequest, item_id: int) -> CaseOut:
    """The requester's corrected form values for a returned request."""
    payload = body(request, ResubmitIn)
    case = operations.resubmit(
        actor_of(request),
        item_id,
        payload.values,
        comment=payload.comment,
        expected_revision=payload.expected_revision,
    )
    return _answer(request, case)


@router.get(
    "/requests/{case_id}/return-targets", response=list[TargetOut], url_name="request_targets"
)
def return_targets(request: HttpRequest, case_id: int) -> list[TargetOut]:
    case = services.case_of(actor_of(request), case_id)
    return [TargetOut(id=node, name=name) for node, name in operations.return_targets(case)]


@router.post(
    "/requests/{case_id}/withdraw",
    response=CaseOut,
    url_name="request_withdraw",
    openapi_extra=documented(WithdrawIn),
)
def withdraw(request: HttpRequest, case_id: int) -> CaseOut:
    payload = body(request, WithdrawIn)
    case = operations.withdraw(
        actor_of(request),
        case_id,
        reason=payload.reason,
        expected_revision=payload.expected_revision,
    )
    return _answer(request, case)


@router.post(
    "/requests/{case_id}/urge",
    response=CaseOut,
    url_name="request_urge",
    openapi_extra=documented(UrgeIn),
)
def urge(request: HttpRequest, case_id: int) -> CaseOut:
    """催办: remind the people holding the request (409 when urged too recently)."""
    payload = body(request, UrgeIn)
    return _answer(request, operations.urge(actor_of(request), case_id, message=payload.message))


@router.post(
    "/requests/{case_id}/cc",
    response=CaseOut,
    url_name="request_cc",
    openapi_extra=documented(CopyIn),
)
def carbon_copy(request: HttpRequest, case_id: int) -> CaseOut:
    """抄送: let ``people`` (employee numbers) read the request."""
    payload = body(request, CopyIn)
    chosen = people(payload.people, "people")
    case = operations.carbon_copy(actor_of(request), case_id, chosen, note=payload.note)
    return _answer(request, case)


@router.post(
    "/requests/{case_id}/comments",
    response={201: CommentOut},
    url_name="request_comment",
    openapi_extra=documented(CommentIn),
)
def comment(request: HttpRequest, case_id: int) -> Status[CommentOut]:
    payload = body(request, CommentIn)
    row = operations.add_comment(actor_of(request), case_id, payload.text, item_id=payload.item_id)
    author = ref(row.author)
    assert author is not None
    return Status(
        201,
        CommentOut(
            id=row.pk, case_id=row.case_id, text=row.text, author=author, created_at=row.created_at
        ),
    )
