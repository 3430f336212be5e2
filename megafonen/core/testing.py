"""The test world: one named person per role, in organisations of every kind.

Tests across all apps build on it, so a permission test reads like the city it models:
``world.ambassador`` cannot read ``world.other_partner``'s lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from megafonen.core.models import District, Organisation, User
from megafonen.core.roles import OrganisationKind, Role
from megafonen.core.services import languages_sync, membership_grant, user_create

TEST_PASSWORD = "correct horse battery staple"  # noqa: S105  (test accounts only)


@dataclass
class World:
    drottninghog: District
    fredriksdal: District
    city: Organisation  # Stadsledningsförvaltningen
    labour: Organisation  # Arbetsmarknadsförvaltningen
    partner: Organisation  # Stadsdelsmammor-HBG
    other_partner: Organisation  # Rädda Barnen
    company: Organisation
    association: Organisation
    administrator: User
    communicator: User
    second_communicator: User
    coordinator: User
    other_coordinator: User
    ambassador: User
    other_ambassador: User
    receiver: User
    company_receiver: User
    association_receiver: User
    facilitator: User
    outsider: User  # signed-in account with no role at all

    def people_by_role(self) -> dict[Role, User]:
        return {
            Role.CITY_ADMINISTRATOR: self.administrator,
            Role.CITY_COMMUNICATOR: self.communicator,
            Role.PARTNER_COORDINATOR: self.coordinator,
            Role.AMBASSADOR: self.ambassador,
            Role.RECEIVER: self.receiver,
            Role.LAB_FACILITATOR: self.facilitator,
        }


def _organisation(name: str, slug: str, kind: OrganisationKind) -> Organisation:
    return Organisation.objects.create(name=name, slug=slug, kind=kind)


def _person(
    name: str, languages: list[str], organisation: Organisation | None, role: Role | None
) -> User:
    email = name.lower().replace(" ", ".") + "@test.example.org"
    user = user_create(email=email, full_name=name, password=TEST_PASSWORD, languages=languages)
    if organisation is not None and role is not None:
        membership_grant(user=user, organisation=organisation, role=role)
    return user


def world_build() -> World:
    languages_sync()
    drottninghog = District.objects.create(name="Drottninghög", slug="drottninghog")
    fredriksdal = District.objects.create(name="Fredriksdal", slug="fredriksdal")
    city = _organisation("Stadsledningsförvaltningen", "slf", OrganisationKind.CITY_ADMINISTRATION)
    labour = _organisation(
        "Arbetsmarknadsförvaltningen", "amf", OrganisationKind.CITY_ADMINISTRATION
    )
    partner = _organisation("Stadsdelsmammor-HBG", "sdm", OrganisationKind.CIVIL_SOCIETY_PARTNER)
    other_partner = _organisation("Rädda Barnen", "rb", OrganisationKind.CIVIL_SOCIETY_PARTNER)
    company = _organisation("Helsingborgshem", "hbghem", OrganisationKind.COMPANY)
    association = _organisation("IdeA Drottninghög", "idea", OrganisationKind.ASSOCIATION)
    return World(
        drottninghog=drottninghog,
        fredriksdal=fredriksdal,
        city=city,
        labour=labour,
        partner=partner,
        other_partner=other_partner,
        company=company,
        association=association,
        administrator=_person("Alma Admin", ["sv"], city, Role.CITY_ADMINISTRATOR),
        communicator=_person("Carl Communicator", ["sv"], city, Role.CITY_COMMUNICATOR),
        second_communicator=_person("Cecilia Communicator", ["sv"], city, Role.CITY_COMMUNICATOR),
        coordinator=_person("Nadia Coordinator", ["ar", "sv"], partner, Role.PARTNER_COORDINATOR),
        other_coordinator=_person(
            "Oskar Coordinator", ["sv"], other_partner, Role.PARTNER_COORDINATOR
        ),
        ambassador=_person("Amina Ambassador", ["so", "ar", "sv"], partner, Role.AMBASSADOR),
        other_ambassador=_person("Olena Ambassador", ["uk", "sv"], other_partner, Role.AMBASSADOR),
        receiver=_person("Rasmus Receiver", ["sv"], labour, Role.RECEIVER),
        company_receiver=_person("Karin Receiver", ["sv"], company, Role.RECEIVER),
        association_receiver=_person("Ahmed Receiver", ["ar", "sv"], association, Role.RECEIVER),
        facilitator=_person("Linnea Facilitator", ["sv"], city, Role.LAB_FACILITATOR),
        outsider=_person("Otto Outsider", ["sv"], None, None),
    )


def translated(language: str, message: str) -> str:
    """``message`` as a page in ``language`` shows it: tests of translated pages compare with
    the catalogue rather than with a copy of its text."""
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(message)
