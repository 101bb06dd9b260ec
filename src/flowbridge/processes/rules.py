"""Everyone signed in sees process definitions; the process office deploys them."""

from __future__ import annotations

from typing import Any

from flowbridge.core.permissions import Action, Principal, Role, register_rule, register_scope
from flowbridge.processes.models import ProcessDefinition, ProcessVersion


def process_rule(p: Principal, action: Action, obj: Any) -> bool:
    if action == Action.VIEW:
        return True
    return p.has(Role.PROCESS_OFFICE)


def install() -> None:
    register_rule(ProcessDefinition, process_rule)
    register_rule(ProcessVersion, process_rule)
    register_scope(ProcessDefinition, lambda p, qs: qs)
    register_scope(ProcessVersion, lambda p, qs: qs)
