"""Handing needs an ambassador heard in a call to the needs box (app ``megafonen.needs``).

Outreach uses the needs box only through ``megafonen.needs.services`` and ``selectors``, and
only when the app is installed. Only needs the resident agreed to pass on are handed over,
anonymously (no contact details: follow-up runs through the partner who called her).

Handing over runs in a background task, so a failure in the needs box never loses the call
log: a consented need stays *waiting* until it is handed over (``manage.py
hand_off_spotted_needs`` retries any left waiting).
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

NEEDS_APP = "megafonen.needs"


def needs_box_installed() -> bool:
    return apps.is_installed(NEEDS_APP)


def _needs_services() -> Any:
    from megafonen.needs import services

    return services


def need_categories(language: str) -> list[tuple[str, str]]:
    """The needs box's categories, named in ``language`` (empty without the needs box)."""
    if not needs_box_installed():
        return []
    from megafonen.needs import selectors

    return [(category.code, category.name(language)) for category in selectors.categories_active()]


def spotted_need_hand_off_later(spotted_id: int) -> None:
    from megafonen.outreach import tasks

    tasks.hand_off_spotted_need.enqueue(spotted_id)


def spotted_need_hand_off(*, spotted_id: int) -> str:
    """Hand one consented need to the needs box, once. Returns the need's status here."""
    from megafonen.outreach.models import SpottedNeed

    if not needs_box_installed():
        return SpottedNeed.Status.WAITING
    services = _needs_services()
    from megafonen.needs import selectors

    with transaction.atomic():
        spotted = (
            SpottedNeed.objects.select_for_update(of=("self",))
            .select_related("call__district")
            .filter(pk=spotted_id, status=SpottedNeed.Status.WAITING, consented=True)
            .first()
        )
        if spotted is None:
            return SpottedNeed.Status.HANDED_OVER
        categories = {category.code: category for category in selectors.categories_active()}
        category = categories.get(spotted.category) or categories.get("other")
        if category is None:
            logger.warning("No needs box category for spotted need %s", spotted.pk)
            return spotted.status
        submitted = services.need_submit(
            category=category,
            text=spotted.text,
            page_language=spotted.language,
            submission_key=services.submission_key_mint(),
            district=spotted.call.district,
        )
        spotted.status = SpottedNeed.Status.HANDED_OVER
        spotted.need_id = submitted.need.pk
        spotted.handed_over_at = timezone.now()
        spotted.save(update_fields=["status", "need_id", "handed_over_at"])
    return spotted.status


def spotted_needs_hand_off_waiting() -> int:
    """Hand over every consented need still waiting (after the needs box became able to take
    them). Returns how many were handed over."""
    from megafonen.outreach.models import SpottedNeed

    if not needs_box_installed():
        return 0
    handed = 0
    for spotted_id in SpottedNeed.objects.filter(status=SpottedNeed.Status.WAITING).values_list(
        "pk", flat=True
    ):
        if spotted_need_hand_off(spotted_id=spotted_id) == SpottedNeed.Status.HANDED_OVER:
            handed += 1
    return handed
