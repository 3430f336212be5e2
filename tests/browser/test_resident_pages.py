"""The resident pages in a real browser: language, direction, switcher, accessibility, size."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [("sv", "ltr"), ("ar", "rtl"), ("so", "ltr")]
PAGES = ["", "accessibility/", "privacy/", "languages/"]


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(("code", "direction"), LANGUAGES)
def test_the_home_page_declares_language_and_direction(
    live_server: Any, page: Any, code: str, direction: str
) -> None:
    page.goto(f"{live_server.url}/{code}/")
    assert page.get_attribute("html", "lang") == code
    assert page.get_attribute("html", "dir") == direction
    assert page.evaluate("getComputedStyle(document.body).direction") == direction


@pytest.mark.parametrize(("code", "direction"), LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_resident_pages_have_no_wcag_21_aa_violations(
    live_server: Any, page: Any, axe_source: str, code: str, direction: str, path: str
) -> None:
    page.goto(f"{live_server.url}/{code}/{path}")
    assert axe_violations(page, axe_source) == []
    # The open language menu is part of the page too.
    page.click(".language-switcher summary")
    assert axe_violations(page, axe_source) == []


def test_right_to_left_pages_mirror_the_layout(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/sv/")
    brand_ltr = page.locator(".brand").bounding_box()
    page.goto(f"{live_server.url}/ar/")
    brand_rtl = page.locator(".brand").bounding_box()
    width = page.viewport_size["width"]
    assert brand_ltr["x"] < width / 2
    assert brand_rtl["x"] + brand_rtl["width"] > width / 2
    notice = page.locator(".notice").first
    # The accent bar sits at the start edge: the right in Arabic.
    assert notice.evaluate("e => getComputedStyle(e).borderRightWidth") == "6px"
    assert notice.evaluate("e => getComputedStyle(e).borderLeftWidth") == "0px"


@pytest.mark.parametrize("start", ["sv", "ar", "so"])
def test_the_language_switcher_works_without_javascript(
    live_server: Any, browser: Any, start: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/{start}/privacy/")
    page.click(".language-switcher summary")
    page.click('.language-switcher a[lang="ti"]')
    assert page.url == f"{live_server.url}/ti/privacy/"
    assert page.get_attribute("html", "lang") == "ti"
    page.click(".language-switcher summary")
    page.click('.language-switcher a[lang="ar"]')
    assert page.url == f"{live_server.url}/ar/privacy/"
    assert page.get_attribute("html", "dir") == "rtl"
    context.close()


@pytest.mark.parametrize("code", ["sv", "ar", "so"])
@pytest.mark.parametrize("path", PAGES)
def test_pages_fit_a_320_pixel_screen_without_sideways_scrolling(
    live_server: Any, browser: Any, code: str, path: str
) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server.url}/{code}/{path}")
    page.click(".language-switcher summary")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


@pytest.mark.parametrize("code", ["sv", "ar", "so"])
def test_a_resident_page_transfers_at_most_100_kb_and_needs_no_script(
    live_server: Any, browser: Any, code: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sizes: list[int] = []
    page.on(
        "requestfinished",
        lambda request: sizes.append(
            request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]
        ),
    )
    page.goto(f"{live_server.url}/{code}/", wait_until="load")
    page.wait_for_timeout(200)
    assert sum(sizes) <= 100 * 1024, sizes
    assert page.locator("h1").is_visible()
    assert page.locator("script").count() == 0
    context.close()


def test_keyboard_focus_is_visible(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/sv/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid" and shadow != "none"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0  # the skip link comes into view when focused


def test_touch_targets_are_at_least_24_pixels(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/so/")
    page.click(".language-switcher summary")
    small = page.evaluate(
        """() => [...document.querySelectorAll('a, button, summary, input, select, textarea')]
            .filter(e => e.offsetParent !== null && !e.closest('p, li.card p'))
            .map(e => [e.textContent.trim().slice(0, 30), e.getBoundingClientRect().height])
            .filter(([, height]) => height < 24)"""
    )
    assert small == []
