"""Tables shared by every app: the audit log and the company's working-time calendar."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One change to organization, responsibility list, calendar or accounts.

    Append-only: rows are never updated or deleted by the application, and
    each row's ``entry_hash`` covers its content and the previous row's hash,
    so ``flowbridge audit verify`` detects an edited or deleted row.
    """

    seq = models.PositiveBigIntegerField(unique=True, verbose_name=_("sequence"))
    at = models.DateTimeField(verbose_name=_("time"))
    # No database constraint and no cascade: deleting a user must not rewrite (and so
    # break) the chain; the name is kept in actor_name for entries whose user is gone.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(max_length=150, blank=True, verbose_name=_("actor name"))
    action = models.CharField(max_length=80, verbose_name=_("action"))
    object_type = models.CharField(max_length=80, blank=True, verbose_name=_("object type"))
    object_id = models.CharField(max_length=64, blank=True, verbose_name=_("object id"))
    object_repr = models.CharField(max_length=200, blank=True, verbose_name=_("object"))
    changes = models.JSONField(default=dict, blank=True, verbose_name=_("changes"))
    prev_hash = models.CharField(max_length=64, verbose_name=_("previous hash"))
    entry_hash = models.CharField(max_length=64, verbose_name=_("hash"))

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit entries are append-only")


class AuditHead(models.Model):
    """Single row holding the chain's tip; locking it serializes appends across processes."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.entry_hash[:12]}"


class CalendarSettings(models.Model):
    """The company's working hours (a single row)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    timezone = models.CharField(max_length=64, default="Asia/Shanghai", verbose_name=_("time zone"))
    # [["09:00", "12:00"], ["13:30", "18:00"]]: ordered, non-overlapping periods of a working day.
    working_periods = models.JSONField(default=list, verbose_name=_("working periods"))
    updated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("working-time settings")
        verbose_name_plural = _("working-time settings")

    def __str__(self) -> str:
        periods = ", ".join(f"{a}–{b}" for a, b in self.working_periods)  # noqa: RUF001
        return f"{periods} ({self.timezone})"


class CalendarOverride(models.Model):
    """A company exception to the statutory calendar: an extra closure or an extra working day."""

    date = models.DateField(unique=True, verbose_name=_("date"))
    is_working_day = models.BooleanField(verbose_name=_("working day"))
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("closed")
        return f"{self.date} {kind}"


class ConfirmedYear(models.Model):
    """A year the admin declares official after entering its arrangement as overrides.

    The holidays package carries the State Council's arrangement only once it is
    published; until then a year is refused. When the notice is out but the
    package is not yet updated, the admin enters the make-up days as overrides
    and confirms the year here.
    """

    year = models.PositiveSmallIntegerField(unique=True, verbose_name=_("year"))
    note = models.CharField(max_length=200, blank=True, verbose_name=_("note"))
    confirmed_at = models.DateTimeField(verbose_name=_("confirmed at"))

    class Meta:
        ordering = ["year"]
        verbose_name = _("confirmed year")
        verbose_name_plural = _("confirmed years")

    def __str__(self) -> str:
        return str(self.year)
