"""Receipt codes, one-time submission keys and placement codes.

A receipt code is what a resident keeps to follow up her need: nine characters from an alphabet
without look-alikes (no 0/O, 1/I/L, and no U or V, which are misread as each other), grouped
in threes like ``K7M-29Q-XT4``: 29⁹ ≈ 2⁴³·⁷ codes, enough that guessing one, at the rate the
follow-up page allows, takes longer than any need lives.

Only a keyed hash of a code is stored. To show the same code again when a form is sent twice,
the code is *derived* from the form's one-time submission key with a server secret, never stored:
the resident (and anyone who sees her page) knows the key but cannot compute the code without the
secret, and the database alone reveals neither.

A submission key is minted for every form page: a timestamp, a random nonce and a signature, so
the server accepts only keys it minted in the last day, without storing any of them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
import unicodedata
from collections.abc import Iterable

from django.conf import settings

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"  # no 0 O 1 I L U V: hard to tell apart or to say
RECEIPT_LENGTH = 9
RECEIPT_GROUP = 3
PLACEMENT_LENGTH = 6
SUBMISSION_KEY_MAX_AGE = 24 * 3600
_NONCE_BYTES = 12
_KEY_PATTERN = re.compile(r"^([0-9a-z]{1,10})\.([A-Za-z0-9_-]{16})\.([0-9a-f]{24})$")


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _mac(key: str, purpose: str, value: str) -> str:
    return hmac.new(key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def _encode(number: int, length: int) -> str:
    characters = []
    for _position in range(length):
        number, digit = divmod(number, len(ALPHABET))
        characters.append(ALPHABET[digit])
    return "".join(characters)


def receipt_format(code: str) -> str:
    """``K7M29QXT4`` → ``K7M-29Q-XT4``, for reading aloud and writing down."""
    return "-".join(code[i : i + RECEIPT_GROUP] for i in range(0, len(code), RECEIPT_GROUP))


def receipt_normalise(raw: str) -> str:
    """What a resident types, forgiving case, spaces and dashes; ``""`` if it cannot be a code.

    Invisible direction marks (U+200E, U+2066…) come along when a code is copied from
    right-to-left text, so format characters are dropped too."""
    visible = "".join(char for char in raw or "" if unicodedata.category(char) != "Cf")
    cleaned = re.sub(r"[\s\-‐-―_.]", "", visible).upper()[:40]
    if len(cleaned) != RECEIPT_LENGTH or any(char not in ALPHABET for char in cleaned):
        return ""
    return cleaned


def receipt_from_key(submission_key: str) -> str:
    """The receipt code for a submission, the same every time the same key is sent."""
    digest = _mac(settings.SECRET_KEY, "needs-receipt", submission_key)
    # 64 bits reduced to 29⁹ (about 2⁴³·⁷) values: the bias is below one part in a million.
    return _encode(int(digest[:16], 16), RECEIPT_LENGTH)


def receipt_hash(code: str, *, secret: str | None = None) -> str:
    return _mac(secret or settings.SECRET_KEY, "needs-receipt-lookup", code)


def receipt_hashes(code: str) -> list[str]:
    """The hashes a code may be stored under, current secret first (for key rotation)."""
    return [receipt_hash(code, secret=secret) for secret in _secrets()]


def submission_key_mint(*, now: float | None = None) -> str:
    stamp = format(int(now if now is not None else time.time()), "x")
    nonce = secrets.token_urlsafe(_NONCE_BYTES)
    signature = _mac(settings.SECRET_KEY, "needs-form", f"{stamp}.{nonce}")[:24]
    return f"{stamp}.{nonce}.{signature}"


def submission_keys_mint(count: int) -> Iterable[str]:
    """Many keys at once: what a benchmark or a load test sends instead of fetching pages."""
    return (submission_key_mint() for _ in range(count))


def submission_key_valid(key: str, *, now: float | None = None) -> bool:
    match = _KEY_PATTERN.match(key or "")
    if match is None:
        return False
    stamp, nonce, signature = match.groups()
    if not any(
        hmac.compare_digest(_mac(secret, "needs-form", f"{stamp}.{nonce}")[:24], signature)
        for secret in _secrets()
    ):
        return False
    age = (now if now is not None else time.time()) - int(stamp, 16)
    return -60 <= age <= SUBMISSION_KEY_MAX_AGE


def submission_key_hash(key: str) -> str:
    return hashlib.sha256(f"needs-submission:{key}".encode()).hexdigest()


def placement_code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(PLACEMENT_LENGTH))


def api_key_new() -> str:
    return secrets.token_urlsafe(24)


def api_key_hash(key: str) -> str:
    return hashlib.sha256(f"needs-open311:{key}".encode()).hexdigest()
