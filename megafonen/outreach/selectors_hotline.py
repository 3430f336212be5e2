"""Reads of the hotline: when it answers in which language, and the calls it connected."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import pgettext_lazy

from megafonen.outreach.languages import direction, enabled_codes, language_name
from megafonen.outreach.models import HotlineCall, HotlineShift


@dataclass
class LanguageHours:
    code: str
    name: str
    direction: str
    hours: list[tuple[datetime, datetime]] = field(default_factory=list)


# Our own names, so a page in Somali or Tigrinya (for which Django has no dates) never shows
# an English weekday.
WEEKDAYS = [
    pgettext_lazy("weekday", "Monday"),
    pgettext_lazy("weekday", "Tuesday"),
    pgettext_lazy("weekday", "Wednesday"),
    pgettext_lazy("weekday", "Thursday"),
    pgettext_lazy("weekday", "Friday"),
    pgettext_lazy("weekday", "Saturday"),
    pgettext_lazy("weekday", "Sunday"),
]


@dataclass
class Day:
    day: date
    languages: list[LanguageHours]
    open_now: list[str] = field(default_factory=list)

    @property
    def weekday(self) -> str:
        return str(WEEKDAYS[self.day.weekday()])


def _merged(periods: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def hotline_week(now: datetime, days: int = 7) -> list[Day]:
    """Today and the following days: per language, the hours someone answers (overlapping
    shifts merged), in the city's time zone. Who is on shift is never shown."""
    today = timezone.localdate(now)
    start = timezone.make_aware(datetime.combine(today, time.min))
    end = start + timedelta(days=days)
    enabled = enabled_codes()
    shifts = (
        HotlineShift.objects.filter(starts_at__lt=end, ends_at__gt=start, language__in=enabled)
        .order_by("starts_at")
        .values_list("language", "starts_at", "ends_at")
    )
    per_day: dict[date, dict[str, list[tuple[datetime, datetime]]]] = {}
    for language, starts_at, ends_at in shifts:
        local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
        day = local_start.date()
        while day <= local_end.date() and day < today + timedelta(days=days):
            day_start = timezone.make_aware(datetime.combine(day, time.min))
            day_end = day_start + timedelta(days=1)
            piece = (max(local_start, day_start), min(local_end, day_end))
            if piece[0] < piece[1] and day >= today:
                per_day.setdefault(day, {}).setdefault(language, []).append(piece)
            day += timedelta(days=1)
    result = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        languages = [
            LanguageHours(code, language_name(code), direction(code), _merged(periods))
            for code, periods in sorted(
                per_day.get(day, {}).items(), key=lambda item: enabled.index(item[0])
            )
        ]
        entry = Day(day, languages)
        if offset == 0:
            entry.open_now = [
                item.code
                for item in languages
                if any(start <= now < end for start, end in item.hours)
            ]
        result.append(entry)
    return result


def my_hotline_calls(user: Any) -> list[HotlineCall]:
    """Calls the voice menu connected to her in the last day that she has not logged yet."""
    since = timezone.now() - timedelta(days=1)
    return list(
        HotlineCall.objects.filter(
            ambassador=user,
            state=HotlineCall.State.CONNECTED,
            connected_at__gte=since,
            logged_call__isnull=True,
        ).order_by("-connected_at")
    )
