from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from megafonen.core.crypto import EncryptedTextField


class Channel(models.TextChoices):
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    RETRY = "retry", _("Will be tried again")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Not sent: the recipient said stop")
    UNCERTAIN = "uncertain", _("Unknown: check before sending again")


# Statuses after which nothing more is sent; a receipt may still move SENT to DELIVERED/FAILED.
FINAL_STATUSES = frozenset(
    {
        MessageStatus.SENT,
        MessageStatus.DELIVERED,
        MessageStatus.FAILED,
        MessageStatus.SUPPRESSED,
        MessageStatus.UNCERTAIN,
    }
)


class OutboundMessage(models.Model):
    """One text message or e-mail to one recipient, from queueing to the provider's receipt.

    The recipient and the text are encrypted at rest; ``recipient_hash`` (a keyed hash) lets
    opt-outs and duplicates be found without decrypting anything.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient = EncryptedTextField(_("recipient"))
    recipient_hash = models.CharField(max_length=64, db_index=True)
    language = models.CharField(_("language"), max_length=20)
    subject = EncryptedTextField(_("subject"), blank=True)
    body = EncryptedTextField(_("text"))
    # What the message is for, e.g. "needs.answered" or "outreach.broadcast": never personal.
    purpose = models.CharField(_("purpose"), max_length=100)
    # Messages sent together (one broadcast) share a batch, for progress and figures.
    batch = models.CharField(_("batch"), max_length=100, blank=True, db_index=True)
    # Makes queueing idempotent: the same key never queues a second message.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The last attempt may or may not have reached the provider (a read timeout): before
    # trying again, ask the provider whether it has the message.
    last_attempt_ambiguous = models.BooleanField(default=False)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # The provider's error text, without recipient or content.
    last_error = models.CharField(max_length=300, blank=True)
    provider = models.CharField(max_length=20, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                name="messaging_pending",
                condition=Q(status__in=["queued", "retry"]),
            ),
            models.Index(fields=["batch", "status"], name="messaging_batch_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.purpose} ({self.get_status_display()})"


class OptOut(models.Model):
    """A recipient who said stop. Only the keyed hash of the address is kept."""

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(_("how"), max_length=40)  # "sms-stop", "unsubscribe-link", ...

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "recipient_hash"], name="messaging_optout_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} opt-out {self.created_at:%Y-%m-%d}"
