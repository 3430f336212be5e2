from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from megafonen.needs.demo import needs_demo_load


class Command(BaseCommand):
    help = (
        "Load the needs box demo (placements, subscriptions, templates, needs) on top of "
        "`load_demo`, and print the triage log-in and the demo needs' receipt codes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = needs_demo_load()
        email, password = result.triage_login
        self.stdout.write("")
        self.stdout.write("Needs box demo")
        self.stdout.write(f"  {email}  {password}  Receiver (city triage), Socialförvaltningen")
        for need in result.needs:
            url = f"{settings.SITE_URL}/{need.language}/needs/follow-up/?code={need.receipt_code}"
            self.stdout.write(f"  need ({need.category}, {need.language}): {url}")
        self.stdout.write("")
