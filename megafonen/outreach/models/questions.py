"""The question loop: what residents ask (in calls, on the hotline, on the topic page), sorted
by theme, answered once in Swedish by the city, and carried back in every language."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from megafonen.core.crypto import EncryptedTextField


class QuestionTheme(models.Model):
    """A group of questions about one thing ("Cooling rooms", "Medicines in the heat")."""

    topic = models.ForeignKey(
        "outreach.Topic", on_delete=models.CASCADE, related_name="question_themes"
    )
    name = models.CharField(_("theme"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("question theme")
        verbose_name_plural = _("question themes")
        constraints = [
            models.UniqueConstraint(fields=["topic", "name"], name="outreach_theme_unique")
        ]

    def __str__(self) -> str:
        return self.name


class AnswerQuerySet(models.QuerySet["Answer"]):
    def published(self) -> AnswerQuerySet:
        return self.filter(status=Answer.Status.PUBLISHED)


class Answer(models.Model):
    """An entry of the topic's questions and answers, written once in Swedish by a city
    communicator and translated by partners like a bulletin (``Translation.answer``). The text
    fields have the bulletin's names so translations, fingerprints and texts work alike:
    ``title`` is the question as the city words it, ``lead`` the answer."""

    class Status(models.TextChoices):
        PUBLISHED = "published", pgettext_lazy("answer status", "Published")
        WITHDRAWN = "withdrawn", pgettext_lazy("answer status", "Withdrawn")

    topic = models.ForeignKey(
        "outreach.Topic", verbose_name=_("topic"), on_delete=models.CASCADE, related_name="answers"
    )
    title = models.CharField(_("question"), max_length=300)
    lead = models.TextField(_("answer"), max_length=2000)
    body = models.TextField(_("more about it"), blank=True)
    instruction = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    administration = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    fingerprint = models.CharField(max_length=64)
    sent_to_subscribers = models.BooleanField(default=False)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Question(models.Model):
    """A resident's question, in her language, with where it came from. A way to reach her
    (to send the answer back) is optional, encrypted, and erased once the answer is sent."""

    class Source(models.TextChoices):
        CALL = "call", pgettext_lazy("question source", "Call")
        HOTLINE = "hotline", pgettext_lazy("question source", "Hotline")
        WEB = "web", pgettext_lazy("question source", "Topic page")
        PARTNER = "partner", pgettext_lazy("question source", "Heard by a partner")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("question status", "Open")
        ANSWERED = "answered", pgettext_lazy("question status", "Answered")
        DISMISSED = "dismissed", pgettext_lazy("question status", "Set aside")

    class Reply(models.TextChoices):
        NONE = "none", _("No answer wanted")
        SMS = "sms", _("Text message")
        EMAIL = "email", _("E-mail")

    topic = models.ForeignKey(
        "outreach.Topic",
        verbose_name=_("topic"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    source = models.CharField(_("asked on"), max_length=8, choices=Source.choices)
    text = models.TextField(_("question"), max_length=2000)
    # The language the text is written in, and the resident's own language (answers go back
    # in hers; an ambassador may have written the question down in Swedish).
    text_language = models.CharField(max_length=20)
    language = models.CharField(_("resident's language"), max_length=20)
    theme = models.ForeignKey(
        QuestionTheme,
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    partner = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    call = models.ForeignKey(
        "outreach.Call", on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    contact = models.ForeignKey(
        "outreach.CallContact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    reply_channel = models.CharField(max_length=6, choices=Reply.choices, default=Reply.NONE)
    reply_to = EncryptedTextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    answer = models.ForeignKey(
        Answer, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # When the answer existed in the resident's language (equal to answered_at for Swedish).
    translated_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            models.Index(fields=["topic", "status", "language"]),
            models.Index(fields=["answer", "language"]),
        ]

    def __str__(self) -> str:
        return f"question {self.pk} · {self.language} · {self.status}"

    @property
    def wants_reply(self) -> bool:
        return self.reply_channel != self.Reply.NONE
