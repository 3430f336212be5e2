from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from megafonen.outreach.services_call_lists import call_lists_purge
from megafonen.outreach.services_calls import claims_release_stale
from megafonen.outreach.services_questions import question_contacts_purge


class Command(BaseCommand):
    help = (
        "Erase the numbers of call campaigns whose retention period has ended, call list files "
        "never confirmed, and contact details left with questions never answered; put calls "
        "opened and never logged back on their lists. Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--question-days",
            type=int,
            default=settings.OUTREACH_QUESTION_CONTACT_DAYS,
            help="Erase contact details of questions unanswered after this many days.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        numbers = call_lists_purge()
        released = claims_release_stale()
        questions = question_contacts_purge(older_than_days=options["question_days"])
        self.stdout.write(
            f"Erased {numbers} numbers from call lists and {questions} contact details of "
            f"questions; {released} unlogged calls back on their lists."
        )
