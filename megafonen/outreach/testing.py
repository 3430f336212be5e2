"""Factories for outreach records, for this app's tests, other apps' tests and the demo."""

from __future__ import annotations

from typing import Any

from megafonen.core.models import Organisation
from megafonen.outreach import services
from megafonen.outreach.models import Bulletin, SupportLevel, Topic, Translation

# The four levels Helsingborg's crisis tool describes (seed 000/001), as data the city can
# change: what the city commits, what the partner may do, and the capabilities in code.
DEFAULT_LEVELS: list[dict[str, Any]] = [
    {
        "rank": 1,
        "name": "Informationsbärare",
        "city_commits": "Staden ger verifierat material på svenska så snart det är publicerat.",
        "partner_may": "Översätta och sprida materialet; staden granskar översättningarna.",
    },
    {
        "rank": 2,
        "name": "Dialogpartner",
        "city_commits": "Som nivå 1, och genomgångar med staden samt en direkt frågekanal.",
        "partner_may": "Godkänna egna översättningar efter kollegial granskning; skicka "
        "invånarnas frågor direkt till staden.",
        "allows_self_approve_translations": True,
        "allows_briefings": True,
        "allows_question_channel": True,
    },
    {
        "rank": 3,
        "name": "Uppdragspartner",
        "city_commits": "Som nivå 2, och utbildning, samtalsmanus och stöd för en jourlinje.",
        "partner_may": "Driva ringkampanjer och en jourlinje.",
        "allows_self_approve_translations": True,
        "allows_briefings": True,
        "allows_question_channel": True,
        "allows_call_campaigns": True,
        "allows_hotline": True,
        "allows_training": True,
    },
    {
        "rank": 4,
        "name": "Sida vid sida",
        "city_commits": "Som nivå 3, och stadens personal arbetar tillsammans med partnern.",
        "partner_may": "Allt på nivå 3, med stadens personal på plats.",
        "allows_self_approve_translations": True,
        "allows_briefings": True,
        "allows_question_channel": True,
        "allows_call_campaigns": True,
        "allows_hotline": True,
        "allows_training": True,
        "allows_staff_alongside": True,
    },
]


def levels_ensure() -> dict[int, SupportLevel]:
    levels = {}
    for definition in DEFAULT_LEVELS:
        values = {key: value for key, value in definition.items() if key != "rank"}
        level, _created = SupportLevel.objects.update_or_create(
            rank=definition["rank"], defaults=values
        )
        levels[level.rank] = level
    return levels


HEAT_WAVE = {
    "title": "Värmebölja i Helsingborg",
    "lead": "SMHI varnar för höga temperaturer de närmaste dagarna. Drick mycket vatten och "
    "håll dig i skuggan.",
    "body": "Temperaturen väntas bli över 30 grader från onsdag till söndag.\n\n"
    "Äldre, små barn och personer med kroniska sjukdomar är mest utsatta. Hör av dig till "
    "grannar och anhöriga som kan behöva hjälp.\n\n"
    "Biblioteken i Drottninghög och Dalhem är öppna som svala rum klockan 10–20.",
    "instruction": "Drick vatten ofta, även om du inte är törstig. Ring 1177 om du mår dåligt "
    "av värmen. Ring 112 vid nödläge.",
}


def version_publish(
    *,
    author: Any,
    approver: Any,
    topic: Topic,
    is_withdrawal: bool = False,
    title: str = HEAT_WAVE["title"],
    lead: str = HEAT_WAVE["lead"],
    body: str = HEAT_WAVE["body"],
    instruction: str = HEAT_WAVE["instruction"],
) -> Bulletin:
    """Write, submit and publish a version: two communicators, as the rules require."""
    draft = services.bulletin_draft_create(
        actor=author,
        topic=topic,
        is_withdrawal=is_withdrawal,
        title=title,
        lead=lead,
        body=body,
        instruction=instruction,
    )
    services.bulletin_submit(actor=author, bulletin=draft)
    return services.bulletin_publish(actor=approver, bulletin=draft)


def topic_with_version(
    *, author: Any, approver: Any, title: str = "Värmebölja"
) -> tuple[Topic, Bulletin]:
    topic = services.topic_open(actor=author, title=title, cap_category="Met")
    return topic, version_publish(author=author, approver=approver, topic=topic)


def translation_approve(
    *,
    bulletin: Bulletin,
    language: str,
    partner: Organisation,
    translator: Any,
    reviewer: Any,
    city: Any = None,
    title: str = "",
    lead: str = "",
    body: str = "",
    instruction: str = "",
) -> Translation:
    """Translate, peer-review and (where the partner's level needs it) city-approve."""
    translation = services.translation_start(
        actor=translator, bulletin=bulletin, language=language, partner=partner
    )
    services.translation_save(
        actor=translator,
        translation=translation,
        title=title or f"[{language}] {bulletin.title}",
        lead=lead or f"[{language}] {bulletin.lead}",
        body=body or f"[{language}] {bulletin.body}",
        instruction=instruction
        or (f"[{language}] {bulletin.instruction}" if bulletin.instruction else ""),
    )
    services.translation_submit(actor=translator, translation=translation)
    services.translation_peer_review(actor=reviewer, translation=translation, approve=True)
    translation.refresh_from_db()
    if translation.status == Translation.Status.PEER_APPROVED:
        if city is None:
            raise ValueError("This partner's level needs the city to approve its translations")
        services.translation_city_review(actor=city, translation=translation, approve=True)
        translation.refresh_from_db()
    return translation
