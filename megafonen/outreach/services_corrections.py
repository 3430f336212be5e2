"""Corrections reach the people who heard the old version (principle 3): when a bulletin is
updated or withdrawn, a partner opens a correction campaign for the residents it called with
a version that is no longer current, and its ambassadors call them with what changed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from megafonen.core.models import AccessLogEntry, Organisation
from megafonen.core.permissions import require
from megafonen.core.services import access_log_record
from megafonen.outreach import rules, selectors
from megafonen.outreach.models import Bulletin, CallCampaign, CallContact, Capability, Topic
from megafonen.outreach.phones import phone_hash
from megafonen.outreach.selectors_calls import correction_candidates
from megafonen.outreach.services import partner_capable
from megafonen.outreach.services_calls import NOT_AT_THIS_LEVEL


def _fail(message: Any, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def correction_campaign_open(
    *,
    actor: Any,
    topic: Topic,
    partner: Organisation,
    ends_on: date,
    title: str = "",
    retention_days: int | None = None,
) -> CallCampaign:
    """Open a correction campaign with every resident the partner called with an older
    version. Their numbers are copied (read and encrypted again) onto the new list, which has
    its own retention period; the first list is left as it was."""
    require(actor, rules.RUN_CALL_CAMPAIGNS.name, partner)
    if not partner_capable(organisation=partner, topic=topic, capability=Capability.CALL_CAMPAIGNS):
        raise _fail(NOT_AT_THIS_LEVEL, "level")
    current = selectors.current_version(topic)
    if current is None:
        raise _fail(_("There is no published bulletin."), "nothing_published")
    today = timezone.localdate()
    if ends_on < today:
        raise _fail(_("The last day has already passed."), "period_past")
    with transaction.atomic():
        candidates = list(
            correction_candidates(topic, {partner.pk})
            .select_for_update(of=("self",))
            .select_related("campaign")
        )
        if not candidates:
            raise _fail(_("Nobody called by your organisation heard an older version."), "none")
        languages = list(dict.fromkeys(contact.language for contact in candidates))
        withdrawn = current.kind == Bulletin.Kind.CANCEL
        default_title = (
            _("Correction: %(topic)s was withdrawn") if withdrawn else _("Correction: %(topic)s")
        ) % {"topic": topic.title}
        campaign = CallCampaign.objects.create(
            topic=topic,
            partner=partner,
            title=title.strip() or str(default_title),
            kind=CallCampaign.Kind.CORRECTION,
            goal=len(candidates),
            languages=languages,
            starts_on=today,
            ends_on=ends_on,
            retention_days=retention_days or settings.OUTREACH_CALL_RETENTION_DAYS,
            corrects_to=current,
            created_by=actor,
        )
        now = timezone.now()
        CallContact.objects.bulk_create(
            [
                CallContact(
                    campaign=campaign,
                    partner=partner,
                    phone=contact.phone,
                    phone_hash=phone_hash(contact.phone),
                    is_mobile=contact.is_mobile,
                    language=contact.language,
                    district_id=contact.district_id,
                    consent_note=contact.consent_note,
                    consent_at=contact.consent_at,
                    source=CallContact.Source.CORRECTION,
                    added_by=actor,
                    added_at=now,
                    heard_version_id=contact.heard_version_id,
                    heard_translation_id=contact.heard_translation_id,
                    corrects_contact=contact,
                )
                for contact in candidates
            ],
            batch_size=500,
        )
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.READ,
            subject=campaign,
            purpose="Numbers of residents who heard an older version copied into a correction "
            "campaign",
            details={
                "fields": ["phone"],
                "count": len(candidates),
                "from_campaigns": sorted({contact.campaign_id for contact in candidates}),
            },
        )
    return campaign
