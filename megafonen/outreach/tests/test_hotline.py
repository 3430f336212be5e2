"""The hotline: shifts, the public page of hours in every language, inbound calls logged like
outbound ones, and the 46elks voice webhook (against a local fake of 46elks's voice side)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from megafonen.core.models import User
from megafonen.core.testing import World
from megafonen.core.tests.test_page_weight import BUDGET_BYTES, page_weight
from megafonen.outreach import services_hotline
from megafonen.outreach.models import Call, CallTally, HotlineCall, HotlineShift, Question
from megafonen.outreach.testing_voice import FakeVoiceCall, client_poster
from megafonen.outreach.tests.conftest import Calls

SignedIn = Callable[[User], Client]
TOKEN = "voice-secret-123"
AMINA_MOBILE = "+46701740690"
PEER_MOBILE = "+46701740691"
FALLBACK = "+46701740698"


def _shift(world: World, ambassador: User, language: str, *, hours: int = 3) -> HotlineShift:
    now = timezone.now()
    return services_hotline.shift_add(
        actor=world.coordinator,
        partner=world.partner,
        ambassador=ambassador,
        language=language,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=hours),
    )


@pytest.fixture
def voice(settings: Any, world: World, calls: Calls) -> Any:
    settings.OUTREACH_HOTLINE_VOICE_TOKEN = TOKEN
    settings.OUTREACH_HOTLINE_NUMBER = "042-10 50 00"
    settings.OUTREACH_HOTLINE_MENU = ["sv", "ar", "so"]
    settings.OUTREACH_HOTLINE_MENU_AUDIO_URL = "https://media.example.org/meny.mp3"
    settings.OUTREACH_HOTLINE_CLOSED_AUDIO_URL = "https://media.example.org/stangt.mp3"
    settings.OUTREACH_HOTLINE_FALLBACK_NUMBER = ""
    world.ambassador.phone = "070-174 06 90"
    world.ambassador.save()
    calls.outreach.peer.phone = "070-174 06 91"
    calls.outreach.peer.save()
    return settings


def _start() -> str:
    return reverse("outreach_voice:start", args=[TOKEN])


# --- Shifts -----------------------------------------------------------------------------------
def test_a_coordinator_plans_shifts_in_languages_her_ambassadors_speak(
    world: World, calls: Calls
) -> None:
    shift = _shift(world, world.ambassador, "so")
    assert shift.partner == world.partner
    with pytest.raises(ValidationError, match="does not speak"):
        _shift(world, world.ambassador, "ti")
    with pytest.raises(ValidationError, match="already has a shift"):
        _shift(world, world.ambassador, "ar")
    with pytest.raises(ValidationError, match="ambassadors"):
        _shift(world, world.other_ambassador, "uk")
    with pytest.raises(PermissionDenied):
        services_hotline.shift_add(
            actor=world.ambassador,
            partner=world.partner,
            ambassador=world.ambassador,
            language="so",
            starts_at=timezone.now() + timedelta(days=1),
            ends_at=timezone.now() + timedelta(days=1, hours=2),
        )


def test_a_partner_below_the_hotline_level_plans_no_shifts(world: World, calls: Calls) -> None:
    from megafonen.outreach import services

    services.partner_level_set(
        actor=world.communicator,
        topic=calls.outreach.topic,
        organisation=world.partner,
        level=calls.outreach.levels[2],
    )
    with pytest.raises(ValidationError, match="does not include a hotline"):
        _shift(world, world.ambassador, "so")


# --- The public page --------------------------------------------------------------------------
@pytest.mark.parametrize(("language", "direction"), [("sv", "ltr"), ("ar", "rtl"), ("so", "ltr")])
def test_the_public_page_says_when_each_language_answers(
    world: World, calls: Calls, client: Client, settings: Any, language: str, direction: str
) -> None:
    settings.OUTREACH_HOTLINE_NUMBER = "042-10 50 00"
    _shift(world, world.ambassador, "so")
    tomorrow = timezone.localtime() + timedelta(days=1)
    services_hotline.shift_add(
        actor=world.coordinator,
        partner=world.partner,
        ambassador=calls.outreach.peer,
        language="fa",
        starts_at=tomorrow.replace(hour=10, minute=0, second=0, microsecond=0),
        ends_at=tomorrow.replace(hour=14, minute=0, second=0, microsecond=0),
    )
    response = client.get(f"/{language}/topics/hotline/")
    assert response.status_code == 200 and response.cookies == {}
    page = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert "<script" not in page and "style=" not in page
    assert 'href="tel:042-10 50 00">' in page
    assert '<bdi dir="ltr">042-10 50 00</bdi>' in page  # digit groups in order, also in Arabic
    assert 'lang="so" dir="ltr">Soomaali</span>' in page  # open now, and today's hours
    assert 'lang="fa" dir="rtl">فارسی</span>' in page and "10:00–14:00" in page
    # Who is on shift is nobody's business but the partner's.
    assert world.ambassador.full_name not in page and "Leyla" not in page


@pytest.mark.parametrize("language", ["sv", "ar", "ti"])
def test_the_public_page_stays_within_the_page_budget(
    world: World, calls: Calls, client: Client, language: str
) -> None:
    _shift(world, world.ambassador, "so")
    total, assets = page_weight(client, f"/{language}/topics/hotline/")
    assert total <= BUDGET_BYTES, (total, assets)
    assert not any(asset.endswith(".js") for asset in assets)


# --- Logging inbound calls --------------------------------------------------------------------
def test_an_inbound_call_is_logged_like_an_outbound_one(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    client = client_for(world.ambassador)
    page = client.get(reverse("outreach:hotline_log")).content.decode()
    import re

    key = re.search(r'name="log_key" value="([^"]+)"', page)
    assert key is not None
    data = {
        "log_key": key.group(1),
        "topic": calls.outreach.topic.pk,
        "language": "so",
        "district": world.drottninghog.pk,
        "minutes": "5",
        "questions": "Goorma ayuu dhammaanayaa kulaylku?",
        "questions_language": "so",
    }
    assert client.post(reverse("outreach:hotline_log"), data).status_code == 302
    assert client.post(reverse("outreach:hotline_log"), data).status_code == 302  # twice
    call = Call.objects.get()
    assert call.direction == Call.Direction.INBOUND and call.outcome == "reached"
    assert call.partner == world.partner and call.duration_seconds == 300
    assert call.bulletin == calls.outreach.version
    assert Question.objects.get().source == "hotline"
    assert CallTally.objects.get(direction="inbound").calls == 1


def test_another_partner_cannot_log_on_a_hotline_call_connected_to_someone_else(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    hotline_call = HotlineCall.objects.create(
        callid_hash="x" * 64,
        language="so",
        ambassador=world.ambassador,
        partner=world.partner,
        state=HotlineCall.State.CONNECTED,
        connected_at=timezone.now(),
    )
    url = f"{reverse('outreach:hotline_log')}?call={hotline_call.pk}"
    assert client_for(calls.outreach.peer).get(url).status_code == 404
    assert client_for(world.receiver).get(url).status_code == 403
    page = client_for(world.ambassador).get(reverse("outreach:hotline_staff")).content.decode()
    assert f"?call={hotline_call.pk}" in page  # waiting for her to log it
    assert client_for(world.ambassador).get(url).status_code == 200


# --- The 46elks voice webhook -----------------------------------------------------------------
def test_the_webhook_is_off_without_its_secret(client: Client, settings: Any) -> None:
    settings.OUTREACH_HOTLINE_VOICE_TOKEN = ""
    assert client.post(_start(), {"callid": "c1"}).status_code == 404
    settings.OUTREACH_HOTLINE_VOICE_TOKEN = TOKEN
    wrong = reverse("outreach_voice:start", args=["guess"])
    assert client.post(wrong, {"callid": "c1"}).status_code == 404


def test_a_caller_chooses_her_language_and_reaches_the_ambassador_on_shift(
    world: World, calls: Calls, voice: Any, client: Client
) -> None:
    _shift(world, world.ambassador, "so")
    fake = FakeVoiceCall(client_poster(client), answers={AMINA_MOBILE: "success"})
    fake.run(_start(), press="3")  # 3: Somali in this menu
    first = fake.actions[0]
    assert first["ivr"] == "https://media.example.org/meny.mp3" and first["digits"] == 1
    assert fake.rung == [AMINA_MOBILE]
    connect = fake.actions[1]
    assert connect["callerid"] == "+4642105000"  # the hotline's number, not the caller's
    session = HotlineCall.objects.get()
    assert session.state == HotlineCall.State.CONNECTED and session.language == "so"
    assert session.ambassador == world.ambassador and session.ended_at is not None
    # The caller's number is stored nowhere.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM outreach_hotlinecall")
        stored = str(cursor.fetchall())
    assert "1740699" not in stored and fake.callid not in stored


def test_a_busy_ambassador_passes_the_call_to_the_next_on_shift(
    world: World, calls: Calls, voice: Any, client: Client
) -> None:
    _shift(world, world.ambassador, "so")
    _shift(world, calls.outreach.peer, "so")
    fake = FakeVoiceCall(
        client_poster(client), answers={AMINA_MOBILE: "busy", PEER_MOBILE: "success"}
    )
    fake.run(_start(), press="3")
    assert sorted(fake.rung) == sorted([AMINA_MOBILE, PEER_MOBILE])
    assert HotlineCall.objects.get().state == HotlineCall.State.CONNECTED


def test_nobody_on_shift_falls_back_to_the_number_then_the_message(
    world: World, calls: Calls, voice: Any, client: Client
) -> None:
    _shift(world, world.ambassador, "so")
    voice.OUTREACH_HOTLINE_FALLBACK_NUMBER = FALLBACK
    fake = FakeVoiceCall(client_poster(client), answers={FALLBACK: "success"})
    fake.run(_start(), press="2")  # Arabic: nobody on shift
    assert fake.rung == [FALLBACK]
    voice.OUTREACH_HOTLINE_FALLBACK_NUMBER = ""
    closed = FakeVoiceCall(client_poster(client))
    closed.run(_start(), press="2")
    assert closed.rung == [] and closed.played == ["https://media.example.org/stangt.mp3"]
    # Nobody answers: the same fallback.
    unanswered = FakeVoiceCall(client_poster(client), answers={AMINA_MOBILE: "failed"})
    unanswered.run(_start(), press="3")
    assert unanswered.rung == [AMINA_MOBILE]
    assert unanswered.played == ["https://media.example.org/stangt.mp3"]


def test_a_wrong_or_missing_digit_replays_the_menu_then_falls_back(
    world: World, calls: Calls, voice: Any, client: Client
) -> None:
    fake = FakeVoiceCall(client_poster(client))
    fake.run(_start(), press="9")
    assert [("ivr" in action) for action in fake.actions[:2]] == [True, True]
    assert fake.played == ["https://media.example.org/stangt.mp3"]


def test_a_repeated_start_webhook_opens_one_session(
    world: World, calls: Calls, voice: Any, client: Client
) -> None:
    for _attempt in range(2):
        assert (
            client.post(_start(), {"callid": "c-same", "from": "+46701740699"}).status_code == 200
        )
    assert HotlineCall.objects.count() == 1


def test_without_a_recorded_menu_the_call_rings_whoever_is_on_shift(
    world: World, calls: Calls, voice: Any, client: Client
) -> None:
    voice.OUTREACH_HOTLINE_MENU_AUDIO_URL = ""
    _shift(world, calls.outreach.peer, "ar")
    fake = FakeVoiceCall(client_poster(client), answers={PEER_MOBILE: "success"})
    fake.run(_start())
    assert fake.rung == [PEER_MOBILE]


@pytest.mark.django_db(transaction=True)
def test_the_webhook_over_http_against_a_live_server(live_server: Any, settings: Any) -> None:
    from megafonen.core.testing import world_build
    from megafonen.outreach.testing_voice import http_poster

    settings.OUTREACH_HOTLINE_VOICE_TOKEN = TOKEN
    settings.OUTREACH_HOTLINE_MENU_AUDIO_URL = "https://media.example.org/meny.mp3"
    settings.OUTREACH_HOTLINE_CLOSED_AUDIO_URL = "https://media.example.org/stangt.mp3"
    settings.OUTREACH_HOTLINE_FALLBACK_NUMBER = ""
    world_build()
    fake = FakeVoiceCall(http_poster(live_server.url))
    fake.run(_start(), press="1")
    assert fake.played == ["https://media.example.org/stangt.mp3"]
    assert HotlineCall.objects.get().state == HotlineCall.State.FALLBACK
