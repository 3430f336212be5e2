"""Topics and their bulletins: one lineage of numbered, fingerprinted versions per topic."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CapCategory(models.TextChoices):
    GEO = "Geo", pgettext_lazy("CAP category", "Geophysical")
    MET = "Met", pgettext_lazy("CAP category", "Weather")
    SAFETY = "Safety", pgettext_lazy("CAP category", "Public safety")
    SECURITY = "Security", pgettext_lazy("CAP category", "Security")
    RESCUE = "Rescue", pgettext_lazy("CAP category", "Rescue")
    FIRE = "Fire", pgettext_lazy("CAP category", "Fire")
    HEALTH = "Health", pgettext_lazy("CAP category", "Health")
    ENV = "Env", pgettext_lazy("CAP category", "Environment")
    TRANSPORT = "Transport", pgettext_lazy("CAP category", "Transport")
    INFRA = "Infra", pgettext_lazy("CAP category", "Utilities and infrastructure")
    CBRNE = "CBRNE", pgettext_lazy("CAP category", "Chemical or radiological threat")
    OTHER = "Other", pgettext_lazy("CAP category", "Other")


class CapUrgency(models.TextChoices):
    IMMEDIATE = "Immediate", pgettext_lazy("CAP urgency", "Act now")
    EXPECTED = "Expected", pgettext_lazy("CAP urgency", "Act within the hour")
    FUTURE = "Future", pgettext_lazy("CAP urgency", "Act in the near future")
    PAST = "Past", pgettext_lazy("CAP urgency", "No longer needed")
    UNKNOWN = "Unknown", pgettext_lazy("CAP urgency", "Unknown")


class CapSeverity(models.TextChoices):
    EXTREME = "Extreme", pgettext_lazy("CAP severity", "Extreme threat to life or property")
    SEVERE = "Severe", pgettext_lazy("CAP severity", "Significant threat to life or property")
    MODERATE = "Moderate", pgettext_lazy("CAP severity", "Possible threat to life or property")
    MINOR = "Minor", pgettext_lazy("CAP severity", "Minimal or no threat")
    UNKNOWN = "Unknown", pgettext_lazy("CAP severity", "Unknown")


class CapCertainty(models.TextChoices):
    OBSERVED = "Observed", pgettext_lazy("CAP certainty", "Happening now")
    LIKELY = "Likely", pgettext_lazy("CAP certainty", "Likely")
    POSSIBLE = "Possible", pgettext_lazy("CAP certainty", "Possible")
    UNLIKELY = "Unlikely", pgettext_lazy("CAP certainty", "Unlikely")
    UNKNOWN = "Unknown", pgettext_lazy("CAP certainty", "Unknown")


class TopicQuerySet(models.QuerySet["Topic"]):
    def public(self) -> TopicQuerySet:
        """Topics with at least one published bulletin; closed topics stay readable."""
        return self.filter(bulletins__status=Bulletin.Status.PUBLISHED).distinct()

    def active(self) -> TopicQuerySet:
        return self.filter(is_active=True)


class Topic(models.Model):
    """A crisis or theme the city informs about: "Värmebölja", "Vattenavstängning i Söder"."""

    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    title = models.CharField(_("title (Swedish)"), max_length=200)
    administration = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("responsible administration"),
        on_delete=models.PROTECT,
        related_name="outreach_topics",
    )
    area_description = models.CharField(
        _("area"), max_length=200, default="Helsingborg", help_text=_("Where it applies.")
    )
    cap_category = models.CharField(
        _("kind of event"), max_length=12, choices=CapCategory.choices, default=CapCategory.OTHER
    )
    cap_urgency = models.CharField(
        _("urgency"), max_length=12, choices=CapUrgency.choices, default=CapUrgency.EXPECTED
    )
    cap_severity = models.CharField(
        _("severity"), max_length=12, choices=CapSeverity.choices, default=CapSeverity.MODERATE
    )
    cap_certainty = models.CharField(
        _("certainty"), max_length=12, choices=CapCertainty.choices, default=CapCertainty.LIKELY
    )
    is_active = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.title


class BulletinQuerySet(models.QuerySet["Bulletin"]):
    def published(self) -> BulletinQuerySet:
        return self.filter(status=Bulletin.Status.PUBLISHED)

    def drafts(self) -> BulletinQuerySet:
        return self.filter(status__in=[Bulletin.Status.DRAFT, Bulletin.Status.SUBMITTED])


class Bulletin(models.Model):
    """One version of a topic's bulletin, written in Swedish.

    A draft has no number; publishing (after a second communicator approves it) gives it the
    next number, its CAP message type and a SHA-256 fingerprint of its content, and it never
    changes again. ``replaces`` points at the version it updates or withdraws.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for approval")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")

    class Kind(models.TextChoices):
        # CAP 1.2 msgType of the published version.
        ALERT = "Alert", pgettext_lazy("bulletin kind", "First version")
        UPDATE = "Update", pgettext_lazy("bulletin kind", "Update")
        CANCEL = "Cancel", pgettext_lazy("bulletin kind", "Withdrawal")

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="bulletins"
    )
    number = models.PositiveIntegerField(_("version"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, blank=True)
    is_withdrawal = models.BooleanField(_("withdraws the bulletin"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    lead = models.TextField(_("summary"), max_length=600)
    body = models.TextField(_("text"), blank=True)
    instruction = models.TextField(_("what to do"), blank=True)
    # The published version this draft was written against: publishing refuses a draft
    # whose base is no longer the current version, so nobody overwrites a newer version.
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    source_item = models.ForeignKey(
        "outreach.SourceItem",
        verbose_name=_("source material"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bulletins",
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("note from the reviewer"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    administration = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    fingerprint = models.CharField(_("fingerprint (SHA-256)"), max_length=64, blank=True)

    objects = BulletinQuerySet.as_manager()

    class Meta:
        ordering = ["-number", "-created_at"]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "number"],
                condition=Q(number__isnull=False),
                name="outreach_bulletin_unique_number",
            ),
            # Four eyes, held by the database too: nobody approves her own text.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("written_by")),
                name="outreach_bulletin_four_eyes",
            ),
            models.CheckConstraint(
                condition=~Q(status="published")
                | (
                    Q(number__isnull=False)
                    & Q(approved_by__isnull=False)
                    & Q(published_at__isnull=False)
                    & ~Q(fingerprint="")
                ),
                name="outreach_bulletin_published_complete",
            ),
        ]
        indexes = [models.Index(fields=["topic", "status", "-number"])]

    def __str__(self) -> str:
        if self.number:
            return f"{self.topic} · v{self.number}"
        return f"{self.topic} · {self.get_status_display()}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def short_fingerprint(self) -> str:
        return self.fingerprint[:12]


class SourceItem(models.Model):
    """News or a VMA (public warning) imported from Krisinformation.se: material a
    communicator may base a bulletin on, never published as it is."""

    class Source(models.TextChoices):
        NEWS = "news", _("Krisinformation.se news")
        VMA = "vma", _("Important public announcement (VMA)")

    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    identifier = models.CharField(_("identifier at the source"), max_length=200)
    message_type = models.CharField(_("message type"), max_length=10, blank=True)
    references = models.CharField(_("replaces at the source"), max_length=300, blank=True)
    headline = models.CharField(_("headline"), max_length=300)
    preamble = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True)
    web = models.URLField(_("web address"), max_length=500, blank=True)
    area = models.CharField(_("area"), max_length=300, blank=True)
    sender_name = models.CharField(_("sender"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=20, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    raw = models.JSONField(default=dict)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("source material")
        verbose_name_plural = _("source material")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "identifier"], name="outreach_sourceitem_unique"
            )
        ]

    def __str__(self) -> str:
        return self.headline
