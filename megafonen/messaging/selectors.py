from __future__ import annotations

from django.db.models import Count

from megafonen.messaging.models import MessageStatus, OutboundMessage


def batch_progress(*, batch: str) -> dict[str, int]:
    """How many messages of a broadcast are in each status (every status present, even 0)."""
    counts = dict(
        OutboundMessage.objects.filter(batch=batch)
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    return {status.value: int(counts.get(status.value, 0)) for status in MessageStatus}
