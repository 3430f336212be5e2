"""Who may do what in outreach. Tested as a matrix in tests/test_permissions.py.

City communicators write, approve and publish; partners' ambassadors and coordinators
translate for their own organisation only; city administrators define support levels.
What a partner may do beyond that depends on its level on the topic, checked in
``services.partner_capable``, never here.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from megafonen.core.permissions import ANY, OWN, Action, register
from megafonen.core.roles import Role


def _partner_of(obj: Any) -> int | None:
    """The partner organisation a translation, recording or glossary term belongs to (or the
    organisation itself)."""
    if getattr(getattr(obj, "_meta", None), "label_lower", "") == "core.organisation":
        return int(obj.pk)
    for attribute in ("partner_id", "organisation_id"):
        value = getattr(obj, attribute, None)
        if value is not None:
            return int(value)
    return None


USE_WORKSPACE = register(
    Action(
        "outreach.use_workspace",
        _("Open the outreach workspace (partners see the topics they take part in)"),
        {
            Role.CITY_ADMINISTRATOR: ANY,
            Role.CITY_COMMUNICATOR: ANY,
            Role.PARTNER_COORDINATOR: OWN,
            Role.AMBASSADOR: OWN,
        },
        organisation_of=_partner_of,
    )
)
MANAGE_TOPICS = register(
    Action(
        "outreach.manage_topics",
        _("Open and close topics"),
        {Role.CITY_COMMUNICATOR: ANY, Role.CITY_ADMINISTRATOR: ANY},
    )
)
WRITE_BULLETINS = register(
    Action(
        "outreach.write_bulletins",
        _("Write and submit bulletins in Swedish"),
        {Role.CITY_COMMUNICATOR: ANY},
    )
)
APPROVE_BULLETINS = register(
    Action(
        "outreach.approve_bulletins",
        _("Approve and publish another communicator's bulletin"),
        {Role.CITY_COMMUNICATOR: ANY},
    )
)
SET_PARTNER_LEVELS = register(
    Action(
        "outreach.set_partner_levels",
        _("Set a partner's support level on a topic"),
        {Role.CITY_COMMUNICATOR: ANY, Role.CITY_ADMINISTRATOR: ANY},
    )
)
DEFINE_LEVELS = register(
    Action(
        "outreach.define_levels",
        _("Define the support levels"),
        {Role.CITY_ADMINISTRATOR: ANY},
    )
)
VIEW_REACH = register(
    Action(
        "outreach.view_reach",
        _("See which partners, languages and districts each topic reaches"),
        {Role.CITY_COMMUNICATOR: ANY, Role.CITY_ADMINISTRATOR: ANY},
    )
)
TRANSLATE = register(
    Action(
        "outreach.translate",
        _("Translate bulletins for one's own partner"),
        {Role.AMBASSADOR: OWN, Role.PARTNER_COORDINATOR: OWN},
        organisation_of=_partner_of,
    )
)
PEER_REVIEW = register(
    Action(
        "outreach.peer_review",
        _("Review a colleague's translation in one's own partner"),
        {Role.AMBASSADOR: OWN, Role.PARTNER_COORDINATOR: OWN},
        organisation_of=_partner_of,
    )
)
CITY_REVIEW = register(
    Action(
        "outreach.city_review",
        _("Approve a translation on behalf of the city"),
        {Role.CITY_COMMUNICATOR: ANY},
    )
)
EDIT_GLOSSARY = register(
    Action(
        "outreach.edit_glossary",
        _("Add glossary terms and change one's own organisation's terms"),
        {
            Role.CITY_COMMUNICATOR: ANY,
            Role.AMBASSADOR: OWN,
            Role.PARTNER_COORDINATOR: OWN,
        },
        organisation_of=_partner_of,
    )
)
UPLOAD_RECORDINGS = register(
    Action(
        "outreach.upload_recordings",
        _("Upload a recording of one's own partner's translation"),
        {Role.AMBASSADOR: OWN, Role.PARTNER_COORDINATOR: OWN},
        organisation_of=_partner_of,
    )
)
IMPORT_SOURCES = register(
    Action(
        "outreach.import_sources",
        _("Import news and public warnings from Krisinformation.se"),
        {Role.CITY_COMMUNICATOR: ANY},
    )
)
VIEW_BROADCASTS = register(
    Action(
        "outreach.view_broadcasts",
        _("See broadcasts and subscriber figures (never addresses)"),
        {Role.CITY_COMMUNICATOR: ANY, Role.CITY_ADMINISTRATOR: ANY},
    )
)

# --- Calls, the hotline and the question loop -------------------------------------------------
# What a partner may do also depends on its level on the topic (call campaigns, hotline,
# question channel), checked in the services through ``partner_capable``.
RUN_CALL_CAMPAIGNS = register(
    Action(
        "outreach.run_call_campaigns",
        _(
            "Open call campaigns for one's own partner, keep their call lists and scripts "
            "(never seeing the numbers once imported)"
        ),
        {Role.PARTNER_COORDINATOR: OWN},
        organisation_of=_partner_of,
    )
)
MAKE_CALLS = register(
    Action(
        "outreach.make_calls",
        _("Call residents on one's own partner's lists and log the calls assigned to one"),
        {Role.AMBASSADOR: OWN, Role.PARTNER_COORDINATOR: OWN},
        organisation_of=_partner_of,
    )
)
MANAGE_HOTLINE = register(
    Action(
        "outreach.manage_hotline",
        _("Plan one's own partner's hotline shifts"),
        {Role.PARTNER_COORDINATOR: OWN},
        organisation_of=_partner_of,
    )
)
ANSWER_HOTLINE = register(
    Action(
        "outreach.answer_hotline",
        _("Answer the hotline for one's own partner and log its calls"),
        {Role.AMBASSADOR: OWN, Role.PARTNER_COORDINATOR: OWN},
        organisation_of=_partner_of,
    )
)
VIEW_CALL_FIGURES = register(
    Action(
        "outreach.view_call_figures",
        _("See call figures, progress and coverage (the city: all; a coordinator: her own)"),
        {
            Role.CITY_COMMUNICATOR: ANY,
            Role.CITY_ADMINISTRATOR: ANY,
            Role.PARTNER_COORDINATOR: OWN,
        },
        organisation_of=_partner_of,
    )
)
SUBMIT_QUESTIONS = register(
    Action(
        "outreach.submit_questions",
        _("Pass residents' questions to the city for one's own partner"),
        {Role.AMBASSADOR: OWN, Role.PARTNER_COORDINATOR: OWN},
        organisation_of=_partner_of,
    )
)
ANSWER_QUESTIONS = register(
    Action(
        "outreach.answer_questions",
        _("Sort residents' questions by theme and answer them for the city"),
        {Role.CITY_COMMUNICATOR: ANY},
    )
)
