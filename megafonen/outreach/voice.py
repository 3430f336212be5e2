"""46elks call actions for the hotline, as the JSON its voice webhooks answer with.

See https://46elks.se/docs/call-actions: ``ivr`` plays a sound and collects a digit (posted to
``next`` as ``result``); ``connect`` rings a number (``result`` is ``success``, ``busy`` or
``failed``; ``busy`` and ``failed`` branches may be given inline); ``play`` plays a sound;
``hangup`` ends the call. ``whenhangup`` is called when the call ends. Incoming calls to a
Swedish mobile 46elks number can only be connected to Swedish mobile numbers.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from megafonen.messaging.phone import phone_normalise


def webhook_url(name: str) -> str:
    path = reverse(f"outreach_voice:{name}", args=[settings.OUTREACH_HOTLINE_VOICE_TOKEN])
    return f"{settings.SITE_URL}{path}"


def _caller_id() -> dict[str, str]:
    # The ambassador's phone shows the hotline, not the resident: she knows it is a hotline
    # call, and the caller's number never lands in her phone's call log.
    try:
        return {"callerid": phone_normalise(settings.OUTREACH_HOTLINE_NUMBER)}
    except ValidationError:  # no usable hotline number configured: 46elks shows the caller's
        return {}


def menu() -> dict[str, Any]:
    return {
        "ivr": settings.OUTREACH_HOTLINE_MENU_AUDIO_URL,
        "digits": 1,
        "timeout": 10,
        "repeat": 2,
        "next": webhook_url("menu"),
        "whenhangup": webhook_url("hangup"),
    }


def connect(number: str) -> dict[str, Any]:
    return {
        "connect": number,
        **_caller_id(),
        "timeout": settings.OUTREACH_HOTLINE_RING_SECONDS,
        "next": webhook_url("connected"),
        "whenhangup": webhook_url("hangup"),
    }


def hangup() -> dict[str, Any]:
    # After the first action only "reject" is allowed.
    return {"hangup": "reject"}


def fallback() -> dict[str, Any]:
    """Nobody on shift for the language (or nobody answered)."""
    if settings.OUTREACH_HOTLINE_FALLBACK_NUMBER:
        return {
            "connect": settings.OUTREACH_HOTLINE_FALLBACK_NUMBER,
            **_caller_id(),
            "whenhangup": webhook_url("hangup"),
        }
    if settings.OUTREACH_HOTLINE_CLOSED_AUDIO_URL:
        return {"play": settings.OUTREACH_HOTLINE_CLOSED_AUDIO_URL}
    return hangup()
