"""Publishing sends the bulletin to the topic's subscribers in their language, through
messaging: no message lost or sent twice, even when the provider goes down mid-broadcast."""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from megafonen.core.models import AccessLogEntry, User
from megafonen.core.testing import World
from megafonen.messaging.models import MessageStatus, OutboundMessage
from megafonen.messaging.services import messages_send_due, recipient_hash
from megafonen.messaging.testing import FakeSmsProvider, LocalSmtpServer
from megafonen.outreach import services
from megafonen.outreach.models import Broadcast, Subscription, Topic
from megafonen.outreach.selectors import broadcast_progress
from megafonen.outreach.testing import translation_approve, version_publish
from megafonen.outreach.tests.conftest import Outreach

SignedIn = Callable[[User], Client]


def _subscribers(
    topic: Topic, count: int, language: str, *, start: int = 0, **fields: Any
) -> list[Subscription]:
    subscriptions = []
    for index in range(start, start + count):
        number = f"+4670174{600 + index:04d}"
        subscriptions.append(
            Subscription.objects.create(
                topic=topic,
                channel="sms",
                contact=number,
                contact_hash=recipient_hash("sms", number),
                language=language,
                public_id=secrets.token_urlsafe(18),
                **{"status": Subscription.Status.CONFIRMED, **fields},
            )
        )
    return subscriptions


def _update(world: World, outreach: Outreach, **text: Any) -> Any:
    return version_publish(
        author=world.communicator, approver=world.second_communicator, topic=outreach.topic, **text
    )


def _make_due() -> None:
    OutboundMessage.objects.filter(status=MessageStatus.RETRY).update(
        next_attempt_at=timezone.now()
    )


def test_publishing_sends_to_confirmed_subscribers_in_their_language(
    world: World,
    outreach: Outreach,
    sms_provider: FakeSmsProvider,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _subscribers(outreach.topic, 3, "sv")
    _subscribers(outreach.topic, 2, "ar", start=10)
    _subscribers(outreach.topic, 1, "so", start=20, status=Subscription.Status.PENDING)
    _subscribers(outreach.topic, 1, "so", start=21, status=Subscription.Status.UNSUBSCRIBED)
    with django_capture_on_commit_callbacks(execute=True):
        version = _update(
            world, outreach, title="Svala rum öppnar", lead="Biblioteken har öppet till 22."
        )
    broadcast = Broadcast.objects.get(bulletin=version)
    assert (broadcast.status, broadcast.recipients, broadcast.fallbacks) == ("done", 5, 2)
    assert len(sms_provider.messages) == 5
    arabic = sms_provider.sent_to("+46701740610")[0].message
    assert "Update: Svala rum öppnar" in arabic or "Svala rum öppnar" in arabic
    assert "Biblioteken har öppet till 22." in arabic
    assert "STOP" in arabic and "/ar/topics/subscriptions/" in arabic
    with translation.override("ar"):
        stamp = translation.gettext("Verified by %(administration)s, version %(number)s.")
    assert stamp % {"administration": "Stadsledningsförvaltningen", "number": 2} in arabic
    assert sms_provider.sent_to("+46701740620") == [] and sms_provider.sent_to("+46701740621") == []
    assert broadcast_progress(broadcast)["sent"] == 5
    read = AccessLogEntry.objects.get(purpose="Subscribers' addresses read to send a broadcast")
    assert read.details["subscriptions"]["count"] == 5


def test_an_approved_translation_follows_to_the_subscribers_of_its_language_once(
    world: World,
    outreach: Outreach,
    sms_provider: FakeSmsProvider,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _subscribers(outreach.topic, 2, "uk")
    _subscribers(outreach.topic, 2, "sv", start=10)
    with django_capture_on_commit_callbacks(execute=True):
        version = _update(world, outreach)
    with django_capture_on_commit_callbacks(execute=True):
        translation_approve(
            bulletin=version,
            language="uk",
            partner=world.other_partner,
            translator=world.other_ambassador,
            reviewer=outreach.other_peer,
            title="Спека в Гельсінгборзі",
            lead="Пийте багато води.",
        )
    uk_texts = [sms.message for sms in sms_provider.sent_to("+46701740600")]
    assert len(uk_texts) == 2
    assert "Värmebölja i Helsingborg" in uk_texts[0]  # Swedish first, with a note in Ukrainian
    assert "Пийте багато води." in uk_texts[1]
    assert len(sms_provider.sent_to("+46701740610")) == 1  # Swedish subscribers: once
    # Fanning the translation out again (a repeated task) queues nothing.
    broadcast = Broadcast.objects.get(bulletin=version, language="uk")
    Broadcast.objects.filter(pk=broadcast.pk).update(status="queued", last_subscription_id=0)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.broadcast_fan_out(broadcast_id=broadcast.pk)
    assert again.queued == broadcast.queued
    assert len(sms_provider.messages) == 6


def _cut_after(provider: FakeSmsProvider, count: int, action: Callable[[], None]) -> None:
    """Run ``action`` (in another thread: the server cannot stop inside its own request)
    once the provider has taken ``count`` messages."""
    accept = provider.accept

    def accepting(*args: Any) -> Any:
        sms = accept(*args)
        if len(provider.messages) == count:
            threading.Thread(target=action).start()
        return sms

    provider.accept = accepting  # type: ignore[method-assign,assignment]


def test_cutting_the_provider_off_mid_broadcast_loses_nothing_and_doubles_nothing(
    world: World,
    outreach: Outreach,
    sms_provider: FakeSmsProvider,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.OUTREACH_FAN_OUT_CHUNK = 7
    subscribers = _subscribers(outreach.topic, 40, "sv") + _subscribers(
        outreach.topic, 20, "so", start=40
    )
    stopped = threading.Event()

    def stop() -> None:
        sms_provider.stop()
        stopped.set()

    _cut_after(sms_provider, 15, stop)
    with django_capture_on_commit_callbacks(execute=True):
        version = _update(world, outreach, lead="Ny information om värmen.")
    assert stopped.wait(5)
    broadcast = Broadcast.objects.get(bulletin=version)
    progress = broadcast_progress(broadcast)
    assert progress["retry"] > 0, progress  # the provider really was cut off mid-way
    assert sum(progress.values()) == 60
    arrived_before = len(sms_provider.messages)
    assert 15 <= arrived_before < 60
    sms_provider.start()
    _make_due()
    messages_send_due()
    progress = broadcast_progress(broadcast)
    assert progress["sent"] == 60, progress
    per_number = Counter(sms.to for sms in sms_provider.messages)
    assert set(per_number) == {subscription.contact for subscription in subscribers}
    assert set(per_number.values()) == {1}


def test_answers_lost_mid_broadcast_are_checked_with_the_provider_not_sent_again(
    world: World,
    outreach: Outreach,
    sms_provider: FakeSmsProvider,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.SMS_TIMEOUT_SECONDS = 1
    _subscribers(outreach.topic, 12, "sv")

    def lose_answers() -> None:
        sms_provider.mode = "lost_answer"

    _cut_after(sms_provider, 4, lose_answers)
    with django_capture_on_commit_callbacks(execute=True):
        version = _update(world, outreach)
    broadcast = Broadcast.objects.get(bulletin=version)
    ambiguous = OutboundMessage.objects.filter(
        batch=broadcast.batch, last_attempt_ambiguous=True
    ).count()
    assert ambiguous > 0
    sms_provider.mode = "error500"
    _make_due()
    messages_send_due()  # answers 500: still not sent twice, still waiting
    sms_provider.mode = "ok"
    _make_due()
    messages_send_due()
    assert broadcast_progress(broadcast)["sent"] == 12
    assert set(Counter(sms.to for sms in sms_provider.messages).values()) == {1}


def test_delivery_receipts_count_once_and_forged_ones_are_refused(
    world: World,
    outreach: Outreach,
    sms_provider: FakeSmsProvider,
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _subscribers(outreach.topic, 3, "sv")
    with django_capture_on_commit_callbacks(execute=True):
        version = _update(world, outreach)
    broadcast = Broadcast.objects.get(bulletin=version)
    first, second = sms_provider.messages[0], sms_provider.messages[1]
    for _repeat in range(3):
        assert (
            client.post(
                urlsplit(first.callback).path, {"id": first.id, "status": "delivered"}
            ).status_code
            == 204
        )
    message_id = urlsplit(second.callback).path.split("/")[3]
    forged = f"/messaging/receipts/{message_id}/{'0' * 32}/"
    assert client.post(forged, {"id": second.id, "status": "failed"}).status_code == 404
    progress = broadcast_progress(broadcast)
    assert (progress["delivered"], progress["sent"], progress["failed"]) == (1, 2, 0)


def test_e_mail_subscribers_get_the_whole_text_and_a_way_to_stop(
    world: World,
    outreach: Outreach,
    smtp_server: LocalSmtpServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    Subscription.objects.create(
        topic=outreach.topic,
        channel="email",
        contact="amina@example.org",
        contact_hash=recipient_hash("email", "amina@example.org"),
        language="so",
        status=Subscription.Status.CONFIRMED,
        public_id="amina-token",
    )
    with django_capture_on_commit_callbacks(execute=True):
        _update(world, outreach, body="Första stycket.\n\nAndra stycket.")
    [mail] = smtp_server.received
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode()
    assert "Andra stycket." in body
    assert "/so/topics/subscriptions/amina-token/stop/" in body
    assert mail["Content-Language"] == "sv"  # Swedish text, for want of a Somali translation


def test_a_subscriber_who_said_stop_gets_nothing(
    world: World,
    outreach: Outreach,
    sms_provider: FakeSmsProvider,
    client: Client,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _subscribers(outreach.topic, 2, "sv")
    settings.SMS_INBOUND_TOKEN = "inbound-secret"
    client.post("/messaging/inbound/inbound-secret/", {"from": "+46701740600", "message": "stopp"})
    with django_capture_on_commit_callbacks(execute=True):
        version = _update(world, outreach)
    progress = broadcast_progress(Broadcast.objects.get(bulletin=version))
    assert (progress["suppressed"], progress["sent"]) == (1, 1)
    assert sms_provider.sent_to("+46701740600") == []


def test_a_withdrawal_is_sent_as_such(
    world: World,
    outreach: Outreach,
    sms_provider: FakeSmsProvider,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _subscribers(outreach.topic, 1, "en")
    with django_capture_on_commit_callbacks(execute=True):
        _update(
            world,
            outreach,
            is_withdrawal=True,
            title="Varningen gäller inte",
            lead="Värmen är över.",
        )
    [sms] = sms_provider.messages
    assert sms.message.startswith("Withdrawn: Varningen gäller inte")


@pytest.mark.parametrize("language", ["xx", "de"])
def test_a_subscriber_in_a_language_no_longer_offered_gets_swedish(
    world: World,
    outreach: Outreach,
    sms_provider: FakeSmsProvider,
    django_capture_on_commit_callbacks: Any,
    language: str,
) -> None:
    _subscribers(outreach.topic, 1, language)
    with django_capture_on_commit_callbacks(execute=True):
        version = _update(world, outreach)
    assert Broadcast.objects.get(bulletin=version).language_counts == {"sv": 1}
    assert f"/sv/topics/{outreach.topic.slug}/" in sms_provider.messages[0].message


def test_the_progress_page_shows_figures_never_addresses(
    world: World,
    outreach: Outreach,
    sms_provider: FakeSmsProvider,
    client_for: SignedIn,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    _subscribers(outreach.topic, 4, "ar")
    with django_capture_on_commit_callbacks(execute=True):
        version = _update(world, outreach)
    broadcast = Broadcast.objects.get(bulletin=version)
    url = reverse("outreach:broadcast_detail", args=[broadcast.pk])
    communicator = client_for(world.communicator)
    communicator.get(url)
    with django_assert_max_num_queries(8):
        page = communicator.get(url).content.decode()
    assert "4 of 4 messages handled" in page
    assert "+4670" not in page
    assert client_for(world.ambassador).get(url).status_code == 403
    workspace = (
        client_for(world.communicator)
        .get(reverse("outreach:topic_workspace", args=[outreach.topic.slug]))
        .content.decode()
    )
    assert "4 confirmed subscribers" in workspace


def test_pending_requests_are_purged_with_their_addresses(outreach: Outreach) -> None:
    [old] = _subscribers(outreach.topic, 1, "sv", status=Subscription.Status.PENDING)
    Subscription.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    _subscribers(outreach.topic, 1, "sv", start=1, status=Subscription.Status.PENDING)
    assert services.subscriptions_purge(older_than_days=7) == 1
    assert Subscription.objects.count() == 1
