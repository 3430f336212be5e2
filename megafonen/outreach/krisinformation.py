"""Krisinformation.se's open API (v3): its news and its VMA (important public announcements),
read as source material for bulletins.

``/news`` and ``/vmas`` answer with a JSON list of items (``Identifier``, ``Headline``,
``Preamble``, ``BodyText`` in HTML, ``Published``, ``Updated``, ``Web``, ``Area``,
``SenderName``, ``Language``). Field names are read without regard to case, because the API
has changed their case between versions; a VMA payload in the CAP-shaped form of Sveriges
Radio's VMA API (``{"alerts": [{"identifier", "msgType", "references", "sent", "info": [...]}]}``)
is read too, since Krisinformation relays those alerts.
"""

from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_datetime


class SourceUnavailableError(Exception):
    """The source did not answer, or answered with something we cannot read."""


@dataclass
class SourceRecord:
    source: str  # "news" or "vma"
    identifier: str
    headline: str
    preamble: str = ""
    body: str = ""
    web: str = ""
    area: str = ""
    sender_name: str = ""
    language: str = ""
    message_type: str = ""
    references: str = ""
    published_at: datetime | None = None
    updated_at: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict)


_ENDPOINTS = {"news": "news", "vma": "vmas"}


def fetch(kind: str, *, days: int = 7) -> Any:
    """GET the source's JSON with a timeout. Raises ``SourceUnavailableError``."""
    query = {"format": "json", "language": "sv", "allCounties": "true"}
    if kind == "news":
        query["days"] = str(days)
    url = (
        f"{settings.OUTREACH_KRISINFORMATION_URL.rstrip('/')}/{_ENDPOINTS[kind]}?"
        f"{urllib.parse.urlencode(query)}"
    )
    if not url.startswith(("https://", "http://")):
        raise SourceUnavailableError("OUTREACH_KRISINFORMATION_URL must be an http(s) address")
    request = urllib.request.Request(  # noqa: S310  (the scheme is checked above)
        url, headers={"Accept": "application/json", "User-Agent": "Megafonen"}
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.OUTREACH_KRISINFORMATION_TIMEOUT_SECONDS
        ) as response:
            return json.loads(response.read(5_000_000).decode("utf-8"))
    except urllib.error.HTTPError as error:
        raise SourceUnavailableError(f"HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise SourceUnavailableError(type(error).__name__) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SourceUnavailableError("not JSON") from None


def _get(item: dict[str, Any], *names: str) -> Any:
    lowered = {str(key).lower(): value for key, value in item.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value not in (None, ""):
            return value
    return None


_BLOCK_END = re.compile(r"</(p|h[1-6]|li|div)\s*>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def html_to_text(value: str) -> str:
    """The source's HTML as plain paragraphs: no markup from outside ever reaches a page."""
    text = _BLOCK_END.sub("\n\n", value or "")
    text = html.unescape(_TAG.sub("", text)).replace("\xa0", " ")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines())).strip()


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def _areas(value: Any) -> str:
    if isinstance(value, list):
        names = [
            str(_get(area, "Description", "areaDesc") or "")
            for area in value
            if isinstance(area, dict)
        ]
        return ", ".join(name for name in names if name)[:300]
    return ""


def parse(kind: str, payload: Any) -> list[SourceRecord]:
    """Read a payload into records; items without an identifier or headline are skipped."""
    if isinstance(payload, dict) and isinstance(payload.get("alerts"), list):
        return [record for alert in payload["alerts"] if (record := _from_cap(alert))]
    if not isinstance(payload, list):
        raise SourceUnavailableError("expected a list of items")
    records = []
    for item in payload:
        if not isinstance(item, dict):
            continue
        identifier = _get(item, "Identifier", "Id")
        headline = _get(item, "Headline", "Title")
        if not identifier or not headline:
            continue
        records.append(
            SourceRecord(
                source=kind,
                identifier=str(identifier)[:200],
                headline=html_to_text(str(headline))[:300],
                preamble=html_to_text(str(_get(item, "Preamble", "PushMessage") or "")),
                body=html_to_text(str(_get(item, "BodyText", "Description") or "")),
                web=str(_get(item, "Web", "Url") or "")[:500],
                area=_areas(_get(item, "Area", "Areas")),
                sender_name=str(_get(item, "SenderName", "Sender") or "")[:200],
                language=str(_get(item, "Language") or "")[:20],
                message_type=str(_get(item, "MsgType", "Event") or "")[:10],
                references=str(_get(item, "References") or "")[:300],
                published_at=_when(_get(item, "Published", "Sent")),
                updated_at=_when(_get(item, "Updated")),
                raw=item,
            )
        )
    return records


def _from_cap(alert: Any) -> SourceRecord | None:
    if not isinstance(alert, dict) or not alert.get("identifier"):
        return None
    infos = [info for info in alert.get("info") or [] if isinstance(info, dict)]
    # The Swedish block when there is one: bulletins are written in Swedish.
    info = next(
        (info for info in infos if str(info.get("language", "")).lower().startswith("sv")),
        infos[0] if infos else {},
    )
    headline = info.get("headline") or info.get("event")
    if not headline:
        return None
    return SourceRecord(
        source="vma",
        identifier=str(alert["identifier"])[:200],
        headline=str(headline)[:300],
        preamble=str(info.get("description") or "").replace("\r\n", "\n"),
        body=str(info.get("instruction") or ""),
        web=str(info.get("web") or "")[:500],
        area=_areas(info.get("area")),
        sender_name=str(info.get("senderName") or alert.get("sender") or "")[:200],
        language=str(info.get("language") or "")[:20],
        message_type=str(alert.get("msgType") or "")[:10],
        references=str(alert.get("references") or "")[:300],
        published_at=_when(alert.get("sent")),
        raw=alert,
    )
