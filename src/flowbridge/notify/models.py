"""In-app notifications: the first channel, and the outbox later channels read (M4).

A notification stores its ``kind`` and ``params``, not rendered text, so each
reader sees it in their own language.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from flowbridge.org.models import Person


class Notification(models.Model):
    """Something a person should know: a task for them, an urge, a copy, an outcome."""

    recipient = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(max_length=40, verbose_name=_("kind"))
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"
