"""Running requests: cases, the steps they pass, people's work items, and the event log (M19, M21).

A :class:`Case` is one run of a process version. SpiffWorkflow's task tree
is stored in ``engine_state``; everything people query (who holds what, since
when, due when) is materialized in :class:`Step` (one activation of a BPMN
node) and :class:`WorkItem` (one person's share of a step), so an inbox is a
plain indexed query. Every change appends a :class:`CaseEvent`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from flowbridge.org.models import Department, Person
from flowbridge.processes.models import ProcessDefinition, ProcessVersion


class CaseStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")


class Case(models.Model):
    """One request: who asked, on which version, with what form, and where it stands."""

    definition = models.ForeignKey(
        ProcessDefinition, on_delete=models.PROTECT, related_name="cases", verbose_name=_("process")
    )
    version = models.ForeignKey(
        ProcessVersion, on_delete=models.PROTECT, related_name="cases", verbose_name=_("version")
    )
    title = models.CharField(max_length=300, verbose_name=_("title"))
    requester = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="requests", verbose_name=_("requester")
    )
    # The requester's department when the request was made (people move; history must not).
    requester_department = models.ForeignKey(
        Department,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requester's department"),
    )
    status = models.CharField(
        max_length=20,
        choices=CaseStatus.choices,
        default=CaseStatus.RUNNING,
        verbose_name=_("status"),
    )
    form_data = models.JSONField(default=dict, verbose_name=_("form"))
    engine_state = models.JSONField(default=dict)
    # Bumped on every change; clients send it back to refuse acting on a stale view.
    revision = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField(verbose_name=_("started at"))
    ended_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ended at"))

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        indexes = [
            models.Index(fields=["requester", "status"], name="case_requester_status"),
            models.Index(fields=["definition", "status"], name="case_definition_status"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        """The number people quote, e.g. ``FB-000123``."""
        return f"FB-{self.pk:06d}" if self.pk else "FB-new"

    @property
    def is_running(self) -> bool:
        return self.status == CaseStatus.RUNNING


class StepKind(models.TextChoices):
    APPROVAL = "approval", _("Approval")
    TASK = "task", _("Task")
    CC = "cc", _("CC")
    AUTO = "auto", _("Automatic")


class ApprovalMode(models.TextChoices):
    SEQUENTIAL = "sequential", _("Sequential")
    COUNTERSIGN = "countersign", _("Countersign (all)")
    OR_SIGN = "or-sign", _("Or-sign (any one)")


class StepStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Step(models.Model):
    """One activation of a BPMN node in a case; a node run twice (after a return) has two steps."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    spiff_task_id = models.UUIDField()
    node_id = models.CharField(max_length=200, verbose_name=_("node"))
    name = models.CharField(max_length=300, verbose_name=_("name"))
    kind = models.CharField(max_length=20, choices=StepKind.choices, verbose_name=_("kind"))
    mode = models.CharField(max_length=20, choices=ApprovalMode.choices, verbose_name=_("mode"))
    status = models.CharField(
        max_length=20, choices=StepStatus.choices, default=StepStatus.OPEN, verbose_name=_("status")
    )
    outcome = models.CharField(max_length=20, blank=True, verbose_name=_("outcome"))
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(verbose_name=_("opened at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    due_at = models.DateTimeField(null=True, blank=True, verbose_name=_("due at"))

    class Meta:
        ordering = ["opened_at", "id"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        indexes = [
            models.Index(fields=["case", "status"], name="step_case_status"),
            models.Index(fields=["status", "node_id"], name="step_status_node"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.node_id}"


class WorkStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Purpose(models.TextChoices):
    DECIDE = "decide", _("Decide")
    RESUBMIT = "resubmit", _("Correct and resubmit")


class Origin(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    UNASSIGNED = "unassigned", _("Unassigned: sent to the process office")
    ADDED_BEFORE = "added_before", _("Added before")
    ADDED_AFTER = "added_after", _("Added after")
    ADDED_PARALLEL = "added_parallel", _("Added in parallel")
    TRANSFERRED = "transferred", _("Transferred")
    DELEGATED = "delegated", _("Delegated")
    RETURNED = "returned", _("Returned to the requester")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DONE = "done", _("Done")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    RESOLVED = "resolved", _("Handed back")


class WorkItem(models.Model):
    """One person's share of a step: to approve, to do, or to correct and resubmit.

    Items of a step are ordered in ``group``: the items of the lowest group
    not yet finished are open, later groups wait (sequential approval, an
    approver added after). Within a group the step's mode decides: all must
    approve (countersign) or the first decision wins (or-sign).
    """

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="work_items")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="work_items")
    assignee = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_items",
        verbose_name=_("assignee"),
    )
    # Delegation (委托): the owner hands the item to the assignee and gets it back to decide.
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A deputy standing in for someone away (org delegation).
    on_behalf_of = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.DECIDE)
    status = models.CharField(
        max_length=20, choices=WorkStatus.choices, default=WorkStatus.OPEN, verbose_name=_("status")
    )
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.ASSIGNED)
    group = models.PositiveSmallIntegerField(default=0)
    unassigned = models.BooleanField(default=False, verbose_name=_("unassigned"))
    decision = models.CharField(
        max_length=20, choices=Decision.choices, blank=True, verbose_name=_("decision")
    )
    comment = models.TextField(blank=True, verbose_name=_("comment"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    opened_at = models.DateTimeField(null=True, blank=True, verbose_name=_("opened at"))
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("completed at"))
    completed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True, verbose_name=_("due at"))

    class Meta:
        ordering = ["group", "id"]
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        indexes = [
            models.Index(fields=["assignee", "status"], name="workitem_assignee_status"),
            models.Index(fields=["case", "status"], name="workitem_case_status"),
            models.Index(fields=["status", "unassigned"], name="workitem_unassigned"),
        ]

    def __str__(self) -> str:
        return f"{self.step_id}:{self.assignee_id}:{self.status}"


class CaseEvent(models.Model):
    """One line of the event log: what happened to which case, when, by whom, where.

    ``lifecycle`` uses the XES standard transitions (start, complete, assign,
    reassign, withdraw, ate_abort, pi_abort, ...); ``operation`` says which
    Flowbridge action caused it (approve, reject, return, transfer, urge, ...).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    work_item = models.ForeignKey(
        WorkItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activity = models.CharField(max_length=300, verbose_name=_("activity"))
    activity_id = models.CharField(max_length=200, verbose_name=_("activity id"))
    lifecycle = models.CharField(max_length=20, verbose_name=_("lifecycle"))
    operation = models.CharField(max_length=40, verbose_name=_("operation"))
    timestamp = models.DateTimeField(verbose_name=_("time"))
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    process_key = models.CharField(max_length=64)
    version_number = models.PositiveIntegerField()
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["process_key", "timestamp"], name="event_process_time"),
            models.Index(fields=["case", "operation"], name="event_case_operation"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.activity} {self.lifecycle}"


class Comment(models.Model):
    """A remark on a case, optionally on one work item, with attachments."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    work_item = models.ForeignKey(
        WorkItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(verbose_name=_("comment"))
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:40]


class Attachment(models.Model):
    """A file on a case: a form field's upload or a comment's attachment."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    field_id = models.CharField(max_length=100, blank=True)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(max_length=255, verbose_name=_("file name"))
    size = models.PositiveBigIntegerField(verbose_name=_("size"))
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class CarbonCopy(models.Model):
    """Someone copied on a case (抄送): may read it, was notified."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="carbon_copies")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="carbon_copies")
    by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("carbon copy")
        verbose_name_plural = _("carbon copies")
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="cc_once")]

    def __str__(self) -> str:
        return f"{self.case_id}→{self.person_id}"
