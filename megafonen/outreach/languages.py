"""The languages outreach content is written in, and what the outside world calls them.

Bulletins are written in Swedish; every other enabled interface language, easy-read Swedish
included, is a target for community translations. A language that is unknown (a subscriber's
language that the city has since stopped offering, a typo in an import) falls back by one
rule: the language itself if enabled, else its base language if enabled, else Swedish.
"""

from __future__ import annotations

from django.conf import settings

from megafonen.core.languages import BY_CODE, InterfaceLanguage

SOURCE_LANGUAGE = "sv"

# CAP 1.2 <language> takes RFC 3066 tags; Swedish gets its region, as Swedish authorities'
# CAP messages (VMA) carry "sv-SE". Easy-read keeps its private-use subtag.
_CAP_LANGUAGE = {"sv": "sv-SE", "sv-x-easy": "sv-SE-x-easy", "en": "en-GB"}

# espeak-ng voices for the languages it speaks well enough to be understood. Somali, Tigrinya,
# Dari and Sorani have none (espeak-ng's "ku" is Kurmanji, and Persian is not Dari):
# ambassadors upload a recording for those.
ESPEAK_VOICES = {
    "sv": "sv",
    "sv-x-easy": "sv",
    "en": "en-gb",
    "ar": "ar",
    "fa": "fa",
    "bs": "bs",
    "pl": "pl",
    "tr": "tr",
    "uk": "uk",
}


def enabled_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def target_languages() -> list[InterfaceLanguage]:
    """Languages partners translate into: every enabled language but Swedish itself."""
    return [BY_CODE[code] for code in enabled_codes() if code != SOURCE_LANGUAGE]


def is_target_language(code: str) -> bool:
    return code != SOURCE_LANGUAGE and code in enabled_codes()


def language_resolve(code: str) -> str:
    """The language to serve someone who asked for ``code`` (see the module's rule)."""
    enabled = enabled_codes()
    if code in enabled:
        return code
    base = code.split("-")[0].lower()
    if base in enabled:
        return base
    return SOURCE_LANGUAGE


def cap_language(code: str) -> str:
    return _CAP_LANGUAGE.get(code, code)


def espeak_voice(code: str) -> str | None:
    return ESPEAK_VOICES.get(code)


def language_name(code: str) -> str:
    language = BY_CODE.get(code)
    return language.endonym if language else code


def direction(code: str) -> str:
    language = BY_CODE.get(code)
    return language.direction if language else "ltr"


def audio_available_languages() -> set[str]:
    """Languages with a synthetic voice (whether espeak-ng is installed is checked apart)."""
    return set(ESPEAK_VOICES)


# What a coordinator in Helsingborg may write in a call list's language column, besides the
# code, the language's own name and its English name.
SWEDISH_NAMES = {
    "sv": ["svenska"],
    "sv-x-easy": ["lättläst svenska", "lättläst"],
    "en": ["engelska"],
    "ar": ["arabiska"],
    "fa": ["persiska", "farsi"],
    "prs": ["dari"],
    "so": ["somaliska"],
    "ti": ["tigrinja", "tigrinska"],
    "bs": ["bosniska", "kroatiska", "serbiska", "bks"],
    "ckb": ["sorani", "kurdiska (sorani)", "kurdiska"],
    "pl": ["polska"],
    "tr": ["turkiska"],
    "uk": ["ukrainska"],
}


def language_aliases() -> dict[str, str]:
    """Every name an enabled language is known by (case-folded) → its code."""
    aliases: dict[str, str] = {}
    for code in enabled_codes():
        language = BY_CODE.get(code)
        names = [code, *SWEDISH_NAMES.get(code, [])]
        if language is not None:
            names += [language.endonym, language.english_name]
        for name in names:
            aliases.setdefault(name.casefold(), code)
    return aliases
