"""Calls in a real browser: an ambassador logs calls on a 320-pixel phone with and without
JavaScript; the hotline page in Swedish, Arabic and Somali; the question form; the figures
page; all free of axe-core (WCAG 2.1 A and AA) violations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from megafonen.core.models import User
from megafonen.core.roles import Role
from megafonen.core.services import membership_grant, user_create
from megafonen.core.testing import TEST_PASSWORD, World
from megafonen.outreach import services, services_hotline
from megafonen.outreach.models import Call, CallCampaign, CallContact, Topic
from megafonen.outreach.testing import levels_ensure, topic_with_version, translation_approve
from megafonen.outreach.testing_calls import FICTIONAL_MOBILES, campaign_open, contacts_add
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class CallsWorld:
    world: World
    topic: Topic
    campaign: CallCampaign


@pytest.fixture
def calls(world: World, settings: Any, tmp_path: Any) -> CallsWorld:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OUTREACH_HOTLINE_NUMBER = "042-10 50 00"
    settings.OUTREACH_QUESTIONS_PER_HOUR = 1000
    cache.clear()
    levels = levels_ensure()
    topic, version = topic_with_version(
        author=world.communicator, approver=world.second_communicator
    )
    services.partner_level_set(
        actor=world.communicator, topic=topic, organisation=world.partner, level=levels[3]
    )
    peer = user_create(email="peer@test.example.org", full_name="Peer", languages=["so", "ar"])
    membership_grant(user=peer, organisation=world.partner, role=Role.AMBASSADOR)
    translation_approve(
        bulletin=version,
        language="so",
        partner=world.partner,
        translator=world.ambassador,
        reviewer=peer,
        title="Kulayl xad dhaaf ah oo Helsingborg ka jira",
        lead="Cab biyo badan oo hooska joog.",
        instruction="Wac 1177 haddii kulaylku kuu xumaado.",
    )
    campaign = campaign_open(
        actor=world.coordinator, topic=topic, partner=world.partner, languages=["so", "ar"]
    )
    contacts_add(
        actor=world.coordinator,
        campaign=campaign,
        rows=[(number, "so") for number in FICTIONAL_MOBILES[:4]],
        district=world.drottninghog,
    )
    now = timezone.now()
    services_hotline.shift_add(
        actor=world.coordinator,
        partner=world.partner,
        ambassador=world.ambassador,
        language="so",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
    )
    services_hotline.shift_add(
        actor=world.coordinator,
        partner=world.partner,
        ambassador=peer,
        language="ar",
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=3),
    )
    return CallsWorld(world=world, topic=topic, campaign=campaign)


def _signed_in(browser: Any, live_server: Any, user: User, *, javascript: bool) -> Any:
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 320, "height": 640}, locale="sv"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/sv/staff/sign-in/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", TEST_PASSWORD)
    page.click('form button[type="submit"]')
    page.wait_for_url(f"{live_server.url}/sv/staff/**")
    return page


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_ambassador_logs_calls_on_a_320_pixel_phone(
    live_server: Any, browser: Any, axe_source: str, calls: CallsWorld, javascript: bool
) -> None:
    page = _signed_in(browser, live_server, calls.world.ambassador, javascript=javascript)
    page.goto(f"{live_server.url}/en/topics/staff/calls/{calls.campaign.pk}/")
    _fits(page)
    page.click("text=Next call")
    page.wait_for_url("**/staff/calls/call/**")
    _fits(page)
    # The number to dial, as a tel: link big enough for a thumb.
    dial = page.locator(".call-number a")
    assert dial.get_attribute("href").startswith("tel:+4670174060")
    assert dial.bounding_box()["height"] >= 44
    # The script in her language, marked as Somali.
    assert page.locator('.script__text[lang="so"]').inner_text().startswith("Kulayl")
    if javascript:
        assert axe_violations(page, axe_source) == []
    # No answer: one tap, and the next call is on the screen.
    first = page.url
    page.click('button[value="no_answer"]')
    page.wait_for_url(lambda url: url != first and "/staff/calls/call/" in url)
    # Reached: choose a length, tick the text message, one tap.
    page.select_option("#id_minutes", "5")
    page.check("#id_send_sms")
    page.fill("#id_questions", "Goorma ayuu dhammaanayaa kulaylku?")
    page.click('button[value="reached"]')
    page.wait_for_load_state()
    _fits(page)
    outcomes = sorted(Call.objects.values_list("outcome", flat=True))
    assert outcomes == ["no_answer", "reached"]
    reached = Call.objects.get(outcome="reached")
    assert reached.duration_seconds == 300 and reached.sms_sent
    assert reached.translation is not None and reached.translation.language == "so"
    page.context.close()


def test_a_colleague_cannot_open_a_call_that_is_not_hers(
    live_server: Any, browser: Any, calls: CallsWorld
) -> None:
    page = _signed_in(browser, live_server, calls.world.ambassador, javascript=False)
    page.goto(f"{live_server.url}/en/topics/staff/calls/{calls.campaign.pk}/")
    page.click("text=Next call")
    page.wait_for_url("**/staff/calls/call/**")
    url = page.url
    page.context.close()
    other = _signed_in(browser, live_server, calls.world.other_ambassador, javascript=False)
    response = other.goto(url)
    assert response is not None and response.status == 403
    contact = CallContact.objects.get(assigned_to=calls.world.ambassador)
    assert contact.phone not in other.content()
    other.context.close()


@pytest.mark.parametrize(("language", "direction"), [("sv", "ltr"), ("ar", "rtl"), ("so", "ltr")])
def test_the_hotline_page_in_three_languages(
    live_server: Any,
    browser: Any,
    axe_source: str,
    calls: CallsWorld,
    language: str,
    direction: str,
) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    sizes: list[int] = []
    page.on(
        "requestfinished",
        lambda request: sizes.append(
            request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]
        ),
    )
    page.goto(f"{live_server.url}/{language}/topics/hotline/", wait_until="load")
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == direction
    assert page.locator('.hours [lang="so"]').first.is_visible()
    assert page.locator('[lang="ar"][dir="rtl"]').count() >= 1  # tomorrow's Arabic hours
    assert context.cookies() == []
    assert page.locator("script").count() == 0
    _fits(page)
    page.wait_for_timeout(200)
    assert sum(sizes) <= 100 * 1024, sizes
    assert axe_violations(page, axe_source) == []
    context.close()


@pytest.mark.parametrize("language", ["sv", "ar", "so"])
def test_a_resident_asks_a_question_without_script_or_cookie(
    live_server: Any, browser: Any, axe_source: str, calls: CallsWorld, language: str
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server.url}/{language}/topics/{calls.topic.slug}/ask/")
    _fits(page)
    page.fill("#id_text", "Ma jiraan qolal qabow oo Dalhem ah?")
    page.click('label[for="id_reply_channel_1"]')  # a text message
    page.fill("#id_reply_to", "12")
    page.click('form button[type="submit"]')
    page.locator(".error-summary").wait_for()
    assert page.locator("#id_text").input_value() == "Ma jiraan qolal qabow oo Dalhem ah?"
    page.click('label[for="id_reply_channel_0"]')  # no answer after all
    page.fill("#id_reply_to", "")
    page.click('form button[type="submit"]')
    page.locator("h1").wait_for()
    assert context.cookies() == []
    context.close()
    checked = browser.new_context()
    page = checked.new_page()
    page.goto(f"{live_server.url}/{language}/topics/{calls.topic.slug}/ask/")
    assert axe_violations(page, axe_source) == []
    checked.close()


def test_the_figures_page_is_accessible_and_fits_a_phone(
    live_server: Any, browser: Any, axe_source: str, calls: CallsWorld
) -> None:
    page = _signed_in(browser, live_server, calls.world.communicator, javascript=True)
    page.goto(f"{live_server.url}/sv/topics/staff/figures/")
    _fits(page)
    assert page.locator("table.chart").count() >= 4
    assert axe_violations(page, axe_source) == []
    page.goto(f"{live_server.url}/ar/topics/staff/figures/")
    _fits(page)
    assert axe_violations(page, axe_source) == []
    page.context.close()


def test_the_coordinator_imports_a_list_and_sees_each_rejected_row(
    live_server: Any, browser: Any, axe_source: str, calls: CallsWorld, tmp_path: Any
) -> None:
    csv_file = tmp_path / "lista.csv"
    csv_file.write_bytes(
        "telefon;språk;stadsdel\n0701740690;so;Drottninghög\n12345;so;\n0701740691;klingon;\n".encode(
            "latin-1"
        )
    )
    page = _signed_in(browser, live_server, calls.world.coordinator, javascript=True)
    page.goto(f"{live_server.url}/sv/topics/staff/calls/{calls.campaign.pk}/import/")
    _fits(page)
    page.set_input_files("#id_file", str(csv_file))
    page.fill("#id_consent_note", "Föräldramötet i maj")
    page.check("#id_everyone_agreed")
    page.click('main form button[type="submit"]')
    page.wait_for_url("**/staff/calls/imports/**")
    _fits(page)
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    assert page.locator(".notice--important").count() == 1  # read as Windows-1252
    assert axe_violations(page, axe_source) == []
    before = CallContact.objects.count()
    page.click('button[value="confirm"]')
    page.wait_for_url(f"**/staff/calls/{calls.campaign.pk}/")
    assert CallContact.objects.count() == before + 1
    page.context.close()
