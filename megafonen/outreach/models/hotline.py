"""The hotline: who answers in which language when, and the calls the voice menu connected."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HotlineShiftQuerySet(models.QuerySet["HotlineShift"]):
    def covering(self, moment: object) -> HotlineShiftQuerySet:
        return self.filter(starts_at__lte=moment, ends_at__gt=moment)


class HotlineShift(models.Model):
    """An ambassador answers the hotline in one language from ``starts_at`` to ``ends_at``."""

    partner = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="hotline_shifts",
    )
    ambassador = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ambassador"),
        on_delete=models.PROTECT,
        related_name="hotline_shifts",
    )
    language = models.CharField(_("language"), max_length=20)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = HotlineShiftQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "language"]
        verbose_name = _("hotline shift")
        verbose_name_plural = _("hotline shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="outreach_shift_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["language", "starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.language} {self.starts_at:%Y-%m-%d %H:%M}"


class HotlineCall(models.Model):
    """A call to the hotline's number as the voice webhook saw it. The caller's number is never
    stored: only a keyed hash of the provider's call id, to follow the call between webhooks."""

    class State(models.TextChoices):
        MENU = "menu", _("Choosing a language")
        RINGING = "ringing", _("Ringing an ambassador")
        CONNECTED = "connected", _("Answered by an ambassador")
        FALLBACK = "fallback", _("Nobody on shift: fallback")
        ENDED = "ended", _("Ended")

    callid_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(_("language"), max_length=20, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.MENU)
    ambassador = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    partner = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Ambassadors rung so far (user ids), so a busy one is not rung twice.
    tried = models.JSONField(default=list)
    menu_attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    connected_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")
        indexes = [models.Index(fields=["ambassador", "started_at"])]

    def __str__(self) -> str:
        return f"hotline call {self.pk} · {self.language or '-'} · {self.state}"
