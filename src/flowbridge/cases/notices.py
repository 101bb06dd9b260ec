"""The notifications requests send, with their texts (filled from the params each sender gives).

Every notice carries ``case`` (the reference) and ``title``; the others name
the step and the person who acted.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from flowbridge.notify.services import register_kind

KINDS: dict[str, Any] = {
    "task_assigned": _("%(case)s %(title)s: %(step)s is waiting for you."),
    "task_handed_back": _(
        "%(case)s %(title)s: %(person)s answered the task you delegated (%(step)s); you decide."
    ),
    "case_completed": _("Your request %(case)s %(title)s is completed."),
    "case_rejected": _("Your request %(case)s %(title)s was rejected."),
    "case_withdrawn": _("%(case)s %(title)s was withdrawn."),
    "case_cancelled": _("%(case)s %(title)s was cancelled."),
    "case_copied": _("%(case)s %(title)s was copied to you."),
    "urged": _("%(person)s urges you to handle %(case)s %(title)s. %(message)s"),
    "returned": _(
        "%(person)s returned %(case)s %(title)s from %(step)s to %(target)s: %(comment)s"
    ),
    "resubmitted": _("%(person)s corrected and resubmitted %(case)s %(title)s (%(step)s)."),
    "transferred": _("%(person)s transferred %(step)s of %(case)s %(title)s."),
    "delegated": _("%(person)s asks you to handle %(step)s of %(case)s %(title)s."),
    "added_approver": _(
        "%(person)s added you as an approver of %(step)s on %(case)s %(title)s; "
        "you will be asked when it is your turn."
    ),
    "comment": _("%(person)s commented on %(case)s %(title)s: %(text)s"),
}


def register() -> None:
    """Declare every kind the cases app sends (called when the app is ready)."""
    for kind, text in KINDS.items():
        register_kind(kind, text)
