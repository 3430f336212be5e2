"""The needs box: placements, categories, needs, their routing, answers, history and points.

An anonymous need holds no IP address, user agent, session or cookie: there is no field for any
of them. Contact details, when a resident gives them, are encrypted and purged after the period
administrators set (``RetentionPolicy``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from megafonen.core.crypto import EncryptedTextField
from megafonen.core.models import District, Organisation
from megafonen.core.roles import OrganisationKind
from megafonen.needs.icons import ICON_CHOICES
from megafonen.needs.translations import enabled_codes, text_in, validate_texts

TEXT_MAX_LENGTH = 5000
ANSWER_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 2000


# --- Categories and placements -----------------------------------------------------------------
class CategoryQuerySet(models.QuerySet["Category"]):
    def active(self) -> CategoryQuerySet:
        return self.filter(is_active=True)


class Category(models.Model):
    """What a need is about (work, leisure, housing, other…). Names in every language."""

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short and stable: also the Open311 service code, e.g. work."),
    )
    icon = models.CharField(_("icon"), max_length=20, choices=ICON_CHOICES, default="other")
    # Language code → name; must cover every enabled interface language (see translations.py).
    names = models.JSONField(_("names"), default=dict)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("need category")
        verbose_name_plural = _("need categories")

    def __str__(self) -> str:
        return self.name()

    def name(self, language: str | None = None) -> str:
        return text_in(self.names, language) or self.code

    def clean(self) -> None:
        try:
            validate_texts(self.names, every_language=True, max_length=80)
        except ValidationError as error:
            raise ValidationError({"names": error.messages}) from None


class Placement(models.Model):
    """A screen or a poster with a QR code, in a district, at a place."""

    class Kind(models.TextChoices):
        SCREEN = "screen", _("Screen")
        POSTER = "poster", _("Poster")

    code = models.CharField(_("code"), max_length=12, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.POSTER)
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(
        _("place"), max_length=200, help_text=_("Where it hangs, e.g. the library entrance.")
    )
    # Interface language codes, in the order the poster shows them.
    languages = models.JSONField(_("languages"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["district__name", "name"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        known = set(enabled_codes())
        if (
            not isinstance(self.languages, list)
            or not self.languages
            or any(code not in known for code in self.languages)
        ):
            raise ValidationError({"languages": _("Choose at least one language of the platform.")})

    @property
    def qr_url(self) -> str:
        """The QR code's whole payload: the site's address and the placement's code, nothing
        else, so the code still works when pages move."""
        return f"{settings.SITE_URL}/q/{self.code}"


class PlacementScan(models.Model):
    """How many times a placement's QR code was opened on one day: a number, nothing else."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="scans")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "day"], name="needs_scan_one_row_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.day}: {self.count}"


# --- Receivers ---------------------------------------------------------------------------------
class Subscription(models.Model):
    """An organisation receives needs of these categories from these districts (none = all).

    A triage subscription catches what matches no other subscription: the city's triage desk.
    Only a city administration can hold one.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="need_subscriptions",
    )
    categories = models.ManyToManyField(
        Category,
        verbose_name=_("categories"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty for every category."),
    )
    districts = models.ManyToManyField(
        District,
        verbose_name=_("districts"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty for every district."),
    )
    is_triage = models.BooleanField(
        _("city triage"),
        default=False,
        help_text=_("Receives the needs that match no other subscription."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("subscription to needs")
        verbose_name_plural = _("subscriptions to needs")

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        if (
            self.is_triage
            and self.organisation_id is not None
            and self.organisation.kind != OrganisationKind.CITY_ADMINISTRATION
        ):
            raise ValidationError(
                {"is_triage": _("Only a city administration can be the city's triage.")}
            )


class AnswerTemplate(models.Model):
    """A reusable answer, in as many languages as someone wrote it."""

    class Kind(models.TextChoices):
        TIP = "tip", _("Tip")
        OFFER = "offer", _("Offer of help")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answer_templates",
        help_text=_("Empty: shared with every receiver."),
    )
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TIP)
    # Language code → text (see translations.py).
    texts = models.JSONField(_("texts"), default=dict)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        try:
            validate_texts(self.texts, every_language=False, max_length=ANSWER_MAX_LENGTH)
        except ValidationError as error:
            raise ValidationError({"texts": error.messages}) from None

    @property
    def languages(self) -> list[str]:
        return [code for code in enabled_codes() if self.texts.get(code)]


class ApiClient(models.Model):
    """An Open311 client that may file needs (POST). Only a hash of its key is kept."""

    name = models.CharField(_("name"), max_length=120)
    contact_email = models.EmailField(_("shared contact e-mail"), blank=True)
    key_prefix = models.CharField(_("key begins with"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_on = models.DateField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class RetentionPolicy(models.Model):
    """How long contact details are kept; one row, edited by city administrators."""

    contact_retention_days = models.PositiveSmallIntegerField(
        _("keep contact details for (days)"),
        help_text=_(
            "Phone numbers and e-mail addresses are deleted this many days after the need was sent."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention of contact details")
        verbose_name_plural = _("retention of contact details")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="needs_retention_single_row"),
            models.CheckConstraint(
                condition=Q(contact_retention_days__gte=1, contact_retention_days__lte=3650),
                name="needs_retention_days_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> RetentionPolicy:
        policy, _created = cls.objects.get_or_create(
            pk=1, defaults={"contact_retention_days": settings.NEEDS_CONTACT_RETENTION_DAYS}
        )
        return policy


# --- Needs -------------------------------------------------------------------------------------
class NeedStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("need status", "Received")
    IN_PROGRESS = "in_progress", pgettext_lazy("need status", "Being looked at")
    ANSWERED = "answered", pgettext_lazy("need status", "Answered")
    REOPENED = "reopened", pgettext_lazy("need status", "Opened again")
    CLOSED = "closed", pgettext_lazy("need status", "Closed")


OPEN_STATUSES = frozenset(
    {NeedStatus.RECEIVED, NeedStatus.IN_PROGRESS, NeedStatus.ANSWERED, NeedStatus.REOPENED}
)


class ContactChannel(models.TextChoices):
    NONE = "none", _("Stay anonymous")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")


class NeedQuerySet(models.QuerySet["Need"]):
    def visible(self) -> NeedQuerySet:
        return self.filter(is_hidden=False)

    def routed_to(self, organisation_ids: set[int] | None) -> NeedQuerySet:
        """``None`` means every need (a city-wide role); otherwise needs routed to these."""
        if organisation_ids is None:
            return self
        return self.filter(
            pk__in=NeedRouting.objects.filter(organisation_id__in=organisation_ids).values(
                "need_id"
            )
        )


class Need(models.Model):
    class Source(models.TextChoices):
        FORM = "form", _("Form")
        OPEN311 = "open311", _("Open311")

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="needs"
    )
    # Masked before it is saved: see masking.py. The raw text is never stored.
    text = models.TextField(_("need"), max_length=TEXT_MAX_LENGTH)
    masked_count = models.PositiveSmallIntegerField(default=0)
    page_language = models.CharField(_("language of the page"), max_length=20)
    # "" until the detector has run; "und" when it could not tell.
    text_language = models.CharField(_("language of the text"), max_length=20, blank=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, null=True, blank=True, related_name="needs"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    api_client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.RECEIVED
    )
    is_hidden = models.BooleanField(_("hidden by moderation"), default=False)
    reported_at = models.DateTimeField(null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)

    contact_channel = models.CharField(
        _("contact"), max_length=8, choices=ContactChannel.choices, default=ContactChannel.NONE
    )
    contact_address = EncryptedTextField(_("contact details"), blank=True)
    contact_language = models.CharField(_("preferred language"), max_length=20, blank=True)
    contact_consented_at = models.DateTimeField(null=True, blank=True)
    contact_purged_at = models.DateTimeField(null=True, blank=True)

    receipt_hash = models.CharField(max_length=64, unique=True)
    receipt_expires_at = models.DateTimeField()
    # A hash of the form's one-time key: the same form sent twice finds this need.
    submission_key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    helped = models.BooleanField(_("helped"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    closing_reason = models.TextField(_("reason for closing"), blank=True)
    closing_language = models.CharField(max_length=20, blank=True)

    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    first_answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="needs_status_created"),
            models.Index(
                fields=["contact_channel", "created_at"],
                name="needs_contact_to_purge",
                condition=Q(contact_purged_at__isnull=True) & ~Q(contact_channel="none"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_channel="none", contact_address="")
                | ~Q(contact_channel="none"),
                name="needs_anonymous_has_no_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def has_contact(self) -> bool:
        return self.contact_channel != ContactChannel.NONE

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def resident_language(self) -> str:
        return self.contact_language or self.page_language


class NeedRouting(models.Model):
    """A need sent to one receiving organisation; its staff see the need through this row."""

    class Reason(models.TextChoices):
        SUBSCRIPTION = "subscription", _("Matches the organisation's subscription")
        TRIAGE = "triage", _("City triage: matched no subscription")
        FORWARDED = "forwarded", _("Forwarded by a receiver")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="routings")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="need_routings"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["need", "organisation"], name="needs_route_once")
        ]
        indexes = [models.Index(fields=["organisation", "need"], name="needs_routing_inbox")]

    def __str__(self) -> str:
        return f"need {self.need_id} → {self.organisation_id}"


class Answer(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("kind"), max_length=10, choices=AnswerTemplate.Kind.choices, default="tip"
    )
    text = models.TextField(_("answer"), max_length=ANSWER_MAX_LENGTH)
    language = models.CharField(_("language of the answer"), max_length=20)
    template = models.ForeignKey(
        AnswerTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"answer {self.pk} to need {self.need_id}"


class NeedAddition(models.Model):
    """More information the resident added later, through her receipt code (masked too)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="additions")
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    masked_count = models.PositiveSmallIntegerField(default=0)
    language = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"addition {self.pk} to need {self.need_id}"


class NeedEvent(models.Model):
    """The history of a need: who did what, and why (moderation reasons are kept here)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("need event", "Sent")
        ROUTED = "routed", pgettext_lazy("need event", "Routed")
        FORWARDED = "forwarded", pgettext_lazy("need event", "Forwarded")
        CLAIMED = "claimed", pgettext_lazy("need event", "Claimed")
        ANSWERED = "answered", pgettext_lazy("need event", "Answered")
        CLOSED = "closed", pgettext_lazy("need event", "Closed")
        HELPED = "helped", pgettext_lazy("need event", "Resident: it helped")
        REOPENED = "reopened", pgettext_lazy("need event", "Resident: it did not help")
        ADDED = "added", pgettext_lazy("need event", "Resident added information")
        REPORTED = "reported", pgettext_lazy("need event", "Reported as abusive")
        HIDDEN = "hidden", pgettext_lazy("need event", "Hidden by moderation")
        SHOWN = "shown", pgettext_lazy("need event", "Shown again by moderation")
        CONTACT_PURGED = "contact_purged", pgettext_lazy("need event", "Contact details deleted")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True, max_length=REASON_MAX_LENGTH)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} need {self.need_id}"


# --- Points ------------------------------------------------------------------------------------
class PointsRule(models.TextChoices):
    FIRST_ANSWER = "first_answer", _("First answer to a need")
    FAST_ANSWER = "fast_answer", _("Answer within two days")
    CONFIRMED_HELP = "confirmed_help", _("The resident said it helped")
    REOPENED = "reopened", _("Taken back: the resident said it did not help")


class PointsEntry(models.Model):
    """One line of the points ledger. Append-only: the database refuses UPDATE and DELETE
    (migration 0002), so a correction is a new, negative line."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="need_points"
    )
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="points")
    rule = models.CharField(max_length=20, choices=PointsRule.choices)
    points = models.IntegerField()
    # Makes awarding idempotent: the same event never earns twice.
    dedupe_key = models.CharField(max_length=100, unique=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.points:+d} {self.rule}"


class PointsPurge(models.Model):
    """A deletion of ledger lines older than ``cutoff``, the only one the database allows; open
    only inside the transaction that performs it (as the access log's purge)."""

    started_at = models.DateTimeField(default=timezone.now)
    cutoff = models.DateTimeField()
    is_open = models.BooleanField(default=True)
    purged_count = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d} < {self.cutoff:%Y-%m-%d}"


def league_of(kind: str) -> str:
    """Leaderboard leagues: city units, associations (civil society included), companies."""
    if kind == OrganisationKind.CITY_ADMINISTRATION:
        return "city"
    if kind == OrganisationKind.COMPANY:
        return "companies"
    return "associations"
