"""Reading our gettext catalogues: compiling them and measuring translation coverage.

Drafted translations carry the translator comment ``needs-review`` until a native speaker has
checked them (docs/translations.md). Such entries are used, never left out, so a language
with drafts still shows in its own words rather than falling back to another.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings

from megafonen.core.languages import BY_CODE, SOURCE_LANGUAGE

NEEDS_REVIEW = "needs-review"


def catalogue_roots() -> list[Path]:
    """Every ``locale`` directory of our own apps."""
    roots = []
    for config in apps.get_app_configs():
        if config.name.startswith("megafonen."):
            locale = Path(config.path) / "locale"
            if locale.is_dir():
                roots.append(locale)
    return roots


def catalogue_files(code: str) -> list[Path]:
    locale = BY_CODE[code].locale
    return [
        root / locale / "LC_MESSAGES" / "django.po"
        for root in catalogue_roots()
        if (root / locale / "LC_MESSAGES" / "django.po").is_file()
    ]


def needs_review(entry: polib.POEntry) -> bool:
    return NEEDS_REVIEW in (entry.tcomment or "")


def is_translated(entry: polib.POEntry) -> bool:
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def compile_catalogue(po_path: Path) -> Path:
    catalogue = polib.pofile(str(po_path))
    mo_path = po_path.with_suffix(".mo")
    catalogue.save_as_mofile(str(mo_path))
    return mo_path


@dataclass(frozen=True)
class Coverage:
    code: str
    endonym: str
    direction: str
    total: int
    translated: int
    needs_review: int

    @property
    def percent_translated(self) -> int:
        return 100 if self.total == 0 else int(100 * self.translated / self.total)

    @property
    def reviewed(self) -> int:
        return self.translated - self.needs_review


def _coverage_of(code: str) -> Coverage:
    total = translated = review = 0
    for path in catalogue_files(code):
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            total += 1
            if is_translated(entry):
                translated += 1
                review += needs_review(entry)
    language = BY_CODE[code]
    return Coverage(code, language.endonym, language.direction, total, translated, review)


@lru_cache(maxsize=1)
def coverage_all() -> tuple[Coverage, ...]:
    """Coverage of every enabled language, in the switcher's order.

    English is the language of the source strings, so it is complete by definition.
    """
    measured = {
        code: _coverage_of(code) for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE
    }
    source_total = max((item.total for item in measured.values()), default=0)
    english = BY_CODE[SOURCE_LANGUAGE]
    measured[SOURCE_LANGUAGE] = Coverage(
        english.code, english.endonym, english.direction, source_total, source_total, 0
    )
    return tuple(measured[code] for code, _name in settings.LANGUAGES)
