"""Broadcasts: a bulletin version, or an answer of a topic's questions and answers, sent to the
topic's confirmed subscribers through messaging, each in her language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from megafonen.core.models import AccessLogEntry
from megafonen.core.services import access_log_record
from megafonen.messaging.models import Channel
from megafonen.messaging.services import MessageSpec, messages_queue_many
from megafonen.outreach import notices
from megafonen.outreach.languages import language_resolve
from megafonen.outreach.models import Broadcast, Bulletin, Subscription

if TYPE_CHECKING:
    from megafonen.outreach.models import Answer


def broadcast_start(
    *,
    bulletin: Bulletin | None = None,
    answer: Answer | None = None,
    reason: str,
    language: str = "",
) -> Broadcast | None:
    """Create the broadcast (once per version or answer and language) and fan it out after
    commit."""
    source = bulletin if bulletin is not None else answer
    if source is None or not source.is_published:
        return None
    broadcast, created = Broadcast.objects.get_or_create(
        bulletin=bulletin, answer=answer, language=language, defaults={"reason": reason}
    )
    if created:
        from megafonen.outreach import tasks

        broadcast_id = broadcast.pk
        transaction.on_commit(lambda: tasks.fan_out_broadcast.enqueue(broadcast_id))
    return broadcast


def _text(broadcast: Broadcast, language: str) -> notices.BroadcastText:
    if broadcast.bulletin is not None:
        return notices.broadcast_text(broadcast.bulletin, language)
    from megafonen.outreach.notices_calls import answer_broadcast_text

    assert broadcast.answer is not None  # noqa: S101  (one of the two, by a check constraint)
    return answer_broadcast_text(broadcast.answer, language)


def _dedupe_key(broadcast: Broadcast, language: str, subscription_id: int) -> str:
    if broadcast.bulletin_id is not None:
        return f"outreach:{broadcast.bulletin_id}:{language}:{subscription_id}"
    return f"outreach:answer:{broadcast.answer_id}:{language}:{subscription_id}"


def broadcast_fan_out(*, broadcast_id: int) -> Broadcast:
    """Queue one message per confirmed subscriber, chunk by chunk, each chunk in its own
    transaction. Resumes where it stopped; dedupe keys make a repeated chunk queue nothing."""
    claimed = Broadcast.objects.filter(
        pk=broadcast_id, status__in=[Broadcast.Status.QUEUED, Broadcast.Status.FANNING_OUT]
    ).update(status=Broadcast.Status.FANNING_OUT, started_at=timezone.now())
    broadcast = Broadcast.objects.select_related(
        "bulletin__topic", "bulletin__administration", "answer__topic"
    ).get(pk=broadcast_id)
    if not claimed:
        return broadcast
    texts: dict[str, notices.BroadcastText] = {}
    chunk_size = settings.OUTREACH_FAN_OUT_CHUNK
    subscribers = Subscription.objects.filter(
        topic_id=broadcast.topic.pk, status=Subscription.Status.CONFIRMED
    )
    if broadcast.language:
        subscribers = subscribers.filter(language=broadcast.language)
    counts: dict[str, int] = dict(broadcast.language_counts)
    while True:
        chunk = list(
            subscribers.filter(pk__gt=broadcast.last_subscription_id)
            .order_by("pk")
            .only("pk", "channel", "contact", "language", "public_id")[:chunk_size]
        )
        if not chunk:
            break
        specs = []
        fallbacks = 0
        for subscription in chunk:
            language = language_resolve(subscription.language)
            text = texts.get(language)
            if text is None:
                text = texts[language] = _text(broadcast, language)
            if broadcast.language and text.is_fallback:
                continue  # a translation broadcast only carries the translation
            fallbacks += text.is_fallback
            counts[text.language] = counts.get(text.language, 0) + 1
            is_sms = subscription.channel == Channel.SMS
            specs.append(
                MessageSpec(
                    channel=subscription.channel,
                    recipient=subscription.contact,
                    body=(text.sms if is_sms else text.email).replace(
                        notices.SUBSCRIPTION_PLACEHOLDER, subscription.public_id
                    ),
                    language=text.language,
                    purpose="outreach.broadcast",
                    subject="" if is_sms else text.subject,
                    dedupe_key=_dedupe_key(broadcast, text.language, subscription.pk),
                )
            )
        with transaction.atomic():
            queued = messages_queue_many(specs, batch=broadcast.batch) if specs else 0
            access_log_record(
                actor=None,
                action=AccessLogEntry.Action.READ,
                subject=broadcast,
                purpose="Subscribers' addresses read to send a broadcast",
                details={
                    "fields": ["contact"],
                    "subscriptions": {"from": chunk[0].pk, "to": chunk[-1].pk, "count": len(chunk)},
                },
            )
            broadcast.last_subscription_id = chunk[-1].pk
            broadcast.recipients += len(specs)
            broadcast.queued += queued
            broadcast.fallbacks += fallbacks
            broadcast.language_counts = counts
            broadcast.save(
                update_fields=[
                    "last_subscription_id",
                    "recipients",
                    "queued",
                    "fallbacks",
                    "language_counts",
                ]
            )
    broadcast.status = Broadcast.Status.DONE
    broadcast.finished_at = timezone.now()
    broadcast.save(update_fields=["status", "finished_at"])
    return broadcast
