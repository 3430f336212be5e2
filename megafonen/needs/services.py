"""Every write of the needs box, each in one transaction with its history row (``NeedEvent``),
its access log entry where personal data is touched, and its side effects queued after commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from megafonen.core.models import AccessLogEntry, District, Organisation
from megafonen.core.services import access_log_record
from megafonen.needs import codes
from megafonen.needs.masking import mask_personal_data
from megafonen.needs.models import (
    Answer,
    AnswerTemplate,
    ApiClient,
    Category,
    ContactChannel,
    Need,
    NeedAddition,
    NeedEvent,
    NeedRouting,
    NeedStatus,
    Placement,
    PlacementScan,
    PointsEntry,
    PointsPurge,
    PointsRule,
    RetentionPolicy,
    Subscription,
)
from megafonen.needs.points import FAST_ANSWER_WITHIN, POINTS
from megafonen.needs.queries import first

logger = logging.getLogger(__name__)

# A form sent again within this time shows the first sending's receipt; later, the key is spent.
DUPLICATE_WINDOW = timedelta(hours=1)


class SubmissionKeyUsedError(Exception):
    """The form's one-time key was used for another need, or too long ago."""


class RateLimitedError(Exception):
    """Too many needs from this client in the current window."""


class SubmissionKeyInvalidError(Exception):
    """The key was not minted by this server, or has expired."""


@dataclass(frozen=True)
class Submitted:
    need: Need
    receipt_code: str
    created: bool


def _receipt_expiry(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=settings.NEEDS_RECEIPT_VALID_DAYS)


def _touch(need: Need, **fields: Any) -> None:
    """Record that something happened: the receipt code lives on from now."""
    now = timezone.now()
    fields.setdefault("updated_at", now)
    fields.setdefault("receipt_expires_at", _receipt_expiry(now))
    for name, value in fields.items():
        setattr(need, name, value)
    Need.objects.filter(pk=need.pk).update(**fields)


def _event(
    need: Need,
    kind: NeedEvent.Kind,
    *,
    actor: Any = None,
    organisation: Organisation | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> NeedEvent:
    return NeedEvent.objects.create(
        need=need,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        organisation=organisation,
        reason=reason,
        details=details or {},
    )


# --- Placements --------------------------------------------------------------------------------
def placement_create(
    *,
    name: str,
    kind: str,
    district: District,
    place: str,
    languages: list[str],
    created_by: Any = None,
) -> Placement:
    placement = Placement(
        name=name,
        kind=kind,
        district=district,
        place=place,
        languages=languages,
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
    )
    placement.full_clean(exclude=["code"])
    for _attempt in range(5):
        placement.code = codes.placement_code_new()
        try:
            with transaction.atomic():
                placement.save()
            return placement
        except IntegrityError:
            continue
    raise RuntimeError("Could not find a free placement code")


def placement_update(*, placement: Placement, **fields: Any) -> Placement:
    for name, value in fields.items():
        setattr(placement, name, value)
    placement.full_clean(exclude=["code"])
    placement.save()
    return placement


def placement_scan_count(*, placement: Placement, day: date | None = None) -> None:
    """One more scan today: a counter per placement and day, nothing about who scanned."""
    day = day or timezone.localdate()
    if PlacementScan.objects.filter(placement=placement, day=day).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            PlacementScan.objects.create(placement=placement, day=day, count=1)
    except IntegrityError:  # another request created today's row first
        PlacementScan.objects.filter(placement=placement, day=day).update(count=F("count") + 1)


# --- Sending a need ----------------------------------------------------------------------------
def _organisations_matching(need: Need) -> tuple[list[int], NeedRouting.Reason]:
    subscriptions = Subscription.objects.filter(is_active=True, organisation__is_active=True)
    matching = subscriptions.filter(is_triage=False).filter(
        Q(categories=need.category_id) | Q(categories__isnull=True)
    )
    if need.district_id is not None:
        matching = matching.filter(Q(districts=need.district_id) | Q(districts__isnull=True))
    else:
        # A need without a district goes to those who take every district.
        matching = matching.filter(districts__isnull=True)
    organisation_ids = sorted(set(matching.values_list("organisation_id", flat=True)))
    if organisation_ids:
        return organisation_ids, NeedRouting.Reason.SUBSCRIPTION
    triage = sorted(
        set(subscriptions.filter(is_triage=True).values_list("organisation_id", flat=True))
    )
    return triage, NeedRouting.Reason.TRIAGE


def _routings_create(
    need: Need, organisation_ids: list[int], reason: NeedRouting.Reason
) -> list[NeedRouting]:
    if not organisation_ids:
        logger.warning("Need %s matched no subscription and there is no triage", need.pk)
    return NeedRouting.objects.bulk_create(
        [
            NeedRouting(need=need, organisation_id=organisation_id, reason=reason)
            for organisation_id in organisation_ids
        ]
    )


def _routed_event(need: Need, organisation_ids: list[int], reason: str) -> NeedEvent:
    return NeedEvent(
        need=need,
        kind=NeedEvent.Kind.ROUTED,
        details={"organisations": organisation_ids, "reason": reason},
    )


def need_route(*, need: Need) -> list[NeedRouting]:
    """Send a need to every organisation whose subscription matches; if none, to city triage."""
    organisation_ids, reason = _organisations_matching(need)
    routings = _routings_create(need, organisation_ids, reason)
    _routed_event(need, organisation_ids, reason.value).save()
    return routings


def _duplicate(need: Need, *, category: Category, text: str) -> bool:
    """The same form sent again: same content, shortly after."""
    return (
        need.category_id == category.pk
        and need.text == mask_personal_data(text).text
        and timezone.now() - need.created_at <= DUPLICATE_WINDOW
    )


def submission_key_mint() -> str:
    """A one-time key for ``need_submit``, for other apps that file needs on a resident's behalf
    (the form mints its own in the page)."""
    return codes.submission_key_mint()


def need_submit(
    *,
    category: Category,
    text: str,
    page_language: str,
    submission_key: str,
    district: District | None = None,
    placement: Placement | None = None,
    contact_channel: str = ContactChannel.NONE,
    contact_address: str = "",
    contact_language: str = "",
    source: str = Need.Source.FORM,
    api_client: ApiClient | None = None,
    allow: Callable[[], bool] | None = None,
) -> Submitted:
    """File a need. Sending the same form twice gives the same need and receipt code.

    ``contact_address`` must already be validated and normalised (E.164 or a lower-case
    e-mail address); the resident's consent is implied by giving it (the form requires it).
    ``allow`` is the rate limit: asked only when a new need is about to be saved.
    """
    if not codes.submission_key_valid(submission_key):
        raise SubmissionKeyInvalidError
    key_hash = codes.submission_key_hash(submission_key)
    has_contact = contact_channel != ContactChannel.NONE
    if has_contact and not contact_address:
        raise ValidationError("A need with contact needs an address")
    masked = mask_personal_data(text)
    receipt_code = codes.receipt_from_key(submission_key)
    now = timezone.now()
    need = Need(
        category=category,
        text=masked.text,
        masked_count=masked.count,
        page_language=page_language,
        district=district,
        placement=placement,
        source=source,
        api_client=api_client,
        contact_channel=contact_channel,
        contact_address=contact_address if has_contact else "",
        contact_language=(contact_language or page_language) if has_contact else "",
        contact_consented_at=now if has_contact else None,
        receipt_hash=codes.receipt_hash(receipt_code),
        receipt_expires_at=_receipt_expiry(now),
        submission_key_hash=key_hash,
        created_at=now,
        updated_at=now,
    )
    # Reads first: the transaction below holds SQLite's write lock, so it only writes.
    organisation_ids, reason = _organisations_matching(need)
    try:
        with transaction.atomic():
            # The rate limit counts inside the same transaction: one write for everything,
            # and a sending that fails (a duplicate) is not counted.
            if allow is not None and not allow():
                raise RateLimitedError
            need.save(force_insert=True)
            NeedEvent.objects.bulk_create(
                [
                    NeedEvent(
                        need=need,
                        kind=NeedEvent.Kind.SUBMITTED,
                        details={"source": source, "masked": masked.count, "contact": has_contact},
                        created_at=now,
                    ),
                    _routed_event(need, organisation_ids, reason.value),
                ]
            )
            _routings_create(need, organisation_ids, reason)
            if has_contact:
                access_log_record(
                    actor=None,
                    action=AccessLogEntry.Action.CREATE,
                    subject=need,
                    purpose="Resident sent a need with contact details",
                    details={"fields": ["contact_address", "contact_language", "text"]},
                )
                _notify_receipt(need, receipt_code)
            _language_detection_schedule(need.pk)
    except IntegrityError:
        # The same form sent again (a double tap, a reload, a retry on a flaky network): the
        # unique submission key refuses the second copy, so the common case costs no lookup.
        existing = first(Need.objects.filter(submission_key_hash=key_hash))
        if existing is None:
            raise
        if _duplicate(existing, category=category, text=text):
            return Submitted(existing, receipt_code, created=False)
        raise SubmissionKeyUsedError from None
    return Submitted(need, receipt_code, created=True)


def _language_detection_schedule(need_id: int) -> None:
    from megafonen.needs import tasks

    if settings.TASK_BACKEND == "database":
        # The database queue is transactional: the task row is written in the need's own
        # transaction, so it exists exactly when the need does, at the cost of no extra write.
        tasks.detect_need_language.enqueue(need_id)
    else:
        # Elsewhere (an immediate or an external queue) the task must not run before the need
        # is committed.
        transaction.on_commit(lambda: tasks.detect_need_language.enqueue(need_id))


def need_language_detect(*, need_id: int) -> str:
    """Store the language the need is written in (run by the task worker)."""
    from megafonen.needs.language import language_detect
    from megafonen.needs.translations import enabled_codes

    need = first(Need.objects.filter(pk=need_id).only("text"))
    if need is None:
        return ""
    detected = language_detect(need.text, enabled=frozenset(enabled_codes()))
    Need.objects.filter(pk=need_id).update(text_language=detected)
    return detected


# --- Messages to the resident ------------------------------------------------------------------
def _follow_up_url(language: str, code: str = "") -> str:
    with translation.override(language):
        path = reverse("needs:follow_up")
    query = f"?code={codes.receipt_format(code)}" if code else ""
    return f"{settings.SITE_URL}{path}{query}"


def _queue_message(need: Need, *, purpose: str, dedupe_key: str, subject: str, body: str) -> None:
    from megafonen.messaging.services import message_queue

    if not need.has_contact or not need.contact_address:
        return
    try:
        message_queue(
            channel=need.contact_channel,
            recipient=need.contact_address,
            body=body,
            subject=subject,
            language=need.contact_language,
            purpose=purpose,
            dedupe_key=dedupe_key,
        )
    except ValidationError:
        # Validated when she typed it; a number the messaging layer refuses now is logged by id.
        logger.warning("Could not queue %s for need %s", purpose, need.pk)


def _notify_receipt(need: Need, receipt_code: str) -> None:
    with translation.override(need.contact_language):
        body = _(
            "Megafonen: we have received your need. Your receipt code is %(code)s. Read the "
            "answers here: %(url)s"
        ) % {
            "code": codes.receipt_format(receipt_code),
            "url": _follow_up_url(need.contact_language, receipt_code),
        }
        subject = _("Your need has arrived")
    _queue_message(
        need,
        purpose="needs.receipt",
        dedupe_key=f"needs.receipt:{need.pk}",
        subject=subject,
        body=body,
    )


def _notify_answer(need: Need, answer: Answer) -> None:
    with translation.override(need.contact_language):
        body = _(
            "Megafonen: there is an answer to your need. Read it with your receipt code here: "
            "%(url)s"
        ) % {"url": _follow_up_url(need.contact_language)}
        subject = _("There is an answer to your need")
    _queue_message(
        need,
        purpose="needs.answered",
        dedupe_key=f"needs.answered:{answer.pk}",
        subject=subject,
        body=body,
    )


# --- Receivers' work ---------------------------------------------------------------------------
def need_claim(*, need: Need, routing: NeedRouting, user: Any) -> NeedRouting:
    with transaction.atomic():
        claimed = NeedRouting.objects.filter(pk=routing.pk, claimed_by__isnull=True).update(
            claimed_by=user, claimed_at=timezone.now()
        )
        if not claimed:
            raise ValidationError(_("Someone in your organisation has already taken this need."))
        routing.refresh_from_db()
        if need.status in {NeedStatus.RECEIVED, NeedStatus.REOPENED}:
            _touch(need, status=NeedStatus.IN_PROGRESS)
        _event(need, NeedEvent.Kind.CLAIMED, actor=user, organisation=routing.organisation)
    return routing


def need_answer(
    *,
    need: Need,
    routing: NeedRouting,
    author: Any,
    kind: str,
    text: str,
    language: str,
    template: AnswerTemplate | None = None,
) -> Answer:
    if not need.is_open:
        raise ValidationError(_("This need is closed. Open it again before answering."))
    now = timezone.now()
    with transaction.atomic():
        answer = Answer.objects.create(
            need=need,
            organisation_id=routing.organisation_id,
            author=author,
            kind=kind,
            text=text,
            language=language,
            template=template,
            created_at=now,
        )
        if routing.claimed_by_id is None:
            NeedRouting.objects.filter(pk=routing.pk, claimed_by__isnull=True).update(
                claimed_by=author, claimed_at=now
            )
        _touch(
            need,
            status=NeedStatus.ANSWERED,
            first_answered_at=need.first_answered_at or now,
        )
        _event(
            need,
            NeedEvent.Kind.ANSWERED,
            actor=author,
            organisation=routing.organisation,
            details={"answer": answer.pk, "kind": kind, "language": language},
        )
        _points_for_answer(need, answer)
        _notify_answer(need, answer)
    return answer


def need_close(
    *, need: Need, actor: Any, organisation: Organisation | None, reason: str, language: str
) -> None:
    if not need.is_open:
        raise ValidationError(_("This need is already closed."))
    with transaction.atomic():
        now = timezone.now()
        _touch(
            need,
            status=NeedStatus.CLOSED,
            closed_at=now,
            closing_reason=reason,
            closing_language=language,
        )
        _event(need, NeedEvent.Kind.CLOSED, actor=actor, organisation=organisation, reason=reason)


def need_forward(
    *, need: Need, to_organisation: Organisation, actor: Any, reason: str
) -> NeedRouting:
    with transaction.atomic():
        routing, created = NeedRouting.objects.get_or_create(
            need=need,
            organisation=to_organisation,
            defaults={"reason": NeedRouting.Reason.FORWARDED},
        )
        if not created:
            raise ValidationError(_("The need is already with this organisation."))
        _touch(need)
        _event(
            need,
            NeedEvent.Kind.FORWARDED,
            actor=actor,
            organisation=to_organisation,
            reason=reason,
        )
    return routing


def need_report(*, need: Need, routing: NeedRouting, actor: Any, reason: str) -> None:
    with transaction.atomic():
        Need.objects.filter(pk=need.pk).update(reported_at=timezone.now())
        _event(
            need,
            NeedEvent.Kind.REPORTED,
            actor=actor,
            organisation=routing.organisation,
            reason=reason,
        )


def need_moderate(*, need: Need, actor: Any, hide: bool, reason: str) -> None:
    """Hide an abusive need (or show it again); the reason stays in the need's history."""
    with transaction.atomic():
        now = timezone.now()
        Need.objects.filter(pk=need.pk).update(is_hidden=hide, moderated_at=now)
        need.is_hidden, need.moderated_at = hide, now
        _event(
            need,
            NeedEvent.Kind.HIDDEN if hide else NeedEvent.Kind.SHOWN,
            actor=actor,
            reason=reason,
        )


# --- The resident's follow-up ------------------------------------------------------------------
def need_add_information(*, need: Need, text: str, language: str) -> NeedAddition:
    masked = mask_personal_data(text)
    with transaction.atomic():
        addition = NeedAddition.objects.create(
            need=need, text=masked.text, masked_count=masked.count, language=language
        )
        fields: dict[str, Any] = {}
        if need.status == NeedStatus.CLOSED:
            fields = {"status": NeedStatus.REOPENED, "closed_at": None}
        _touch(need, **fields)
        _event(need, NeedEvent.Kind.ADDED, details={"addition": addition.pk})
        if need.has_contact:
            access_log_record(
                actor=None,
                action=AccessLogEntry.Action.CHANGE,
                subject=need,
                purpose="Resident added information to her need",
                details={"fields": ["additions"]},
            )
    return addition


def need_feedback(*, need: Need, helped: bool) -> None:
    """ "Did this help?" Yes closes the need and rewards the helpers; no opens it again and
    takes back the points it had earned."""
    with transaction.atomic():
        if helped:
            if need.helped is True:
                return
            _touch(need, helped=True, status=NeedStatus.CLOSED, closed_at=timezone.now())
            _event(need, NeedEvent.Kind.HELPED)
            _points_for_confirmed_help(need)
        else:
            _points_reverse(need)
            _touch(
                need,
                helped=False,
                status=NeedStatus.REOPENED,
                closed_at=None,
                reopen_count=need.reopen_count + 1,
            )
            _event(need, NeedEvent.Kind.REOPENED)


# --- Points ------------------------------------------------------------------------------------
def _points_award(
    *, organisation_id: int, need: Need, rule: PointsRule, dedupe_key: str
) -> PointsEntry | None:
    if PointsEntry.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    return PointsEntry.objects.create(
        organisation_id=organisation_id,
        need=need,
        rule=rule,
        points=POINTS[rule],
        dedupe_key=dedupe_key,
    )


def _points_for_answer(need: Need, answer: Answer) -> None:
    round_ = need.reopen_count
    earlier = Answer.objects.filter(
        need=need, organisation_id=answer.organisation_id, pk__lt=answer.pk
    )
    if need.reopen_count:
        # After a reopening, the first new answer counts again.
        reopened_at = (
            NeedEvent.objects.filter(need=need, kind=NeedEvent.Kind.REOPENED)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if reopened_at is not None:
            earlier = earlier.filter(created_at__gte=reopened_at)
    if earlier.exists():
        return
    base = f"{need.pk}:{answer.organisation_id}:{round_}"
    _points_award(
        organisation_id=answer.organisation_id,
        need=need,
        rule=PointsRule.FIRST_ANSWER,
        dedupe_key=f"first:{base}",
    )
    if round_ == 0 and answer.created_at - need.created_at <= FAST_ANSWER_WITHIN:
        _points_award(
            organisation_id=answer.organisation_id,
            need=need,
            rule=PointsRule.FAST_ANSWER,
            dedupe_key=f"fast:{base}",
        )


def _points_for_confirmed_help(need: Need) -> None:
    organisation_ids = sorted(
        set(Answer.objects.filter(need=need).values_list("organisation_id", flat=True))
    )
    for organisation_id in organisation_ids:
        _points_award(
            organisation_id=organisation_id,
            need=need,
            rule=PointsRule.CONFIRMED_HELP,
            dedupe_key=f"help:{need.pk}:{organisation_id}:{need.reopen_count}",
        )


def _points_reverse(need: Need) -> int:
    """Take back every point the need has earned and not yet lost: new, negative lines."""
    open_entries = PointsEntry.objects.filter(
        need=need, points__gt=0, reversed_by__isnull=True
    ).order_by("id")
    reversed_count = 0
    for entry in open_entries:
        PointsEntry.objects.create(
            organisation_id=entry.organisation_id,
            need=need,
            rule=PointsRule.REOPENED,
            points=-entry.points,
            dedupe_key=f"reverse:{entry.pk}",
            reverses=entry,
        )
        reversed_count += 1
    return reversed_count


def points_purge(*, cutoff: datetime, reason: str) -> int:
    """Delete ledger lines older than ``cutoff``: the only deletion the database allows."""
    with transaction.atomic():
        purge = PointsPurge.objects.create(cutoff=cutoff, reason=reason)
        # Reversals point at what they reverse; delete them first.
        deleted_reversals, _ = PointsEntry.objects.filter(
            occurred_at__lt=cutoff, reverses__isnull=False
        ).delete()
        deleted, _ = PointsEntry.objects.filter(occurred_at__lt=cutoff).delete()
        PointsPurge.objects.filter(pk=purge.pk).update(
            is_open=False, purged_count=deleted + deleted_reversals
        )
    return deleted + deleted_reversals


# --- Retention ---------------------------------------------------------------------------------
def contacts_purge(*, now: datetime | None = None) -> int:
    """Delete contact details older than the retention period administrators set."""
    now = now or timezone.now()
    policy = RetentionPolicy.current()
    cutoff = now - timedelta(days=policy.contact_retention_days)
    due = list(
        Need.objects.filter(contact_purged_at__isnull=True, created_at__lt=cutoff)
        .exclude(contact_channel=ContactChannel.NONE)
        .values_list("pk", flat=True)
    )
    for need_id in due:
        with transaction.atomic():
            updated = Need.objects.filter(pk=need_id, contact_purged_at__isnull=True).update(
                contact_address="", contact_purged_at=now
            )
            if not updated:
                continue
            NeedEvent.objects.create(need_id=need_id, kind=NeedEvent.Kind.CONTACT_PURGED)
            access_log_record(
                actor=None,
                action=AccessLogEntry.Action.DELETE,
                subject_type=Need._meta.label_lower,
                subject_id=str(need_id),
                purpose="Contact details deleted after the retention period",
                details={
                    "fields": ["contact_address"],
                    "retention_days": policy.contact_retention_days,
                },
            )
    return len(due)


# --- Setup -------------------------------------------------------------------------------------
def api_client_create(*, name: str, contact_email: str = "") -> tuple[ApiClient, str]:
    """A new Open311 API key; the key itself is shown once and never stored."""
    key = codes.api_key_new()
    client = ApiClient.objects.create(
        name=name,
        contact_email=contact_email,
        key_prefix=key[:8],
        key_hash=codes.api_key_hash(key),
    )
    return client, key


def api_client_used(*, client: ApiClient) -> None:
    today = timezone.localdate()
    if client.last_used_on != today:
        ApiClient.objects.filter(pk=client.pk).update(last_used_on=today)


def categories_ensure(**kwargs: Any) -> None:
    """After ``migrate`` (and a test flush): a platform without any category gets the four
    starting ones, so the form is never empty. Existing categories are never touched."""
    from megafonen.needs.defaults import DEFAULT_CATEGORIES

    if Category.objects.exists():
        return
    for order, (code, icon, names) in enumerate(DEFAULT_CATEGORIES, start=1):
        Category.objects.create(code=code, icon=icon, names=names, order=order * 10)
