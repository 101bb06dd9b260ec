"""Urging, copies and comments: on the record and notified, but no change to where a case stands.

These lock the case (so the event log keeps its order and the urge limit
holds under concurrency) but do not bump its revision: a comment must not
make someone's open approval page stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from flowbridge.cases import eventlog
from flowbridge.cases.acting import holders, is_office, running, user_of
from flowbridge.cases.models import Attachment, CarbonCopy, Case, CaseEvent, Comment, WorkItem
from flowbridge.cases.runtime import case_url, lock_case
from flowbridge.cases.services import person_of
from flowbridge.core import audit, clock
from flowbridge.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, Problem
from flowbridge.core.permissions import Action, may, require
from flowbridge.notify import services as notify
from flowbridge.org.models import Person
from flowbridge.processes.formclean import denied_name, max_upload_bytes

MAX_COMMENT = 5000
MAX_FILES = 10


def _params(case: Case, **extra: Any) -> dict[str, Any]:
    return {"case": case.reference, "title": case.title, **extra}


def urge(actor: Any, case_id: int, *, message: str = "") -> Case:
    """催办: remind the current holders; once per interval per case and person."""
    person = person_of(actor)
    with transaction.atomic():
        case = lock_case(case_id)
        if case.requester_id != person.pk and not is_office(actor):
            raise NotAllowed(_("Only the requester or the process office can urge a request."))
        running(case)
        now = clock.now()
        interval = timedelta(minutes=int(settings.FLOWBRIDGE_URGE_INTERVAL_MINUTES))
        last = (
            CaseEvent.objects.filter(case=case, operation="urge", person=person)
            .order_by("-timestamp")
            .first()
        )
        if last is not None and last.timestamp + interval > now:
            again = timezone.localtime(last.timestamp + interval)
            raise Conflict(
                _("You urged %(case)s at %(last)s; you can urge it again from %(again)s.")
                % {
                    "case": case.reference,
                    "last": timezone.localtime(last.timestamp).strftime("%Y-%m-%d %H:%M"),
                    "again": again.strftime("%Y-%m-%d %H:%M"),
                }
            )
        items = case.work_items.filter(status="open", assignee__isnull=False)
        rows = []
        for item in items.select_related("step", "assignee").order_by("id"):
            rows.append(
                eventlog.event(
                    case,
                    item.step.name,
                    item.step.node_id,
                    "note",
                    "urge",
                    person=person,
                    department=person.department,
                    step=item.step,
                    item=item,
                    attributes={"urged": item.assignee.employee_no if item.assignee else ""}
                    | ({"message": message.strip()[:500]} if message.strip() else {}),
                    at=now,
                )
            )
        if not rows:
            raise Conflict(_("Nobody holds %(case)s right now.") % {"case": case.reference})
        eventlog.save(rows)
        notify.send(
            holders(case),
            "urged",
            _params(case, person=person.display_name, message=message.strip()[:200]),
            url=case_url(case),
        )
        audit.record(actor, "cases.urge", case, changes={"message": message.strip()[:500]})
    return case


def carbon_copy(actor: Any, case_id: int, people: Sequence[Person], *, note: str = "") -> Case:
    """抄送: let more people read the case; each person is copied once."""
    person = person_of(actor)
    with transaction.atomic():
        case = lock_case(case_id)
        current = holders(case)
        if not (
            case.requester_id == person.pk
            or is_office(actor)
            or any(p.pk == person.pk for p in current)
        ):
            raise NotAllowed(
                _("Only the requester, the current holders or the process office can copy people.")
            )
        chosen = _copyable(case, people)
        CarbonCopy.objects.bulk_create(
            [CarbonCopy(case=case, person=p, by=person, created_at=clock.now()) for p in chosen]
        )
        numbers = [p.employee_no for p in chosen]
        extra = {"note": note.strip()[:500]} if note.strip() else {}
        eventlog.save(
            [
                eventlog.event(
                    case,
                    _("Carbon copy"),
                    "case:cc",
                    "note",
                    "cc",
                    person=person,
                    department=person.department,
                    attributes={"people": numbers, **extra},
                )
            ]
        )
        notify.send(
            chosen,
            "case_copied",
            _params(case, person=person.display_name, step=""),
            url=case_url(case),
        )
        audit.record(actor, "cases.cc", case, changes={"people": numbers, **extra})
    return case


def _copyable(case: Case, people: Sequence[Person]) -> list[Person]:
    """Active people not yet copied (the requester sees their request anyway)."""
    chosen: list[Person] = []
    problems: list[Problem] = []
    for index, person in enumerate(people):
        where = f"people[{index}]"
        if not isinstance(person, Person):
            problems.append(Problem(_("not a person"), where=where))
        elif not person.is_active:
            message = _("%(person)s is no longer active") % {"person": person.display_name}
            problems.append(Problem(message, where=where))
        elif person.pk == case.requester_id:
            problems.append(Problem(_("the requester sees the request anyway"), where=where))
        elif person not in chosen:
            chosen.append(person)
    if problems:
        raise InvalidInput(_("These people cannot be copied."), problems=problems)
    copied = set(
        CarbonCopy.objects.filter(case=case, person__in=chosen).values_list("person_id", flat=True)
    )
    fresh = [p for p in chosen if p.pk not in copied]
    if not fresh:
        raise InvalidInput(
            _("Everyone named is already copied on %(case)s.") % {"case": case.reference},
            problems=[Problem(_("nobody new to copy"), where="people")],
        )
    return fresh


def _check_files(files: Sequence[UploadedFile[Any]]) -> list[Problem]:
    problems: list[Problem] = []
    if len(files) > MAX_FILES:
        message = _("attach at most %(count)d files") % {"count": MAX_FILES}
        problems.append(Problem(message, where="files"))
    limit = max_upload_bytes()
    for index, upload in enumerate(files):
        name = str(getattr(upload, "name", "") or "")
        where = f"files[{index}]"
        if not isinstance(upload, UploadedFile):
            problems.append(Problem(_("upload the files as a multipart form"), where=where))
        elif denied_name(name):
            message = _('"%(name)s" is a program or script; such files are refused')
            problems.append(Problem(message % {"name": name[:80]}, where=where))
        elif (upload.size or 0) > limit:
            message = _('"%(name)s" is larger than %(mb)s MB')
            problems.append(
                Problem(
                    message % {"name": name[:80], "mb": f"{limit / 1024 / 1024:g}"}, where=where
                )
            )
    return problems


def add_comment(
    actor: Any,
    case_id: int,
    text: str,
    files: Sequence[UploadedFile[Any]] = (),
    *,
    item_id: int | None = None,
) -> Comment:
    """A remark with attachments by anyone who can see the case, optionally on their own task."""
    person = person_of(actor)
    files = list(files)
    problems: list[Problem] = []
    text = (text or "").strip()
    if not text and not files:
        problems.append(Problem(_("write a comment or attach a file"), where="text"))
    if len(text) > MAX_COMMENT:
        message = _("at most %(count)d characters") % {"count": MAX_COMMENT}
        problems.append(Problem(message, where="text"))
    problems += _check_files(files)
    if problems:
        raise InvalidInput(_("The comment cannot be saved."), problems=problems)
    with transaction.atomic():
        case = lock_case(case_id)
        if not may(user_of(actor), Action.VIEW, case):
            raise NotAllowed(_("You cannot see this request."))
        item = _own_item_of(case, person, item_id) if item_id is not None else None
        comment = Comment.objects.create(
            case=case, work_item=item, author=person, text=text, created_at=clock.now()
        )
        stored = [_store(case, comment, person, upload) for upload in files]
        step = item.step if item is not None else None
        eventlog.save(
            [
                eventlog.event(
                    case,
                    step.name if step else _("Comment"),
                    step.node_id if step else "case:comment",
                    "note",
                    "comment",
                    person=person,
                    department=person.department,
                    step=step,
                    item=item,
                    attributes={"comment": comment.pk, "files": [a.name for a in stored]},
                )
            ]
        )
        concerned = [p for p in [case.requester, *holders(case)] if p.pk != person.pk]
        notify.send(
            concerned,
            "comment",
            _params(case, person=person.display_name, text=text[:200]),
            url=case_url(case),
        )
        audit.record(
            actor, "cases.comment", comment, changes={"case": case.pk, "files": len(stored)}
        )
    return comment


def _own_item_of(case: Case, person: Person, item_id: int) -> WorkItem:
    item = WorkItem.objects.select_related("step").filter(pk=item_id, case=case).first()
    if item is None:
        raise InvalidInput(
            _("Task %(id)s is not part of %(case)s.") % {"id": item_id, "case": case.reference},
            problems=[Problem(_("not a task of this request"), where="item_id")],
        )
    if person.pk not in (item.assignee_id, item.owner_id, item.completed_by_id):
        raise NotAllowed(_("You can only comment on your own tasks."))
    return item


def _store(case: Case, comment: Comment, person: Person, upload: UploadedFile[Any]) -> Attachment:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    row = Attachment(
        case=case,
        comment=comment,
        name=(upload.name or "file")[:255],
        size=upload.size or 0,
        content_type=(upload.content_type or "")[:100],
        sha256=digest.hexdigest(),
        uploaded_by=person,
        uploaded_at=clock.now(),
    )
    row.file.save(upload.name or "file", upload, save=False)
    row.save()
    return row


def attachment_for(actor: Any, attachment_id: int) -> Attachment:
    """An attachment for download, if ``actor`` can see its case."""
    row = Attachment.objects.select_related("case").filter(pk=attachment_id).first()
    if row is None:
        raise NotFound(_("No attachment %(id)s.") % {"id": attachment_id})
    require(user_of(actor), Action.VIEW, row)
    return row
