"""The cross-department responsibility list (M3), versioned.

A version is an immutable snapshot of one core process's steps and of who
plays which part in each step. Every edit writes a whole new version, so any
two versions compare directly and nothing is ever overwritten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from flowbridge.org.models import Department, _localized


class CoreProcess(models.Model):
    """A core cross-department process, e.g. customer complaint handling (客户投诉处理)."""

    code = models.SlugField(max_length=40, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=100, verbose_name=_("name (Chinese)"))
    name_en = models.CharField(max_length=100, blank=True, verbose_name=_("name (English)"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    sort_order = models.PositiveIntegerField(default=0, verbose_name=_("sort order"))

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("core process")
        verbose_name_plural = _("core processes")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localized(self.name, self.name_en)


class ResponsibilityVersion(models.Model):
    """Version ``number`` of a process's responsibility list: who changed it, when, why."""

    process = models.ForeignKey(
        CoreProcess, on_delete=models.CASCADE, related_name="versions", verbose_name=_("process")
    )
    number = models.PositiveIntegerField(verbose_name=_("version"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    author_name = models.CharField(max_length=150, blank=True, verbose_name=_("author name"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    note = models.CharField(max_length=300, blank=True, verbose_name=_("note"))

    class Meta:
        ordering = ["process", "-number"]
        verbose_name = _("responsibility list version")
        verbose_name_plural = _("responsibility list versions")
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="responsibility_version")
        ]

    def __str__(self) -> str:
        return f"{self.process} v{self.number}"


class ResponsibilityStep(models.Model):
    """A step of the process as it stands in one version."""

    version = models.ForeignKey(
        ResponsibilityVersion,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=_("version"),
    )
    code = models.SlugField(max_length=40, verbose_name=_("code"))
    position = models.PositiveIntegerField(verbose_name=_("position"))
    name = models.CharField(max_length=100, verbose_name=_("name (Chinese)"))
    name_en = models.CharField(max_length=100, blank=True, verbose_name=_("name (English)"))

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="step_code_per_version")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localized(self.name, self.name_en)


class Part(models.TextChoices):
    """The part a department plays in a step (a RACI-style reading of the plan's terms)."""

    RESPONSIBLE = "responsible", _("Responsible")
    COLLABORATOR = "collaborator", _("Collaborator")
    CONSULTED = "consulted", _("Consulted")
    INFORMED = "informed", _("Informed")


class ResponsibilityAssignment(models.Model):
    """Department ``department`` plays ``part`` in ``step``; exactly one responsible per step."""

    step = models.ForeignKey(
        ResponsibilityStep,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("step"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    part = models.CharField(max_length=16, choices=Part.choices, verbose_name=_("part"))

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["step", "department"], name="one_part_per_department"),
            models.UniqueConstraint(
                fields=["step"],
                condition=models.Q(part="responsible"),
                name="one_responsible_per_step",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step}: {self.department} ({self.part})"
