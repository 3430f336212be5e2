"""Call campaigns: who partners call about a topic, what they say, and what happened.

A campaign belongs to one topic and one partner. Its call list holds residents who agreed to
be called (numbers encrypted, found by a keyed hash, erased when the campaign's retention
period ends). A ``Call`` is one logged call, outbound from a list or inbound on the hotline;
``CallTally`` keeps running counts of calls so the figures page never scans the call log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from megafonen.core.crypto import EncryptedTextField


class CallCampaign(models.Model):
    """A partner's campaign of calls about one topic: a goal, languages, districts, a period."""

    class Kind(models.TextChoices):
        REGULAR = "regular", pgettext_lazy("campaign kind", "Information calls")
        CORRECTION = "correction", pgettext_lazy("campaign kind", "Correction calls")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("campaign status", "Open")
        CLOSED = "closed", pgettext_lazy("campaign status", "Closed")

    topic = models.ForeignKey(
        "outreach.Topic",
        verbose_name=_("topic"),
        on_delete=models.PROTECT,
        related_name="call_campaigns",
    )
    partner = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="call_campaigns",
    )
    title = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.REGULAR)
    goal = models.PositiveIntegerField(_("goal (completed calls)"))
    # Interface language codes, in the order the coordinator chose them.
    languages = models.JSONField(_("languages"), default=list)
    districts = models.ManyToManyField(
        "core.District", verbose_name=_("districts"), blank=True, related_name="+"
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    retention_days = models.PositiveSmallIntegerField(_("days numbers are kept after the end"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    # A correction campaign brings residents who heard an older version to this one.
    corrects_to = models.ForeignKey(
        "outreach.Bulletin",
        verbose_name=_("brings residents to version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    purged_at = models.DateTimeField(_("numbers erased"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("call campaign")
        verbose_name_plural = _("call campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="outreach_campaign_period"
            ),
            models.CheckConstraint(condition=Q(goal__gte=1), name="outreach_campaign_goal"),
            models.CheckConstraint(
                condition=~Q(kind="correction") | Q(corrects_to__isnull=False),
                name="outreach_campaign_correction_target",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_correction(self) -> bool:
        return self.kind == self.Kind.CORRECTION


class CallScript(models.Model):
    """What the coordinator wants said first and last in one language. The middle of the
    script is always the approved translation of the version being called about."""

    campaign = models.ForeignKey(CallCampaign, on_delete=models.CASCADE, related_name="scripts")
    language = models.CharField(_("language"), max_length=20)
    opening = models.TextField(_("opening"), blank=True)
    closing = models.TextField(_("closing"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("call script")
        verbose_name_plural = _("call scripts")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "language"], name="outreach_callscript_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.language}"


class DoNotCall(models.Model):
    """A number nobody may call about anything: only its keyed hash is kept, for good (a
    resident who asked never to be called again must not land on a list next year)."""

    phone_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(_("why"), max_length=20)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("number not to call")
        verbose_name_plural = _("numbers not to call")

    def __str__(self) -> str:
        return f"do-not-call {self.pk}"


class CallContact(models.Model):
    """A resident on a campaign's call list who agreed to be called.

    The number is encrypted and shown only to the ambassador the call is assigned to; its keyed
    hash finds duplicates and do-not-call entries. Both are erased when the campaign's
    retention period ends (or at once for a wrong number).
    """

    class Status(models.TextChoices):
        WAITING = "waiting", pgettext_lazy("call list", "Waiting to be called")
        ASSIGNED = "assigned", pgettext_lazy("call list", "With an ambassador")
        CALL_BACK = "call_back", pgettext_lazy("call list", "Call back later")
        DONE = "done", pgettext_lazy("call list", "Reached")
        DECLINED = "declined", pgettext_lazy("call list", "Declined")
        UNREACHABLE = "unreachable", pgettext_lazy("call list", "Not reached after every try")
        WRONG_NUMBER = "wrong_number", pgettext_lazy("call list", "Wrong number")
        DO_NOT_CALL = "do_not_call", pgettext_lazy("call list", "Must not be called")
        REMOVED = "removed", pgettext_lazy("call list", "Removed from the list")

    OPEN_STATUSES = (Status.WAITING, Status.ASSIGNED, Status.CALL_BACK)

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        IMPORT = "import", _("Imported from a file")
        CORRECTION = "correction", _("Called before with an older version")

    campaign = models.ForeignKey(
        CallCampaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="contacts"
    )
    # The campaign's partner, kept here so permission checks and lists need no join.
    partner = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    phone = EncryptedTextField(_("phone number"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True)
    is_mobile = models.BooleanField(default=True)
    language = models.CharField(_("language"), max_length=20)
    district = models.ForeignKey(
        "core.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consent_note = models.CharField(_("how the resident agreed"), max_length=300)
    consent_at = models.DateTimeField(_("agreed"), default=timezone.now)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MANUAL)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.WAITING
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ambassador"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_call_at = models.DateTimeField(null=True, blank=True)
    # The latest version she heard in a reached call: what a correction has to change.
    heard_version = models.ForeignKey(
        "outreach.Bulletin", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    heard_translation = models.ForeignKey(
        "outreach.Translation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # In a correction campaign: the resident's row on the list she was first called from.
    corrects_contact = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="corrections"
    )
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("resident on a call list")
        verbose_name_plural = _("residents on call lists")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "phone_hash"],
                condition=~Q(phone_hash=""),
                name="outreach_callcontact_once_per_campaign",
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "language"]),
            models.Index(fields=["assigned_to", "status"]),
            models.Index(fields=["phone_hash"]),
        ]

    def __str__(self) -> str:
        # Never the number.
        return f"{self.campaign} · contact {self.pk} · {self.language}"


class CallImport(models.Model):
    """A CSV file read and checked, waiting for the coordinator to confirm. The valid rows
    (with their numbers) are kept encrypted until then; the file itself is never stored."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Added to the list")
        CANCELLED = "cancelled", _("Cancelled")

    campaign = models.ForeignKey(CallCampaign, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=200)
    encoding = models.CharField(max_length=20)
    consent_note = models.CharField(max_length=300)
    # JSON of the valid rows (number, language, district id, consent); encrypted.
    valid_rows = EncryptedTextField(blank=True)
    valid_count = models.PositiveIntegerField(default=0)
    # Rejected rows: row number, reason code and parameters (what the coordinator wrote, so she
    # can find and fix the row); encrypted too, as a number may be among them.
    rejected_rows = EncryptedTextField(blank=True)
    rejected_count = models.PositiveIntegerField(default=0)
    file_problem = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    added_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("call list import")
        verbose_name_plural = _("call list imports")

    def __str__(self) -> str:
        return f"{self.campaign} · import {self.pk}"


class Call(models.Model):
    """One call an ambassador logged: outbound from a call list, or inbound on the hotline."""

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("Outbound")
        INBOUND = "inbound", _("Hotline")

    class Outcome(models.TextChoices):
        REACHED = "reached", pgettext_lazy("call outcome", "Reached")
        NO_ANSWER = "no_answer", pgettext_lazy("call outcome", "No answer")
        WRONG_NUMBER = "wrong_number", pgettext_lazy("call outcome", "Wrong number")
        DECLINED = "declined", pgettext_lazy("call outcome", "Declined")
        CALL_BACK = "call_back", pgettext_lazy("call outcome", "Call back later")

    # Made when the form is shown: the same form sent twice (a flaky network) is one call.
    log_key = models.UUIDField(unique=True)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    campaign = models.ForeignKey(
        CallCampaign, on_delete=models.PROTECT, null=True, blank=True, related_name="calls"
    )
    contact = models.ForeignKey(
        CallContact, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    topic = models.ForeignKey(
        "outreach.Topic", on_delete=models.PROTECT, null=True, blank=True, related_name="calls"
    )
    partner = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    ambassador = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices)
    language = models.CharField(_("language"), max_length=20)
    district = models.ForeignKey(
        "core.District", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    duration_seconds = models.PositiveIntegerField(_("length (seconds)"), null=True, blank=True)
    follow_up_wanted = models.BooleanField(_("wants follow-up"), default=False)
    sms_sent = models.BooleanField(_("got the text by SMS"), default=False)
    # What she heard: the version and, when there was one, the approved translation.
    bulletin = models.ForeignKey(
        "outreach.Bulletin", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    translation = models.ForeignKey(
        "outreach.Translation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hotline_call = models.OneToOneField(
        "outreach.HotlineCall",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="logged_call",
    )
    called_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-called_at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [
            models.Index(fields=["campaign", "outcome"]),
            models.Index(fields=["partner", "called_at"]),
            models.Index(fields=["topic", "called_at"]),
        ]

    def __str__(self) -> str:
        return f"call {self.pk} · {self.outcome}"


class CallTally(models.Model):
    """Calls counted per week and per everything the figures page groups by, kept in step by
    ``call_log`` in the call's own transaction (and rebuilt from the call log by
    ``manage.py rebuild_call_tallies``). Zeros stand for "none" so the unique key holds on
    every database (NULLs are distinct in unique indexes)."""

    week = models.DateField()  # the Monday, in the city's time zone
    partner_id = models.PositiveBigIntegerField()
    topic_id = models.PositiveBigIntegerField(default=0)
    campaign_id = models.PositiveBigIntegerField(default=0)
    language = models.CharField(max_length=20)
    district_id = models.PositiveBigIntegerField(default=0)
    direction = models.CharField(max_length=8)
    outcome = models.CharField(max_length=14)
    calls = models.PositiveIntegerField(default=0)
    seconds = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("call tally")
        verbose_name_plural = _("call tallies")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "week",
                    "partner_id",
                    "topic_id",
                    "campaign_id",
                    "language",
                    "district_id",
                    "direction",
                    "outcome",
                ],
                name="outreach_calltally_key",
            )
        ]
        indexes = [
            models.Index(fields=["topic_id", "week"]),
            models.Index(fields=["partner_id", "week"]),
            models.Index(fields=["campaign_id", "outcome"]),
        ]

    def __str__(self) -> str:
        return f"{self.week} · {self.outcome} · {self.calls}"


class SpottedNeed(models.Model):
    """A need an ambassador heard in a call. With the resident's consent it is handed to the
    needs box (when that app is installed); without it, it stays with the partner."""

    class Status(models.TextChoices):
        KEPT = "kept", _("Kept by the partner (no consent to pass it on)")
        WAITING = "waiting", _("Waiting to be handed to the needs box")
        HANDED_OVER = "handed_over", _("In the needs box")
        NO_NEEDS_BOX = "no_needs_box", _("The needs box is not in use")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="spotted_needs")
    text = models.TextField(_("need"), max_length=2000)
    language = models.CharField(max_length=20)
    category = models.CharField(_("category"), max_length=40, blank=True)
    consented = models.BooleanField(_("the resident agreed to pass it on"), default=False)
    status = models.CharField(max_length=14, choices=Status.choices)
    need_id = models.PositiveBigIntegerField(null=True, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("need spotted in a call")
        verbose_name_plural = _("needs spotted in calls")

    def __str__(self) -> str:
        return f"spotted need {self.pk} · {self.status}"
