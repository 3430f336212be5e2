"""Translated content written by administrators and receivers (category names, answer templates):
one JSON object per text, language code → text. One way, kept everywhere in this app.

Category names must cover every enabled interface language, so no resident meets a category in
a language she did not choose; answer templates need only the languages someone wrote.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def enabled_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def text_in(texts: Mapping[str, str] | None, language: str | None = None) -> str:
    """The text in ``language`` (default: the active one), else Swedish, English, any."""
    if not texts:
        return ""
    wanted = language or get_language() or settings.LANGUAGE_CODE
    for code in (wanted, wanted.split("-")[0], settings.LANGUAGE_CODE, "en"):
        value = texts.get(code)
        if value:
            return value
    return next((value for value in texts.values() if value), "")


def language_of(texts: Mapping[str, str] | None, language: str | None = None) -> str:
    """The language ``text_in`` would pick, for the ``lang`` attribute."""
    if not texts:
        return ""
    wanted = language or get_language() or settings.LANGUAGE_CODE
    for code in (wanted, wanted.split("-")[0], settings.LANGUAGE_CODE, "en"):
        if texts.get(code):
            return code
    return next((code for code, value in texts.items() if value), "")


def validate_texts(value: Any, *, every_language: bool, max_length: int) -> None:
    if not isinstance(value, dict) or not all(
        isinstance(code, str) and isinstance(text, str) for code, text in value.items()
    ):
        raise ValidationError(
            _("Give the texts as an object of language code and text."), code="invalid"
        )
    from megafonen.core.languages import BY_CODE

    known = set(BY_CODE)
    unknown = sorted(code for code in value if code not in known)
    if unknown:
        raise ValidationError(
            _("These are not languages Megafonen knows: %(codes)s."),
            code="unknown_language",
            params={"codes": ", ".join(unknown)},
        )
    too_long = sorted(code for code, text in value.items() if len(text) > max_length)
    if too_long:
        raise ValidationError(
            _("The text is too long in: %(codes)s (at most %(limit)s characters)."),
            code="too_long",
            params={"codes": ", ".join(too_long), "limit": max_length},
        )
    if every_language:
        missing = [code for code in enabled_codes() if not value.get(code, "").strip()]
        if missing:
            raise ValidationError(
                _("Write the text in every language of the platform. Missing: %(codes)s."),
                code="missing_language",
                params={"codes": ", ".join(missing)},
            )
    elif not any(text.strip() for text in value.values()):
        raise ValidationError(_("Write the text in at least one language."), code="empty")
