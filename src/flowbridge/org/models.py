"""Departments, people, their roles, liaisons and delegations (M1, M2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from flowbridge.core.permissions import GRANTABLE_ROLES, ROLE_LABELS


def _localized(zh: str, en: str) -> str:
    """Pick the English name when the active language is English and one exists."""
    language = get_language() or "zh-hans"
    return en if language.startswith("en") and en else zh


class DepartmentKind(models.TextChoices):
    COMPANY = "company", _("Company")
    MANAGEMENT = "management", _("Management body")
    DIVISION = "division", _("Division")
    DEPARTMENT = "department", _("Department")


class Department(models.Model):
    """A node of the company tree: company → divisions → departments, plus management bodies."""

    code = models.SlugField(max_length=40, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=100, verbose_name=_("name (Chinese)"))
    name_en = models.CharField(max_length=100, blank=True, verbose_name=_("name (English)"))
    kind = models.CharField(
        max_length=20,
        choices=DepartmentKind.choices,
        default=DepartmentKind.DEPARTMENT,
        verbose_name=_("kind"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    head = models.ForeignKey(
        "Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
        verbose_name=_("head"),
    )
    sort_order = models.PositiveIntegerField(default=0, verbose_name=_("sort order"))
    # Bumped on every change; services compare it to refuse lost updates.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="department_not_own_parent"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localized(self.name, self.name_en)


class Person(models.Model):
    """Someone in the company; linked to a sign-in account when they have one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("account"),
    )
    employee_no = models.CharField(max_length=32, unique=True, verbose_name=_("employee number"))
    name = models.CharField(max_length=100, verbose_name=_("name"))
    name_en = models.CharField(max_length=100, blank=True, verbose_name=_("name (English)"))
    email = models.EmailField(blank=True, verbose_name=_("e-mail"))
    phone = models.CharField(max_length=32, blank=True, verbose_name=_("phone"))
    title = models.CharField(max_length=100, blank=True, verbose_name=_("job title"))
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("department"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("active"))

    class Meta:
        ordering = ["department__sort_order", "employee_no"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localized(self.name, self.name_en)


class PersonRole(models.Model):
    """A role granted explicitly; department head and liaison follow from the org chart."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("person")
    )
    role = models.CharField(
        max_length=32,
        # Lazy labels: evaluated eagerly they froze in the start-up language and the
        # migration autodetector saw a change whenever translations were compiled.
        choices=[(r.value, ROLE_LABELS[r]) for r in GRANTABLE_ROLES],
        verbose_name=_("role"),
    )

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["person", "role"], name="person_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.role}"


class Liaison(models.Model):
    """A department's point of contact for requests from other departments (at most two)."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="liaisons", verbose_name=_("department")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="liaison_for", verbose_name=_("person")
    )
    position = models.PositiveSmallIntegerField(default=1, verbose_name=_("position"))

    class Meta:
        ordering = ["department", "position"]
        verbose_name = _("liaison")
        verbose_name_plural = _("liaisons")
        constraints = [
            models.UniqueConstraint(fields=["department", "person"], name="liaison_unique"),
            models.UniqueConstraint(fields=["department", "position"], name="liaison_position"),
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=2), name="liaison_at_most_two"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.person}"


class Delegation(models.Model):
    """While ``person`` is away (``starts_on``..``ends_on`` inclusive), ``deputy`` acts for them."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="delegations", verbose_name=_("person")
    )
    deputy = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="deputy_for", verbose_name=_("deputy")
    )
    starts_on = models.DateField(verbose_name=_("away from"))
    ends_on = models.DateField(verbose_name=_("away until"))
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="delegation_dates_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("deputy")), name="delegation_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.deputy} ({self.starts_on}–{self.ends_on})"  # noqa: RUF001
