"""Who may do what with the core records."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from megafonen.core.permissions import ANY, OWN, Action, register
from megafonen.core.roles import Role

EVERY_ROLE = dict.fromkeys(Role, ANY)


def _organisation_itself(organisation: Any) -> int | None:
    return int(organisation.pk)


USE_STAFF_AREA = register(Action("core.use_staff_area", _("Use the staff area"), EVERY_ROLE))
USE_ADMIN_SITE = register(
    Action(
        "core.use_admin_site",
        _("Use the administration site"),
        {Role.CITY_ADMINISTRATOR: ANY},
    )
)
MANAGE_PEOPLE = register(
    Action(
        "core.manage_people",
        _("Add people, change their details and memberships"),
        {Role.CITY_ADMINISTRATOR: ANY},
    )
)
MANAGE_ORGANISATIONS = register(
    Action(
        "core.manage_organisations",
        _("Add and change organisations, districts and languages"),
        {Role.CITY_ADMINISTRATOR: ANY},
    )
)
VIEW_ACCESS_LOG = register(
    Action(
        "core.view_access_log",
        _("Read the access log of personal data"),
        {Role.CITY_ADMINISTRATOR: ANY},
    )
)
VIEW_MEMBERS = register(
    Action(
        "core.view_members",
        _("See who belongs to an organisation, with their work contact details"),
        {Role.CITY_ADMINISTRATOR: ANY, Role.PARTNER_COORDINATOR: OWN},
        organisation_of=_organisation_itself,
    )
)
