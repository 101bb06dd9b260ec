"""Who may see and change the working-time calendar.

Everyone signed in may view it; only system admins change it (admins pass
every check in :func:`flowbridge.core.permissions.may` before a rule is
asked, so the rule itself refuses every change). The audit log has no rule:
only admins and auditors, whom ``may`` lets view everything, see it.
"""

from __future__ import annotations

from typing import Any

from flowbridge.core.models import CalendarOverride, CalendarSettings, ConfirmedYear
from flowbridge.core.permissions import Action, Principal, register_rule, register_scope


def calendar_rule(p: Principal, action: Action, obj: Any) -> bool:
    return action == Action.VIEW


def install() -> None:
    for model in (CalendarSettings, CalendarOverride, ConfirmedYear):
        register_rule(model, calendar_rule)
        register_scope(model, lambda p, qs: qs)
