from __future__ import annotations

import re

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import check_for_language, gettext

from megafonen.core.catalogues import catalogue_files, catalogue_roots, coverage_all
from megafonen.core.languages import BY_CODE, INTERFACE_LANGUAGES, SOURCE_LANGUAGE

ENABLED = [code for code, _name in settings.LANGUAGES]
TRANSLATED = [code for code in ENABLED if code != SOURCE_LANGUAGE]
REQUIRED = {"sv", "sv-x-easy", "en", "ar", "fa", "prs", "so", "ti", "bs", "ckb", "pl", "tr", "uk"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def test_all_required_languages_are_enabled_by_default() -> None:
    assert {language.code for language in INTERFACE_LANGUAGES} >= REQUIRED
    assert set(ENABLED) >= REQUIRED


@pytest.mark.django_db
@pytest.mark.parametrize("code", ENABLED)
def test_every_page_declares_its_language_and_direction(client: Client, code: str) -> None:
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    direction = "rtl" if code in {"ar", "fa", "prs", "ckb"} else "ltr"
    assert f'<html lang="{code}" dir="{direction}">' in response.content.decode()
    assert response["Content-Language"] == code


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_language_has_its_own_compiled_catalogue(code: str) -> None:
    assert check_for_language(code)
    assert catalogue_files(code), f"no catalogue for {code}"
    for root in catalogue_roots():
        assert (root / BY_CODE[code].locale / "LC_MESSAGES" / "django.mo").is_file()


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_language_falls_back_to_another(code: str) -> None:
    with translation.override(code):
        for source in ("Skip to content", "Accessibility statement", "Privacy notice"):
            assert gettext(source) != source, f"{code} shows {source!r} untranslated"


def test_easy_read_swedish_is_rewritten_not_copied() -> None:
    """Easy-read Swedish has short sentences and common words: its long texts must differ
    from standard Swedish, not be a copy of it."""
    swedish = {
        entry.msgid: entry.msgstr
        for path in catalogue_files("sv")
        for entry in polib.pofile(str(path))
    }
    paragraphs = [
        entry
        for path in catalogue_files("sv-x-easy")
        for entry in polib.pofile(str(path))
        if len(entry.msgid) > 150
    ]
    rewritten = [entry for entry in paragraphs if entry.msgstr != swedish.get(entry.msgid)]
    assert paragraphs
    assert len(rewritten) >= 0.8 * len(paragraphs)


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_entry_is_translated_with_its_placeholders_and_links(code: str) -> None:
    problems = []
    for path in catalogue_files(code):
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
            targets = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            if not all(targets) or "fuzzy" in entry.flags:
                problems.append(f"untranslated: {entry.msgid[:60]!r}")
                continue
            wanted = set(PLACEHOLDER.findall(" ".join(sources)))
            for target in targets:
                # A plural form for "one" may drop the count, as long as it invents nothing.
                found = set(PLACEHOLDER.findall(target))
                if not found <= wanted or (not entry.msgid_plural and found != wanted):
                    problems.append(f"placeholders differ: {entry.msgid[:60]!r}")
                if target.count("<a ") != sources[0].count("<a "):
                    problems.append(f"links differ: {entry.msgid[:60]!r}")
    assert problems == [], f"{code}: {problems[:10]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_plural_rules_match_the_language(code: str) -> None:
    for path in catalogue_files(code):
        header = polib.pofile(str(path)).metadata
        assert header["Language"] == code
        assert header["Plural-Forms"] == BY_CODE[code].plural_forms


@pytest.mark.django_db
def test_the_switcher_offers_every_language_by_its_own_name_without_javascript(
    client: Client,
) -> None:
    page = client.get("/ar/privacy/").content.decode()
    switcher = page[page.index('<details class="language-switcher">') : page.index("</details>")]
    for code in ENABLED:
        language = BY_CODE[code]
        link = (
            f'<a href="/{code}/privacy/" lang="{code}" hreflang="{code}" dir="{language.direction}"'
        )
        assert link in switcher
        assert f">{language.endonym}</a>" in switcher
    assert 'aria-current="true">العربية</a>' in switcher


@pytest.mark.django_db
def test_the_switcher_keeps_the_query_string(client: Client) -> None:
    page = client.get("/sv/languages/?ref=poster").content.decode()
    assert 'href="/so/languages/?ref=poster"' in page


@pytest.mark.django_db
def test_the_root_follows_the_browser_language(client: Client) -> None:
    assert client.get("/", headers={"accept-language": "so"})["Location"] == "/so/"
    assert client.get("/", headers={"accept-language": "ar,en;q=0.5"})["Location"] == "/ar/"
    assert client.get("/", headers={"accept-language": "de"})["Location"] == "/sv/"


@pytest.mark.django_db
def test_the_coverage_page_lists_every_language(client: Client) -> None:
    page = client.get(reverse("core:languages")).content.decode()
    for item in coverage_all():
        assert f'lang="{item.code}"' in page
        assert item.endonym in page
    english = next(item for item in coverage_all() if item.code == "en")
    assert english.percent_translated == 100


def test_coverage_counts_drafts_awaiting_review() -> None:
    by_code = {item.code: item for item in coverage_all()}
    somali = by_code["so"]
    assert somali.total > 0
    assert somali.translated <= somali.total
    assert 0 <= somali.needs_review <= somali.translated
    assert somali.reviewed == somali.translated - somali.needs_review


def test_dates_in_languages_without_django_locale_data_are_numeric() -> None:
    from datetime import date

    from django.utils.formats import date_format

    for code in ("so", "ti", "prs"):
        with translation.override(code):
            assert date_format(date(2026, 11, 23)) == "2026-11-23"
