"""Residents subscribe by text or e-mail with a code (double opt-in), without an account or a
cookie, and stop at any time; addresses are encrypted and every touch is in the access log."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from megafonen.core.models import AccessLogEntry
from megafonen.messaging.testing import FakeSmsProvider, LocalSmtpServer
from megafonen.outreach.forms import form_key_new
from megafonen.outreach.models import Subscription
from megafonen.outreach.tests.conftest import Outreach

AMINA = "+46701740605"  # numbers 070-174 06 05…99 are set aside for fiction


def _subscribe(client: Client, slug: str, *, language: str = "so", **data: str) -> Any:
    form = {
        "channel": "sms",
        "contact": "070-174 06 05",
        "language": language,
        "form_key": form_key_new(),
        "website": "",
        **data,
    }
    return client.post(f"/{language}/topics/{slug}/subscribe/", form)


def _code(text: str) -> str:
    match = re.search(r"\b(\d{6})\b", text)
    assert match, text
    return match[1]


def test_a_resident_subscribes_by_text_with_a_code(
    outreach: Outreach,
    client: Client,
    sms_provider: FakeSmsProvider,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client, outreach.topic.slug)
    assert response.status_code == 302 and response.cookies == {}
    subscription = Subscription.objects.get()
    assert subscription.status == Subscription.Status.PENDING
    assert response["Location"] == f"/so/topics/subscriptions/{subscription.public_id}/"
    [sms] = sms_provider.sent_to(AMINA)
    page = client.get(response["Location"])
    assert page.cookies == {} and "<script" not in page.content.decode()
    confirmed = client.post(
        response["Location"], {"code": _code(sms.message), "form_key": form_key_new()}
    )
    assert confirmed.status_code == 200 and confirmed.cookies == {}
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED
    assert subscription.language == "so"
    assert subscription.contact == AMINA


def test_a_resident_subscribes_by_e_mail_through_the_link(
    outreach: Outreach,
    client: Client,
    smtp_server: LocalSmtpServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(
            client, outreach.topic.slug, channel="email", contact="Amina@Example.org", language="ar"
        )
    [mail] = smtp_server.received
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes)
    found = re.search(r"http://testserver(/ar/topics/subscriptions/\S+)", payload.decode())
    assert found
    link = found[1]
    form = client.get(link).content.decode()
    code = _code(link)
    assert f'value="{code}"' in form  # the code comes filled in; one press confirms
    client.post(link.split("?")[0], {"code": code, "form_key": form_key_new()})
    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.channel, subscription.language) == (
        "confirmed",
        "email",
        "ar",
    )


@pytest.mark.parametrize(
    ("contact", "message"),
    [
        ("12345", "This does not look like a phone number"),
        ("042-10 50 00", "Write a mobile number"),
        ("", "Write your mobile number or your e-mail address"),
    ],
)
def test_a_malformed_number_is_refused_with_a_clear_message_and_nothing_is_lost(
    outreach: Outreach, client: Client, contact: str, message: str
) -> None:
    response = _subscribe(client, outreach.topic.slug, contact=contact, language="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'class="error-summary"' in page
    if contact:
        assert f'value="{contact}"' in page  # what she wrote is still there
    assert not Subscription.objects.exists()


def test_a_bad_e_mail_address_is_refused(outreach: Outreach, client: Client) -> None:
    response = _subscribe(
        client, outreach.topic.slug, channel="email", contact="amina@", language="en"
    )
    assert "Write a whole e-mail address" in response.content.decode()
    assert 'value="amina@"' in response.content.decode()


def test_a_form_key_works_once(
    outreach: Outreach, client: Client, sms_provider: FakeSmsProvider
) -> None:
    key = form_key_new()
    assert _subscribe(client, outreach.topic.slug, form_key=key).status_code == 302
    again = _subscribe(client, outreach.topic.slug, form_key=key, language="en")
    assert "already sent" in again.content.decode()
    assert _subscribe(client, outreach.topic.slug, form_key="forged").status_code == 200


def test_a_bot_filling_the_honeypot_gets_a_polite_page_and_nothing_happens(
    outreach: Outreach, client: Client, sms_provider: FakeSmsProvider
) -> None:
    response = _subscribe(client, outreach.topic.slug, website="http://spam.example")
    assert response.status_code == 200
    assert not Subscription.objects.exists() and sms_provider.messages == []


def test_subscribing_is_rate_limited_per_client_and_per_address(
    outreach: Outreach,
    client: Client,
    settings: Any,
    sms_provider: FakeSmsProvider,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.OUTREACH_CODES_PER_ADDRESS_PER_HOUR = 2
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(2):
            assert _subscribe(client, outreach.topic.slug).status_code == 302
        third = _subscribe(client, outreach.topic.slug, language="en")
    assert "several codes" in third.content.decode()
    assert len(sms_provider.sent_to(AMINA)) == 2
    settings.OUTREACH_SUBSCRIBE_PER_HOUR = 3
    assert _subscribe(client, outreach.topic.slug, contact="070-174 06 06").status_code == 429


def test_wrong_codes_are_counted_and_lock_the_code(
    outreach: Outreach,
    client: Client,
    sms_provider: FakeSmsProvider,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.OUTREACH_CODE_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        url = _subscribe(client, outreach.topic.slug, language="en")["Location"]
    right = _code(sms_provider.messages[0].message)
    wrong = "000000" if right != "000000" else "111111"
    for _attempt in range(2):
        page = client.post(url, {"code": wrong, "form_key": form_key_new()}).content.decode()
        assert "The code is not right" in page
    page = client.post(url, {"code": right, "form_key": form_key_new()}).content.decode()
    assert "too many times" in page
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_unsubscribing_asks_first_then_erases_the_address(
    outreach: Outreach,
    client: Client,
    sms_provider: FakeSmsProvider,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        url = _subscribe(client, outreach.topic.slug)["Location"]
    client.post(url, {"code": _code(sms_provider.messages[0].message), "form_key": form_key_new()})
    subscription = Subscription.objects.get()
    stop = f"/so/topics/subscriptions/{subscription.public_id}/stop/"
    client.get(stop)  # a link checker opening the link changes nothing
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED
    response = client.post(stop, {"form_key": form_key_new()})
    assert response.status_code == 200 and response.cookies == {}
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
    assert subscription.contact == ""
    assert AccessLogEntry.objects.filter(purpose="Resident unsubscribed; address erased").exists()


def test_the_address_is_encrypted_at_rest_and_every_change_is_logged(
    outreach: Outreach,
    client: Client,
    sms_provider: FakeSmsProvider,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, outreach.topic.slug)
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM outreach_subscription")
        [(stored,)] = cursor.fetchall()
    assert "701740605" not in stored
    entry = AccessLogEntry.objects.get(purpose="Resident asked to subscribe to a topic")
    assert entry.actor is None and entry.subject_type == "outreach.subscription"
    assert "701740605" not in str(entry.details)


def test_a_number_that_said_stop_is_refused_with_an_explanation(
    outreach: Outreach, client: Client, settings: Any, sms_provider: FakeSmsProvider
) -> None:
    settings.SMS_INBOUND_TOKEN = "inbound-secret"
    client.post("/messaging/inbound/inbound-secret/", {"from": AMINA, "message": "STOP"})
    response = _subscribe(client, outreach.topic.slug, language="en")
    assert "replied STOP" in response.content.decode()
    assert not Subscription.objects.exists()


def test_an_unknown_language_falls_back_by_the_rule(
    outreach: Outreach, settings: Any, sms_provider: FakeSmsProvider
) -> None:
    from megafonen.outreach.languages import language_resolve

    assert language_resolve("so") == "so"
    assert language_resolve("ar-SY") == "ar"
    assert language_resolve("de") == "sv"
    settings.LANGUAGES = [("sv", "Svenska"), ("ar", "العربية")]
    assert language_resolve("so") == "sv"
