"""Task pages: the "My tasks" inbox and one task with its action forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from flowbridge.cases import forms as action
from flowbridge.cases import operations, queries, services
from flowbridge.cases.casepage import case_context
from flowbridge.cases.models import Case, Purpose, StepKind, WorkItem
from flowbridge.cases.pageutil import http_errors, person_or_403
from flowbridge.core import clock
from flowbridge.core.permissions import Role, principal_for
from flowbridge.processes import forms

TABS = ("all", "overdue", "today", "unassigned")
ITEM_ACTIONS = (
    "approve",
    "reject",
    "done",
    "add_approver",
    "transfer",
    "delegate",
    "return",
    "resubmit",
)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """My open work items; the process office also sees unassigned ones."""
    person = person_or_403(request)
    office = principal_for(request.user).has(Role.PROCESS_OFFICE)
    tab = request.GET.get("tab", "all")
    tab = tab if tab in TABS else "all"
    process = request.GET.get("process", "")
    q = request.GET.get("q", "").strip()[:100]
    rows = queries.inbox(
        person,
        process=process,
        q=q,
        overdue=True if tab == "overdue" else None,
        include_unassigned=office,
    )
    now = clock.now()
    end_of_day = now.replace(hour=23, minute=59, second=59)
    if tab == "today":
        rows = rows.filter(due_at__gte=now, due_at__lte=end_of_day)
    elif tab == "unassigned":
        rows = rows.filter(unassigned=True)
    items = list(rows[:200])
    processes = sorted({(i.case.definition.key, i.case.definition.display_name) for i in items})
    return render(
        request,
        "cases/inbox.html",
        {
            "items": items,
            "counts": queries.inbox_counts(person),
            "tab": tab,
            "process": process,
            "processes": processes,
            "q": q,
            "now": now,
            "end_of_day": end_of_day,
            "office": office,
        },
    )


def action_forms(
    case: Case,
    item: WorkItem | None,
    actions: set[str],
    bound: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One unbound form per allowed action (or the bound one that failed), with the revision."""
    revision = {"expected_revision": case.revision}
    made: dict[str, Any] = {}
    for name in sorted(actions):
        if bound and name in bound:
            made[name] = bound[name]
            continue
        made[name] = new_form(name, case, item, initial=revision)
    return {"actions": actions, "forms": made, "revision": case.revision}


def new_form(
    name: str,
    case: Case,
    item: WorkItem | None,
    *,
    data: Any = None,
    files: Any = None,
    initial: dict[str, Any] | None = None,
) -> Any:
    """The form for action ``name`` (bound when ``data`` is given)."""
    kwargs: dict[str, Any] = {"data": data, "initial": initial}
    if name in ("approve", "done"):
        return action.DecideForm(**kwargs)
    if name == "reject":
        return action.RejectForm(**kwargs)
    if name == "add_approver":
        return action.AddApproverForm(**kwargs)
    if name in ("transfer", "delegate"):
        return action.PersonForm(**kwargs)
    if name == "return":
        return action.ReturnForm(targets=operations.return_targets(case), **kwargs)
    if name == "resubmit":
        spec = forms.form_for(case.version)
        form = forms.django_form(spec, data=data, files=files, initial=case.form_data)
        form.partial = True
        form.prefix = "form"  # apart from the action's own fields (comment, revision)
        return form
    if name == "withdraw":
        return action.WithdrawForm(**kwargs)
    if name == "urge":
        return action.UrgeForm(**kwargs)
    if name == "cc":
        return action.CarbonCopyForm(**kwargs)
    if name == "comment":
        return action.CommentForm(files=files, **kwargs)
    raise Http404(_("Unknown action."))


def task_form(item: WorkItem, data: Any = None, files: Any = None) -> Any:
    """The task's own form fields (filled in when approving or marking done), or None."""
    spec = forms.form_for(item.case.version, item.step.node_id)
    if not spec:
        return None
    form = forms.django_form(spec, data=data, files=files, initial=item.case.form_data)
    form.prefix = "task"  # apart from the decision's own fields (comment, revision)
    return form


def load_item(item_id: int) -> WorkItem:
    item = (
        WorkItem.objects.select_related(
            "step", "case", "case__version", "case__definition", "case__requester"
        )
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404(_("No task %(id)s.") % {"id": item_id})
    return item


def render_task(
    request: HttpRequest,
    item: WorkItem,
    *,
    bound: dict[str, Any] | None = None,
    own_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    case = item.case
    actions = operations.available_actions(request.user, case, item)
    context = case_context(case)
    context.update(action_forms(case, item, actions, bound))
    context.update(
        {
            "item": item,
            "step": item.step,
            "is_approval": item.step.kind == StepKind.APPROVAL,
            "is_resubmit": item.purpose == Purpose.RESUBMIT,
            "own_form": own_form if own_form is not None else task_form(item),
            "now": clock.now(),
            "decide_form": context["forms"].get("approve") or context["forms"].get("done"),
            "next": reverse("cases:task", args=[item.pk]),
            "item_id": item.pk,
        }
    )
    return render(request, "cases/task.html", context, status=status)


@login_required
@require_GET
def task_page(request: HttpRequest, item_id: int) -> HttpResponse:
    """One task: the case, and the forms to act on it; a finished task sends you to the case."""
    item = load_item(item_id)
    with http_errors():
        services.case_of(request.user, item.case_id)
    if item.status != "open" or not item.case.is_running:
        messages.info(request, _("This task is no longer open; here is the request."))
        return redirect("cases:case", case_id=item.case_id)
    if not operations.available_actions(request.user, item.case, item) & set(ITEM_ACTIONS):
        return redirect("cases:case", case_id=item.case_id)
    return render_task(request, item)


def render_case(
    request: HttpRequest, case: Case, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The request page: the case and the actions the user may take on it."""
    actions = operations.available_actions(request.user, case)
    context = case_context(case)
    context.update(action_forms(case, None, actions, bound))
    context.update({"next": "", "item_id": None})
    context["my_items"] = list(
        case.work_items.filter(status="open", assignee__user_id=request.user.pk or 0).values_list(
            "pk", flat=True
        )
    )
    return render(request, "cases/case.html", context, status=status)
