"""Pages in bulk: decide the tasks ticked in the inbox (批量审批), start from a CSV (批量发起).

A bulk decision reports like the other actions: a message per outcome and
back to the inbox. Each task succeeds or fails on its own; a failure names
the task, its request and the reason. A bulk start is all or none: every
problem is listed with its row, line and field, and nothing is started;
after a start the page lists the new requests (redirected, so reloading it
starts nothing twice).
"""

from __future__ import annotations

from typing import Any

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from flowbridge.cases import bulk
from flowbridge.cases import rows as _rows
from flowbridge.cases.models import Case, WorkItem
from flowbridge.cases.pageutil import http_errors, person_or_403
from flowbridge.core.errors import InvalidInput, Problem
from flowbridge.org.models import Person
from flowbridge.processes import forms
from flowbridge.processes.services import get_definition, get_version

MAX_FAILURES_SHOWN = 20
MAX_FILE_BYTES = 2 * 1024 * 1024
DECISIONS = ("approved", "rejected", "done")


def _failure_text(outcome: bulk.ItemOutcome, item: WorkItem | None) -> str:
    if item is None:
        return _("Task %(id)s: %(reason)s") % {"id": outcome.item_id, "reason": outcome.error}
    return _("%(step)s on %(ref)s %(title)s (task %(id)s): %(reason)s") % {
        "step": item.step.name,
        "ref": item.case.reference,
        "title": item.case.title,
        "id": item.pk,
        "reason": outcome.error,
    }


def _described(person: Person, ids: list[int]) -> dict[int, WorkItem]:
    """The failed items that are (or were) this person's, to name their task and request.

    Someone else's item is named by its id only: its request may not be one they can see.
    """
    rows = WorkItem.objects.select_related("step", "case").filter(pk__in=ids)
    return {i.pk: i for i in rows if person.pk in (i.assignee_id, i.owner_id)}


def _back(request: HttpRequest) -> str:
    back = request.POST.get("next", "")
    return back if back.startswith("/tasks/") and "//" not in back else reverse("cases:inbox")


@login_required
@require_POST
def decide_selected(request: HttpRequest) -> HttpResponse:
    """Approve, reject or mark done the tasks ticked in the inbox; report each outcome."""
    person = person_or_403(request)
    raw = request.POST.getlist("items")
    ids = [int(value) for value in raw if value.isdigit()]
    decision = request.POST.get("decision", "")
    if decision not in DECISIONS:
        messages.error(request, _("Choose approve, reject or mark done."))
        return redirect(_back(request))
    try:
        with http_errors():
            outcomes = bulk.decide_many(
                request.user, ids, decision, comment=request.POST.get("comment", "")
            )
    except InvalidInput as error:
        messages.error(request, error.message)
        return redirect(_back(request))
    decided = [o for o in outcomes if o.ok]
    failed = [o for o in outcomes if not o.ok]
    if decided:
        messages.success(
            request,
            ngettext("You decided %(count)d task.", "You decided %(count)d tasks.", len(decided))
            % {"count": len(decided)},
        )
    items = _described(person, [o.item_id for o in failed[:MAX_FAILURES_SHOWN]])
    for outcome in failed[:MAX_FAILURES_SHOWN]:
        messages.error(request, _failure_text(outcome, items.get(outcome.item_id)))
    if len(failed) > MAX_FAILURES_SHOWN:
        hidden = len(failed) - MAX_FAILURES_SHOWN
        messages.error(
            request,
            ngettext(
                "%(count)d more task could not be decided.",
                "%(count)d more tasks could not be decided.",
                hidden,
            )
            % {"count": hidden},
        )
    return redirect(_back(request))


class RowsForm(djforms.Form):
    """A CSV file, or rows pasted as text (with their header row)."""

    file = djforms.FileField(
        label=gettext_lazy("CSV file"),
        required=False,
        allow_empty_file=True,  # refused below with a message that says what a file needs
        help_text=gettext_lazy("UTF-8 (also with BOM) or GB18030, as Excel saves it."),
    )
    rows = djforms.CharField(
        label=gettext_lazy("Or paste the rows"),
        required=False,
        widget=djforms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=gettext_lazy("Header row first; comma- or tab-separated (copied from a sheet)."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, pasted = data.get("file"), (data.get("rows") or "").strip()
        if upload is None and not pasted:
            raise djforms.ValidationError(_("Choose a CSV file or paste the rows."))
        if upload is not None and pasted:
            raise djforms.ValidationError(_("Give a file or pasted rows, not both."))
        if upload is not None and (upload.size or 0) > MAX_FILE_BYTES:
            raise djforms.ValidationError(_("The file is larger than 2 MB."))
        return data

    def text(self) -> str:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return str(self.cleaned_data.get("rows") or "")
        return _rows.decode(upload.read())


def _started(request: HttpRequest, person: Person) -> list[Case]:
    ids = [int(v) for v in request.GET.get("started", "").split(",") if v.isdigit()][:500]
    rows = Case.objects.filter(pk__in=ids, requester=person)
    return list(rows.select_related("definition", "requester").order_by("pk"))


@login_required
@require_http_methods(["GET", "POST"])
def start_batch(request: HttpRequest, key: str) -> HttpResponse:
    """批量发起: one request per row of a CSV file (or pasted rows), all or none."""
    person = person_or_403(request)
    with http_errors():
        definition = get_definition(key)
        version = get_version(definition)
    spec = forms.form_for(version)
    problems: list[Problem] = []
    summary = ""
    status = 200
    form = RowsForm(request.POST, request.FILES) if request.method == "POST" else RowsForm()
    if request.method == "POST" and form.is_valid():
        rows = _rows.Rows()
        try:
            rows = _rows.parse_csv(form.text(), spec)
            with http_errors():
                cases = bulk.start_many(request.user, definition, rows.values)
        except InvalidInput as error:
            located = _rows.located(error, rows)
            summary, problems = located.message, located.problems or [Problem(located.message)]
        else:
            messages.success(
                request,
                ngettext("%(count)d request started.", "%(count)d requests started.", len(cases))
                % {"count": len(cases)},
            )
            started = ",".join(str(c.pk) for c in cases)
            return redirect(f"{reverse('cases:start_batch', args=[key])}?started={started}")
    if request.method == "POST":
        status = 422
    columns = [f for f in spec.fields if not f.readonly]
    return render(
        request,
        "cases/start_batch.html",
        {
            "definition": definition,
            "version": version,
            "form": form,
            "columns": [f for f in columns if f.type != "attachment"],
            "attachments": [f for f in columns if f.type == "attachment"],
            "header": ",".join(f.id for f in columns if f.type != "attachment"),
            "summary": summary,
            "problems": problems,
            "cases": _started(request, person) if request.method == "GET" else [],
        },
        status=status,
    )
