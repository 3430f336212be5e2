"""Phone numbers as residents type them, turned into E.164 for the SMS providers."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID_PHONE = _(
    "This does not look like a phone number. Write it with the area code, for example "
    "070-123 45 67, or with the country code, for example +46 70 123 45 67."
)
NOT_MOBILE = _("Write a mobile number: text messages cannot be sent to a landline.")


def phone_normalise(raw: str, *, mobile_only: bool = False, region: str = "SE") -> str:
    """``070-123 45 67`` → ``+46701234567``; foreign numbers need their country code."""
    cleaned = raw.strip()
    if not cleaned or len(cleaned) > 32:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    try:
        number = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(INVALID_PHONE, code="invalid_phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    if mobile_only and phonenumbers.number_type(number) not in {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }:
        raise ValidationError(NOT_MOBILE, code="not_mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_masked(e164: str) -> str:
    """For screens and consoles that must not show the whole number: ``+46 70 *** ** 67``."""
    if len(e164) < 6:
        return "***"
    return f"{e164[:5]}{'*' * (len(e164) - 7)}{e164[-2:]}"
