from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from megafonen.core.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from megafonen.core.models import User
from megafonen.core.testing import TEST_PASSWORD, World

SignedIn = Callable[[User], Client]


def _sign_in(client: Client, email: str, password: str) -> str:
    response = client.post(
        reverse("core:sign_in"),
        {"username": email, "password": password, "next": reverse("core:staff_home")},
        follow=True,
    )
    return response.content.decode()


def test_staff_sign_in_with_e_mail_and_password(world: World, client: Client) -> None:
    page = _sign_in(client, world.ambassador.email.upper(), TEST_PASSWORD)
    assert "Signed in as Amina Ambassador" in page


def test_a_wrong_password_gets_a_clear_message_and_keeps_the_address(
    world: World, client: Client
) -> None:
    page = _sign_in(client, world.ambassador.email, "wrong password")
    assert "The e-mail address or the password is wrong" in page
    assert f'value="{world.ambassador.email}"' in page


def test_an_empty_form_says_what_is_missing(world: World, client: Client) -> None:
    page = _sign_in(client, "", "")
    assert "Write your e-mail address." in page
    assert "Write your password." in page


def test_the_sign_in_page_speaks_the_visitors_language(world: World, client: Client) -> None:
    response = client.post("/sv/staff/sign-in/", {"username": "x@example.org", "password": "nope"})
    assert '<html lang="sv"' in response.content.decode()
    assert response.status_code == 200


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    world: World, client: Client, settings: object
) -> None:
    for _attempt in range(5):
        _sign_in(client, world.ambassador.email, "wrong password")
    page = _sign_in(client, world.ambassador.email, TEST_PASSWORD)
    assert "Too many failed attempts" in page
    assert "15 minutes" in page
    assert "Signed in as" not in page
    # Other accounts are unaffected.
    assert "Signed in as" in _sign_in(Client(), world.coordinator.email, TEST_PASSWORD)


def test_the_lock_opens_after_the_lockout_period(world: World, client: Client) -> None:
    from django.core.cache import cache

    for _attempt in range(5):
        _sign_in(client, world.ambassador.email, "wrong password")
    cache.clear()  # what the cache's expiry does after LOGIN_LOCKOUT_MINUTES
    assert "Signed in as" in _sign_in(client, world.ambassador.email, TEST_PASSWORD)


def test_the_lockout_stores_no_address_or_name_in_the_clear(world: World, client: Client) -> None:
    from django.db import connection

    _sign_in(client, world.ambassador.email, "wrong password")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM megafonen_cache")
        keys = " ".join(row[0] for row in cursor.fetchall())
    assert "lockout:account:" in keys
    assert world.ambassador.email not in keys
    assert "127.0.0.1" not in keys


def test_an_idle_session_expires(world: World, client: Client) -> None:
    _sign_in(client, world.receiver.email, TEST_PASSWORD)
    client.get(reverse("core:staff_home"))
    session = client.session
    session[LAST_SEEN_AT] = (timezone.now() - timedelta(minutes=31)).timestamp()
    session.save()
    response = client.get(reverse("core:staff_home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("core:sign_in"))
    assert "signed out after a period without activity" in response.content.decode()


def test_a_session_ends_after_its_maximum_length_even_when_active(
    world: World, client: Client
) -> None:
    _sign_in(client, world.receiver.email, TEST_PASSWORD)
    client.get(reverse("core:staff_home"))
    session = client.session
    session[SIGNED_IN_AT] = (timezone.now() - timedelta(hours=9)).timestamp()
    session.save()
    response = client.get(reverse("core:staff_home"))
    assert response.status_code == 302


def test_sign_out_needs_a_post_and_ends_the_session(world: World, client_for: SignedIn) -> None:
    client = client_for(world.receiver)
    assert client.get(reverse("core:sign_out")).status_code == 405
    client.post(reverse("core:sign_out"))
    assert client.get(reverse("core:staff_home")).status_code == 302


@pytest.mark.django_db
def test_the_session_cookie_is_http_only_and_expires(world: World, client: Client) -> None:
    response = client.post(
        reverse("core:sign_in"), {"username": world.receiver.email, "password": TEST_PASSWORD}
    )
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_staff_land_in_their_own_interface_language(world: World, client: Client) -> None:
    world.ambassador.interface_language = "so"
    world.ambassador.save()
    response = client.post(
        "/sv/staff/sign-in/", {"username": world.ambassador.email, "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/so/staff/"


def test_a_page_to_return_to_wins_over_the_interface_language(world: World, client: Client) -> None:
    response = client.post(
        "/sv/staff/sign-in/?next=/sv/languages/",
        {"username": world.ambassador.email, "password": TEST_PASSWORD, "next": "/sv/languages/"},
    )
    assert response["Location"] == "/sv/languages/"
