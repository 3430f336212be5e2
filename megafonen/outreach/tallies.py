"""Running counts of calls per week and per everything the figures page groups by.

``tally_add`` runs in the transaction that logs a call, so a tally never counts a call that
was rolled back; ``tallies_rebuild`` counts everything again from the call log.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from megafonen.outreach.models import (
    Call,
    CallTally,
)


def week_of(moment: datetime) -> date:
    """The Monday of the week ``moment`` falls in, in the city's time zone."""
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.weekday())


def tally_add(call: Call) -> None:
    key = {
        "week": week_of(call.called_at),
        "partner_id": call.partner_id,
        "topic_id": call.topic_id or 0,
        "campaign_id": call.campaign_id or 0,
        "language": call.language,
        "district_id": call.district_id or 0,
        "direction": call.direction,
        "outcome": call.outcome,
    }
    seconds = call.duration_seconds or 0
    increment = {"calls": F("calls") + 1, "seconds": F("seconds") + seconds}
    if CallTally.objects.filter(**key).update(**increment):
        return
    try:
        with transaction.atomic():
            CallTally.objects.create(**key, calls=1, seconds=seconds)
    except IntegrityError:  # another call created the row at the same moment
        CallTally.objects.filter(**key).update(**increment)


# --- Tallies and the retention purge ----------------------------------------------------------
def tallies_rebuild() -> int:
    """Count every call again from the call log (after a restore, or to check the tallies).
    Returns the number of tally rows."""
    counts: dict[tuple[Any, ...], list[int]] = {}
    calls = Call.objects.values_list(
        "called_at",
        "partner_id",
        "topic_id",
        "campaign_id",
        "language",
        "district_id",
        "direction",
        "outcome",
        "duration_seconds",
    ).order_by()
    for row in calls.iterator(chunk_size=20000):
        called_at, partner, topic, campaign, language, district, direction, outcome, seconds = row
        key = (
            week_of(called_at),
            partner,
            topic or 0,
            campaign or 0,
            language,
            district or 0,
            direction,
            outcome,
        )
        entry = counts.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += seconds or 0
    names = (
        "week",
        "partner_id",
        "topic_id",
        "campaign_id",
        "language",
        "district_id",
        "direction",
        "outcome",
    )
    with transaction.atomic():
        CallTally.objects.all().delete()
        CallTally.objects.bulk_create(
            [
                CallTally(**dict(zip(names, key, strict=True)), calls=calls_, seconds=seconds_)
                for key, (calls_, seconds_) in counts.items()
            ],
            batch_size=2000,
        )
    return len(counts)
