"""Partner support levels: what the city commits and what a partner may do, defined as data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Capability(models.TextChoices):
    """What a level may allow. Each is a boolean field ``allows_<value>`` on ``SupportLevel``
    and is checked only through ``services.partner_capable`` (one function, one rule)."""

    SELF_APPROVE_TRANSLATIONS = (
        "self_approve_translations",
        _("Approve its own translations after peer review, without city review"),
    )
    BRIEFINGS = "briefings", _("Take part in the city's briefings")
    QUESTION_CHANNEL = "question_channel", _("Send residents' questions straight to the city")
    CALL_CAMPAIGNS = "call_campaigns", _("Run call campaigns")
    HOTLINE = "hotline", _("Run a hotline")
    TRAINING = "training", _("Get training from the city")
    STAFF_ALONGSIDE = "staff_alongside", _("Have city staff work beside the partner")


class SupportLevel(models.Model):
    """One level of city support, defined by city administrators (for example 1 to 4)."""

    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    city_commits = models.TextField(_("what the city commits"))
    partner_may = models.TextField(_("what the partner may do"))
    allows_self_approve_translations = models.BooleanField(
        Capability.SELF_APPROVE_TRANSLATIONS.label, default=False
    )
    allows_briefings = models.BooleanField(Capability.BRIEFINGS.label, default=False)
    allows_question_channel = models.BooleanField(Capability.QUESTION_CHANNEL.label, default=False)
    allows_call_campaigns = models.BooleanField(Capability.CALL_CAMPAIGNS.label, default=False)
    allows_hotline = models.BooleanField(Capability.HOTLINE.label, default=False)
    allows_training = models.BooleanField(Capability.TRAINING.label, default=False)
    allows_staff_alongside = models.BooleanField(Capability.STAFF_ALONGSIDE.label, default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("support level")
        verbose_name_plural = _("support levels")
        constraints = [
            models.CheckConstraint(condition=models.Q(rank__gte=1), name="outreach_level_rank_1_up")
        ]

    def __str__(self) -> str:
        return f"{self.rank} · {self.name}"

    def allows(self, capability: Capability | str) -> bool:
        return bool(getattr(self, f"allows_{Capability(capability).value}"))

    def capabilities(self) -> list[Capability]:
        return [capability for capability in Capability if self.allows(capability)]


class PartnerLevel(models.Model):
    """A partner's level on one topic from ``set_at`` on. Rows are only ever added: the
    latest row per topic and partner is the current level, the rest is the history. A row
    without a level ends the partner's part in the topic."""

    topic = models.ForeignKey(
        "outreach.Topic",
        verbose_name=_("topic"),
        on_delete=models.CASCADE,
        related_name="partner_levels",
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="outreach_levels",
    )
    level = models.ForeignKey(
        SupportLevel,
        verbose_name=_("level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    reason = models.CharField(_("why"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    set_at = models.DateTimeField(_("from"), default=timezone.now)

    class Meta:
        ordering = ["-set_at", "-pk"]
        verbose_name = _("partner level")
        verbose_name_plural = _("partner levels")
        indexes = [models.Index(fields=["topic", "organisation", "-set_at"])]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.topic} · {self.level or '-'}"
