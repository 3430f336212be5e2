"""The interface languages Megafonen ships, with what Django needs to know about each.

Imported by the settings, so it must not import Django models. Django has no locale data for
some of these (easy-read Swedish, Dari, Somali, Tigrinya): ``EXTRA_LANG_INFO`` and the format
modules in ``megafonen.core.formats`` fill the gap, and every language has its own catalogue so
no language silently falls back to another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Direction = Literal["ltr", "rtl"]


@dataclass(frozen=True)
class InterfaceLanguage:
    code: str  # Django language code, also the BCP 47 tag used in lang="" and the URL prefix
    endonym: str  # the language's name in itself, shown in the switcher
    english_name: str
    direction: Direction
    plural_forms: str  # gettext header for new catalogues

    @property
    def locale(self) -> str:
        """The catalogue directory name, as Django's ``to_locale`` derives it."""
        from django.utils.translation import to_locale

        return to_locale(self.code)


_TWO_FORMS = "nplurals=2; plural=(n != 1);"
_TWO_FORMS_ZERO_SINGULAR = "nplurals=2; plural=(n > 1);"

INTERFACE_LANGUAGES: tuple[InterfaceLanguage, ...] = (
    InterfaceLanguage("sv", "Svenska", "Swedish", "ltr", _TWO_FORMS),
    # Easy-read Swedish (lättläst) is Swedish for readers who need short, plain sentences. BCP 47
    # has no subtag for it, so it uses a private-use tag that browsers and screen readers still
    # treat as Swedish.
    InterfaceLanguage("sv-x-easy", "Lättläst svenska", "Easy-read Swedish", "ltr", _TWO_FORMS),
    InterfaceLanguage("en", "English", "English", "ltr", _TWO_FORMS),
    InterfaceLanguage(
        "ar",
        "العربية",
        "Arabic",
        "rtl",
        "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 && n%100<=99 ? 4 : 5;",
    ),
    InterfaceLanguage("fa", "فارسی", "Persian", "rtl", _TWO_FORMS_ZERO_SINGULAR),
    # Dari is written like Persian but has its own vocabulary; "prs" keeps it from borrowing
    # Persian strings (``fa-AF`` would fall back to ``fa`` without a word).
    InterfaceLanguage("prs", "دری", "Dari", "rtl", _TWO_FORMS_ZERO_SINGULAR),
    InterfaceLanguage("so", "Soomaali", "Somali", "ltr", _TWO_FORMS),
    InterfaceLanguage("ti", "ትግርኛ", "Tigrinya", "ltr", _TWO_FORMS_ZERO_SINGULAR),
    # Swedish cities serve Bosnian, Croatian and Serbian (Latin script) with one text; "bs" is
    # the tag for it because the macrolanguage tag "sh" is mapped to Cyrillic Serbian by gettext.
    InterfaceLanguage(
        "bs",
        "Bosanski / Hrvatski / Srpski",
        "Bosnian / Croatian / Serbian",
        "ltr",
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);",
    ),
    InterfaceLanguage("ckb", "کوردی (سۆرانی)", "Kurdish (Sorani)", "rtl", _TWO_FORMS),
    InterfaceLanguage(
        "pl",
        "Polski",
        "Polish",
        "ltr",
        "nplurals=4; plural=(n==1 ? 0 : (n%10>=2 && n%10<=4) && (n%100<12 || n%100>14) ? 1 : "
        "n!=1 && (n%10>=0 && n%10<=1) || (n%10>=5 && n%10<=9) || (n%100>=12 && n%100<=14) ? 2 "
        ": 3);",
    ),
    InterfaceLanguage("tr", "Türkçe", "Turkish", "ltr", _TWO_FORMS_ZERO_SINGULAR),
    InterfaceLanguage(
        "uk",
        "Українська",
        "Ukrainian",
        "ltr",
        "nplurals=4; plural=(n % 1 == 0 && n % 10 == 1 && n % 100 != 11 ? 0 : n % 1 == 0 && "
        "n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? 1 : n % 1 == 0 && "
        "(n % 10 ==0 || (n % 10 >=5 && n % 10 <=9) || (n % 100 >=11 && n % 100 <=14 )) ? 2: 3);",
    ),
)

BY_CODE: dict[str, InterfaceLanguage] = {
    language.code: language for language in INTERFACE_LANGUAGES
}

SOURCE_LANGUAGE = "en"  # msgids are English; English needs no catalogue entries translated

# Entries for django.conf.locale.LANG_INFO, which lacks these codes; get_language_info() and
# the bidi lookup read it.
EXTRA_LANG_INFO: dict[str, dict[str, object]] = {
    language.code: {
        "bidi": language.direction == "rtl",
        "code": language.code,
        "name": language.english_name,
        "name_local": language.endonym,
    }
    for language in INTERFACE_LANGUAGES
    if language.code in {"sv-x-easy", "prs", "so", "ti"}
}


def rtl_codes() -> list[str]:
    return [language.code for language in INTERFACE_LANGUAGES if language.direction == "rtl"]


def direction_of(code: str) -> Direction:
    language = BY_CODE.get(code)
    return language.direction if language else "ltr"
