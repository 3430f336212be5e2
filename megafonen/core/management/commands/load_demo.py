from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from megafonen.core.demo import demo_load


class Command(BaseCommand):
    help = "Load Helsingborg demo data and print the demo log-ins (new passwords every run)."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_load()
        self.stdout.write("")
        self.stdout.write(f"Demo log-ins for {settings.SITE_URL}/sv/staff/sign-in/")
        self.stdout.write("")
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(
                f"  {login.email:<{width}}  {login.password}  {login.role}, {login.organisation}"
            )
        self.stdout.write("")
