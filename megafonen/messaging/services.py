"""Queueing, sending and tracking text messages and e-mail.

Other apps call ``message_queue`` (one message) or ``messages_queue_many`` (a broadcast); the
task queue then calls ``message_send``. Every message is claimed with a conditional UPDATE before
it is sent, so two workers never send the same message, and a ``dedupe_key`` makes queueing
idempotent, so a repeated request never queues a second copy.
"""

from __future__ import annotations

import hashlib
import hmac
import smtplib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from megafonen.messaging.gateways import (
    PermanentFailureError,
    SmsGateway,
    TemporaryFailureError,
    sms_gateway,
)
from megafonen.messaging.models import (
    Channel,
    MessageStatus,
    OptOut,
    OutboundMessage,
)
from megafonen.messaging.phone import phone_normalise

# A message stuck in SENDING this long belonged to a worker that died mid-send.
STALE_SENDING = timedelta(minutes=10)
BATCH_SIZE = 500

STOP_WORDS = frozenset({"STOP", "STOPP", "SLUTA", "AVSLUTA", "AVBRYT", "UNSUBSCRIBE"})


# --- Addresses -----------------------------------------------------------------------------------
def recipient_normalise(channel: str, address: str) -> str:
    if channel == Channel.SMS:
        return phone_normalise(address)
    if channel == Channel.EMAIL:
        cleaned = address.strip().lower()
        validate_email(cleaned)
        return cleaned
    raise ValidationError(f"Unknown channel {channel!r}")


def _hash_with(key: str, channel: str, address: str) -> str:
    return hmac.new(
        key.encode(), f"recipient:{channel}:{address}".encode(), hashlib.sha256
    ).hexdigest()


def recipient_hash(channel: str, address: str) -> str:
    """A keyed hash of a normalised address: equal for equal addresses, useless to anyone
    without the key."""
    return _hash_with(settings.SECRET_KEY, channel, address)


def _recipient_hashes(channel: str, address: str) -> list[str]:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_hash_with(key, channel, address) for key in keys]


def is_opted_out(channel: str, address: str) -> bool:
    return OptOut.objects.filter(
        channel=channel, recipient_hash__in=_recipient_hashes(channel, address)
    ).exists()


def opt_out_record(*, channel: str, address: str, source: str) -> None:
    normalised = recipient_normalise(channel, address)
    OptOut.objects.get_or_create(
        channel=channel,
        recipient_hash=recipient_hash(channel, normalised),
        defaults={"source": source},
    )
    # Nothing waiting for this recipient goes out any more.
    OutboundMessage.objects.filter(
        channel=channel,
        recipient_hash__in=_recipient_hashes(channel, normalised),
        status__in=[MessageStatus.QUEUED, MessageStatus.RETRY],
    ).update(status=MessageStatus.SUPPRESSED)


# --- Queueing ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MessageSpec:
    channel: str
    recipient: str
    body: str
    language: str
    purpose: str
    subject: str = ""
    dedupe_key: str | None = None


def _build(spec: MessageSpec, batch: str, suppressed: set[str]) -> OutboundMessage:
    address = recipient_normalise(spec.channel, spec.recipient)
    digest = recipient_hash(spec.channel, address)
    return OutboundMessage(
        channel=spec.channel,
        recipient=address,
        recipient_hash=digest,
        language=spec.language,
        subject=spec.subject,
        body=spec.body,
        purpose=spec.purpose,
        batch=batch,
        dedupe_key=spec.dedupe_key,
        status=MessageStatus.SUPPRESSED if digest in suppressed else MessageStatus.QUEUED,
    )


def _enqueue(message_ids: Sequence[str]) -> None:
    from megafonen.messaging import tasks

    for start in range(0, len(message_ids), BATCH_SIZE):
        chunk = list(message_ids[start : start + BATCH_SIZE])
        tasks.send_messages.enqueue(chunk)


def message_queue(
    *,
    channel: str,
    recipient: str,
    body: str,
    language: str,
    purpose: str,
    subject: str = "",
    dedupe_key: str | None = None,
    batch: str = "",
) -> OutboundMessage:
    """Queue one message; it is sent after the surrounding transaction commits."""
    if dedupe_key:
        existing = OutboundMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    spec = MessageSpec(channel, recipient, body, language, purpose, subject, dedupe_key)
    address = recipient_normalise(channel, recipient)
    suppressed = {recipient_hash(channel, address)} if is_opted_out(channel, address) else set()
    message = _build(spec, batch, suppressed)
    message.save(force_insert=True)
    if message.status == MessageStatus.QUEUED:
        message_id = str(message.pk)
        transaction.on_commit(lambda: _enqueue([message_id]))
    return message


def messages_queue_many(specs: Iterable[MessageSpec], *, batch: str) -> int:
    """Queue a broadcast in bulk; already queued ``dedupe_key``s are skipped. Returns how
    many new messages were queued (suppressed ones included)."""
    specs = list(specs)
    keys = [spec.dedupe_key for spec in specs if spec.dedupe_key]
    known = (
        set(
            OutboundMessage.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
        )
        if keys
        else set()
    )
    suppressed = set(OptOut.objects.values_list("recipient_hash", flat=True))
    messages = [_build(spec, batch, suppressed) for spec in specs if spec.dedupe_key not in known]
    OutboundMessage.objects.bulk_create(messages, batch_size=1000)
    queued = [str(message.pk) for message in messages if message.status == MessageStatus.QUEUED]
    transaction.on_commit(lambda: _enqueue(queued))
    return len(messages)


# --- Sending -------------------------------------------------------------------------------------
def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _throttle(channel: str) -> None:
    """At most N messages a second per channel, across every worker (fixed one-second window
    in the shared cache)."""
    limit = settings.SMS_PER_SECOND if channel == Channel.SMS else settings.EMAIL_PER_SECOND
    while True:
        second = int(time.time())
        key = f"messaging:rate:{channel}:{second}"
        cache.add(key, 0, timeout=5)
        try:
            count = cache.incr(key)
        except ValueError:
            continue
        if count <= limit:
            return
        time.sleep(max(second + 1 - time.time(), 0.01))


def receipt_token(message_id: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"receipt:{message_id}".encode(), hashlib.sha256
    ).hexdigest()[:32]


def status_callback_url(message: OutboundMessage) -> str:
    path = reverse("messaging:receipt", args=[message.pk, receipt_token(str(message.pk))])
    return f"{settings.SITE_URL}{path}"


def _send_email(message: OutboundMessage, connection: Any) -> str:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"Content-Language": message.language},
        connection=connection,
    )
    try:
        email.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        raise PermanentFailureError(type(error).__name__) from None
    except TimeoutError:
        raise TemporaryFailureError("timeout", ambiguous=True) from None
    except (smtplib.SMTPException, OSError) as error:
        raise TemporaryFailureError(type(error).__name__) from None
    return ""


def _claim(message_id: Any, now: datetime) -> OutboundMessage | None:
    claimed = (
        OutboundMessage.objects.filter(
            pk=message_id, status__in=[MessageStatus.QUEUED, MessageStatus.RETRY]
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=MessageStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=now)
    )
    if not claimed:
        return None
    return OutboundMessage.objects.get(pk=message_id)


def message_send(
    message_id: Any, *, gateway: SmsGateway | None = None, connection: Any = None
) -> str:
    """Send one message if it is due and nobody else is sending it; returns its new status."""
    now = timezone.now()
    message = _claim(message_id, now)
    if message is None:
        current = OutboundMessage.objects.filter(pk=message_id).values_list("status", flat=True)
        return current[0] if current else ""
    try:
        provider_id = ""
        if message.channel == Channel.SMS:
            gateway = gateway or sms_gateway()
            found = None
            if message.last_attempt_ambiguous:
                found = gateway.find_sent(
                    to=message.recipient, body=message.body, since=message.created_at
                )
            if found is None:
                _throttle(message.channel)
                found = gateway.send(
                    to=message.recipient,
                    body=message.body,
                    status_callback_url=status_callback_url(message),
                )
            provider_id = found.provider_message_id
            provider = gateway.name
        else:
            _throttle(message.channel)
            provider_id = _send_email(message, connection or get_connection())
            provider = "smtp"
    except PermanentFailureError as failure:
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=MessageStatus.FAILED, last_error=str(failure)[:300]
        )
        return MessageStatus.FAILED
    except TemporaryFailureError as failure:
        return _schedule_retry(message, failure)
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENT,
        provider=provider,
        provider_message_id=provider_id,
        sent_at=timezone.now(),
        last_attempt_ambiguous=False,
        last_error="",
    )
    return MessageStatus.SENT


def _schedule_retry(message: OutboundMessage, failure: TemporaryFailureError) -> str:
    ambiguous = failure.ambiguous or message.last_attempt_ambiguous
    if message.attempts >= settings.MESSAGE_MAX_ATTEMPTS:
        # Out of attempts: an ambiguous message may have arrived, so it is not called failed.
        status = MessageStatus.UNCERTAIN if ambiguous else MessageStatus.FAILED
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=status, last_error=str(failure)[:300]
        )
        return status
    when = timezone.now() + _backoff(message.attempts)
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.RETRY,
        next_attempt_at=when,
        last_attempt_ambiguous=ambiguous,
        last_error=str(failure)[:300],
    )
    from megafonen.messaging import tasks

    if tasks.send_messages.get_backend().supports_defer:
        tasks.send_messages.using(run_after=when).enqueue([str(message.pk)])
    return MessageStatus.RETRY


def messages_send(message_ids: Iterable[Any]) -> dict[str, int]:
    """Send several messages over one SMS gateway and one SMTP connection."""
    gateway = sms_gateway()
    connection = get_connection()
    outcome: dict[str, int] = {}
    for message_id in message_ids:
        status = message_send(message_id, gateway=gateway, connection=connection)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


def messages_send_due(*, limit: int = 5000) -> dict[str, int]:
    """What a sweep finds due: queued messages whose task was lost, retries whose time has
    come, and messages a dead worker left half-sent (checked with the provider first)."""
    now = timezone.now()
    OutboundMessage.objects.filter(
        status=MessageStatus.SENDING, last_attempt_at__lt=now - STALE_SENDING
    ).update(status=MessageStatus.RETRY, last_attempt_ambiguous=True, next_attempt_at=now)
    due = list(
        OutboundMessage.objects.filter(status__in=[MessageStatus.QUEUED, MessageStatus.RETRY])
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return messages_send(due)


# --- Receipts and replies ------------------------------------------------------------------------
_RECEIPT_STATUSES = {
    # 46elks
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "failed": MessageStatus.FAILED,
    # Twilio
    "undelivered": MessageStatus.FAILED,
}


def delivery_receipt_apply(*, message_id: Any, provider_message_id: str, status: str) -> bool:
    """Apply a provider's receipt. Repeats and out-of-order receipts change nothing; a receipt
    that names another provider message is ignored. Returns whether anything changed."""
    new_status = _RECEIPT_STATUSES.get(status)
    if new_status is None or new_status == MessageStatus.SENT:
        return False
    matching = OutboundMessage.objects.filter(
        pk=message_id,
        provider_message_id=provider_message_id,
        status__in=[MessageStatus.SENT, MessageStatus.SENDING, MessageStatus.RETRY],
    )
    fields: dict[str, Any] = {"status": new_status}
    if new_status == MessageStatus.DELIVERED:
        fields["delivered_at"] = timezone.now()
    return bool(matching.update(**fields))


def inbound_sms_handle(*, sender: str, text: str) -> str:
    """A text a resident sent to the platform's number; STOP ends all messages to her."""
    words = text.strip().upper().split()
    if words and words[0].strip(".!") in STOP_WORDS:
        try:
            opt_out_record(channel=Channel.SMS, address=sender, source="sms-stop")
        except ValidationError:
            return ""
        return "Megafonen: Du får inga fler sms från oss. / You will get no more texts from us."
    return ""


# --- Retention ------------------------------------------------------------------------------------
def messages_purge(*, now: datetime | None = None) -> int:
    """Erase who a message went to and what it said once ``MESSAGE_RETENTION_DAYS`` have passed
    and nothing more will be sent; channel, purpose, language, status and dates stay for the
    figures. Returns how many messages were erased."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.MESSAGE_RETENTION_DAYS)
    finished = [
        MessageStatus.SENT,
        MessageStatus.DELIVERED,
        MessageStatus.FAILED,
        MessageStatus.SUPPRESSED,
        MessageStatus.UNCERTAIN,
    ]
    return (
        OutboundMessage.objects.filter(created_at__lt=cutoff, status__in=finished)
        .exclude(recipient_hash="")
        .update(recipient="", subject="", body="", recipient_hash="")
    )
