"""The roles a person can hold in an organisation, and which kinds of organisation offer each."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    CITY_ADMINISTRATION = "city_administration", _("City administration")
    CIVIL_SOCIETY_PARTNER = "civil_society_partner", _("Civil-society partner")
    COMPANY = "company", _("Company")
    ASSOCIATION = "association", _("Association")


class Role(models.TextChoices):
    CITY_ADMINISTRATOR = "city_administrator", _("City administrator")
    CITY_COMMUNICATOR = "city_communicator", _("City communicator")
    PARTNER_COORDINATOR = "partner_coordinator", _("Partner coordinator")
    AMBASSADOR = "ambassador", _("Ambassador")
    RECEIVER = "receiver", _("Receiver")
    LAB_FACILITATOR = "lab_facilitator", _("Lab facilitator")


_EVERY_KIND = frozenset(OrganisationKind)
_PARTNER_KINDS = frozenset({OrganisationKind.CIVIL_SOCIETY_PARTNER, OrganisationKind.ASSOCIATION})

# City staff roles belong to the city's own administrations; partner roles to the groups
# that carry information to residents; anyone may receive needs or facilitate a lab.
ROLE_ORGANISATION_KINDS: dict[Role, frozenset[OrganisationKind]] = {
    Role.CITY_ADMINISTRATOR: frozenset({OrganisationKind.CITY_ADMINISTRATION}),
    Role.CITY_COMMUNICATOR: frozenset({OrganisationKind.CITY_ADMINISTRATION}),
    Role.PARTNER_COORDINATOR: _PARTNER_KINDS,
    Role.AMBASSADOR: _PARTNER_KINDS,
    Role.RECEIVER: _EVERY_KIND,
    Role.LAB_FACILITATOR: _EVERY_KIND,
}
