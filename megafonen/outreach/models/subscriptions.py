"""Residents' subscriptions to a topic, and the broadcasts that reach them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from megafonen.core.crypto import EncryptedTextField
from megafonen.messaging.models import Channel
from megafonen.outreach.models.topics import Bulletin, Topic


class Subscription(models.Model):
    """A phone number or e-mail address that wants a topic's bulletins in one language.

    No account: the resident proves the address is hers with a code (double opt-in) and
    manages the subscription through ``public_id``, an unguessable token in every message.
    The address is encrypted; ``contact_hash`` is messaging's keyed recipient hash, so equal
    addresses are found, and a global STOP (messaging's opt-out) matches, without decrypting.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    contact = EncryptedTextField(_("phone number or e-mail"))
    contact_hash = models.CharField(max_length=64)
    language = models.CharField(_("language"), max_length=20)
    # The language asked for in the latest request; it becomes ``language`` once confirmed.
    pending_language = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    public_id = models.CharField(max_length=40, unique=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "channel", "contact_hash"], name="outreach_subscription_unique"
            )
        ]
        indexes = [models.Index(fields=["topic", "status", "language"])]

    def __str__(self) -> str:
        # Never the address itself.
        return f"{self.topic} · {self.channel} · {self.language} · {self.status}"


class Broadcast(models.Model):
    """Sending one bulletin version to a topic's confirmed subscribers (or, after a
    translation is approved, to the subscribers of that language) through messaging.

    Every message carries the dedupe key ``outreach:<bulletin>:<language>:<subscription>``,
    so fanning out again after a crash queues nothing twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        FANNING_OUT = "fanning_out", _("Putting messages in the queue")
        DONE = "done", _("All messages are in the queue")
        FAILED = "failed", _("Stopped by an error")

    class Reason(models.TextChoices):
        PUBLISHED = "published", _("A version was published")
        TRANSLATED = "translated", _("A translation was approved")
        ANSWERED = "answered", _("A question was answered")

    # What is sent: a bulletin version, or an answer of the topic's questions and answers.
    bulletin = models.ForeignKey(
        Bulletin,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="broadcasts",
    )
    answer = models.ForeignKey(
        "outreach.Answer",
        verbose_name=_("answer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="broadcasts",
    )
    # Empty: every language. A language: only subscribers of that language.
    language = models.CharField(_("language"), max_length=20, blank=True)
    reason = models.CharField(_("why"), max_length=12, choices=Reason.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    queued = models.PositiveIntegerField(_("messages queued"), default=0)
    fallbacks = models.PositiveIntegerField(
        _("sent in Swedish for want of a translation"), default=0
    )
    language_counts = models.JSONField(default=dict)
    last_subscription_id = models.BigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")
        constraints = [
            models.UniqueConstraint(
                fields=["bulletin", "language"], name="outreach_broadcast_once_per_language"
            ),
            models.UniqueConstraint(
                fields=["answer", "language"], name="outreach_answer_broadcast_once"
            ),
            models.CheckConstraint(
                condition=(Q(bulletin__isnull=False) & Q(answer__isnull=True))
                | (Q(bulletin__isnull=True) & Q(answer__isnull=False)),
                name="outreach_broadcast_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bulletin or self.answer} · {self.language or '*'}"

    @property
    def topic(self) -> Topic:
        source = self.bulletin if self.bulletin_id is not None else self.answer
        return source.topic  # type: ignore[union-attr]

    @property
    def batch(self) -> str:
        return f"outreach.broadcast.{self.pk}"
