"""Published information in open standards: CAP 1.2 alerts and Atom feeds.

Each published version is one CAP message: the first is an Alert, later ones Updates, a
withdrawal a Cancel, each naming the messages it replaces in ``references``. The message has
one ``info`` block per language: Swedish and every approved translation of that version.
The output is validated against the official CAP 1.2 schema in the tests (schemas/).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from megafonen.outreach import selectors
from megafonen.outreach.languages import SOURCE_LANGUAGE, cap_language
from megafonen.outreach.models import Bulletin, Topic, Translation
from megafonen.outreach.notices import topic_url

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def cap_sender() -> str:
    return settings.OUTREACH_CAP_SENDER or f"megafonen@{_host()}"


def cap_time(moment: datetime) -> str:
    """CAP wants local time with an explicit offset and no fractions: 2026-07-01T10:00:00+02:00."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def cap_identifier(bulletin: Bulletin) -> str:
    return f"{_host()}.megafonen.{bulletin.topic.slug}.v{bulletin.number}"


def _published(bulletin: Bulletin) -> datetime:
    if bulletin.published_at is None:
        raise ValueError("Only a published version has a CAP message")
    return bulletin.published_at


def cap_reference(bulletin: Bulletin) -> str:
    return f"{cap_sender()},{cap_identifier(bulletin)},{cap_time(_published(bulletin))}"


def _add(parent: ET.Element, name: str, text: str | None) -> ET.Element | None:
    if text is None or text == "":
        return None
    element = ET.SubElement(parent, name)
    element.text = text
    return element


def _info(
    alert: ET.Element,
    bulletin: Bulletin,
    language: str,
    source: Bulletin | Translation,
) -> None:
    topic = bulletin.topic
    info = ET.SubElement(alert, "info")
    _add(info, "language", cap_language(language))
    _add(info, "category", topic.cap_category)
    _add(info, "event", source.title[:160])
    if bulletin.kind == Bulletin.Kind.CANCEL:
        _add(info, "responseType", "AllClear")
    _add(info, "urgency", "Past" if bulletin.kind == Bulletin.Kind.CANCEL else topic.cap_urgency)
    _add(info, "severity", topic.cap_severity)
    _add(info, "certainty", topic.cap_certainty)
    _add(
        info,
        "senderName",
        bulletin.administration.name if bulletin.administration else settings.CITY_NAME,
    )
    _add(info, "headline", source.title[:160])
    _add(info, "description", "\n\n".join(part for part in [source.lead, source.body] if part))
    _add(info, "instruction", source.instruction)
    _add(info, "web", topic_url(topic, language))
    parameter = ET.SubElement(info, "parameter")
    _add(parameter, "valueName", "megafonen:sha256")
    fingerprint = source.fingerprint if isinstance(source, Translation) else bulletin.fingerprint
    _add(parameter, "value", fingerprint)
    if isinstance(source, Translation):
        parameter = ET.SubElement(info, "parameter")
        _add(parameter, "valueName", "megafonen:translatedBy")
        _add(parameter, "value", source.partner.name)
    area = ET.SubElement(info, "area")
    _add(area, "areaDesc", topic.area_description)


def cap_alert(bulletin: Bulletin) -> bytes:
    """The CAP 1.2 message of one published version, with every approved translation."""
    published = _published(bulletin)
    alert = ET.Element("alert", {"xmlns": CAP_NAMESPACE})
    _add(alert, "identifier", cap_identifier(bulletin))
    _add(alert, "sender", cap_sender())
    _add(alert, "sent", cap_time(published))
    _add(alert, "status", settings.OUTREACH_CAP_STATUS)
    _add(alert, "msgType", bulletin.kind)
    _add(alert, "source", settings.CITY_NAME)
    _add(alert, "scope", "Public")
    earlier = selectors.lineage(bulletin)
    if earlier:
        _add(alert, "references", " ".join(cap_reference(version) for version in earlier))
    _info(alert, bulletin, SOURCE_LANGUAGE, bulletin)
    for language, translated in sorted(selectors.approved_translations(bulletin).items()):
        _info(alert, bulletin, language, translated)
    ET.indent(alert)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + bytes(ET.tostring(alert, encoding="utf-8"))


class TopicAtomFeed(Atom1Feed):
    content_type = "application/atom+xml; charset=utf-8"


def topic_atom(topic: Topic, language: str, *, feed_url: str) -> bytes:
    """Every published version of the topic, newest first, in ``language`` where an approved
    translation exists and in Swedish (said so) where none does."""
    versions = list(selectors.versions_published(topic)[:50])
    translated = selectors.translations_for_versions(versions)
    with translation.override(language):
        feed = TopicAtomFeed(
            title=f"{topic.title} · Megafonen",
            link=topic_url(topic, language),
            description=_("Verified information from %(city)s") % {"city": settings.CITY_NAME},
            language=language,
            feed_url=feed_url,
            feed_guid=f"tag:{_host()},{topic.created_at:%Y-%m-%d}:megafonen/topics/{topic.slug}/{language}",
        )
        for version in versions:
            published = _published(version)
            text: Bulletin | Translation = translated.get(version.pk, {}).get(language) or version
            notice = ""
            if language != SOURCE_LANGUAGE and isinstance(text, Bulletin):
                notice = _("No approved translation yet: this is the Swedish text.") + "\n\n"
            administration = version.administration.name if version.administration else ""
            stamp = _(
                "Version %(number)s, verified by %(administration)s. SHA-256 %(fingerprint)s."
            ) % {
                "number": version.number,
                "administration": administration,
                "fingerprint": version.fingerprint,
            }
            feed.add_item(
                title=f"{text.title} (v{version.number})",
                link=f"{topic_url(topic, language)}#v{version.number}",
                description=notice
                + "\n\n".join(
                    part for part in [text.lead, text.body, text.instruction, stamp] if part
                ),
                unique_id=f"tag:{_host()},{published:%Y-%m-%d}:{cap_identifier(version)}",
                pubdate=published,
                updateddate=published,
                author_name=administration or settings.CITY_NAME,
            )
        return str(feed.writeString("utf-8")).encode()
