"""Demo data that makes a fresh platform feel like Helsingborg's: districts, the city's
administrations, partners from the city's own project pages, and one person per role."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from megafonen.core.models import District, Language, Membership, Organisation, User
from megafonen.core.roles import OrganisationKind, Role
from megafonen.core.services import languages_sync, membership_grant, user_create

DISTRICTS = [
    "Centrum",
    "Dalhem",
    "Drottninghög",
    "Eneborg",
    "Fredriksdal",
    "Gustavslund",
    "Husensjö",
    "Mariastaden",
    "Norr",
    "Närlunda",
    "Planteringen",
    "Påarp",
    "Råå",
    "Söder",
    "Tågaborg",
    "Ödåkra",
]

# Spoken by residents and ambassadors, though the interface does not (yet) speak them.
EXTRA_LANGUAGES = [
    ("am", "አማርኛ", "Amharic", "ltr"),
    ("kmr", "Kurmancî", "Kurdish (Kurmanji)", "ltr"),
    ("ps", "پښتو", "Pashto", "rtl"),
    ("ro", "Română", "Romanian", "ltr"),
    ("rmy", "Romani ćhib", "Romani (Arli)", "ltr"),
    ("fi", "Suomi", "Finnish", "ltr"),
]

ORGANISATIONS: list[tuple[str, OrganisationKind, list[str], str]] = [
    (
        "Arbetsmarknadsförvaltningen",
        OrganisationKind.CITY_ADMINISTRATION,
        [],
        "Labour market administration: work, studies and Swedish for adults.",
    ),
    (
        "Socialförvaltningen",
        OrganisationKind.CITY_ADMINISTRATION,
        [],
        "Social services administration: support for families, children and adults.",
    ),
    (
        "Stadsledningsförvaltningen",
        OrganisationKind.CITY_ADMINISTRATION,
        [],
        "City management administration: communication, development and the residents' lab.",
    ),
    (
        "Kulturförvaltningen",
        OrganisationKind.CITY_ADMINISTRATION,
        [],
        "Culture administration: libraries, culture and leisure.",
    ),
    (
        "Stadsdelsmammor-HBG",
        OrganisationKind.CIVIL_SOCIETY_PARTNER,
        ["Drottninghög", "Dalhem", "Planteringen", "Fredriksdal", "Söder"],
        "The District Mothers: women who spread information and support families in their "
        "districts, in many languages.",
    ),
    (
        "Rädda Barnen Helsingborg",
        OrganisationKind.CIVIL_SOCIETY_PARTNER,
        ["Planteringen", "Fredriksdal"],
        "Save the Children's local association.",
    ),
    (
        "IdeA Drottninghög",
        OrganisationKind.ASSOCIATION,
        ["Drottninghög"],
        "Non-profit association for activities in Drottninghög.",
    ),
    (
        "Områdesnätverk Fredriksdal",
        OrganisationKind.ASSOCIATION,
        ["Fredriksdal"],
        "Area network of associations, schools and landlords in Fredriksdal.",
    ),
    (
        "Områdesnätverk Planteringen",
        OrganisationKind.ASSOCIATION,
        ["Planteringen"],
        "Area network of associations, schools and landlords in Planteringen.",
    ),
    (
        "Helsingborgshem",
        OrganisationKind.COMPANY,
        ["Drottninghög", "Dalhem", "Planteringen"],
        "The city's housing company.",
    ),
]

PEOPLE: list[tuple[str, str, Role, str, list[str]]] = [
    ("Sara Lind", "sara.lind", Role.CITY_ADMINISTRATOR, "Stadsledningsförvaltningen", ["sv", "en"]),
    (
        "Johan Berg",
        "johan.berg",
        Role.CITY_COMMUNICATOR,
        "Stadsledningsförvaltningen",
        ["sv", "en"],
    ),
    (
        "Maria Ek",
        "maria.ek",
        Role.CITY_COMMUNICATOR,
        "Stadsledningsförvaltningen",
        ["sv", "en", "pl"],
    ),
    (
        "Nadia Haddad",
        "nadia.haddad",
        Role.PARTNER_COORDINATOR,
        "Stadsdelsmammor-HBG",
        ["ar", "sv", "en"],
    ),
    ("Amina Yusuf", "amina.yusuf", Role.AMBASSADOR, "Stadsdelsmammor-HBG", ["so", "ar", "sv"]),
    ("Leyla Karimi", "leyla.karimi", Role.AMBASSADOR, "Stadsdelsmammor-HBG", ["fa", "prs", "sv"]),
    ("Selam Tesfay", "selam.tesfay", Role.AMBASSADOR, "Stadsdelsmammor-HBG", ["ti", "am", "sv"]),
    (
        "Olena Kovalenko",
        "olena.kovalenko",
        Role.AMBASSADOR,
        "Rädda Barnen Helsingborg",
        ["uk", "pl", "sv"],
    ),
    ("Erik Holm", "erik.holm", Role.RECEIVER, "Arbetsmarknadsförvaltningen", ["sv", "en"]),
    ("Lina Persson", "lina.persson", Role.RECEIVER, "Helsingborgshem", ["sv", "bs"]),
    ("Ahmed Karim", "ahmed.karim", Role.RECEIVER, "IdeA Drottninghög", ["ar", "ckb", "sv"]),
    (
        "Nora Sandberg",
        "nora.sandberg",
        Role.LAB_FACILITATOR,
        "Stadsledningsförvaltningen",
        ["sv", "en", "tr"],
    ),
]

DEMO_EMAIL_DOMAIN = "demo.example.org"


@dataclass(frozen=True)
class DemoLogin:
    name: str
    email: str
    password: str
    role: str
    organisation: str


def _demo_password() -> str:
    # Readable aloud in a workshop, yet long enough for the password validators.
    return "-".join(secrets.token_hex(3) for _ in range(3))


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    """Create or refresh the demo records; every run gives the demo people new passwords."""
    languages_sync()
    for code, endonym, english_name, direction in EXTRA_LANGUAGES:
        Language.objects.update_or_create(
            code=code,
            defaults={"endonym": endonym, "english_name": english_name, "direction": direction},
        )
    districts = {
        name: District.objects.update_or_create(slug=slugify(name), defaults={"name": name})[0]
        for name in DISTRICTS
    }
    organisations = {}
    for name, kind, district_names, description in ORGANISATIONS:
        organisation, _created = Organisation.objects.update_or_create(
            slug=slugify(name), defaults={"name": name, "kind": kind, "description": description}
        )
        organisation.districts.set([districts[district] for district in district_names])
        organisations[name] = organisation

    logins = []
    for full_name, local_part, role, organisation_name, languages in PEOPLE:
        email = f"{local_part}@{DEMO_EMAIL_DOMAIN}"
        password = _demo_password()
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email,
                full_name=full_name,
                password=password,
                languages=languages,
                interface_language=languages[0],
            )
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        organisation = organisations[organisation_name]
        if (
            not Membership.objects.current()
            .filter(user=user, organisation=organisation, role=role)
            .exists()
        ):
            membership_grant(user=user, organisation=organisation, role=role)
        logins.append(DemoLogin(full_name, email, password, str(role.label), organisation_name))
    return logins
