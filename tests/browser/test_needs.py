"""The needs box in a real browser: from the QR code's address to the receipt, the follow-up
and a receiver's answer, in Swedish, Arabic and Somali, with JavaScript on and off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from megafonen.core.testing import TEST_PASSWORD
from megafonen.needs.models import Need
from megafonen.needs.services import points_purge
from megafonen.needs.testing import NeedsWorld, needs_world_build
from megafonen.needs.views import form_cache_clear
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [("sv", "ltr"), ("ar", "rtl"), ("so", "ltr")]
CODE = re.compile(r"^[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}$")


@pytest.fixture
def needs(request: pytest.FixtureRequest, settings: Any) -> Iterator[NeedsWorld]:
    # Set up after the transactional database, so torn down before its flush: the flush may
    # not delete ledger lines, so a purge removes them first (as the access log's does).
    request.getfixturevalue("transactional_db")
    settings.NEEDS_SUBMIT_PER_HOUR = 1000
    cache.clear()
    form_cache_clear()
    world = request.getfixturevalue("world")
    yield needs_world_build(world)
    points_purge(cutoff=timezone.now() + timedelta(days=1), reason="Test teardown")


def _context(browser: Any, language: str, javascript: bool) -> Any:
    return browser.new_context(
        locale=language, java_script_enabled=javascript, viewport={"width": 390, "height": 800}
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize(("language", "direction"), LANGUAGES)
def test_a_resident_scans_sends_and_follows_up_her_need(
    live_server: Any,
    browser: Any,
    needs: NeedsWorld,
    language: str,
    direction: str,
    javascript: bool,
) -> None:
    context = _context(browser, language, javascript)
    page = context.new_page()
    page.goto(f"{live_server.url}/q/{needs.placement.code}")
    assert page.url == f"{live_server.url}/{language}/needs/new/?p={needs.placement.code}"
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == direction
    assert page.locator("#privacy-warning").is_visible()
    assert page.locator("#id_district").input_value() == "drottninghog"

    page.click('label[for="id_category_0"]')
    page.fill("#id_text", "أحتاج مساعدة في إيجاد عمل صيفي لابني")
    page.click('form.needs-form button[type="submit"]')
    code = page.locator(".receipt__code").inner_text().strip()
    assert CODE.match(code)
    assert context.cookies() == []

    page.click(f'a[href^="/{language}/needs/follow-up/?code="]')
    assert page.get_attribute("html", "lang") == language
    assert page.locator("#status").is_visible()
    assert "أحتاج مساعدة" in page.locator(".resident-text").first.inner_text()
    need = Need.objects.get()
    assert need.page_language == language and need.contact_channel == "none"
    context.close()


@pytest.mark.parametrize(("language", "direction"), LANGUAGES)
def test_the_form_with_errors_has_no_wcag_violations_and_keeps_the_text(
    live_server: Any,
    browser: Any,
    axe_source: str,
    needs: NeedsWorld,
    language: str,
    direction: str,
) -> None:
    context = _context(browser, language, True)
    page = context.new_page()
    page.goto(f"{live_server.url}/{language}/needs/new/")
    assert axe_violations(page, axe_source) == []
    page.check("#id_contact_1")  # text message, but no number and no consent
    page.fill("#id_text", "Kept text")
    page.click('form.needs-form button[type="submit"]')
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#id_text_error").is_visible()
    assert page.locator("#id_phone_error").is_visible()
    assert page.locator("#id_consent_error").is_visible()
    assert page.locator("#id_text").input_value() == "Kept text"
    assert page.get_attribute("html", "dir") == direction
    assert axe_violations(page, axe_source) == []
    assert not Need.objects.exists()
    context.close()


def test_the_arabic_form_mirrors_its_layout(
    live_server: Any, browser: Any, needs: NeedsWorld
) -> None:
    context = _context(browser, "ar", False)
    page = context.new_page()
    page.goto(f"{live_server.url}/ar/needs/new/")
    warning = page.locator("#privacy-warning")
    assert warning.evaluate("e => getComputedStyle(e).borderRightWidth") == "6px"
    assert warning.evaluate("e => getComputedStyle(e).borderLeftWidth") == "0px"
    first = page.locator('label[for="id_category_0"]').bounding_box()
    second = page.locator('label[for="id_category_1"]').bounding_box()
    assert first["x"] > second["x"]  # categories run from right to left
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


@pytest.mark.parametrize("language", ["sv", "ar", "so"])
def test_the_form_and_follow_up_fit_320_pixels_and_100_kb_without_script(
    live_server: Any, browser: Any, needs: NeedsWorld, language: str
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    sizes: list[int] = []
    page.on(
        "requestfinished",
        lambda request: sizes.append(
            request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]
        ),
    )
    page.goto(f"{live_server.url}/{language}/needs/new/", wait_until="load")
    page.wait_for_timeout(200)
    assert sum(sizes) <= 100 * 1024, sizes
    assert page.locator("script").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.goto(f"{live_server.url}/{language}/needs/follow-up/?code=AAA-AAA-AAA")
    assert page.locator("#id_code_error").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


def test_a_receiver_answers_and_the_resident_reads_it_in_arabic(
    live_server: Any, browser: Any, axe_source: str, needs: NeedsWorld
) -> None:
    resident = _context(browser, "ar", True)
    page = resident.new_page()
    page.goto(f"{live_server.url}/ar/needs/new/")
    page.click('label[for="id_category_0"]')
    page.fill("#id_text", "أحتاج مساعدة في إيجاد عمل صيفي لابني")
    page.click('form.needs-form button[type="submit"]')
    follow_up = page.locator('a[href^="/ar/needs/follow-up/"]').get_attribute("href")
    need = Need.objects.get()

    staff = browser.new_context(locale="sv")
    desk = staff.new_page()
    desk.goto(f"{live_server.url}/sv/staff/sign-in/?next=/sv/needs/staff/")
    desk.fill("#id_username", needs.world.receiver.email)
    desk.fill("#id_password", TEST_PASSWORD)
    desk.click('form button[type="submit"]')
    assert desk.url.endswith("/sv/needs/staff/")
    assert axe_violations(desk, axe_source) == []
    desk.click(f'a[href="/sv/needs/staff/{need.pk}/"]')
    desk.click('form[action$="/claim/"] button')
    desk.select_option("#id_language", "ar")
    desk.fill("#id_text", "تقدم المدينة وظائف صيفية للشباب بين 16 و19 عاماً.")
    desk.click('form[action$="/answer/"] button[type="submit"]')
    assert "تقدم المدينة" in desk.locator(".answer").inner_text()
    assert axe_violations(desk, axe_source) == []
    staff.close()

    page.goto(f"{live_server.url}{follow_up}")
    answer = page.locator(".answer .resident-text")
    assert answer.get_attribute("lang") == "ar"
    assert "تقدم المدينة" in answer.inner_text()
    assert axe_violations(page, axe_source) == []
    page.click('button[value="helped"]')
    assert page.locator("#status.notice--success").is_visible()
    need.refresh_from_db()
    assert need.helped is True
    resident.close()
