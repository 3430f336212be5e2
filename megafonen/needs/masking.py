"""Masking what identifies a person in text a resident wrote, before any receiver reads it.

Swedish personal identity numbers (personnummer) and co-ordination numbers (samordningsnummer)
are masked only when their check digit is right (the Luhn algorithm over the last ten digits)
and the date part is possible: a bus number or an amount of money stays as it was. Phone numbers
(Swedish and international) and e-mail addresses are masked whatever they look like. Only the
masked text is ever stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MASK = "[***]"

# 10 or 12 digits: (CC)YYMMDD, then "-", "+" (100 years or older) or nothing, then 4 digits.
_IDENTITY_NUMBER = re.compile(r"(?<![\d+])((?:19|20)?\d{6})\s?([-+]?)\s?(\d{4})(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A run of 7 to 15 digits, possibly grouped with spaces, dashes, dots, slashes or brackets,
# starting with + or 0 (Swedish numbers always start with 0 when written without +46).
_PHONE = re.compile(r"(?<![\w+])(?:\+|00|0)\d(?:[\s\-./()]{0,2}\d){6,14}(?!\d)")


@dataclass(frozen=True)
class Masked:
    text: str
    count: int


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def identity_number_valid(number: str) -> bool:
    """A personnummer or samordningsnummer (day + 60), 10 or 12 digits, separators removed."""
    if len(number) == 12:
        if number[:2] not in {"19", "20"}:
            return False
        number = number[2:]
    if len(number) != 10 or not number.isdigit():
        return False
    month, day = int(number[2:4]), int(number[4:6])
    if not 1 <= month <= 12:
        return False
    if not (1 <= day <= 31 or 61 <= day <= 91):
        return False
    return luhn_valid(number)


def _mask_identity(match: re.Match[str], counter: list[int]) -> str:
    date_part, _separator, serial = match.groups()
    if identity_number_valid(date_part + serial):
        counter[0] += 1
        return MASK
    return match.group(0)


def _mask_simple(match: re.Match[str], counter: list[int]) -> str:
    counter[0] += 1
    return MASK


def mask_personal_data(text: str) -> Masked:
    counter = [0]
    # E-mail first (its digits could look like a phone number), identity numbers before phone
    # numbers (a valid one is reported as such, not as a phone number).
    text = _EMAIL.sub(lambda match: _mask_simple(match, counter), text)
    text = _IDENTITY_NUMBER.sub(lambda match: _mask_identity(match, counter), text)
    text = _PHONE.sub(lambda match: _mask_simple(match, counter), text)
    return Masked(text=text, count=counter[0])
