"""The POSTed actions: each validates its form, calls one service, and reports the outcome.

A bad form or a service's InvalidInput re-renders the page with the errors
next to the fields (422, nothing stored). A Conflict (someone else acted
first, or the page was stale) redirects to the fresh state with the
message. NotAllowed and NotFound are 403 and 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from flowbridge.cases import operations, services
from flowbridge.cases.models import Case, WorkItem
from flowbridge.cases.pageutil import add_problems, http_errors, split_values
from flowbridge.cases.views_tasks import (
    ITEM_ACTIONS,
    load_item,
    new_form,
    render_case,
    render_task,
    task_form,
)
from flowbridge.core.errors import Conflict, InvalidInput

CASE_ACTIONS = ("withdraw", "urge", "cc", "comment")


def _done_message(name: str, case: Case) -> str:
    texts = {
        "approve": _("You approved %(ref)s."),
        "reject": _("You rejected %(ref)s."),
        "done": _("You marked your task on %(ref)s done."),
        "add_approver": _("Approvers added to %(ref)s."),
        "transfer": _("%(ref)s was transferred."),
        "delegate": _("%(ref)s was delegated; it comes back to you to decide."),
        "return": _("%(ref)s was returned."),
        "resubmit": _("%(ref)s was resubmitted."),
        "withdraw": _("%(ref)s was withdrawn."),
        "urge": _("The people holding %(ref)s were urged."),
        "cc": _("%(ref)s was copied."),
        "comment": _("Your comment was added to %(ref)s."),
    }
    return texts[name] % {"ref": case.reference}


def _item_call(
    request: HttpRequest, name: str, item: WorkItem, form: Any, own: Any
) -> Callable[[], Any]:
    """The service call for an item action, with the form's values."""
    user, pk = request.user, item.pk
    data = form.cleaned_data
    if name == "resubmit":
        fields, uploads = split_values(form)
        return lambda: operations.resubmit(
            user,
            pk,
            fields,
            uploads,
            comment=request.POST.get("comment", ""),
            expected_revision=_revision(request),
        )
    revision = form.revision()
    comment = data.get("comment", "")
    if name in ("approve", "reject", "done"):
        decision = {"approve": "approved", "reject": "rejected", "done": "done"}[name]
        values: dict[str, Any] | None = None
        files: dict[str, Any] | None = None
        if own is not None:
            values, files = split_values(own)
        return lambda: services.decide(
            user,
            pk,
            decision,
            comment=comment,
            values=values,
            files=files,
            expected_revision=revision,
        )
    if name == "add_approver":
        people, position = list(data["people"]), data["position"]
        return lambda: operations.add_approver(
            user, pk, people, position, comment=comment, expected_revision=revision
        )
    if name == "transfer":
        return lambda: operations.transfer(
            user, pk, data["to"], comment=comment, expected_revision=revision
        )
    if name == "delegate":
        return lambda: operations.delegate(
            user, pk, data["to"], comment=comment, expected_revision=revision
        )
    target = data["target"]
    return lambda: operations.return_to(
        user, pk, target, comment=comment, expected_revision=revision
    )


def _revision(request: HttpRequest) -> int | None:
    raw = request.POST.get("expected_revision", "")
    return int(raw) if raw.isdigit() else None


@login_required
@require_POST
def item_action(request: HttpRequest, item_id: int, name: str) -> HttpResponse:
    if name not in ITEM_ACTIONS:
        raise Http404(_("Unknown action."))
    item = load_item(item_id)
    with http_errors():
        services.case_of(request.user, item.case_id)
    case = item.case
    form = new_form(name, case, item, data=request.POST, files=request.FILES)
    own = None
    if name in ("approve", "done"):
        own = task_form(item, request.POST, request.FILES)
    valid = form.is_valid() & (own is None or own.is_valid())
    if valid:
        try:
            with http_errors():
                _item_call(request, name, item, form, own)()
        except Conflict as error:
            messages.error(request, error.message)
            return redirect("cases:task", item_id=item.pk)
        except InvalidInput as error:
            target = own if own is not None and _names_fields(own, error) else form
            add_problems(target, error)
        else:
            messages.success(request, _done_message(name, case))
            return redirect("cases:inbox")
    return render_task(request, item, bound={name: form}, own_form=own, status=422)


def _names_fields(form: Any, error: InvalidInput) -> bool:
    return any(p.where in form.fields for p in error.problems)


def _case_call(request: HttpRequest, name: str, case: Case, form: Any) -> Callable[[], Any]:
    user, pk, data = request.user, case.pk, form.cleaned_data
    if name == "withdraw":
        revision = form.revision()
        return lambda: operations.withdraw(
            user, pk, reason=data.get("reason", ""), expected_revision=revision
        )
    if name == "urge":
        return lambda: operations.urge(user, pk, message=data.get("message", ""))
    if name == "cc":
        return lambda: operations.carbon_copy(
            user, pk, list(data["people"]), note=data.get("note", "")
        )
    raw_item = request.POST.get("item_id", "")
    item_id = int(raw_item) if raw_item.isdigit() else None
    return lambda: operations.add_comment(
        user, pk, data["text"], data.get("attachments") or [], item_id=item_id
    )


@login_required
@require_POST
def case_action(request: HttpRequest, case_id: int, name: str) -> HttpResponse:
    if name not in CASE_ACTIONS:
        raise Http404(_("Unknown action."))
    with http_errors():
        case = services.case_of(request.user, case_id)
    form = new_form(name, case, None, data=request.POST, files=request.FILES)
    back = request.POST.get("next", "")
    if form.is_valid():
        try:
            with http_errors():
                _case_call(request, name, case, form)()
        except Conflict as error:
            messages.error(request, error.message)
        except InvalidInput as error:
            add_problems(form, error)
            return render_case(request, case, bound={name: form}, status=422)
        else:
            messages.success(request, _done_message(name, case))
        if back.startswith("/tasks/") and name == "comment":
            return redirect(back)
        return redirect("cases:case", case_id=case.pk)
    return render_case(request, case, bound={name: form}, status=422)
