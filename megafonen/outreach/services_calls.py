"""Writes for call campaigns: campaigns and scripts, handing out calls and logging them
(call lists and the do-not-call list are in ``services_call_lists``).

Every change of a call log is in the access log with its purpose; numbers are read (decrypted)
only to show them to the ambassador the call is assigned to, to send her text after a reached
call, and to copy them into a correction campaign.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from megafonen.core.models import AccessLogEntry, District, Organisation
from megafonen.core.permissions import require
from megafonen.core.services import access_log_record
from megafonen.messaging.models import Channel
from megafonen.messaging.services import message_queue
from megafonen.outreach import needs_bridge, notices_calls, rules, selectors
from megafonen.outreach.languages import enabled_codes
from megafonen.outreach.models import (
    Bulletin,
    Call,
    CallCampaign,
    CallContact,
    CallScript,
    Capability,
    HotlineCall,
    SpottedNeed,
    Topic,
    Translation,
)
from megafonen.outreach.services import partner_capable
from megafonen.outreach.services_call_lists import do_not_call_record
from megafonen.outreach.tallies import tally_add, week_of  # noqa: F401  (week_of re-exported)

logger = logging.getLogger(__name__)


def _fail(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


# --- Campaigns --------------------------------------------------------------------------------
NOT_AT_THIS_LEVEL = _(
    "Your organisation's level on this topic does not include call campaigns. The city raises "
    "the level when it agrees to support calls."
)


def _campaign_languages(languages: Sequence[str]) -> list[str]:
    enabled = enabled_codes()
    chosen = list(dict.fromkeys(code for code in languages if code))
    if not chosen:
        raise _fail(_("Choose at least one language."), "no_language")
    unknown = [code for code in chosen if code not in enabled]
    if unknown:
        raise _fail(_("Unknown language: %(codes)s."), "language", codes=", ".join(unknown))
    return chosen


def _campaign_period(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise _fail(_("The last day comes before the first."), "period")
    if ends_on < timezone.localdate():
        raise _fail(_("The last day has already passed."), "period_past")


@transaction.atomic
def campaign_open(
    *,
    actor: Any,
    topic: Topic,
    partner: Organisation,
    title: str,
    goal: int,
    languages: Sequence[str],
    districts: Sequence[District] = (),
    starts_on: date,
    ends_on: date,
    retention_days: int | None = None,
) -> CallCampaign:
    require(actor, rules.RUN_CALL_CAMPAIGNS.name, partner)
    if not partner_capable(organisation=partner, topic=topic, capability=Capability.CALL_CAMPAIGNS):
        raise _fail(NOT_AT_THIS_LEVEL, "level")
    if not topic.is_active:
        raise _fail(_("The topic is closed."), "closed")
    current = selectors.current_version(topic)
    if current is None or current.kind == Bulletin.Kind.CANCEL:
        raise _fail(_("There is no published bulletin to call about."), "nothing_published")
    if goal < 1:
        raise _fail(_("The goal is at least one call."), "goal")
    _campaign_period(starts_on, ends_on)
    campaign = CallCampaign.objects.create(
        topic=topic,
        partner=partner,
        title=title.strip() or topic.title,
        goal=goal,
        languages=_campaign_languages(languages),
        starts_on=starts_on,
        ends_on=ends_on,
        retention_days=retention_days or settings.OUTREACH_CALL_RETENTION_DAYS,
        created_by=actor,
    )
    campaign.districts.set(districts)
    return campaign


@transaction.atomic
def campaign_update(
    *,
    actor: Any,
    campaign: CallCampaign,
    title: str,
    goal: int,
    languages: Sequence[str],
    districts: Sequence[District],
    ends_on: date,
    retention_days: int,
) -> CallCampaign:
    require(actor, rules.RUN_CALL_CAMPAIGNS.name, campaign)
    if campaign.purged_at is not None:
        raise _fail(_("This campaign is over and its numbers are erased."), "purged")
    if goal < 1:
        raise _fail(_("The goal is at least one call."), "goal")
    _campaign_period(campaign.starts_on, ends_on)
    campaign.title = title.strip() or campaign.title
    campaign.goal = goal
    campaign.languages = _campaign_languages(languages)
    campaign.ends_on = ends_on
    campaign.retention_days = retention_days
    campaign.save()
    campaign.districts.set(districts)
    return campaign


@transaction.atomic
def campaign_close(*, actor: Any, campaign: CallCampaign) -> CallCampaign:
    """Stop handing out calls; the numbers are kept until the retention period ends (for a
    correction or an answer to send back), then erased."""
    require(actor, rules.RUN_CALL_CAMPAIGNS.name, campaign)
    campaign.status = CallCampaign.Status.CLOSED
    campaign.save(update_fields=["status"])
    CallContact.objects.filter(campaign=campaign, status=CallContact.Status.ASSIGNED).update(
        status=CallContact.Status.WAITING, assigned_to=None, assigned_at=None
    )
    return campaign


def campaign_is_callable(campaign: CallCampaign, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        campaign.status == CallCampaign.Status.OPEN
        and campaign.purged_at is None
        and campaign.starts_on <= today <= campaign.ends_on
    )


@transaction.atomic
def script_save(
    *, actor: Any, campaign: CallCampaign, language: str, opening: str, closing: str
) -> CallScript:
    require(actor, rules.RUN_CALL_CAMPAIGNS.name, campaign)
    if language not in campaign.languages:
        raise _fail(_("This is not one of the campaign's languages."), "language")
    script, _created = CallScript.objects.update_or_create(
        campaign=campaign,
        language=language,
        defaults={
            "opening": opening.strip(),
            "closing": closing.strip(),
            "updated_by": actor,
            "updated_at": timezone.now(),
        },
    )
    return script


# --- Handing out calls ------------------------------------------------------------------------
def _speaks(actor: Any) -> set[str]:
    return set(actor.languages.values_list("code", flat=True))


def contact_claim_next(*, actor: Any, campaign: CallCampaign) -> CallContact | None:
    """The next resident for this ambassador: a call she opened and did not log, a call-back
    that is due, else a waiting resident in a language she speaks (claimed with a conditional
    UPDATE, so two ambassadors never get the same one)."""
    require(actor, rules.MAKE_CALLS.name, campaign)
    if not campaign_is_callable(campaign):
        raise _fail(_("This campaign is not open for calls today."), "not_open")
    now = timezone.now()
    mine = CallContact.objects.filter(campaign=campaign, assigned_to=actor)
    with transaction.atomic():
        held = mine.filter(status=CallContact.Status.ASSIGNED).order_by("assigned_at", "pk").first()
        if held is not None:
            return held
        due = (
            mine.filter(status=CallContact.Status.CALL_BACK, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .first()
        )
        if due is not None:
            CallContact.objects.filter(pk=due.pk).update(
                status=CallContact.Status.ASSIGNED, assigned_at=now
            )
            due.status, due.assigned_at = CallContact.Status.ASSIGNED, now
            return due
    languages = [code for code in campaign.languages if code in _speaks(actor)]
    if not languages:
        return None
    waiting = (
        CallContact.objects.filter(
            campaign=campaign, status=CallContact.Status.WAITING, language__in=languages
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("pk")
    )
    for _attempt in range(5):
        with transaction.atomic():
            if connection.features.has_select_for_update_skip_locked:
                candidate = waiting.select_for_update(skip_locked=True).only("pk").first()
            else:
                candidate = waiting.only("pk").first()
            if candidate is None:
                return None
            claimed = CallContact.objects.filter(
                pk=candidate.pk, status=CallContact.Status.WAITING
            ).update(status=CallContact.Status.ASSIGNED, assigned_to=actor, assigned_at=now)
        if claimed:
            return CallContact.objects.select_related("district").get(pk=candidate.pk)
    return None


@transaction.atomic
def contact_release(*, actor: Any, contact: CallContact) -> None:
    """She cannot make this call now: it goes back to the list for someone else."""
    require(actor, rules.MAKE_CALLS.name, contact)
    CallContact.objects.filter(
        pk=contact.pk,
        assigned_to=actor,
        status__in=[CallContact.Status.ASSIGNED, CallContact.Status.CALL_BACK],
    ).update(status=CallContact.Status.WAITING, assigned_to=None, assigned_at=None)


def claims_release_stale(*, now: datetime | None = None) -> int:
    """Calls opened and never logged (a closed browser, a lost phone) go back to the list."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.OUTREACH_CALL_CLAIM_HOURS)
    return CallContact.objects.filter(
        status=CallContact.Status.ASSIGNED, assigned_at__lt=cutoff
    ).update(status=CallContact.Status.WAITING, assigned_to=None, assigned_at=None)


# --- Logging calls ----------------------------------------------------------------------------
@dataclass(frozen=True)
class CallDetails:
    """What an ambassador writes down after a call."""

    outcome: str
    duration_seconds: int | None = None
    questions: Sequence[tuple[str, str]] = ()  # (text, language the text is written in)
    wants_answer: bool = False
    need_text: str = ""
    need_category: str = ""
    need_consent: bool = False
    follow_up_wanted: bool = False
    send_sms: bool = False
    call_back_at: datetime | None = None
    never_call_again: bool = False


def _heard(
    topic: Topic, bulletin_id: int | None, translation_id: int | None
) -> tuple[Bulletin | None, Translation | None]:
    """The version (and translation) the ambassador's page showed, checked to belong here."""
    if bulletin_id is None:
        return None, None
    bulletin = Bulletin.objects.published().filter(pk=bulletin_id, topic=topic).first()
    if bulletin is None:
        raise _fail(_("The script shown is not a published version of this topic."), "version")
    translation = None
    if translation_id is not None:
        translation = (
            Translation.objects.approved().filter(pk=translation_id, bulletin=bulletin).first()
        )
        if translation is None:
            raise _fail(_("The translation shown is not approved for this version."), "translation")
    return bulletin, translation


def _record_extras(call: Call, details: CallDetails, *, contact: CallContact | None) -> None:
    """Questions and needs of a reached call (outbound or inbound)."""
    from megafonen.outreach import services_questions

    topic = call.topic
    if details.questions and topic is not None:
        if partner_capable(
            organisation=call.partner, topic=topic, capability=Capability.QUESTION_CHANNEL
        ):
            for text, text_language in details.questions:
                services_questions.question_from_call(
                    call=call,
                    text=text,
                    text_language=text_language,
                    contact=contact if details.wants_answer else None,
                )
    if details.need_text.strip():
        consented = details.need_consent
        if not consented:
            status = SpottedNeed.Status.KEPT
        elif needs_bridge.needs_box_installed():
            status = SpottedNeed.Status.WAITING
        else:
            status = SpottedNeed.Status.NO_NEEDS_BOX
        spotted = SpottedNeed.objects.create(
            call=call,
            text=details.need_text.strip()[:2000],
            language=call.language,
            category=details.need_category,
            consented=consented,
            status=status,
        )
        if status == SpottedNeed.Status.WAITING:
            spotted_id = spotted.pk
            transaction.on_commit(lambda: needs_bridge.spotted_need_hand_off_later(spotted_id))


def call_log(
    *,
    actor: Any,
    contact: CallContact,
    log_key: UUID,
    details: CallDetails,
    bulletin_id: int | None,
    translation_id: int | None = None,
) -> Call:
    """Log an outbound call. Sending the same form again (same ``log_key``) changes nothing
    and returns the call logged the first time."""
    existing = Call.objects.filter(log_key=log_key).first()
    if existing is not None:
        if existing.ambassador_id != actor.pk:
            raise PermissionDenied(rules.MAKE_CALLS.name)
        return existing
    require(actor, rules.MAKE_CALLS.name, contact)
    if details.outcome not in Call.Outcome.values:
        raise _fail(_("Choose what happened."), "outcome")
    with transaction.atomic():
        contact = (
            CallContact.objects.select_for_update()
            .select_related("campaign__topic", "campaign__partner")
            .get(pk=contact.pk)
        )
        again = Call.objects.filter(log_key=log_key).first()
        if again is not None:  # the first sending committed while this one waited
            return again
        if contact.assigned_to_id != actor.pk or contact.status not in (
            CallContact.Status.ASSIGNED,
            CallContact.Status.CALL_BACK,
        ):
            raise _fail(_("This call is not assigned to you (any more)."), "not_assigned")
        campaign = contact.campaign
        bulletin, translation = _heard(campaign.topic, bulletin_id, translation_id)
        now = timezone.now()
        reached = details.outcome == Call.Outcome.REACHED
        call = Call(
            log_key=log_key,
            direction=Call.Direction.OUTBOUND,
            campaign=campaign,
            contact=contact,
            topic=campaign.topic,
            partner=campaign.partner,
            ambassador=actor,
            outcome=details.outcome,
            language=contact.language,
            district_id=contact.district_id,
            duration_seconds=details.duration_seconds if reached else None,
            follow_up_wanted=details.follow_up_wanted and reached,
            bulletin=bulletin if reached else None,
            translation=translation if reached else None,
            called_at=now,
        )
        try:
            with transaction.atomic():
                call.save(force_insert=True)
        except IntegrityError:
            return Call.objects.get(log_key=log_key)
        _contact_after(contact, call, details, now, actor)
        tally_add(call)
        if reached:
            _record_extras(call, details, contact=contact)
            if details.send_sms and contact.is_mobile and contact.phone and bulletin is not None:
                _text_after_call(call, contact, bulletin, actor)
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.CREATE,
            subject=call,
            purpose="Ambassador logged a call",
            details={"contact": contact.pk, "outcome": call.outcome, "campaign": campaign.pk},
        )
    return call


def _contact_after(
    contact: CallContact, call: Call, details: CallDetails, now: datetime, actor: Any
) -> None:
    contact.attempts += 1
    contact.last_call_at = now
    outcome = details.outcome
    erase = False
    if outcome == Call.Outcome.REACHED:
        contact.status = CallContact.Status.DONE
        contact.heard_version = call.bulletin
        contact.heard_translation = call.translation
        if contact.corrects_contact_id is not None:
            CallContact.objects.filter(pk=contact.corrects_contact_id).update(
                heard_version=call.bulletin, heard_translation=call.translation
            )
    elif outcome == Call.Outcome.CALL_BACK:
        contact.status = CallContact.Status.CALL_BACK
        contact.next_attempt_at = details.call_back_at or now + timedelta(hours=2)
    elif outcome == Call.Outcome.NO_ANSWER:
        contact.assigned_to = None
        if contact.attempts >= settings.OUTREACH_CALL_MAX_ATTEMPTS:
            contact.status = CallContact.Status.UNREACHABLE
        else:
            contact.status = CallContact.Status.WAITING
            contact.next_attempt_at = now + timedelta(minutes=settings.OUTREACH_CALL_RETRY_MINUTES)
    elif outcome == Call.Outcome.DECLINED:
        contact.status = CallContact.Status.DECLINED
        erase = True
    else:  # a wrong number belongs to someone who never agreed: erase it at once
        contact.status = CallContact.Status.WRONG_NUMBER
        erase = True
    if erase:
        contact.assigned_to = None
        e164 = contact.phone
        contact.phone = ""
        if outcome == Call.Outcome.DECLINED and details.never_call_again and e164:
            contact.save()
            do_not_call_record(
                e164, actor=actor, organisation=contact.campaign.partner, reason="declined"
            )
            return
    contact.save()


def _text_after_call(call: Call, contact: CallContact, bulletin: Bulletin, actor: Any) -> None:
    """The same message she just heard, in her language, by SMS (once per call)."""
    message_queue(
        channel=Channel.SMS,
        recipient=contact.phone,
        body=notices_calls.call_sms(bulletin, contact.language, partner=call.partner.name),
        language=contact.language,
        purpose="outreach.call_text",
        dedupe_key=f"outreach:call-text:{call.pk}",
    )
    Call.objects.filter(pk=call.pk).update(sms_sent=True)
    call.sms_sent = True
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.READ,
        subject=contact,
        purpose="Resident's number read to text her the message after a call",
        details={"fields": ["phone"], "call": call.pk},
    )


def inbound_call_log(
    *,
    actor: Any,
    partner: Organisation,
    log_key: UUID,
    details: CallDetails,
    language: str,
    topic: Topic | None,
    district: District | None,
    hotline_call: HotlineCall | None = None,
) -> Call:
    """Log a call to the hotline like an outbound one (no number is ever stored)."""
    existing = Call.objects.filter(log_key=log_key).first()
    if existing is not None:
        if existing.ambassador_id != actor.pk:
            raise PermissionDenied(rules.ANSWER_HOTLINE.name)
        return existing
    require(actor, rules.ANSWER_HOTLINE.name, partner)
    if language not in enabled_codes():
        raise _fail(_("Choose the caller's language."), "language")
    if hotline_call is not None and hotline_call.ambassador_id not in (None, actor.pk):
        raise PermissionDenied(rules.ANSWER_HOTLINE.name)
    bulletin = selectors.current_version(topic) if topic is not None else None
    translation = (
        selectors.approved_translation(bulletin, language) if bulletin is not None else None
    )
    with transaction.atomic():
        call = Call(
            log_key=log_key,
            direction=Call.Direction.INBOUND,
            topic=topic,
            partner=partner,
            ambassador=actor,
            outcome=Call.Outcome.REACHED,
            language=language,
            district=district,
            duration_seconds=details.duration_seconds,
            follow_up_wanted=details.follow_up_wanted,
            bulletin=bulletin,
            translation=translation,
            hotline_call=hotline_call,
        )
        try:
            with transaction.atomic():
                call.save(force_insert=True)
        except IntegrityError:
            return Call.objects.get(log_key=log_key)
        tally_add(call)
        _record_extras(call, details, contact=None)
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.CREATE,
            subject=call,
            purpose="Ambassador logged a hotline call",
            details={"language": language, "hotline_call": getattr(hotline_call, "pk", None)},
        )
    return call
