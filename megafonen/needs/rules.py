"""Who may do what in the needs box.

Receivers act only on needs routed to their own organisation (the object of a check is the
``NeedRouting`` that puts the need in their inbox); city administrators oversee every need but
never read contact details or answer in a receiver's name. City triage is not a role of its own:
it is a receiver membership in a city administration that holds a triage subscription
(``Subscription.is_triage``), so triage staff see the needs nobody else matched and forward them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from megafonen.core.permissions import ANY, OWN, Action, register
from megafonen.core.roles import Role


def _routing_organisation(routing: Any) -> int | None:
    return routing.organisation_id  # type: ignore[no-any-return]


def _template_organisation(template: Any) -> int | None:
    return template.organisation_id  # type: ignore[no-any-return]


VIEW_INBOX = register(
    Action(
        "needs.view_inbox",
        _("Read the needs routed to one's organisation"),
        {Role.RECEIVER: OWN, Role.CITY_ADMINISTRATOR: ANY},
        organisation_of=_routing_organisation,
    )
)
READ_CONTACT = register(
    Action(
        "needs.read_contact",
        _("Read a resident's contact details to answer her need"),
        {Role.RECEIVER: OWN},
        organisation_of=_routing_organisation,
    )
)
CLAIM_NEED = register(
    Action(
        "needs.claim_need",
        _("Take on a need routed to one's organisation"),
        {Role.RECEIVER: OWN},
        organisation_of=_routing_organisation,
    )
)
ANSWER_NEED = register(
    Action(
        "needs.answer_need",
        _("Answer needs routed to one's organisation"),
        {Role.RECEIVER: OWN},
        organisation_of=_routing_organisation,
    )
)
CLOSE_NEED = register(
    Action(
        "needs.close_need",
        _("Close a need, with a reason for the resident"),
        {Role.RECEIVER: OWN, Role.CITY_ADMINISTRATOR: ANY},
        organisation_of=_routing_organisation,
    )
)
FORWARD_NEED = register(
    Action(
        "needs.forward_need",
        _("Send a need on to another organisation"),
        {Role.RECEIVER: OWN, Role.CITY_ADMINISTRATOR: ANY},
        organisation_of=_routing_organisation,
    )
)
REPORT_NEED = register(
    Action(
        "needs.report_need",
        _("Report a need as abusive to the moderators"),
        {Role.RECEIVER: OWN},
        organisation_of=_routing_organisation,
    )
)
MODERATE_NEEDS = register(
    Action(
        "needs.moderate_needs",
        _("Hide abusive needs and show them again, with a reason"),
        {Role.CITY_ADMINISTRATOR: ANY},
    )
)
MANAGE_PLACEMENTS = register(
    Action(
        "needs.manage_placements",
        _("Create placements of the needs box and print their posters"),
        {Role.CITY_ADMINISTRATOR: ANY, Role.CITY_COMMUNICATOR: ANY},
    )
)
MANAGE_ANSWER_TEMPLATES = register(
    Action(
        "needs.manage_answer_templates",
        _("Write answer templates for one's organisation"),
        {Role.RECEIVER: OWN, Role.CITY_ADMINISTRATOR: ANY},
        organisation_of=_template_organisation,
    )
)
MANAGE_SETUP = register(
    Action(
        "needs.manage_setup",
        _("Set up the needs box: categories, subscriptions, API keys, retention"),
        {Role.CITY_ADMINISTRATOR: ANY},
    )
)
