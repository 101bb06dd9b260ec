"""Interview notes (M10): per activity, what people say beside what the log measured.

The same block — notes of a node next to its measured waiting, processing
and events — also stands beside each finding (:mod:`.views_findings`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from flowbridge.core.errors import InvalidInput, NotAllowed
from flowbridge.core.permissions import Action, may
from flowbridge.diagnosis import notes
from flowbridge.diagnosis.analysis import Analysis, NotReady
from flowbridge.diagnosis.interviews_forms import NoteForm
from flowbridge.diagnosis.models import Dataset, InterviewNote, Tag
from flowbridge.diagnosis.views_analysis import NONE, dataset_for, duration, not_ready, tab

TAG_LABELS = dict(Tag.choices)


def notes_by_activity(user: Any, dataset: Dataset) -> dict[str, list[dict[str, Any]]]:
    """The dataset's notes by activity (one query); ``mine``: written by ``user``."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rows = InterviewNote.objects.filter(dataset=dataset).select_related("author__person")
    for note in rows:
        person = getattr(note.author, "person", None) if note.author else None
        grouped[note.activity].append(
            {
                "note": note,
                "author": person.display_name
                if person
                else (note.author.get_username() if note.author else NONE),
                "tags": [str(TAG_LABELS.get(t, t)) for t in note.tags],
                "mine": note.author_id == user.pk,
            }
        )
    return dict(grouped)


def measured(analysis: Analysis) -> dict[str, dict[str, str]]:
    """Per activity its measured events, median waiting and median processing, as text."""
    figures: dict[str, dict[str, str]] = {}
    for activity, row in analysis.activity_times().items():
        figures[activity] = {
            "events": str(row.get("events", "")),
            "wait": duration(row.get("median_wait_seconds")),
            "processing": duration(row.get("median_processing_seconds")),
        }
    return figures


def node_blocks(
    activities: list[str],
    grouped: dict[str, list[dict[str, Any]]],
    figures: dict[str, dict[str, str]],
) -> list[dict[str, Any]]:
    return [
        {"activity": a, "notes": grouped.get(a, []), "measured": figures.get(a)} for a in activities
    ]


@login_required
@require_http_methods(["GET", "POST"])
def interviews(request: HttpRequest, dataset_id: int) -> HttpResponse:
    """Every activity with its notes and figures; a form to add a note."""
    dataset = dataset_for(request, dataset_id)
    try:
        analysis = Analysis(dataset)
        activities = sorted(analysis.activities())
        figures = measured(analysis)
    except NotReady as error:
        return not_ready(request, dataset, "interviews", error)
    status = 200
    chosen = request.GET.get("activity", "")
    form = NoteForm(initial={"activity": chosen}, activities=activities)
    if request.method == "POST":
        form = NoteForm(request.POST, activities=activities)
        if form.is_valid():
            data = form.cleaned_data
            try:
                notes.add_note(
                    request.user,
                    dataset,
                    activity=data["activity"],
                    estimated_minutes=data["estimated_minutes"],
                    pain_points=data["pain_points"],
                    tags=data["tags"],
                )
            except NotAllowed as error:
                raise PermissionDenied(error.message) from error
            except InvalidInput as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("Note added to %(activity)s.") % {"activity": data["activity"]}
                )
                return redirect("diagnosis:interviews", dataset_id=dataset.pk)
        status = 422
    grouped = notes_by_activity(request.user, dataset)
    return tab(
        request,
        dataset,
        "interviews",
        "interviews.html",
        {
            "form": form,
            "blocks": node_blocks(activities, grouped, figures),
            "may_add": may(request.user, Action.CHANGE, InterviewNote(dataset=dataset)),
        },
        status=status,
    )


@login_required
@require_POST
def delete_note(request: HttpRequest, dataset_id: int, note_id: int) -> HttpResponse:
    dataset = dataset_for(request, dataset_id)
    try:
        note = InterviewNote.objects.get(pk=note_id, dataset=dataset)
    except InterviewNote.DoesNotExist as error:
        raise Http404(_("No such note.")) from error
    try:
        notes.delete_note(request.user, note)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    messages.success(request, _("Note deleted."))
    return redirect("diagnosis:interviews", dataset_id=dataset.pk)
