from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from megafonen.core.models import User
from megafonen.outreach.demo import outreach_demo_load


class Command(BaseCommand):
    help = "Load the outreach demo (run load_demo first): topics, versions, translations, levels."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            lines = outreach_demo_load()
        except User.DoesNotExist as error:
            raise CommandError(
                "Run `manage.py load_demo` first: the demo people are missing."
            ) from error
        for line in lines:
            self.stdout.write(line)
