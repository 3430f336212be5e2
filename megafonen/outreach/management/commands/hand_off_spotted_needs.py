from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from megafonen.outreach import needs_bridge


class Command(BaseCommand):
    help = (
        "Hand needs heard in calls, which residents agreed to pass on, to the needs box when "
        "a background hand-over failed (see docs/outreach.md). Safe to run at any time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not needs_bridge.needs_box_installed():
            self.stdout.write("The needs box is not installed; nothing done.")
            return
        self.stdout.write(f"{needs_bridge.spotted_needs_hand_off_waiting()} needs handed over.")
