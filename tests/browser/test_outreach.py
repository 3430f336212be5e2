"""Verified information in a real browser: the topic page in Swedish, Arabic and Somali with
JavaScript on and off, right to left, the Swedish-fallback notice, the subscription form's
errors, accessibility (axe-core, WCAG 2.1 AA) and the page budget."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from megafonen.core.testing import World
from megafonen.outreach import services
from megafonen.outreach.models import Topic
from megafonen.outreach.testing import levels_ensure, topic_with_version, translation_approve
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def topic(world: World, settings: Any, tmp_path: Any) -> Topic:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OUTREACH_SUBSCRIBE_PER_HOUR = 1000
    cache.clear()
    levels = levels_ensure()
    topic, version = topic_with_version(
        author=world.communicator, approver=world.second_communicator
    )
    services.partner_level_set(
        actor=world.communicator, topic=topic, organisation=world.other_partner, level=levels[2]
    )
    from megafonen.core.roles import Role
    from megafonen.core.services import membership_grant, user_create

    peer = user_create(email="peer@test.example.org", full_name="Peer", languages=["so"])
    membership_grant(user=peer, organisation=world.other_partner, role=Role.AMBASSADOR)
    translation_approve(
        bulletin=version,
        language="so",
        partner=world.other_partner,
        translator=world.other_ambassador,
        reviewer=peer,
        title="Kulayl xad dhaaf ah oo Helsingborg ka jira",
        lead="Cab biyo badan oo hooska joog.",
        body="Heerkulka waxaa la filayaa inuu ka badnaado 30 darajo.",
        instruction="Wac 1177 haddii kulaylku kuu xumaado.",
    )
    return topic


def _page(browser: Any, *, javascript: bool = True, width: int = 1024) -> Any:
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": width, "height": 800}
    )
    return context.new_page()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize(
    ("language", "direction", "text_language", "fallback"),
    [("sv", "ltr", "sv", False), ("ar", "rtl", "sv", True), ("so", "ltr", "so", False)],
)
def test_the_topic_page_in_three_languages(
    live_server: Any,
    browser: Any,
    topic: Topic,
    axe_source: str,
    language: str,
    direction: str,
    text_language: str,
    fallback: bool,
    javascript: bool,
) -> None:
    page = _page(browser, javascript=javascript)
    page.goto(f"{live_server.url}/{language}/topics/{topic.slug}/")
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == direction
    article = page.locator("article.bulletin")
    assert article.get_attribute("lang") == text_language
    assert article.evaluate("e => getComputedStyle(e).direction") == "ltr"
    notice = page.locator(".notice--important")
    assert notice.count() == (1 if fallback else 0)
    if fallback:
        assert notice.is_visible()
        # The notice is in the visitor's language and its accent bar sits at her start edge.
        assert notice.evaluate("e => getComputedStyle(e).borderRightWidth") == "6px"
    assert page.locator(".stamp").is_visible()
    assert page.locator("svg.qr-code").is_visible()
    if javascript:
        assert axe_violations(page, axe_source) == []
    page.context.close()


@pytest.mark.parametrize("language", ["sv", "ar", "so"])
def test_the_topic_page_transfers_at_most_100_kb_without_script_or_audio(
    live_server: Any, browser: Any, topic: Topic, language: str
) -> None:
    page = _page(browser, javascript=False, width=320)
    sizes: list[int] = []
    urls: list[str] = []

    def finished(request: Any) -> None:
        urls.append(request.url)
        sizes.append(request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"])

    page.on("requestfinished", finished)
    page.goto(f"{live_server.url}/{language}/topics/{topic.slug}/", wait_until="load")
    page.wait_for_timeout(200)
    assert sum(sizes) <= 100 * 1024, list(zip(urls, sizes, strict=True))
    assert not any("/audio/" in url for url in urls)  # audio loads only when played
    assert page.locator("script").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("language", ["sv", "ar", "so"])
def test_subscription_form_errors_are_clear_and_accessible(
    live_server: Any, browser: Any, topic: Topic, axe_source: str, language: str, javascript: bool
) -> None:
    page = _page(browser, javascript=javascript)
    page.goto(f"{live_server.url}/{language}/topics/{topic.slug}/subscribe/")
    assert page.locator("#id_language").input_value() == language
    page.fill("#id_contact", "12345")
    page.click("button[type=submit]")
    page.locator(".error-summary").wait_for()  # the answer is a new page: wait for it
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#id_contact").input_value() == "12345"  # nothing is lost
    assert page.locator("#id_contact_error").is_visible()
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    if javascript:
        assert axe_violations(page, axe_source) == []
    else:
        page.context.close()
        page = _page(browser, javascript=True)
        page.goto(f"{live_server.url}/{language}/topics/{topic.slug}/subscribe/")
        assert axe_violations(page, axe_source) == []
    page.context.close()


def test_the_topic_list_is_accessible_in_arabic(
    live_server: Any, browser: Any, topic: Topic, axe_source: str
) -> None:
    page = _page(browser)
    page.goto(f"{live_server.url}/ar/topics/")
    assert page.locator(".card").count() == 1
    assert axe_violations(page, axe_source) == []
    page.context.close()
