from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from megafonen.messaging.services import messages_purge


class Command(BaseCommand):
    help = (
        "Erase the recipient and text of messages older than MESSAGE_RETENTION_DAYS that will "
        "not be sent again. Run it daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Erased {messages_purge()} messages.")
