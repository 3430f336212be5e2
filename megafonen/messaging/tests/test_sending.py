from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from megafonen.messaging.models import MessageStatus, OptOut, OutboundMessage
from megafonen.messaging.phone import phone_masked, phone_normalise
from megafonen.messaging.selectors import batch_progress
from megafonen.messaging.services import (
    MessageSpec,
    message_queue,
    messages_queue_many,
    messages_send_due,
    opt_out_record,
    recipient_hash,
)
from megafonen.messaging.testing import FakeSmsProvider, LocalSmtpServer

pytestmark = pytest.mark.django_db

AMINA = "+46701234567"


def _queue_sms(to: str = "070-123 45 67", **extra: Any) -> OutboundMessage:
    return message_queue(
        channel="sms",
        recipient=to,
        body="Hej! Ditt behov har fått svar.",
        language="sv",
        purpose="test",
        **extra,
    )


def _status(message: OutboundMessage) -> str:
    message.refresh_from_db()
    return message.status


# --- Phone numbers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("070-123 45 67", AMINA),
        ("+46 70 123 45 67", AMINA),
        ("0046701234567", AMINA),
        ("+358 40 1234567", "+358401234567"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(raw: str, expected: str) -> None:
    assert phone_normalise(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "070-123", "not a number", "+46701234567890123"])
def test_malformed_phone_numbers_are_refused_with_a_clear_message(raw: str) -> None:
    with pytest.raises(ValidationError) as error:
        phone_normalise(raw)
    assert "phone number" in error.value.messages[0]


def test_a_landline_is_refused_where_a_mobile_is_needed() -> None:
    with pytest.raises(ValidationError, match="mobile"):
        phone_normalise("042-10 50 00", mobile_only=True)


def test_masked_numbers_show_only_the_ends() -> None:
    assert phone_masked(AMINA) == "+4670*****67"


# --- Sending through the fake 46elks API ---------------------------------------------------------
def test_a_queued_text_is_sent_with_a_receipt_address(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue_sms()
    assert _status(message) == MessageStatus.SENT
    [sms] = sms_provider.sent_to(AMINA)
    assert sms.message == "Hej! Ditt behov har fått svar."
    assert sms.sender == "Megafonen"
    assert f"/messaging/receipts/{message.pk}/" in sms.callback
    message.refresh_from_db()
    assert message.provider_message_id == sms.id
    assert message.provider == "46elks"


def test_recipient_and_text_are_encrypted_at_rest(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue_sms()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT recipient, body FROM messaging_outboundmessage WHERE id = %s",
            [message.pk.hex if connection.vendor == "sqlite" else message.pk],
        )
        recipient, body = cursor.fetchone()
    assert AMINA not in recipient and "701234567" not in recipient
    assert "behov" not in body


def test_the_same_dedupe_key_queues_one_message_only(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue_sms(dedupe_key="needs:answer:1")
        second = _queue_sms(dedupe_key="needs:answer:1")
    assert first.pk == second.pk
    assert len(sms_provider.sent_to(AMINA)) == 1


def test_a_provider_answering_500_is_retried_without_sending_twice(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any
) -> None:
    sms_provider.mode = "error500"
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue_sms()
    assert _status(message) == MessageStatus.RETRY
    assert message.last_error == "HTTP 500"
    sms_provider.mode = "ok"
    _make_due(message)
    messages_send_due()
    assert _status(message) == MessageStatus.SENT
    assert len(sms_provider.sent_to(AMINA)) == 1


def test_a_provider_that_is_down_is_retried_later(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any
) -> None:
    sms_provider.stop()
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue_sms()
    assert _status(message) == MessageStatus.RETRY
    assert message.last_attempt_ambiguous is False
    sms_provider.start()
    _make_due(message)
    messages_send_due()
    assert _status(message) == MessageStatus.SENT
    assert len(sms_provider.sent_to(AMINA)) == 1


@pytest.mark.parametrize("mode", ["slow", "lost_answer"])
def test_an_answer_lost_after_the_provider_took_the_text_is_not_sent_twice(
    sms_provider: FakeSmsProvider,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
    mode: str,
) -> None:
    settings.SMS_TIMEOUT_SECONDS = 1
    sms_provider.slow_seconds = 1.5
    sms_provider.mode = mode
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue_sms()
    assert _status(message) == MessageStatus.RETRY
    assert message.last_attempt_ambiguous is True
    sms_provider.mode = "ok"
    _make_due(message)
    messages_send_due()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    [sms] = sms_provider.sent_to(AMINA)  # found at the provider, not sent again
    assert message.provider_message_id == sms.id


def test_a_rejected_number_fails_at_once(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any
) -> None:
    sms_provider.mode = "reject"
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue_sms()
    assert _status(message) == MessageStatus.FAILED
    assert message.last_error == "HTTP 400"


def test_a_message_out_of_attempts_is_failed_or_uncertain(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.MESSAGE_MAX_ATTEMPTS = 2
    sms_provider.stop()
    with django_capture_on_commit_callbacks(execute=True):
        refused = _queue_sms()
    _make_due(refused)
    messages_send_due()
    assert _status(refused) == MessageStatus.FAILED
    sms_provider.start()
    sms_provider.mode = "error500"
    with django_capture_on_commit_callbacks(execute=True):
        ambiguous = _queue_sms("070-765 43 21")
    _make_due(ambiguous)
    messages_send_due()
    assert _status(ambiguous) == MessageStatus.UNCERTAIN


def test_a_worker_that_died_mid_send_is_recovered_without_a_second_copy(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue_sms()
    # As if the worker died after the provider took the text, before recording it.
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING,
        provider_message_id="",
        last_attempt_at=timezone.now() - timedelta(minutes=11),
    )
    messages_send_due()
    assert _status(message) == MessageStatus.SENT
    assert len(sms_provider.sent_to(AMINA)) == 1


def test_two_workers_never_send_the_same_message(sms_provider: FakeSmsProvider) -> None:
    from megafonen.messaging.services import message_send

    message = _queue_sms()  # not committed: no task ran
    assert message_send(message.pk) == MessageStatus.SENT
    assert message_send(message.pk) == MessageStatus.SENT  # already claimed and sent
    assert len(sms_provider.sent_to(AMINA)) == 1


# --- Opt-outs ------------------------------------------------------------------------------------
def test_nothing_is_sent_to_someone_who_said_stop(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any
) -> None:
    opt_out_record(channel="sms", address="0701234567", source="sms-stop")
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue_sms()
    assert _status(message) == MessageStatus.SUPPRESSED
    assert sms_provider.sent_to(AMINA) == []
    # Only a keyed hash of the number is kept.
    assert OptOut.objects.get().recipient_hash == recipient_hash("sms", AMINA)


def test_a_stop_reply_from_the_phone_ends_all_texts(
    sms_provider: FakeSmsProvider, client: Client, settings: Any
) -> None:
    settings.SMS_INBOUND_TOKEN = "inbound-secret"
    waiting = _queue_sms()
    response = client.post(
        "/messaging/inbound/inbound-secret/",
        {"from": AMINA, "to": "+46766861004", "message": "Stopp"},
    )
    assert response.status_code == 200
    assert "inga fler sms" in response.content.decode()
    assert _status(waiting) == MessageStatus.SUPPRESSED
    assert (
        client.post("/messaging/inbound/wrong/", {"from": AMINA, "message": "STOP"}).status_code
        == 404
    )


# --- Delivery receipts ---------------------------------------------------------------------------
def _receipt_path(sms_callback: str) -> str:
    return urlsplit(sms_callback).path


def test_a_delivery_receipt_marks_the_message_delivered_and_repeats_change_nothing(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue_sms()
    [sms] = sms_provider.sent_to(AMINA)
    path = _receipt_path(sms.callback)
    for _repeat in range(3):
        response = client.post(path, {"id": sms.id, "status": "delivered", "delivered": "x"})
        assert response.status_code == 204
    assert _status(message) == MessageStatus.DELIVERED
    # A late "sent" receipt does not move it back.
    client.post(path, {"id": sms.id, "status": "sent"})
    assert _status(message) == MessageStatus.DELIVERED


def test_a_forged_receipt_is_refused(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue_sms()
    [sms] = sms_provider.sent_to(AMINA)
    forged = f"/messaging/receipts/{message.pk}/{'0' * 32}/"
    assert client.post(forged, {"id": sms.id, "status": "failed"}).status_code == 404
    # A right token with another provider id changes nothing either.
    client.post(_receipt_path(sms.callback), {"id": "s-someone-else", "status": "failed"})
    assert _status(message) == MessageStatus.SENT


def test_a_receipt_before_the_id_is_stored_asks_the_provider_to_call_again(
    sms_provider: FakeSmsProvider, client: Client
) -> None:
    from megafonen.messaging.services import receipt_token

    message = _queue_sms()
    OutboundMessage.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING)
    path = f"/messaging/receipts/{message.pk}/{receipt_token(str(message.pk))}/"
    assert client.post(path, {"id": "s1", "status": "delivered"}).status_code == 409


# --- Broadcasts and e-mail -----------------------------------------------------------------------
def test_a_broadcast_is_queued_in_bulk_and_reported_by_status(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any
) -> None:
    opt_out_record(channel="sms", address="070-000 00 03", source="sms-stop")
    specs = [
        MessageSpec(
            "sms",
            f"070-000 00 0{index}",
            f"Nyhet {index}",
            "sv",
            "test",
            dedupe_key=f"broadcast:1:{index}",
        )
        for index in range(1, 6)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert messages_queue_many(specs, batch="broadcast:1") == 5
        assert messages_queue_many(specs, batch="broadcast:1") == 0  # a repeated request
    progress = batch_progress(batch="broadcast:1")
    assert progress["sent"] == 4
    assert progress["suppressed"] == 1
    assert progress["failed"] == 0
    assert len(sms_provider.messages) == 4


def test_e_mail_goes_through_a_real_smtp_server(
    smtp_server: LocalSmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(
            channel="email",
            recipient="Amina@Example.org",
            subject="Svar på ditt behov",
            body="Hej! Du har fått svar.",
            language="sv",
            purpose="test",
        )
    assert _status(message) == MessageStatus.SENT
    [received] = smtp_server.received
    assert received["To"] == "amina@example.org"
    assert received["Content-Language"] == "sv"
    payload = received.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert "Du har fått svar." in payload.decode()


def test_an_smtp_server_that_is_down_is_retried(
    smtp_server: LocalSmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(
            channel="email",
            recipient="amina@example.org",
            subject="Svar",
            body="Hej",
            language="sv",
            purpose="test",
        )
    assert _status(message) == MessageStatus.RETRY
    smtp_server.start()
    _make_due(message)
    messages_send_due()
    assert _status(message) == MessageStatus.SENT
    assert len(smtp_server.received) == 1


def _make_due(message: OutboundMessage) -> None:
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


def test_old_messages_lose_their_recipient_and_text_but_keep_their_figures(
    sms_provider: FakeSmsProvider, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from django.core.management import call_command

    settings.MESSAGE_RETENTION_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        old = _queue_sms()
        recent = _queue_sms("070-765 43 21")
        waiting = message_queue(
            channel="sms", recipient="070-111 22 33", body="Later", language="sv", purpose="test"
        )
    OutboundMessage.objects.filter(pk__in=[old.pk, waiting.pk]).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    OutboundMessage.objects.filter(pk=waiting.pk).update(status=MessageStatus.RETRY)
    call_command("purge_messages")
    old.refresh_from_db()
    assert (old.recipient, old.body, old.recipient_hash) == ("", "", "")
    assert (old.status, old.purpose, old.language) == (MessageStatus.SENT, "test", "sv")
    recent.refresh_from_db()
    assert recent.recipient == "+46707654321"
    waiting.refresh_from_db()  # still to be sent: kept until it is done
    assert waiting.recipient == "+46701112233"
