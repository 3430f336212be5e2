from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from megafonen.needs.services import contacts_purge


class Command(BaseCommand):
    help = (
        "Delete residents' contact details older than the retention period set in the "
        "administration site. Run it daily (cron or a systemd timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        purged = contacts_purge()
        self.stdout.write(f"Deleted the contact details of {purged} needs.")
