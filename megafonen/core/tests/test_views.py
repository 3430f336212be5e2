from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from megafonen.core.models import AccessLogEntry, User
from megafonen.core.permissions import ACCESS_ATTRIBUTE, PUBLIC
from megafonen.core.testing import World

SignedIn = Callable[[User], Client]


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":  # guarded by the admin site's has_permission
                continue
            yield from _patterns(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def test_every_view_declares_who_may_use_it() -> None:
    unmarked = [
        route
        for route, pattern in _patterns(get_resolver())
        if not getattr(pattern.callback, ACCESS_ATTRIBUTE, None)
    ]
    assert unmarked == []


def test_staff_views_are_not_marked_public() -> None:
    markers = {
        pattern.name: getattr(pattern.callback, ACCESS_ATTRIBUTE)
        for _route, pattern in _patterns(get_resolver())
    }
    assert markers["staff_home"] == "core.use_staff_area"
    assert markers["organisation_members"] == "core.use_staff_area"
    assert markers["home"] == PUBLIC


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["core:staff_home"])
def test_staff_pages_send_anonymous_visitors_to_sign_in(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:sign_in"))


def test_a_person_without_roles_is_refused_the_staff_area(
    world: World, client_for: SignedIn
) -> None:
    response = client_for(world.outsider).get(reverse("core:staff_home"))
    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()


def test_staff_home_lists_roles_and_only_permitted_work(world: World, client_for: SignedIn) -> None:
    page = client_for(world.coordinator).get(reverse("core:staff_home")).content.decode()
    assert "Stadsdelsmammor-HBG" in page
    assert reverse("core:organisation_members", args=[world.partner.slug]) in page
    assert reverse("admin:index") not in page

    admin_page = client_for(world.administrator).get(reverse("core:staff_home")).content.decode()
    assert reverse("admin:index") in admin_page


def test_coordinator_reads_her_members_and_the_read_is_logged(
    world: World, client_for: SignedIn
) -> None:
    url = reverse("core:organisation_members", args=[world.partner.slug])
    response = client_for(world.coordinator).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert world.ambassador.email in page
    assert world.other_ambassador.email not in page
    entry = AccessLogEntry.objects.get(purpose="Members list viewed")
    assert entry.actor == world.coordinator
    assert entry.action == "read"
    assert entry.subject_id == str(world.partner.pk)
    assert world.ambassador.pk in entry.details["people"]
    assert world.ambassador.email not in str(entry.details)


@pytest.mark.parametrize(
    "person", ["other_coordinator", "ambassador", "receiver", "communicator", "facilitator"]
)
def test_others_cannot_read_a_partners_members(
    world: World, client_for: SignedIn, person: str
) -> None:
    url = reverse("core:organisation_members", args=[world.partner.slug])
    response = client_for(getattr(world, person)).get(url)
    assert response.status_code == 403
    assert world.ambassador.email not in response.content.decode()
    assert not AccessLogEntry.objects.filter(purpose="Members list viewed").exists()


def test_administrator_reads_any_organisations_members(world: World, client_for: SignedIn) -> None:
    url = reverse("core:organisation_members", args=[world.other_partner.slug])
    assert client_for(world.administrator).get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["core:home", "core:accessibility_statement", "core:privacy_notice", "core:languages"]
)
def test_resident_pages_set_no_cookies(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response.cookies == {}
    assert "<script" not in response.content.decode()


@pytest.mark.django_db
def test_unknown_pages_answer_404_in_the_visitors_language(client: Client) -> None:
    response = client.get("/so/no-such-page/")
    assert response.status_code == 404
    assert '<html lang="so"' in response.content.decode()


@pytest.mark.django_db
def test_health_check(client: Client) -> None:
    assert client.get("/healthz").content == b"ok"


@pytest.mark.django_db
def test_security_headers(client: Client) -> None:
    response = client.get(reverse("core:home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_privacy_notice_tells_residents_on_call_lists_what_is_kept(client: Client) -> None:
    page = client.get("/so/privacy/").content.decode()
    assert "Haddii hay'ad la shaqeysa ay ku soo wacdo" in page  # "If a partner calls you"
    assert "khadka caawimaadda, lambarkaaga lama kaydiyo" in page  # the hotline keeps no number
