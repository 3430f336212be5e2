"""Residents' phone numbers on call lists: normalised to E.164 and found by a keyed hash.

The hash lets the platform find duplicates and do-not-call entries without decrypting any
number; it is keyed with ``SECRET_KEY`` (and checked against ``SECRET_KEY_FALLBACKS``, so a
rotated key still recognises a number put on the do-not-call list before the rotation).
"""

from __future__ import annotations

import hashlib
import hmac

import phonenumbers
from django.conf import settings
from django.utils.html import format_html

from megafonen.messaging.phone import phone_normalise


def _hash_with(key: str, e164: str) -> str:
    return hmac.new(
        key.encode(), f"outreach-call-phone:{e164}".encode(), hashlib.sha256
    ).hexdigest()


def phone_hash(e164: str) -> str:
    return _hash_with(settings.SECRET_KEY, e164)


def phone_hashes(e164: str) -> list[str]:
    """Every hash the number may be stored under (current key first)."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_hash_with(key, e164) for key in keys]


def call_number_normalise(raw: str) -> tuple[str, bool]:
    """A number to call, as E.164, and whether it can take text messages. Landlines may be
    called; only mobiles get the text after a call. Raises ``ValidationError`` (messaging's
    plain-words message) for anything that is not a phone number."""
    e164 = phone_normalise(raw)
    number = phonenumbers.parse(e164, None)
    is_mobile = phonenumbers.number_type(number) in {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
    return e164, is_mobile


def phone_display(e164: str) -> str:
    """How an ambassador reads the number aloud or types it: national format for Swedish
    numbers (070-174 06 10), international for the rest."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 46:
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def number_isolated(number: str) -> str:
    """A phone number for a sentence in any language: its digit groups keep their order in a
    right-to-left one (``<bdi dir="ltr">``). Empty stays empty."""
    return format_html('<bdi dir="ltr">{}</bdi>', number) if number else ""
