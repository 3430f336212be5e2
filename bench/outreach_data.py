"""Data for bench_outreach.py, run inside a served database by ``Server.python``."""

from __future__ import annotations

import json
import secrets
import time

from megafonen.core.testing import world_build
from megafonen.messaging.services import recipient_hash
from megafonen.outreach import services
from megafonen.outreach.models import Broadcast, Subscription, Topic
from megafonen.outreach.testing import levels_ensure, topic_with_version, version_publish

LANGUAGES = ["sv", "sv-x-easy", "en", "ar", "fa", "prs", "so", "ti", "bs", "ckb", "pl", "tr"]


def prepare(count: int) -> None:
    """The test world, a published topic and ``count`` confirmed SMS subscribers spread over
    twelve languages (mobile numbers +46 70 1xx xx xx, all valid, all distinct)."""
    started = time.monotonic()
    world = world_build()
    levels = levels_ensure()
    topic, first = topic_with_version(author=world.communicator, approver=world.second_communicator)
    services.partner_level_set(
        actor=world.communicator, topic=topic, organisation=world.partner, level=levels[2]
    )
    # Version 1 went out before anyone subscribed: its queued fan-out has nobody to reach.
    services.broadcast_fan_out(broadcast_id=Broadcast.objects.get(bulletin=first).pk)
    batch = []
    for index in range(count):
        number = f"+46701{index:06d}"
        batch.append(
            Subscription(
                topic=topic,
                channel="sms",
                contact=number,
                contact_hash=recipient_hash("sms", number),
                language=LANGUAGES[index % len(LANGUAGES)],
                status=Subscription.Status.CONFIRMED,
                public_id=secrets.token_urlsafe(18),
            )
        )
        if len(batch) == 5000:
            Subscription.objects.bulk_create(batch)
            batch = []
    Subscription.objects.bulk_create(batch)
    print(json.dumps({"slug": topic.slug, "seconds": time.monotonic() - started}))


def publish() -> None:
    """Publish version 2 as two communicators: the broadcast is queued for the workers."""
    from megafonen.core.models import User

    topic = Topic.objects.get()
    author = User.objects.get(email="carl.communicator@test.example.org")
    approver = User.objects.get(email="cecilia.communicator@test.example.org")
    version = version_publish(
        author=author, approver=approver, topic=topic, lead="Värmen håller i sig till måndag."
    )
    print(json.dumps({"broadcast": Broadcast.objects.get(bulletin=version, language="").pk}))


def progress(broadcast_id: int) -> None:
    from django.db.models import Max, Min

    from megafonen.messaging.models import OutboundMessage
    from megafonen.messaging.selectors import batch_progress

    broadcast = Broadcast.objects.get(pk=broadcast_id)
    sent = OutboundMessage.objects.filter(batch=broadcast.batch, sent_at__isnull=False).aggregate(
        first=Min("sent_at"), last=Max("sent_at")
    )
    print(
        json.dumps(
            {
                "status": broadcast.status,
                "recipients": broadcast.recipients,
                "queued": broadcast.queued,
                "fallbacks": broadcast.fallbacks,
                "languages": len(broadcast.language_counts),
                "fan_out_seconds": (
                    (broadcast.finished_at - broadcast.started_at).total_seconds()
                    if broadcast.finished_at and broadcast.started_at
                    else None
                ),
                "published_to_fan_out_start": (
                    (broadcast.started_at - broadcast.bulletin.published_at).total_seconds()
                    if broadcast.started_at and broadcast.bulletin.published_at
                    else None
                ),
                "first_sent": sent["first"].timestamp() if sent["first"] else None,
                "last_sent": sent["last"].timestamp() if sent["last"] else None,
                "published": broadcast.bulletin.published_at.timestamp()
                if broadcast.bulletin.published_at
                else None,
                "by_status": batch_progress(batch=broadcast.batch),
            }
        )
    )
