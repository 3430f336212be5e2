from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from megafonen.core.demo import DEMO_EMAIL_DOMAIN, demo_load
from megafonen.core.models import District, Membership, Organisation, User
from megafonen.core.roles import OrganisationKind, Role


@pytest.mark.django_db
def test_the_demo_has_helsingborgs_districts_administrations_and_partners() -> None:
    demo_load()
    districts = set(District.objects.values_list("name", flat=True))
    assert {"Planteringen", "Fredriksdal", "Drottninghög", "Dalhem"} <= districts
    administrations = set(
        Organisation.objects.filter(kind=OrganisationKind.CITY_ADMINISTRATION).values_list(
            "name", flat=True
        )
    )
    assert {
        "Arbetsmarknadsförvaltningen",
        "Socialförvaltningen",
        "Stadsledningsförvaltningen",
    } <= administrations
    assert Organisation.objects.get(name="Stadsdelsmammor-HBG").kind == (
        OrganisationKind.CIVIL_SOCIETY_PARTNER
    )


@pytest.mark.django_db
def test_the_demo_has_one_person_per_role_who_can_sign_in() -> None:
    logins = demo_load()
    roles = {login.role for login in logins}
    assert roles == {str(role.label) for role in Role}
    for login in logins:
        assert authenticate(None, username=login.email, password=login.password) is not None


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_passwords_but_duplicates_nothing() -> None:
    first = demo_load()
    people, memberships = User.objects.count(), Membership.objects.count()
    second = demo_load()
    assert (User.objects.count(), Membership.objects.count()) == (people, memberships)
    assert {login.password for login in first}.isdisjoint({login.password for login in second})


@pytest.mark.django_db
def test_the_command_prints_the_log_ins(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_demo")
    output = capsys.readouterr().out
    assert f"sara.lind@{DEMO_EMAIL_DOMAIN}" in output
    assert "/sv/staff/sign-in/" in output


@pytest.mark.django_db
def test_the_first_city_administrator_can_be_created_from_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from megafonen.core.permissions import can

    monkeypatch.setattr("getpass.getpass", lambda prompt: "a long enough passphrase 42")
    call_command("create_city_administrator", email="First@Example.se", name="First Admin")
    user = User.objects.get(email="first@example.se")
    assert can(user, "core.use_admin_site")
