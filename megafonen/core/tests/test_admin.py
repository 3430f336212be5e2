from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from megafonen.core.models import Membership, User
from megafonen.core.testing import World

SignedIn = Callable[[User], Client]


@pytest.mark.django_db
def test_the_admin_sends_anonymous_visitors_to_the_one_sign_in_page(client: Client) -> None:
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("core:sign_in"))


@pytest.mark.parametrize(
    "person",
    ["communicator", "coordinator", "ambassador", "receiver", "facilitator", "outsider"],
)
def test_only_city_administrators_reach_the_admin(
    world: World, client_for: SignedIn, person: str
) -> None:
    response = client_for(getattr(world, person)).get(
        reverse("admin:index"), follow=True, headers={"accept-language": "en"}
    )
    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()


def test_a_city_administrator_manages_people_and_organisations(
    world: World, client_for: SignedIn
) -> None:
    client = client_for(world.administrator)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    page = index.content.decode()
    for model in ("user", "organisation", "district", "language", "accessentry"):
        if model == "accessentry":
            model = "accesslogentry"
        assert f"/admin/core/{model}/" in page


def test_people_cannot_be_deleted_only_deactivated(world: World, client_for: SignedIn) -> None:
    client = client_for(world.administrator)
    url = reverse("admin:core_user_delete", args=[world.ambassador.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=world.ambassador.pk).exists()


def test_the_admin_refuses_a_role_in_the_wrong_kind_of_organisation(
    world: World, client_for: SignedIn
) -> None:
    client = client_for(world.administrator)
    url = reverse("admin:core_user_change", args=[world.outsider.pk])
    response = client.post(
        url,
        {
            "email": world.outsider.email,
            "full_name": world.outsider.full_name,
            "interface_language": "sv",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-organisation": world.company.pk,
            "memberships-0-role": "ambassador",
            "memberships-0-starts_at_0": "2026-01-01",
            "memberships-0-starts_at_1": "08:00:00",
        },
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert "does not exist in an organisation of the kind" in response.content.decode()
    assert not Membership.objects.filter(user=world.outsider).exists()


@pytest.mark.parametrize("language", ["so", "ti", "prs", "sv-x-easy"])
def test_the_admin_speaks_swedish_where_django_has_no_admin_translation(
    world: World, client_for: SignedIn, language: str
) -> None:
    response = client_for(world.administrator).get(
        reverse("admin:index"), headers={"accept-language": language}
    )
    assert '<html lang="sv"' in response.content.decode()


def test_the_admin_follows_the_browser_where_django_has_a_translation(
    world: World, client_for: SignedIn
) -> None:
    response = client_for(world.administrator).get(
        reverse("admin:index"), headers={"accept-language": "ar"}
    )
    assert '<html lang="ar" dir="rtl"' in response.content.decode()
