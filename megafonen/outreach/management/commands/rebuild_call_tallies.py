from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from megafonen.outreach.tallies import tallies_rebuild


class Command(BaseCommand):
    help = (
        "Count every call again from the call log into the tallies the figures page reads "
        "(after restoring a backup, or to check them). Safe to run at any time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = tallies_rebuild()
        self.stdout.write(f"{rows} tally rows.")
