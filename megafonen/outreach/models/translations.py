"""Community translations of bulletin versions, the shared glossary, and read-aloud audio."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from megafonen.outreach.models.topics import Bulletin

if TYPE_CHECKING:
    from megafonen.outreach.models.questions import Answer
    from megafonen.outreach.models.topics import Topic


class TranslationQuerySet(models.QuerySet["Translation"]):
    def approved(self) -> TranslationQuerySet:
        return self.filter(status=Translation.Status.APPROVED)

    def open(self) -> TranslationQuerySet:
        return self.filter(status__in=Translation.OPEN_STATUSES)


class Translation(models.Model):
    """A partner's translation of one bulletin version into one language.

    It names its source version for good: when the topic gets a newer version, the
    translation is stale (``selectors.translation_is_stale``) and a new one is started from
    it, with the changed passages shown. Approval needs a peer (another person of the same
    partner) and, unless the partner's level allows self-approval, a city communicator.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for peer review")
        PEER_APPROVED = "peer_approved", _("Waiting for city review")
        APPROVED = "approved", _("Approved")
        DISCARDED = "discarded", _("Discarded")

    class Route(models.TextChoices):
        PARTNER = "partner", _("approved by the partner (its level allows it)")
        CITY = "city", _("approved by the city")

    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.PEER_APPROVED)

    # The source: a bulletin version, or an answer of the topic's questions and answers
    # (exactly one of the two, held by a check constraint).
    bulletin = models.ForeignKey(
        Bulletin,
        verbose_name=_("source version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="translations",
    )
    answer = models.ForeignKey(
        "outreach.Answer",
        verbose_name=_("source answer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="translations",
    )
    language = models.CharField(_("language"), max_length=20)
    partner = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="outreach_translations",
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=300)
    lead = models.TextField(_("summary"))
    body = models.TextField(_("text"), blank=True)
    instruction = models.TextField(_("what to do"), blank=True)
    started_from = models.ForeignKey(
        "self",
        verbose_name=_("started from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("translated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    peer_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    peer_reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    route = models.CharField(_("approval"), max_length=8, choices=Route.choices, blank=True)
    review_note = models.TextField(_("note from the reviewer"), blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)

    objects = TranslationQuerySet.as_manager()

    class Meta:
        ordering = ["language", "-created_at"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["bulletin", "language", "partner"],
                condition=Q(status__in=["draft", "submitted", "peer_approved"]),
                name="outreach_translation_one_open",
            ),
            models.UniqueConstraint(
                fields=["answer", "language", "partner"],
                condition=Q(status__in=["draft", "submitted", "peer_approved"]),
                name="outreach_answer_translation_one_open",
            ),
            models.CheckConstraint(
                condition=(Q(bulletin__isnull=False) & Q(answer__isnull=True))
                | (Q(bulletin__isnull=True) & Q(answer__isnull=False)),
                name="outreach_translation_one_source",
            ),
            models.CheckConstraint(
                condition=Q(peer_reviewed_by__isnull=True)
                | ~Q(peer_reviewed_by=F("translated_by")),
                name="outreach_translation_peer_is_another",
            ),
        ]
        indexes = [models.Index(fields=["bulletin", "language", "status"])]

    def __str__(self) -> str:
        return f"{self.source} · {self.language} · {self.partner}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def source(self) -> Bulletin | Answer:
        """The Swedish text translated: a bulletin version or an answer."""
        if self.bulletin_id is not None:
            return self.bulletin  # type: ignore[return-value]
        return self.answer  # type: ignore[return-value]

    @property
    def topic(self) -> Topic:
        return self.source.topic

    @property
    def is_answer(self) -> bool:
        return self.answer_id is not None


class GlossaryTerm(models.Model):
    """How a Swedish term is said in one language, shared by every partner and every crisis."""

    language = models.CharField(_("language"), max_length=20)
    term = models.CharField(_("Swedish term"), max_length=120)
    translation = models.CharField(_("translation"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("added by organisation"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["language", "term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")
        constraints = [
            models.UniqueConstraint(fields=["language", "term"], name="outreach_glossary_unique")
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.translation} ({self.language})"


class ReadAloud(models.Model):
    """A bulletin version read aloud in one language: generated offline with espeak-ng where
    a voice exists, or recorded and uploaded by an ambassador where none does."""

    class Kind(models.TextChoices):
        GENERATED = "generated", _("Synthetic voice")
        RECORDED = "recorded", _("Recorded by a person")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    bulletin = models.ForeignKey(
        Bulletin, on_delete=models.CASCADE, related_name="read_alouds", verbose_name=_("version")
    )
    language = models.CharField(_("language"), max_length=20)
    translation = models.ForeignKey(
        Translation, on_delete=models.CASCADE, null=True, blank=True, related_name="read_alouds"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("file"), upload_to="outreach/audio/", blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    size = models.PositiveIntegerField(default=0)
    # Which text was read: audio of an older text is never offered with a newer one.
    text_fingerprint = models.CharField(max_length=64)
    error = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("read-aloud audio")
        verbose_name_plural = _("read-aloud audio")
        indexes = [models.Index(fields=["bulletin", "language", "status"])]

    def __str__(self) -> str:
        return f"{self.bulletin} · {self.language} · {self.kind}"
