from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from megafonen.core.catalogues import catalogue_roots
from megafonen.core.languages import BY_CODE, SOURCE_LANGUAGE

# Entries are keyed by what makemessages decides; translations and comments are ours.
EntryKey = tuple[str | None, str, str]


def _keys(path: Path) -> set[EntryKey]:
    if not path.is_file():
        return set()
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural)
        for entry in polib.pofile(str(path))
        if not entry.obsolete
    }


def _fix_header(path: Path, code: str) -> None:
    """Give a new catalogue its language and plural rule, and take away the template's fuzzy
    mark (a fuzzy header makes gettext ignore the plural rule)."""
    text = path.read_text(encoding="utf-8")
    language = BY_CODE[code]
    text = re.sub(r'"Language: [^"]*\\n"', f'"Language: {code}\\\\n"', text, count=1)
    plural = f'"Plural-Forms: {language.plural_forms}\\n"'
    if '"Plural-Forms: ' in text:
        text = re.sub(r'"Plural-Forms: [^"]*\\n"', lambda _match: plural, text, count=1)
    else:  # catalogues without plural entries get none from gettext
        text = text.replace(
            '"Content-Transfer-Encoding: 8bit\\n"\n',
            f'"Content-Transfer-Encoding: 8bit\\n"\n{plural}\n',
            1,
        )
    text = re.sub(r'^#, fuzzy\nmsgid ""', 'msgid ""', text, count=1, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")


class Command(BaseCommand):
    help = (
        "Run makemessages for every app and interface language (no locations, no wrapping) "
        "and give new catalogues their headers. With --check, change nothing and fail if a "
        "catalogue is out of date. An app gets catalogues once it has a locale directory."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true")
        parser.add_argument(
            "--app",
            action="append",
            default=[],
            help="Only this app's catalogues (its label, e.g. needs); may be repeated.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        codes = [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]
        stale: list[str] = []
        start = Path.cwd()
        try:
            for root in catalogue_roots():
                if options["app"] and root.parent.name not in options["app"]:
                    continue
                os.chdir(root.parent)
                paths = {
                    code: root / BY_CODE[code].locale / "LC_MESSAGES" / "django.po"
                    for code in codes
                }
                before = {code: _keys(path) for code, path in paths.items()}
                saved = {code: path.read_bytes() for code, path in paths.items() if path.is_file()}
                call_command(
                    "makemessages",
                    locale=[BY_CODE[code].locale for code in codes],
                    no_location=True,
                    no_obsolete=True,
                    no_wrap=True,
                    verbosity=0,
                )
                for code, path in paths.items():
                    if _keys(path) != before[code]:
                        stale.append(os.path.relpath(path, start))
                    if options["check"]:
                        if code in saved:
                            path.write_bytes(saved[code])
                        else:
                            path.unlink(missing_ok=True)
                    else:
                        _fix_header(path, code)
        finally:
            os.chdir(start)
        if options["check"] and stale:
            raise CommandError(
                "These catalogues are out of date; run `make messages` and translate the new "
                "entries:\n  " + "\n  ".join(stale)
            )
        if not options["check"]:
            self.stdout.write(f"Updated catalogues; {len(stale)} changed.")
