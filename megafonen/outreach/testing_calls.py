"""Factories for call campaigns, for this app's tests, the demo and the benchmarks."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.utils import timezone

from megafonen.core.models import District, Organisation
from megafonen.outreach import services_call_lists, services_calls
from megafonen.outreach.models import Call, CallCampaign, CallContact, Topic
from megafonen.outreach.services_calls import CallDetails

# Numbers the Swedish telecom regulator (PTS) sets aside for fiction: 070-174 06 05 to 06 99.
FICTIONAL_MOBILES = [f"+467017406{index:02d}" for index in range(5, 100)]


def campaign_open(
    *,
    actor: Any,
    topic: Topic,
    partner: Organisation,
    languages: Sequence[str] = ("so", "ar"),
    districts: Sequence[District] = (),
    goal: int = 1500,
    title: str = "1 500 samtal",
    days: int = 30,
) -> CallCampaign:
    today = timezone.localdate()
    return services_calls.campaign_open(
        actor=actor,
        topic=topic,
        partner=partner,
        title=title,
        goal=goal,
        languages=list(languages),
        districts=list(districts),
        starts_on=today,
        ends_on=today + timedelta(days=days),
    )


def contacts_add(
    *,
    actor: Any,
    campaign: CallCampaign,
    rows: Sequence[tuple[str, str]],
    district: District | None = None,
) -> list[CallContact]:
    """Residents (number, language) who agreed to be called, added one by one."""
    return [
        services_call_lists.contact_add(
            actor=actor,
            campaign=campaign,
            raw_phone=number,
            language=language,
            district=district,
            consent_note="Anmälde sig på mötet i biblioteket",
        )
        for number, language in rows
    ]


def call_made(
    *,
    ambassador: Any,
    campaign: CallCampaign,
    outcome: str = Call.Outcome.REACHED,
    **details: Any,
) -> Call:
    """Claim the next call and log it with the version the script shows now."""
    from megafonen.outreach import selectors

    contact = services_calls.contact_claim_next(actor=ambassador, campaign=campaign)
    if contact is None:
        raise LookupError("Nobody is waiting in this ambassador's languages")
    current = selectors.current_version(campaign.topic)
    translation = (
        selectors.approved_translation(current, contact.language) if current is not None else None
    )
    return services_calls.call_log(
        actor=ambassador,
        contact=contact,
        log_key=uuid.uuid4(),
        details=CallDetails(outcome=outcome, **details),
        bulletin_id=current.pk if current is not None else None,
        translation_id=translation.pk if translation is not None else None,
    )
