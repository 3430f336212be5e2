"""System checks for what would otherwise fail quietly in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from megafonen.core.languages import BY_CODE, SOURCE_LANGUAGE


@register(Tags.security, deploy=True)
def check_encryption_keys(**kwargs: Any) -> list[Error]:
    if settings.FIELD_ENCRYPTION_KEYS:
        return []
    return [
        Error(
            "FIELD_ENCRYPTION_KEYS is not set, so personal data would be encrypted with a key "
            "derived from SECRET_KEY.",
            hint="Generate a key with `manage.py generate_encryption_key` and set it.",
            id="megafonen.E001",
        )
    ]


@register(Tags.security, deploy=True)
def check_site_url(**kwargs: Any) -> list[Error]:
    if settings.SITE_URL.startswith("https://"):
        return []
    return [
        Error(
            "SITE_URL must start with https:// in production: QR codes and messages link to it.",
            id="megafonen.E002",
        )
    ]


@register(Tags.translation)
def check_catalogues_compiled(**kwargs: Any) -> list[Warning]:
    """Every app with a catalogue must have it compiled for every enabled language: otherwise
    gettext quietly falls back (Dari to nothing, easy-read Swedish to Swedish)."""
    from megafonen.core.catalogues import catalogue_roots

    missing = sorted(
        {
            code
            for code, _name in settings.LANGUAGES
            if code != SOURCE_LANGUAGE
            for root in catalogue_roots()
            if not (root / BY_CODE[code].locale / "LC_MESSAGES" / "django.mo").is_file()
        }
    )
    if not missing:
        return []
    return [
        Warning(
            f"No compiled catalogue for {', '.join(missing)}; these pages would fall back "
            "to another language.",
            hint="Run `manage.py compiletranslations`.",
            id="megafonen.W001",
        )
    ]
