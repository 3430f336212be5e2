from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from megafonen.outreach import krisinformation, services


class Command(BaseCommand):
    help = (
        "Import news and public warnings (VMA) from Krisinformation.se as source material for "
        "bulletins. Run it every few minutes in a crisis. With --file, read a saved JSON answer "
        "instead of asking the API."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", choices=["news", "vma", "all"], default="all")
        parser.add_argument("--file", type=Path, help="A saved JSON answer of the API.")

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = ["news", "vma"] if options["kind"] == "all" else [options["kind"]]
        if options["file"] and len(kinds) > 1:
            raise CommandError("With --file, say which --kind it holds (news or vma).")
        for kind in kinds:
            payload = None
            if options["file"]:
                try:
                    payload = json.loads(options["file"].read_text(encoding="utf-8"))
                except (OSError, ValueError) as error:
                    raise CommandError(f"Cannot read {options['file']}: {error}") from error
            try:
                new, updated = services.sources_import(kind=kind, payload=payload)
            except krisinformation.SourceUnavailableError as error:
                raise CommandError(
                    f"Krisinformation.se ({kind}) did not answer: {error}"
                ) from error
            self.stdout.write(f"{kind}: {new} new, {updated} changed")
