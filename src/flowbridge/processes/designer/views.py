"""Pages of the approval-chain designer: a new chain, or the chain of a designed process.

The page is a small vanilla-JS editor over the chain JSON; everything it
checks, draws or deploys goes through the designer API, so the page holds no
rules of its own. Its words come from here (gettext) as one JSON object.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from flowbridge.core.errors import NotFound
from flowbridge.core.permissions import ROLE_LABELS, Action, Role, may
from flowbridge.processes import services as process_services
from flowbridge.processes.designer.chain import Chain, chain_to_dict
from flowbridge.processes.designer.checks import ROLES
from flowbridge.processes.designer.services import chain_from_version
from flowbridge.processes.models import ProcessDefinition
from flowbridge.responsibility.models import CoreProcess


def _words() -> dict[str, str]:
    return {
        "approval": _("Approval"),
        "task": _("Task"),
        "cc": _("Copy to"),
        "auto": _("Set fields"),
        "condition": _("Condition"),
        "parallel": _("Parallel"),
        "start": _("Submit"),
        "end": _("End"),
        "add": _("Add a node here"),
        "up": _("Move up"),
        "down": _("Move down"),
        "remove": _("Remove"),
        "edit": _("Edit"),
        "add_branch": _("Add a branch"),
        "branch": _("Branch"),
        "default_branch": _("Otherwise"),
        "empty_branch": _("(nothing: go straight on)"),
        "name": _("Name (Chinese)"),
        "name_en": _("Name (English)"),
        "approvers": _("Who"),
        "add_approver": _("Add a person or rule"),
        "mode": _("How several people decide"),
        "sequential": _("One after another (依次)"),
        "countersign": _("Countersign: all must approve (会签)"),
        "or-sign": _("Or-sign: the first decision wins (或签)"),
        "countersign_rule": _("Countersign rule"),
        "rule_all": _("A rejection decides at once"),
        "rule_majority": _("Majority of votes"),
        "on_reject": _("When rejected"),
        "reject_end": _("The request ends as rejected"),
        "reject_route": _("Go on; a condition routes it (decision)"),
        "due": _("Time limit (e.g. 4h, 2d)"),
        "set": _("Fields to set"),
        "add_set": _("Add a field to set"),
        "expression": _("Expression"),
        "condition_text": _("Condition"),
        "structured": _("Field comparison"),
        "raw": _("Expression"),
        "field": _("Form field"),
        "op": _("Comparison"),
        "value": _("Value"),
        "in_hint": _("several values, separated by commas"),
        "person": _("Person"),
        "role": _("Role"),
        "requester": _("The requester"),
        "requester_head": _("Head of the requester's department"),
        "head_up": _("Head N levels above"),
        "levels": _("Levels"),
        "liaison": _("Liaison of a department"),
        "department": _("Department (whoever receives its requests)"),
        "responsible": _("Responsible department of a step"),
        "field_rule": _("Person or department chosen in the form"),
        "search_people": _("Type a name or employee number"),
        "choose": _("Choose…"),
        "nothing_selected": _("Select a node in the chain to edit it."),
        "id": _("Id (used in conditions)"),
        "label": _("Label (Chinese)"),
        "label_en": _("Label (English)"),
        "type": _("Type"),
        "required": _("Required"),
        "options": _("Options, one per line: id = 中文 | English"),
        "min": _("Minimum"),
        "max": _("Maximum"),
        "currency": _("Currency"),
        "help": _("Help text"),
        "no_fields": _("No form fields yet."),
        "problems": _("Problems"),
        "no_problems": _("No problems: ready to deploy."),
        "deploying": _("Deploying…"),
        "deploy_failed": _("Deploying failed"),
        "preview_failed": _("The preview cannot be drawn right now."),
        "nobody": _("nobody chosen yet"),
    }


def _options() -> dict[str, Any]:
    steps = []
    for process in CoreProcess.objects.order_by("sort_order", "code"):
        current = process.versions.order_by("-number").first()
        if current is None:
            continue
        for step in current.steps.order_by("position"):
            steps.append(
                {
                    "process": process.code,
                    "step": step.code,
                    "label": f"{process.display_name} / {step.display_name}",
                }
            )
    return {
        "roles": [{"value": r, "label": str(ROLE_LABELS[Role(r)])} for r in ROLES],
        "steps": steps,
        "words": _words(),
    }


def _starter() -> dict[str, Any]:
    return {
        "key": "",
        "name": "",
        "name_en": "",
        "withdraw": "until_acted",
        "title": "",
        "fields": [],
        "nodes": [
            {
                "type": "approval",
                "name": _("Department head approval"),
                "approvers": [{"type": "requester_head"}],
                "mode": "or-sign",
                "on_reject": "end",
            }
        ],
    }


def _page(
    request: HttpRequest, chain: Chain | None, definition: ProcessDefinition | None
) -> HttpResponse:
    return render(
        request,
        "processes/designer.html",
        {
            "definition": definition,
            "initial": chain_to_dict(chain) if chain is not None else _starter(),
            "options": _options(),
            "can_deploy": may(request.user, Action.CHANGE, ProcessDefinition),
        },
    )


@login_required
@require_GET
def design_new(request: HttpRequest) -> HttpResponse:
    return _page(request, None, None)


@login_required
@require_GET
def design_edit(request: HttpRequest, key: str) -> HttpResponse:
    try:
        definition = process_services.get_definition(key)
        version = process_services.get_version(definition)
    except NotFound as error:
        raise Http404(error.message) from error
    chain = chain_from_version(version)
    if chain is None:
        raise Http404(_("This process was not made with the designer."))
    return _page(request, chain, definition)
