from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from megafonen.messaging.services import messages_send_due


class Command(BaseCommand):
    help = (
        "Send what is due: retries whose time has come, messages whose task was lost, and "
        "messages a stopped worker left half-sent (checked with the provider first). Run it "
        "every few minutes beside db_worker."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = messages_send_due()
        summary = ", ".join(f"{status}: {count}" for status, count in sorted(outcome.items()))
        self.stdout.write(summary or "Nothing was due.")
