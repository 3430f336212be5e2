"""Which language a resident wrote her need in, offline.

Lingua (``lingua-language-detector``) ships its models inside the package, so nothing is ever
downloaded. It is restricted to the interface languages it knows, in low-accuracy mode (a few
tens of megabytes instead of about a gigabyte), and built once per process on first use, which
is in the task worker, not in the web workers. What Lingua does not know is recognised by script:
Ge'ez script is taken as Tigrinya (the one Ethiopic-script interface language; Amharic writers
will be counted as Tigrinya too), and Arabic script with letters only Sorani uses as Kurdish
(Sorani). Dari cannot be told from Persian by its letters, so it is recorded as Persian. When the
detector is not confident the answer is honest: ``und`` (undetermined, BCP 47).
"""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache
from typing import Any

UNDETERMINED = "und"
MINIMUM_CONFIDENCE = 0.6
MINIMUM_LETTERS = 8

# Lingua's name → our language code. Bosnian, Croatian and Serbian share one text here.
_LINGUA_CODES = {
    "SWEDISH": "sv",
    "ENGLISH": "en",
    "ARABIC": "ar",
    "PERSIAN": "fa",
    "SOMALI": "so",
    "BOSNIAN": "bs",
    "CROATIAN": "bs",
    "SERBIAN": "bs",
    "POLISH": "pl",
    "TURKISH": "tr",
    "UKRAINIAN": "uk",
}
_SORANI_LETTERS = frozenset("ڕڵێۆەڤ")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    with _lock:
        languages = [getattr(Language, name) for name in _LINGUA_CODES]
        return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def _script_share(text: str, start: int, end: int) -> float:
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return 0.0
    return sum(start <= ord(char) <= end for char in letters) / len(letters)


def language_detect(text: str, *, enabled: frozenset[str] | None = None) -> str:
    """A language code from ``enabled`` (default: every code we map), or ``und``."""
    letters = sum(1 for char in text if unicodedata.category(char).startswith("L"))
    if letters < MINIMUM_LETTERS:
        return UNDETERMINED
    if _script_share(text, 0x1200, 0x139F) > 0.5:
        return _allowed("ti", enabled)
    if _script_share(text, 0x0600, 0x06FF) > 0.5 and _SORANI_LETTERS & set(text):
        return _allowed("ckb", enabled)
    scores: dict[str, float] = {}
    for value in _detector().compute_language_confidence_values(text):
        code = _LINGUA_CODES[value.language.name]
        scores[code] = scores.get(code, 0.0) + float(value.value)
    if enabled is not None:
        scores = {code: score for code, score in scores.items() if code in enabled}
    if not scores:
        return UNDETERMINED
    code, confidence = max(scores.items(), key=lambda item: item[1])
    return code if confidence >= MINIMUM_CONFIDENCE else UNDETERMINED


def _allowed(code: str, enabled: frozenset[str] | None) -> str:
    return code if enabled is None or code in enabled else UNDETERMINED
