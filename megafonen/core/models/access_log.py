from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccessLogEntry(models.Model):
    """Who read, exported or changed personal data, when, and why.

    Append-only: database triggers (migration 0002) reject every UPDATE and every DELETE that
    a retention purge (`AccessLogPurge`) has not opened, whatever path the statement takes.
    """

    class Action(models.TextChoices):
        READ = "read", pgettext_lazy("access log action", "read")
        EXPORT = "export", pgettext_lazy("access log action", "export")
        CREATE = "create", pgettext_lazy("access log action", "create")
        CHANGE = "change", pgettext_lazy("access log action", "change")
        DELETE = "delete", pgettext_lazy("access log action", "delete")

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the platform itself acted, for example a scheduled purge."),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    subject_type = models.CharField(_("record type"), max_length=100)
    subject_id = models.CharField(_("record"), max_length=64, blank=True)
    purpose = models.CharField(_("why"), max_length=300)
    # Names of fields, counts and filters: never the personal data itself.
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.subject_type}"


class AccessLogPurge(models.Model):
    """A retention purge of access log entries older than ``cutoff``.

    While ``is_open``, the database lets entries older than ``cutoff`` be deleted; the purge
    closes itself in the same transaction, so no other connection ever sees it open.
    """

    started_at = models.DateTimeField(default=timezone.now)
    cutoff = models.DateTimeField()
    is_open = models.BooleanField(default=True)
    purged_count = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("access log purge")
        verbose_name_plural = _("access log purges")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d} < {self.cutoff:%Y-%m-%d} ({self.purged_count})"
