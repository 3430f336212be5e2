from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from megafonen.core.catalogues import catalogue_roots, compile_catalogue


class Command(BaseCommand):
    help = (
        "Compile every app's gettext catalogues (.po to .mo) without GNU gettext, keeping "
        "drafts that await native-speaker review."
    )
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        for root in catalogue_roots():
            for po_path in sorted(root.glob("*/LC_MESSAGES/django.po")):
                compile_catalogue(po_path)
                compiled += 1
        self.stdout.write(f"Compiled {compiled} catalogues.")
