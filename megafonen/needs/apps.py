from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "megafonen.needs"
    label = "needs"
    verbose_name = _("Needs box")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from megafonen.core.registry import (
            HomeCard,
            StaffLink,
            home_card_register,
            staff_link_register,
        )
        from megafonen.needs import rules
        from megafonen.needs.services import categories_ensure

        post_migrate.connect(categories_ensure, sender=self)

        home_card_register(
            HomeCard(
                title=_("Tell us what you need"),
                text=_(
                    "Work, leisure, housing or something else: write in your own language, "
                    "anonymously if you want, and get tips and help."
                ),
                url_name="needs:form",
                order=20,
            )
        )
        home_card_register(
            HomeCard(
                title=_("Follow up your need"),
                text=_("Read the answers with your receipt code."),
                url_name="needs:follow_up",
                order=21,
            )
        )
        staff_link_register(
            StaffLink(
                title=_("Needs inbox"),
                text=_("The needs routed to your organisation: claim, answer and close them."),
                url_name="needs:inbox",
                action=rules.VIEW_INBOX.name,
                order=20,
            )
        )
        staff_link_register(
            StaffLink(
                title=_("Answer templates"),
                text=_("Reusable answers in several languages."),
                url_name="needs:templates",
                action=rules.MANAGE_ANSWER_TEMPLATES.name,
                order=21,
            )
        )
        staff_link_register(
            StaffLink(
                title=_("Needs box placements"),
                text=_("Screens and posters with QR codes, and their printable posters."),
                url_name="needs:placements",
                action=rules.MANAGE_PLACEMENTS.name,
                order=22,
            )
        )
        staff_link_register(
            StaffLink(
                title=_("Moderation of needs"),
                text=_("Needs reported as abusive: hide them with a reason, or show them again."),
                url_name="needs:moderation",
                action=rules.MODERATE_NEEDS.name,
                order=23,
            )
        )
        staff_link_register(
            StaffLink(
                title=_("Needs box leaderboard"),
                text=_("This month's points for help, in three leagues."),
                url_name="needs:leaderboard",
                action=rules.VIEW_INBOX.name,
                order=24,
            )
        )
