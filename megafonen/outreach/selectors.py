"""Permission-aware reads of outreach records. Never returns a subscriber's address."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from megafonen.core.models import Membership, Organisation
from megafonen.core.permissions import organisations_allowed
from megafonen.core.roles import Role
from megafonen.messaging.selectors import batch_progress
from megafonen.outreach import rules
from megafonen.outreach.languages import SOURCE_LANGUAGE, target_languages
from megafonen.outreach.models import (
    Broadcast,
    Bulletin,
    GlossaryTerm,
    PartnerLevel,
    ReadAloud,
    Subscription,
    SupportLevel,
    Topic,
    Translation,
)


# --- Versions --------------------------------------------------------------------------------
def current_version(topic: Topic) -> Bulletin | None:
    """The topic's latest published version (a withdrawal included), or None."""
    return (
        Bulletin.objects.published()
        .filter(topic=topic)
        .select_related("topic", "administration", "approved_by", "written_by")
        .order_by("-number")
        .first()
    )


def versions_published(topic: Topic) -> QuerySet[Bulletin]:
    return (
        Bulletin.objects.published()
        .filter(topic=topic)
        .select_related("topic", "administration", "written_by", "approved_by")
        .order_by("-number")
    )


def lineage(bulletin: Bulletin) -> list[Bulletin]:
    """The published versions this one updates or withdraws, back to the first Alert: the
    CAP ``references`` of the version."""
    if bulletin.kind == Bulletin.Kind.ALERT:
        return []
    earlier = list(
        Bulletin.objects.published()
        .filter(topic_id=bulletin.topic_id, number__lt=bulletin.number)
        .order_by("-number")
    )
    chain: list[Bulletin] = []
    for version in earlier:
        if version.kind == Bulletin.Kind.CANCEL:
            break
        chain.append(version)
        if version.kind == Bulletin.Kind.ALERT:
            break
    return list(reversed(chain))


def translation_is_stale(translation: Translation) -> bool:
    """Stale the moment the topic has a newer version than the translation's source (an
    answer's translation: the moment the answer is withdrawn)."""
    if translation.bulletin is None:
        return not translation.source.is_published
    current = current_version(translation.bulletin.topic)
    return current is None or current.pk != translation.bulletin_id


def approved_translation(bulletin: Bulletin, language: str) -> Translation | None:
    if language == SOURCE_LANGUAGE:
        return None
    return (
        Translation.objects.approved()
        .filter(bulletin=bulletin, language=language)
        .select_related("partner")
        .order_by("-approved_at", "-pk")
        .first()
    )


def approved_translations(bulletin: Bulletin) -> dict[str, Translation]:
    """The latest approved translation of a version per language."""
    latest: dict[str, Translation] = {}
    for translation in (
        Translation.objects.approved()
        .filter(bulletin=bulletin)
        .select_related("partner")
        .order_by("approved_at", "pk")
    ):
        latest[translation.language] = translation
    return latest


@dataclass
class PublicText:
    """What a resident reads in one language: a translation, or the Swedish text with a
    notice when no approved translation of the current version exists yet."""

    bulletin: Bulletin
    language: str  # the language the text is in
    requested: str  # the language the resident asked for
    title: str
    lead: str
    body: str
    instruction: str
    translation: Translation | None = None

    @property
    def is_fallback(self) -> bool:
        return self.language != self.requested

    @property
    def fingerprint(self) -> str:
        return self.translation.fingerprint if self.translation else self.bulletin.fingerprint


def public_text(bulletin: Bulletin, language: str) -> PublicText:
    translation = approved_translation(bulletin, language)
    if translation is not None:
        return PublicText(
            bulletin=bulletin,
            language=language,
            requested=language,
            title=translation.title,
            lead=translation.lead,
            body=translation.body,
            instruction=translation.instruction,
            translation=translation,
        )
    return PublicText(
        bulletin=bulletin,
        language=SOURCE_LANGUAGE,
        requested=language,
        title=bulletin.title,
        lead=bulletin.lead,
        body=bulletin.body,
        instruction=bulletin.instruction,
    )


def previous_translation(
    bulletin: Bulletin, language: str, partner: Organisation
) -> Translation | None:
    """The latest approved translation of an earlier version into ``language``: the starting
    point for a new one (the partner's own first, else another partner's)."""
    earlier = (
        Translation.objects.approved()
        .filter(bulletin__topic_id=bulletin.topic_id, language=language)
        .exclude(bulletin=bulletin)
        .select_related("bulletin")
        .order_by("-bulletin__number", "-approved_at")
    )
    return earlier.filter(partner=partner).first() or earlier.first()


def read_aloud_for(text: PublicText) -> ReadAloud | None:
    """Ready audio of exactly this text: a person's recording before a synthetic voice."""
    candidates = list(
        ReadAloud.objects.filter(
            bulletin=text.bulletin,
            language=text.language,
            status=ReadAloud.Status.READY,
            text_fingerprint=text.fingerprint,
        ).order_by("-created_at")
    )
    candidates.sort(key=lambda audio: audio.kind != ReadAloud.Kind.RECORDED)
    return candidates[0] if candidates else None


# --- Levels ----------------------------------------------------------------------------------
def partner_level_current(*, topic: Topic, organisation: Organisation) -> SupportLevel | None:
    row = (
        PartnerLevel.objects.filter(topic=topic, organisation=organisation)
        .select_related("level")
        .order_by("-set_at", "-pk")
        .first()
    )
    return row.level if row is not None else None


def partner_levels_current(topic: Topic) -> list[PartnerLevel]:
    """The current row of every partner that takes part in the topic, best level first."""
    latest: dict[int, PartnerLevel] = {}
    for row in (
        PartnerLevel.objects.filter(topic=topic)
        .select_related("level", "organisation", "set_by")
        .order_by("set_at", "pk")
    ):
        latest[row.organisation_id] = row
    current = [row for row in latest.values() if row.level is not None]
    return sorted(
        current, key=lambda row: (-(row.level.rank if row.level else 0), row.organisation.name)
    )


def partner_level_history(topic: Topic) -> QuerySet[PartnerLevel]:
    return PartnerLevel.objects.filter(topic=topic).select_related(
        "level", "organisation", "set_by"
    )


def levels_available() -> QuerySet[SupportLevel]:
    return SupportLevel.objects.filter(is_active=True).order_by("rank")


# --- Topics for staff ------------------------------------------------------------------------
def topics_for(user: Any) -> list[Topic]:
    """City staff see every topic; partners the topics they currently take part in."""
    allowed = organisations_allowed(user, rules.USE_WORKSPACE.name)
    topics = Topic.objects.select_related("administration").order_by("-is_active", "-created_at")
    if allowed is None:
        return list(topics)
    latest: dict[tuple[int, int], PartnerLevel] = {}
    for row in PartnerLevel.objects.filter(organisation_id__in=allowed).order_by("set_at", "pk"):
        latest[(row.topic_id, row.organisation_id)] = row
    ids = {topic_id for (topic_id, _org), row in latest.items() if row.level_id is not None}
    return [topic for topic in topics if topic.pk in ids]


def user_partners(user: Any, action: str) -> list[Organisation]:
    """The partner organisations in which ``user`` may perform ``action``."""
    allowed = organisations_allowed(user, action)
    if allowed is None:
        return []
    return list(Organisation.objects.filter(pk__in=allowed).order_by("name"))


@dataclass
class LanguageRow:
    code: str
    name: str
    direction: str
    approved: Translation | None = None
    open: list[Translation] = field(default_factory=list)
    stale: list[Translation] = field(default_factory=list)


def translation_overview(topic: Topic) -> list[LanguageRow]:
    """Per target language: the approved translation of the current version, translations
    under way, and approved translations of older versions that are now stale."""
    current = current_version(topic)
    rows = {
        language.code: LanguageRow(language.code, language.endonym, language.direction)
        for language in target_languages()
    }
    translations = (
        Translation.objects.filter(bulletin__topic=topic)
        .exclude(status=Translation.Status.DISCARDED)
        .select_related("bulletin", "partner", "translated_by")
        .order_by("approved_at", "pk")
    )
    for translation in translations:
        row = rows.get(translation.language)
        if row is None:
            continue
        is_current = current is not None and translation.bulletin_id == current.pk
        if translation.status == Translation.Status.APPROVED:
            if is_current:
                row.approved = translation
            else:
                row.stale.append(translation)
        elif is_current:
            row.open.append(translation)
    for row in rows.values():
        # Only the newest stale translation per partner matters to the translator.
        newest: dict[int, Translation] = {}
        for translation in row.stale:
            newest[translation.partner_id] = translation
        row.stale = [] if row.approved and not newest else list(newest.values())
    return list(rows.values())


def glossary_hits(language: str, text: str) -> list[GlossaryTerm]:
    """Glossary terms of ``language`` that appear in ``text`` (whole words, any case)."""
    lowered = text.lower()
    return [
        term
        for term in GlossaryTerm.objects.filter(language=language)
        if re.search(rf"(?<!\w){re.escape(term.term.lower())}(?!\w)", lowered)
    ]


def glossary(language: str) -> QuerySet[GlossaryTerm]:
    return GlossaryTerm.objects.filter(language=language).select_related("organisation")


# --- Reach -----------------------------------------------------------------------------------
@dataclass
class PartnerReach:
    organisation: Organisation
    level: SupportLevel
    languages: list[str]
    translated: list[str]
    districts: list[str]


@dataclass
class TopicReach:
    topic: Topic
    current: Bulletin | None
    partners: list[PartnerReach]
    languages: list[str]
    districts: list[str]
    untranslated: list[str]


def reach(topics: list[Topic]) -> list[TopicReach]:
    """Which partners, languages and districts each topic reaches, at which level."""
    speakers: dict[int, set[str]] = defaultdict(set)
    memberships = (
        Membership.objects.current()
        .filter(role__in=[Role.AMBASSADOR, Role.PARTNER_COORDINATOR])
        .prefetch_related("user__languages")
    )
    for membership in memberships:
        speakers[membership.organisation_id].update(
            language.code for language in membership.user.languages.all()
        )
    targets = [language.code for language in target_languages()]
    organisations = {
        organisation.pk: organisation
        for organisation in Organisation.objects.filter(outreach_levels__topic__in=topics)
        .prefetch_related("districts")
        .distinct()
    }
    result = []
    for topic in topics:
        current = current_version(topic)
        translations = approved_translations(current) if current is not None else {}
        by_partner: dict[int, list[str]] = defaultdict(list)
        for code, translation in translations.items():
            by_partner[translation.partner_id].append(code)
        partners = []
        for row in partner_levels_current(topic):
            if row.level is None:
                continue
            organisation = organisations[row.organisation_id]
            partners.append(
                PartnerReach(
                    organisation=organisation,
                    level=row.level,
                    languages=sorted(speakers.get(organisation.pk, set())),
                    translated=sorted(by_partner.get(organisation.pk, [])),
                    districts=sorted(district.name for district in organisation.districts.all()),
                )
            )
        languages = sorted({SOURCE_LANGUAGE, *translations})
        result.append(
            TopicReach(
                topic=topic,
                current=current,
                partners=partners,
                languages=languages,
                districts=sorted({name for partner in partners for name in partner.districts}),
                untranslated=[code for code in targets if code not in translations],
            )
        )
    return result


# --- Subscribers and broadcasts (figures only) --------------------------------------------
def subscriber_figures(topic: Topic) -> dict[str, Any]:
    rows = (
        Subscription.objects.filter(topic=topic)
        .values("status", "channel", "language")
        .annotate(count=Count("pk"))
    )
    by_status: Counter[str] = Counter()
    confirmed_by_language: Counter[str] = Counter()
    confirmed_by_channel: Counter[str] = Counter()
    for row in rows:
        by_status[row["status"]] += row["count"]
        if row["status"] == Subscription.Status.CONFIRMED:
            confirmed_by_language[row["language"]] += row["count"]
            confirmed_by_channel[row["channel"]] += row["count"]
    return {
        "by_status": dict(by_status),
        "confirmed": by_status.get(Subscription.Status.CONFIRMED, 0),
        "by_language": sorted(confirmed_by_language.items()),
        "by_channel": dict(confirmed_by_channel),
    }


def broadcasts_of(topic: Topic) -> QuerySet[Broadcast]:
    return Broadcast.objects.filter(bulletin__topic=topic).select_related("bulletin")


def broadcast_progress(broadcast: Broadcast) -> dict[str, int]:
    """Messages of the broadcast per status, as messaging counts them."""
    return batch_progress(batch=broadcast.batch)


def topics_public() -> list[tuple[Topic, Bulletin]]:
    """Topics with something published and their current versions, open topics first."""
    topics = list(
        Topic.objects.public()
        .select_related("administration")
        .order_by("-is_active", "-created_at")
    )
    versions = (
        Bulletin.objects.published()
        .filter(topic__in=topics)
        .select_related("topic", "administration")
        .order_by("topic_id", "number")
    )
    latest = {version.topic_id: version for version in versions}
    return [(topic, latest[topic.pk]) for topic in topics if topic.pk in latest]


def translations_for_versions(bulletins: list[Bulletin]) -> dict[int, dict[str, Translation]]:
    """Approved translations of several versions at once (for feeds)."""
    found: dict[int, dict[str, Translation]] = defaultdict(dict)
    for translation in (
        Translation.objects.approved()
        .filter(bulletin__in=bulletins)
        .order_by("approved_at", "pk")
        .prefetch_related(Prefetch("partner"))
    ):
        if translation.bulletin_id is not None:
            found[translation.bulletin_id][translation.language] = translation
    return found
