from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from megafonen.core.roles import ROLE_ORGANISATION_KINDS, OrganisationKind, Role


class Language(models.Model):
    """A language people speak, read or write: wider than the interface languages."""

    class Direction(models.TextChoices):
        LEFT_TO_RIGHT = "ltr", _("Left to right")
        RIGHT_TO_LEFT = "rtl", _("Right to left")

    code = models.CharField(_("code"), max_length=20, primary_key=True)
    endonym = models.CharField(_("name in the language itself"), max_length=100)
    english_name = models.CharField(_("name in English"), max_length=100)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.LEFT_TO_RIGHT
    )

    class Meta:
        ordering = ["english_name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return f"{self.endonym} ({self.english_name})"


class District(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    description = models.TextField(_("description"), blank=True)
    # A shared mailbox, never a person's own address.
    contact_email = models.EmailField(_("shared contact e-mail"), blank=True)
    districts = models.ManyToManyField(
        District, verbose_name=_("districts"), blank=True, related_name="organisations"
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        now = timezone.now()
        return self.filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
            starts_at__lte=now,
            organisation__is_active=True,
            user__is_active=True,
        )


class Membership(models.Model):
    """A person holds a role in an organisation; the role and organisation bound what she sees."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    starts_at = models.DateTimeField(_("starts"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="core_membership_unique_role"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="core_membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"

    def clean(self) -> None:
        if self.organisation_id is None or not self.role:
            return
        allowed = ROLE_ORGANISATION_KINDS[Role(self.role)]
        if self.organisation.kind not in allowed:
            raise ValidationError(
                {
                    "role": _(
                        "The role “%(role)s” does not exist in an organisation of the kind "
                        "“%(kind)s”."
                    )
                    % {
                        "role": self.get_role_display(),
                        "kind": self.organisation.get_kind_display(),
                    }
                }
            )
