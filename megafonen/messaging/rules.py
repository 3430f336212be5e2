from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from megafonen.core.permissions import ANY, Action, register
from megafonen.core.roles import Role

VIEW_MESSAGE_LOG = register(
    Action(
        "messaging.view_message_log",
        _("See what text messages and e-mail were sent and how they went (not to whom)"),
        {Role.CITY_ADMINISTRATOR: ANY},
    )
)
