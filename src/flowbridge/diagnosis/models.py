"""Event logs kept for diagnosis (M10-M14): uploaded or built from the engine, and interview notes.

A :class:`Dataset` is one imported event log. Its events live in a Parquet
file under ``settings.DIAGNOSIS_ROOT`` (the canonical frame of
:class:`flowbridge.mining.EventLog`), never in database rows: mining reads
millions of events with Polars, not through the ORM. The row holds who owns
it, how it was read (column mapping, time zone, the import report) and the
state of its import job.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from flowbridge.org.models import Department
from flowbridge.processes.models import ProcessDefinition


class Source(models.TextChoices):
    UPLOAD = "upload", _("Uploaded file")
    ENGINE = "engine", _("Flowbridge requests")
    OCEL = "ocel", _("Object-centric log (OCEL)")


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting")
    IMPORTING = "importing", _("Importing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Dataset(models.Model):
    """One event log to diagnose, and the state of its import."""

    name = models.CharField(max_length=200, verbose_name=_("name"))
    source = models.CharField(
        max_length=10, choices=Source.choices, default=Source.UPLOAD, verbose_name=_("source")
    )
    # For engine datasets: the process whose requests make up the log.
    process = models.ForeignKey(
        ProcessDefinition,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="datasets",
        verbose_name=_("process"),
    )
    # The owning department, for department heads' permission to see it.
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("department"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))
    original_filename = models.CharField(
        max_length=255, blank=True, verbose_name=_("original file name")
    )
    # The uploaded file waiting for (or kept after a failed) import, relative to DIAGNOSIS_ROOT.
    upload_path = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name=_("status")
    )
    progress = models.FloatField(default=0.0, verbose_name=_("progress"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    # Column choices, time zone, file format, OCEL object type: how the file is read.
    mapping = models.JSONField(default=dict, blank=True, verbose_name=_("column mapping"))
    events = models.PositiveIntegerField(default=0, verbose_name=_("events"))
    cases = models.PositiveIntegerField(default=0, verbose_name=_("cases"))
    # {"rows_read", "rows_kept", "skipped": [{"reason", "count", "examples"}], "notes": [...]}
    import_report = models.JSONField(default=dict, blank=True, verbose_name=_("import report"))
    target_cycle_seconds = models.FloatField(
        null=True, blank=True, verbose_name=_("target cycle time (seconds)")
    )
    # Department name (as in the log) → cost per hour of its people.
    cost_per_hour = models.JSONField(default=dict, blank=True, verbose_name=_("cost per hour"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("import started"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("import finished"))
    # The id of the background task running the import (django-tasks result id).
    job_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        constraints = [
            models.UniqueConstraint(
                fields=["process"],
                condition=models.Q(source="engine"),
                name="diagnosis_one_engine_dataset_per_process",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def folder(self) -> Path:
        """This dataset's own folder under ``DIAGNOSIS_ROOT``."""
        return Path(settings.DIAGNOSIS_ROOT) / f"dataset-{self.pk}"

    @property
    def parquet_path(self) -> Path:
        """The imported log (canonical columns); it exists only once the import succeeded."""
        return self.folder / "events.parquet"

    @property
    def is_ready(self) -> bool:
        return self.status == Status.READY


class Tag(models.TextChoices):
    REDUNDANT = "redundant", _("Redundant")
    MISSING_INFORMATION = "missing_information", _("Missing information")
    WAITING = "waiting", _("Waiting")
    MANUAL_REWORK = "manual_rework", _("Manual rework")
    UNCLEAR_OWNER = "unclear_owner", _("Unclear owner")
    OTHER = "other", _("Other")


class InterviewNote(models.Model):
    """What a person doing the work says about one activity (node) of a dataset's process (M10)."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="notes", verbose_name=_("dataset")
    )
    activity = models.CharField(max_length=300, verbose_name=_("activity"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    estimated_minutes = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("estimated minutes")
    )
    pain_points = models.TextField(blank=True, verbose_name=_("pain points"))
    tags = models.JSONField(default=list, blank=True, verbose_name=_("tags"))
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["activity", "created_at", "pk"]
        verbose_name = _("interview note")
        verbose_name_plural = _("interview notes")
        indexes = [models.Index(fields=["dataset", "activity"])]

    def __str__(self) -> str:
        return f"{self.activity}: {self.pain_points[:40]}"
