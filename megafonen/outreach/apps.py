from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "megafonen.outreach"
    label = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from megafonen.core.registry import (
            HomeCard,
            StaffLink,
            home_card_register,
            staff_link_register,
        )
        from megafonen.outreach import rules

        home_card_register(
            HomeCard(
                title=_("Verified information"),
                text=_(
                    "What the city says about a crisis or an important matter, checked and "
                    "translated by people you trust. Read, listen, or get it by text message."
                ),
                url_name="outreach:topic_list",
                order=10,
            )
        )
        staff_link_register(
            StaffLink(
                title=_("Verified information"),
                text=_("Topics, bulletins, translations, partner levels and broadcasts."),
                url_name="outreach:workspace",
                action=rules.USE_WORKSPACE.name,
                order=10,
            )
        )
        staff_link_register(
            StaffLink(
                title=_("Calls"),
                text=_("Call campaigns, call lists and the next call to make."),
                url_name="outreach:calls_home",
                action=rules.MAKE_CALLS.name,
                order=12,
            )
        )
        staff_link_register(
            StaffLink(
                title=_("Hotline"),
                text=_("Shifts per language, and the hotline calls to log."),
                url_name="outreach:hotline_staff",
                action=rules.ANSWER_HOTLINE.name,
                order=13,
            )
        )
        staff_link_register(
            StaffLink(
                title=_("Reach and coverage"),
                text=_("Calls by outcome, language, district and week; goals; gaps; export."),
                url_name="outreach:figures",
                action=rules.VIEW_CALL_FIGURES.name,
                order=14,
            )
        )
        staff_link_register(
            StaffLink(
                title=_("Residents' questions"),
                text=_("Questions from calls, the hotline and topic pages, to sort and answer."),
                url_name="outreach:questions_index",
                action=rules.ANSWER_QUESTIONS.name,
                order=15,
            )
        )
        staff_link_register(
            StaffLink(
                title=_("Reach of each topic"),
                text=_(
                    "Which partners, languages and districts each topic reaches, at which level."
                ),
                url_name="outreach:reach",
                action=rules.VIEW_REACH.name,
                order=11,
            )
        )
