"""Process definitions and their deployed versions (M9, M19).

A version is immutable: the BPMN exactly as uploaded (diagram included), its
checksum and the executable process it runs. Deploying a changed file makes
version n+1; cases started on a version stay on it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from flowbridge.org.models import Department, _localized


class ProcessDefinition(models.Model):
    """A process people can start, e.g. purchase approval (采购审批)."""

    key = models.SlugField(max_length=64, unique=True, verbose_name=_("key"))
    name = models.CharField(max_length=200, verbose_name=_("name (Chinese)"))
    name_en = models.CharField(max_length=200, blank=True, verbose_name=_("name (English)"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    owner = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner department"),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["key"]
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localized(self.name, self.name_en) or self.key


class ProcessVersion(models.Model):
    """Version ``number`` of a definition: the uploaded BPMN, who deployed it and when."""

    definition = models.ForeignKey(
        ProcessDefinition,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("process definition"),
    )
    number = models.PositiveIntegerField(verbose_name=_("version"))
    bpmn_xml = models.TextField(verbose_name=_("BPMN XML"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    bpmn_process_id = models.CharField(max_length=200, verbose_name=_("BPMN process id"))
    filename = models.CharField(max_length=255, blank=True, verbose_name=_("file name"))
    deployed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("deployed by"),
    )
    deployed_at = models.DateTimeField(verbose_name=_("deployed at"))
    note = models.CharField(max_length=300, blank=True, verbose_name=_("note"))

    class Meta:
        ordering = ["definition", "-number"]
        verbose_name = _("process version")
        verbose_name_plural = _("process versions")
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="process_version")
        ]

    def __str__(self) -> str:
        return f"{self.definition.key} v{self.number}"
