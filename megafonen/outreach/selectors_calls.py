"""Permission-aware reads of call campaigns. Numbers are read only by ``contact_for_caller``
(the ambassador the call is assigned to), and every such read is in the access log."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from megafonen.core.models import AccessLogEntry
from megafonen.core.permissions import can, organisations_allowed
from megafonen.core.services import access_log_record
from megafonen.outreach import rules, selectors
from megafonen.outreach.languages import SOURCE_LANGUAGE
from megafonen.outreach.models import (
    Bulletin,
    Call,
    CallCampaign,
    CallContact,
    CallImport,
    CallScript,
    Topic,
    Translation,
)
from megafonen.outreach.texts import Passage, changed_passages


# --- Campaigns --------------------------------------------------------------------------------
def campaigns_for(user: Any) -> QuerySet[CallCampaign]:
    """Campaigns the person works on: her own partner's (ambassadors and coordinators), or
    every campaign for the city (figures only, never numbers)."""
    campaigns = CallCampaign.objects.select_related("topic", "partner").order_by(
        "status", "-starts_on", "-pk"
    )
    if organisations_allowed(user, rules.VIEW_CALL_FIGURES.name) is None:
        return campaigns
    own: set[int] = set()
    for action in (rules.MAKE_CALLS, rules.RUN_CALL_CAMPAIGNS):
        allowed = organisations_allowed(user, action.name)
        own |= allowed or set()
    return campaigns.filter(partner_id__in=own)


def campaign_visible(user: Any, campaign: CallCampaign) -> bool:
    return (
        can(user, rules.MAKE_CALLS.name, campaign)
        or can(user, rules.RUN_CALL_CAMPAIGNS.name, campaign)
        or can(user, rules.VIEW_CALL_FIGURES.name, campaign)
    )


@dataclass
class Progress:
    goal: int
    reached: int
    calls: int
    by_outcome: dict[str, int]
    contacts: dict[str, int]
    waiting: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.reached / self.goal)) if self.goal else 0


def campaign_progress(campaign: CallCampaign) -> Progress:
    """Calls by outcome and residents on the list by status (two grouped queries)."""
    by_outcome = {
        row["outcome"]: row["count"]
        for row in Call.objects.filter(campaign=campaign)
        .values("outcome")
        .annotate(count=Count("pk"))
        .order_by()
    }
    contacts = {
        row["status"]: row["count"]
        for row in CallContact.objects.filter(campaign=campaign)
        .values("status")
        .annotate(count=Count("pk"))
        .order_by()
    }
    return Progress(
        goal=campaign.goal,
        reached=by_outcome.get(Call.Outcome.REACHED, 0),
        calls=sum(by_outcome.values()),
        by_outcome=by_outcome,
        contacts=contacts,
        waiting=sum(contacts.get(status, 0) for status in CallContact.OPEN_STATUSES),
    )


def campaigns_progress(campaigns: list[CallCampaign]) -> dict[int, Progress]:
    """Progress of many campaigns in two queries."""
    ids = [campaign.pk for campaign in campaigns]
    outcomes: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    for row in (
        Call.objects.filter(campaign_id__in=ids)
        .values("campaign_id", "outcome")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        outcomes[row["campaign_id"]][row["outcome"]] = row["count"]
    statuses: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    for row in (
        CallContact.objects.filter(campaign_id__in=ids)
        .values("campaign_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        statuses[row["campaign_id"]][row["status"]] = row["count"]
    return {
        campaign.pk: Progress(
            goal=campaign.goal,
            reached=outcomes[campaign.pk].get(Call.Outcome.REACHED, 0),
            calls=sum(outcomes[campaign.pk].values()),
            by_outcome=outcomes[campaign.pk],
            contacts=statuses[campaign.pk],
            waiting=sum(statuses[campaign.pk].get(s, 0) for s in CallContact.OPEN_STATUSES),
        )
        for campaign in campaigns
    }


@dataclass
class ListRow:
    language: str
    waiting: int
    reached: int
    other: list[tuple[str, int]]
    total: int


def list_overview(campaign: CallCampaign) -> list[ListRow]:
    """Residents on the list per language and status (never a number)."""
    table: dict[str, Counter[str]] = {}
    for row in (
        CallContact.objects.filter(campaign=campaign)
        .values("language", "status")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        table.setdefault(row["language"], Counter())[row["status"]] = row["count"]
    labels = dict(CallContact.Status.choices)
    plain = {CallContact.Status.WAITING, CallContact.Status.DONE}
    return [
        ListRow(
            language=language,
            waiting=counts.get(CallContact.Status.WAITING, 0),
            reached=counts.get(CallContact.Status.DONE, 0),
            other=[
                (str(labels[status]), count)
                for status, count in sorted(counts.items())
                if status not in plain and count
            ],
            total=sum(counts.values()),
        )
        for language, counts in sorted(table.items())
    ]


def imports_of(campaign: CallCampaign, user: Any) -> QuerySet[CallImport]:
    return CallImport.objects.filter(campaign=campaign, created_by=user).order_by("-created_at")[:5]


# --- The ambassador's calls -------------------------------------------------------------------
def my_calls(user: Any, campaign: CallCampaign) -> list[CallContact]:
    """Calls assigned to her in this campaign: opened and not logged, or to call back."""
    return list(
        CallContact.objects.filter(
            campaign=campaign,
            assigned_to=user,
            status__in=[CallContact.Status.ASSIGNED, CallContact.Status.CALL_BACK],
        )
        .select_related("district")
        .order_by("next_attempt_at", "pk")
    )


def contact_for_caller(user: Any, pk: int) -> CallContact:
    """The resident a call is assigned to, with her number, for that ambassador only."""
    contact = (
        CallContact.objects.select_related(
            "campaign__topic", "campaign__partner", "district", "heard_version"
        )
        .filter(pk=pk)
        .first()
    )
    if (
        contact is None
        or not can(user, rules.MAKE_CALLS.name, contact)
        or contact.assigned_to_id != user.pk
        or contact.status not in (CallContact.Status.ASSIGNED, CallContact.Status.CALL_BACK)
        or not contact.phone
    ):
        raise PermissionDenied(rules.MAKE_CALLS.name)
    access_log_record(
        actor=user,
        action=AccessLogEntry.Action.READ,
        subject=contact,
        purpose="Ambassador opened a call assigned to her",
        details={"fields": ["phone"], "campaign": contact.campaign_id},
    )
    return contact


# --- The script -------------------------------------------------------------------------------
@dataclass
class Script:
    """What the ambassador reads: an opening, the approved text of the version (or the Swedish
    text when there is no approved translation), a closing; for a correction, what changed."""

    language: str
    opening: str
    closing: str
    text: selectors.PublicText | None
    correction: bool = False
    heard: Bulletin | None = None
    passages: list[Passage] = field(default_factory=list)
    passages_language: str = "sv"


def _joined(source: Any) -> str:
    return "\n\n".join(
        part for part in [source.title, source.lead, source.body, source.instruction] if part
    )


def default_opening(language: str, *, name: str, partner: str, topic: str) -> str:
    with translation.override(language):
        return _(
            "Hello, my name is %(name)s. I am calling from %(partner)s with information from "
            "%(city)s about “%(topic)s”. Do you have a few minutes?"
        ) % {"name": name, "partner": partner, "city": settings.CITY_NAME, "topic": topic}


def default_closing(language: str) -> str:
    with translation.override(language):
        return _(
            "Do you have any questions? Would you like this information by text message? "
            "Thank you for your time."
        )


def campaign_script(
    campaign: CallCampaign,
    language: str,
    *,
    caller_name: str,
    contact: CallContact | None = None,
) -> Script:
    current = selectors.current_version(campaign.topic)
    custom = CallScript.objects.filter(campaign=campaign, language=language).first()
    script = Script(
        language=language,
        opening=(custom.opening if custom and custom.opening else "")
        or default_opening(
            language,
            name=caller_name,
            partner=campaign.partner.name,
            topic=campaign.topic.title,
        ),
        closing=(custom.closing if custom and custom.closing else "") or default_closing(language),
        text=selectors.public_text(current, language) if current is not None else None,
        correction=campaign.is_correction,
    )
    if contact is not None and campaign.is_correction and current is not None:
        heard = contact.heard_version
        script.heard = heard
        if heard is not None and heard.pk != current.pk:
            old_translation: Translation | None = contact.heard_translation
            new_translation = script.text.translation if script.text else None
            if old_translation is not None and new_translation is not None:
                script.passages = changed_passages(
                    _joined(old_translation), _joined(new_translation)
                )
                script.passages_language = language
            else:
                script.passages = changed_passages(_joined(heard), _joined(current))
    return script


def scripts_ready(campaign: CallCampaign) -> list[tuple[str, bool]]:
    """Per campaign language: whether an approved translation of the current version exists
    (otherwise ambassadors read the Swedish text and translate as they speak)."""
    current = selectors.current_version(campaign.topic)
    approved = selectors.approved_translations(current) if current is not None else {}
    return [
        (language, language == SOURCE_LANGUAGE or language in approved)
        for language in campaign.languages
    ]


# --- Corrections ------------------------------------------------------------------------------
def correction_candidates(topic: Topic, partner_ids: set[int] | None) -> QuerySet[CallContact]:
    """Residents a partner called who heard an older version than the topic's current one and
    have not been called with it since (their rows on the first list they were called from).
    ``partner_ids`` None: every partner."""
    return correction_candidates_since(topic, partner_ids, selectors.current_version(topic))


def correction_candidates_since(
    topic: Topic, partner_ids: set[int] | None, current: Bulletin | None
) -> QuerySet[CallContact]:
    """``correction_candidates`` for a caller that has already read the current version."""
    contacts = CallContact.objects.filter(
        campaign__topic=topic,
        corrects_contact__isnull=True,
        heard_version__isnull=False,
        purged_at__isnull=True,
    ).exclude(phone="")
    if partner_ids is not None:
        contacts = contacts.filter(partner_id__in=partner_ids)
    if current is not None:
        contacts = contacts.exclude(heard_version=current)
        # Already on an open correction list for the current version.
        contacts = contacts.exclude(
            corrections__campaign__corrects_to=current,
            corrections__campaign__status=CallCampaign.Status.OPEN,
        )
    return contacts


def corrections_due(topic: Topic, partner_ids: set[int] | None) -> list[tuple[int, int]]:
    """(partner id, residents to correct) for a topic."""
    return corrections_due_since(topic, partner_ids, selectors.current_version(topic))


def corrections_due_since(
    topic: Topic, partner_ids: set[int] | None, current: Bulletin | None
) -> list[tuple[int, int]]:
    """``corrections_due`` for a caller that has already read the current version."""
    rows = (
        correction_candidates_since(topic, partner_ids, current)
        .values("partner_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return [(row["partner_id"], row["count"]) for row in rows]
