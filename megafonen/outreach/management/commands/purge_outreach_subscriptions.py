from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from megafonen.outreach.services import subscriptions_purge


class Command(BaseCommand):
    help = "Erase subscription requests never confirmed (with their addresses). Run it daily."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        purged = subscriptions_purge(older_than_days=options["days"])
        self.stdout.write(f"Erased {purged} unconfirmed requests.")
