"""Everyone reads the responsibility list; the process office edits it."""

from __future__ import annotations

from typing import Any

from flowbridge.core.permissions import Action, Principal, Role, register_rule, register_scope
from flowbridge.responsibility.models import CoreProcess, ResponsibilityVersion


def responsibility_rule(p: Principal, action: Action, obj: Any) -> bool:
    if action == Action.VIEW:
        return True
    return p.has(Role.PROCESS_OFFICE)


def install() -> None:
    register_rule(CoreProcess, responsibility_rule)
    register_rule(ResponsibilityVersion, responsibility_rule)
    register_scope(CoreProcess, lambda p, qs: qs)
    register_scope(ResponsibilityVersion, lambda p, qs: qs)
