"""What the task page and the request page show about a case: header, form, diagram, timeline.

One builder for both pages, so a requester and an approver see the same
facts; only the action forms differ (see :mod:`.views_tasks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from flowbridge.cases import queries
from flowbridge.cases.models import Attachment, Case, CaseEvent, Comment
from flowbridge.processes import forms
from flowbridge.processes.diagram import DiagramUnavailable, render_svg

# What each operation of the event log means, for people (the log keeps codes).
CLOSED = _("no longer needed to act")
OPERATIONS: dict[str, Any] = {
    "start": _("submitted the request"),
    "approve": _("approved"),
    "reject": _("rejected"),
    "done": _("marked it done"),
    "end": _("the request was completed"),
    "auto": _("ran automatically"),
    "cc": _("copied"),
    "unresolved": _("nobody found to handle it; sent to the process office"),
    "assigned": _("was assigned"),
    "unassigned": _("was sent to the process office"),
    "added_before": _("was added as approver (before)"),
    "added_after": _("was added as approver (after)"),
    "added_parallel": _("was added as approver (alongside)"),
    "add_approver": _("added an approver"),
    "transferred": _("received it by transfer"),
    "transfer": _("transferred it"),
    "delegated": _("received it by delegation"),
    "delegate": _("delegated it"),
    "hand_back": _("handed it back"),
    "returned": _("got it back to correct"),
    "return": _("returned it"),
    "resubmit": _("resubmitted"),
    "withdraw": _("withdrew the request"),
    "urge": _("urged"),
    "comment": _("commented"),
    "cancel": _("cancelled"),
}

STATUS_BADGE = {
    "running": "",
    "completed": "ok",
    "rejected": "err",
    "withdrawn": "warn",
    "cancelled": "warn",
}


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: an event or a comment."""

    at: datetime
    who: str
    department: str
    what: str
    activity: str
    text: str
    files: tuple[Attachment, ...] = ()
    kind: str = "event"


def _event_entry(event: CaseEvent) -> Entry:
    # An aborted item was closed by someone else's action (a return, a rejection,
    # a sibling's or-sign decision): its holder did nothing, so say so.
    aborted = event.lifecycle == "ate_abort"
    label = CLOSED if aborted else OPERATIONS.get(event.operation)
    attributes = event.attributes or {}
    return Entry(
        at=event.timestamp,
        who=event.person.display_name if event.person else "",
        department=event.department.display_name if event.department else "",
        what=str(label) if label is not None else event.operation,
        activity=event.activity,
        text=str(attributes.get("comment") or attributes.get("reason") or ""),
        kind=event.lifecycle,
    )


def _comment_entry(comment: Comment, files: tuple[Attachment, ...]) -> Entry:
    author = comment.author
    return Entry(
        at=comment.created_at,
        who=author.display_name,
        department=author.department.display_name if author.department_id else "",
        what=str(OPERATIONS["comment"]),
        activity="",
        text=comment.text,
        files=files,
        kind="comment",
    )


def timeline(case: Case) -> list[Entry]:
    """Events and comments in time order (comments bring their attachments)."""
    comments = list(case.comments.select_related("author__department").order_by("created_at"))
    by_comment: dict[int, list[Attachment]] = {}
    for attachment in case.attachments.filter(comment__isnull=False):
        by_comment.setdefault(attachment.comment_id or 0, []).append(attachment)
    entries = [
        _event_entry(e)
        for e in queries.timeline(case)
        if e.operation != "comment" and e.lifecycle != "start"
    ]
    entries += [_comment_entry(c, tuple(by_comment.get(c.pk, ()))) for c in comments]
    return sorted(entries, key=lambda e: e.at)


def diagram(case: Case) -> str | None:
    """The version's diagram with the case drawn on it, or None without diagram information."""
    version = case.version
    try:
        return render_svg(
            version.bpmn_xml,
            process_id=version.bpmn_process_id,
            overlay=queries.case_overlay(case),
        )
    except DiagramUnavailable:
        return None


def case_context(case: Case) -> dict[str, Any]:
    """Everything both pages show about ``case``."""
    spec = forms.form_for(case.version)
    return {
        "case": case,
        "status_badge": STATUS_BADGE.get(case.status, ""),
        "rows": forms.value_rows(spec, case.form_data),
        "files": list(case.attachments.filter(comment__isnull=True)),
        "svg": diagram(case),
        "timeline": timeline(case),
        "holders": queries.current_holders(case),
    }
